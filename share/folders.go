package share

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"unicode/utf8"
)

// FolderInput creates a folder: Name inside ParentID, or inside the path Folder, or the path Folder
// itself when Name is empty (every missing folder on the way is created).
type FolderInput struct {
	BucketID string
	Name     string
	ParentID string
	Folder   string
	FileTTL  string // applies to the files put inside the folder (and its subfolders)
	Metadata map[string]string
	Tags     []string
}

// MaxDepth is how deeply folders may nest; it bounds the work of resolving and printing paths.
const MaxDepth = 64

// ValidName checks an object name: non-empty, at most 255 bytes, no slash, not "." or "..", and no
// control characters (they break Content-Disposition and zip entries).
func ValidName(name string) string {
	switch {
	case name == "":
		return "must not be empty"
	case len(name) > 255:
		// Bytes, because file systems and zip entries count them; said in a way people can act on.
		return fmt.Sprintf("is %d bytes long and may be at most 255 (a plain letter is 1 byte, letters such as é "+
			"take 2, many other scripts 3 or 4): shorten it", len(name))
	case name == "." || name == "..":
		return "must not be . or .."
	case strings.ContainsAny(name, "/\\"):
		return "must not contain a slash"
	case !utf8.ValidString(name):
		return "must be valid UTF-8"
	case HasBidiControl(name):
		return BidiProblem
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "must not contain control characters"
		}
	}
	return ""
}

// resolveFolder returns the id of the folder at path p ("" or "/" is the root), creating missing
// folders when create is set.
func (s *Service) resolveFolder(ctx context.Context, bucketID, p string, create bool, source string) (string, error) {
	parent := ""
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) > MaxDepth {
		return "", Invalid("BadFormat", source, fmt.Sprintf("a folder path may have at most %d levels", MaxDepth))
	}
	for _, part := range parts {
		if part == "" {
			continue
		}
		if msg := ValidName(part); msg != "" {
			return "", Invalid("BadFormat", source, fmt.Sprintf("folder name %q %s", part, msg))
		}
		o, err := s.store.ObjectByName(ctx, bucketID, parent, part)
		switch {
		case err == nil:
			if o.Type != TypeFolder {
				return "", Errf(CodePathNonFolder, "The supplied path contains a non folder part: %s", part)
			}
			parent = o.ID
			continue
		case !isNotFound(err):
			return "", err
		case !create:
			return "", Errf(CodeNotFound, "folder %s was not found", p)
		}
		now := s.now()
		f := Object{
			ID:        NewID("pos_"),
			BucketID:  bucketID,
			ParentID:  parent,
			Name:      part,
			Type:      TypeFolder,
			CreatedAt: now,
			UpdatedAt: now,
		}
		if err := s.store.InsertObject(ctx, f); err != nil {
			if !errors.Is(err, ErrExists) {
				return "", err
			}
			// Somebody created it meanwhile: use theirs.
			if f, err = s.store.ObjectByName(ctx, bucketID, parent, part); err != nil {
				return "", err
			}
		}
		parent = f.ID
	}
	return parent, nil
}

// parentFolder resolves a parent given by id or by path.
func (s *Service) parentFolder(ctx context.Context, bucketID, parentID, folder string) (string, error) {
	if parentID != "" {
		p, err := s.store.Object(ctx, bucketID, parentID)
		if isNotFound(err) {
			return "", &Error{Code: CodeParentMissing, Message: "The supplied parent ID does not exist.",
				Reason: ReasonParentMissing}
		}
		if err != nil {
			return "", err
		}
		if p.Type != TypeFolder {
			return "", Errf(CodeTypeMismatch, "parent %s is a file, not a folder", parentID)
		}
		return p.ID, nil
	}
	return s.resolveFolder(ctx, bucketID, folder, true, "/folder")
}

// CreateFolder creates a folder.
func (s *Service) CreateFolder(ctx context.Context, in FolderInput) (Object, error) {
	bucketID, err := s.bucket(ctx, in.BucketID)
	if err != nil {
		return Object{}, err
	}
	if in.Name == "" {
		if strings.Trim(in.Folder, "/") == "" {
			return Object{}, Invalid("MustProvideOne", "/name", "give name (with parent_id or folder) or a folder path")
		}
		dir, base := path.Split(strings.Trim(in.Folder, "/"))
		in.Folder, in.Name = dir, base
	}
	if msg := ValidName(in.Name); msg != "" {
		return Object{}, Invalid("BadFormat", "/name", msg)
	}
	if _, err := ParseFileTTL(in.FileTTL, "/file_ttl"); err != nil {
		return Object{}, err
	}
	parent, err := s.parentFolder(ctx, bucketID, in.ParentID, in.Folder)
	if err != nil {
		return Object{}, err
	}
	now := s.now()
	o := Object{ID: NewID("pos_"), BucketID: bucketID, ParentID: parent, Name: in.Name, Type: TypeFolder,
		Metadata: in.Metadata, Tags: dedupe(in.Tags), CreatedAt: now, UpdatedAt: now, FileTTL: in.FileTTL}
	if err := s.applyFileTTL(ctx, &o, now); err != nil {
		return Object{}, err
	}
	if err := s.store.InsertObject(ctx, o); err != nil {
		if errors.Is(err, ErrExists) {
			return Object{}, nameTaken(in.Name)
		}
		return Object{}, err
	}
	return s.withFolder(ctx, o)
}

// folderPath returns "/a/b" for folder id (the root is "/"), memoising across a page of objects.
func (s *Service) folderPath(ctx context.Context, bucketID, id string, memo map[string]string) (string, error) {
	if id == "" {
		return "/", nil
	}
	if p, ok := memo[id]; ok {
		return p, nil
	}
	var names []string
	cur := id
	for depth := 0; cur != "" && depth < 1000; depth++ {
		if p, ok := memo[cur]; ok {
			names = append(names, strings.TrimPrefix(p, "/"))
			break
		}
		o, err := s.store.Object(ctx, bucketID, cur)
		if err != nil {
			return "", fmt.Errorf("folder path of %s: %w", id, err)
		}
		names = append(names, o.Name)
		cur = o.ParentID
	}
	slices.Reverse(names)
	p := "/" + strings.Trim(strings.Join(names, "/"), "/")
	memo[id] = p
	return p, nil
}
