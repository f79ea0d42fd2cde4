package console

import (
	"time"

	"github.com/sharedesk/sharedesk/views"
)

// FileRow is one row of the Files page.
type FileRow struct {
	ID, Name, Type string
	Size           int64
	Updated        time.Time
	Folder         string // the path of the folder it is in, where that is not the folder shown
	Preview        bool   // a file the browser can show safely (images, PDF, text)
	CanOrganize    bool   // this person may rename and move it
}

// RenameVM renames a file or folder, re-shown with what was typed and the problem.
type RenameVM struct {
	Page
	Item   FileRow
	Back   string // the folder page the person came from
	Name   string
	Errors map[string]string
}

// MoveVM chooses where a file or folder goes: the folders of In, with the path to it.
type MoveVM struct {
	Page
	Item    FileRow
	Back    string
	In      string // the folder being looked at ("" is the top)
	InName  string
	Crumbs  []views.Crumb
	Folders []FileRow
	More    bool   // In holds more folders than are shown
	Problem string // why the last move was refused
}

// DeleteFileVM asks before deleting a file or a folder with everything in it (the no-JavaScript path).
type DeleteFileVM struct {
	Page
	Item     FileRow
	Folder   string // the folder the person came from ("" is the top)
	Children int    // items inside a folder, at any depth
	Links    int    // links that share the item or anything inside it
	// ChildrenMore and LinksMore: there are more than Children items or Links links (the page looks
	// through a bounded number).
	ChildrenMore, LinksMore bool
}

// FilesVM is the Files page.
type FilesVM struct {
	Page
	FolderID   string
	FolderName string
	Crumbs     []views.Crumb
	Rows       []FileRow
	Count      int
	NextURL    string
	Links      []LinkRow // the links of a file, when one is selected
	Selected   string
}
