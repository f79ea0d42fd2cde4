package share

import (
	"archive/tar"
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sharedesk/sharedesk/dbutil"
	"github.com/sharedesk/sharedesk/share/blob"
)

// objectStore keeps the rows of files and folders (their bytes are in share/blob).
type objectStore interface {
	InsertObject(ctx context.Context, o Object) error // ErrExists when the name is taken in the folder
	Object(ctx context.Context, bucketID, id string) (Object, error)
	ObjectByName(ctx context.Context, bucketID, parentID, name string) (Object, error)
	Children(ctx context.Context, bucketID, parentID string) ([]Object, error)
	ListObjects(ctx context.Context, q ListQuery) ([]Object, Count, error)
	// UpdateObject writes o if the stored updated_at still equals prevUpdatedAt (ErrConflict if not).
	UpdateObject(ctx context.Context, o Object, prevUpdatedAt int64) error
	DeleteObjects(ctx context.Context, bucketID string, ids []string) error
}

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

// PutInput describes an uploaded file. Size and digests, when given, are checked against the bytes.
type PutInput struct {
	BucketID string
	Name     string
	ParentID string
	Folder   string
	MimeType string
	Size     *int64
	SHA256   string
	SHA512   string
	MD5      string
	SHA1     string
	CRC32C   string // hexadecimal, as Pangea's SDKs send it
	FileTTL  string
	Metadata map[string]string
	Tags     []string
}

// UpdateInput changes an object. Nil fields are left alone.
type UpdateInput struct {
	BucketID       string
	ID             string
	Name           *string
	ParentID       *string
	Folder         *string
	Tags           *[]string
	AddTags        []string
	RemoveTags     []string
	Metadata       *map[string]string
	AddMetadata    map[string]string
	RemoveMetadata map[string]string
	FileTTL        *string
	UpdatedAt      *time.Time
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
		return "must be at most 255 bytes"
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
		f := Object{ID: NewID("pos_"), BucketID: bucketID, ParentID: parent, Name: part, Type: TypeFolder, CreatedAt: now, UpdatedAt: now}
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
			return "", Errf(CodeParentMissing, "The supplied parent ID does not exist.")
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
			return Object{}, Errf(CodeObjectExists, "An object named %q already exists in this folder.", in.Name)
		}
		return Object{}, err
	}
	return s.withFolder(ctx, o)
}

// PutObject stores a new file from body, streaming.
func (s *Service) PutObject(ctx context.Context, in PutInput, body io.Reader) (Object, error) {
	bucketID, parent, err := s.checkPut(ctx, &in)
	if err != nil {
		return Object{}, err
	}
	return s.storeFile(ctx, bucketID, parent, NewID("pos_"), in, body)
}

// checkPut validates everything about a put that can be checked before the bytes arrive, and resolves
// the bucket and the parent folder.
func (s *Service) checkPut(ctx context.Context, in *PutInput) (bucketID, parent string, err error) {
	bucketID, err = s.bucket(ctx, in.BucketID)
	if err != nil {
		return "", "", err
	}
	var v Validation
	if msg := ValidName(in.Name); msg != "" {
		v.Add("BadFormat", "/name", msg)
	}
	if _, err := ParseFileTTL(in.FileTTL, "/file_ttl"); err != nil {
		return "", "", err
	}
	for _, d := range []struct{ val, src string }{{in.SHA1, "/sha1"}, {in.SHA256, "/sha256"}, {in.SHA512, "/sha512"}, {in.MD5, "/md5"}, {in.CRC32C, "/crc32c"}} {
		if d.val != "" && !isHex(d.val) {
			v.Add("BadFormat", d.src, "must be hexadecimal")
		}
	}
	if in.SHA1 != "" && len(in.SHA1) != 40 {
		v.Add("BadFormat", "/sha1", "must be 40 hexadecimal characters")
	}
	if in.CRC32C != "" && len(in.CRC32C) > 8 {
		v.Add("BadFormat", "/crc32c", "must be at most 8 hexadecimal characters")
	}
	if err := v.Err(); err != nil {
		return "", "", err
	}
	parent, err = s.parentFolder(ctx, bucketID, in.ParentID, in.Folder)
	if err != nil {
		return "", "", err
	}
	// Refuse a taken name before reading a possibly large body; the unique index still decides races.
	if _, err := s.store.ObjectByName(ctx, bucketID, parent, in.Name); err == nil {
		return "", "", Errf(CodeObjectExists, "An object named %q already exists in this folder.", in.Name)
	} else if !isNotFound(err) {
		return "", "", err
	}
	return bucketID, parent, nil
}

func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// storeFile streams body into the blob id, checks it against the sizes and digests the client gave,
// and only then inserts the object row: a refused upload leaves nothing behind.
func (s *Service) storeFile(ctx context.Context, bucketID, parent, id string, in PutInput, body io.Reader) (Object, error) {
	if err := s.roomToWrite(); err != nil {
		return Object{}, err
	}
	// SHA-1 and CRC32C are computed only when the client asks for them to be checked.
	opt := blob.WriteOptions{Limit: s.cfg.MaxUploadSize, SHA1: in.SHA1 != "", CRC32C: in.CRC32C != ""}
	sums, err := s.blobs.Write(ctx, id, body, opt)
	if err != nil {
		if errors.Is(err, blob.ErrTooLarge) {
			return Object{}, Errf(CodeTooLarge, "The uploaded object exceeds the maximum configured size of %d bytes.", s.cfg.MaxUploadSize)
		}
		if dbutil.IsStorageFull(err) {
			return Object{}, &Error{Code: CodeStorageFull, Message: msgStorageFull, cause: err}
		}
		s.cfg.Logger.WarnContext(ctx, "upload did not complete", "object", id, "err", err)
		return Object{}, &Error{Code: CodeTransferFailed, Message: "The upload did not complete; try again.", cause: err}
	}
	return s.commitFile(ctx, bucketID, parent, id, in, sums)
}

// commitFile checks stored bytes against the sizes and digests the client gave and inserts the object
// row; on any refusal the bytes are removed.
func (s *Service) commitFile(ctx context.Context, bucketID, parent, id string, in PutInput, sums blob.Sums) (
	Object, error,
) {
	var v Validation
	if in.Size != nil && *in.Size != sums.Size {
		v.Add("BadState", "/size", fmt.Sprintf("size says %d bytes but %d arrived", *in.Size, sums.Size))
	}
	checks := []struct{ given, got, src string }{{in.SHA256, sums.SHA256, "/sha256"}, {in.SHA512, sums.SHA512, "/sha512"}, {in.MD5, sums.MD5, "/md5"}}
	if in.SHA1 != "" {
		checks = append(checks, struct{ given, got, src string }{in.SHA1, sums.SHA1, "/sha1"})
	}
	if in.CRC32C != "" {
		// Compared as numbers: SDKs pad to 8 digits, other clients may not.
		given, _ := strconv.ParseUint(in.CRC32C, 16, 32)
		if uint32(given) != sums.CRC32C {
			v.Add("BadState", "/crc32c", "does not match the uploaded bytes")
		}
	}
	for _, c := range checks {
		if c.given != "" && !strings.EqualFold(c.given, c.got) {
			v.Add("BadState", c.src, "does not match the uploaded bytes")
		}
	}
	// Removed without the request's context: a client that hung up must not leave the bytes behind.
	bg := context.WithoutCancel(ctx)
	if err := v.Err(); err != nil {
		_ = s.blobs.Remove(bg, id)
		return Object{}, err
	}
	mt := in.MimeType
	if mt == "" {
		mt = mime.TypeByExtension(path.Ext(in.Name))
	}
	if mt == "" {
		mt = "application/octet-stream"
	}
	now := s.now()
	o := Object{ID: id, BucketID: bucketID, ParentID: parent, Name: in.Name, Type: TypeFile, Size: sums.Size,
		MimeType: mt, SHA256: sums.SHA256, SHA512: sums.SHA512, MD5: sums.MD5, Metadata: in.Metadata,
		Tags: dedupe(in.Tags), CreatedAt: now, UpdatedAt: now, FileTTL: in.FileTTL}
	if err := s.applyFileTTL(ctx, &o, now); err != nil {
		_ = s.blobs.Remove(bg, id)
		return Object{}, err
	}
	if err := s.store.InsertObject(ctx, o); err != nil {
		_ = s.blobs.Remove(bg, id)
		if errors.Is(err, ErrExists) {
			return Object{}, Errf(CodeObjectExists, "An object named %q already exists in this folder.", in.Name)
		}
		return Object{}, err
	}
	if s.cfg.OnBytes != nil {
		s.cfg.OnBytes(true, o.Size)
	}
	return s.withFolder(ctx, o)
}

// GetObject returns an object with its folder path.
func (s *Service) GetObject(ctx context.Context, bucketID, id string) (Object, error) {
	bucketID, err := s.bucket(ctx, bucketID)
	if err != nil {
		return Object{}, err
	}
	o, err := s.store.Object(ctx, bucketID, id)
	if isNotFound(err) {
		return Object{}, notFound("object", id)
	}
	if err != nil {
		return Object{}, err
	}
	return s.withFolder(ctx, o)
}

// OpenFile opens a file object's bytes.
func (s *Service) OpenFile(ctx context.Context, o Object) (io.ReadSeekCloser, error) {
	if o.Type != TypeFile {
		return nil, Errf(CodeTypeMismatch, "%s is a folder; ask for an archive instead", o.ID)
	}
	return s.blobs.Open(ctx, o.ID)
}

func (s *Service) withFolder(ctx context.Context, o Object) (Object, error) {
	memo := map[string]string{}
	p, err := s.folderPath(ctx, o.BucketID, o.ParentID, memo)
	o.Folder = p
	return o, err
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

// ListObjects lists objects with filters, order and keyset paging.
func (s *Service) ListObjects(ctx context.Context, r ListRequest) (Page[Object], error) {
	bucketID, err := s.bucket(ctx, r.BucketID)
	if err != nil {
		return Page[Object]{}, err
	}
	q, kind, err := s.buildQuery(ObjectListSpec(), r, bucketID, func(conds []Cond, v *Validation) []Cond {
		for i, c := range conds {
			if c.Field != "folder" {
				continue
			}
			if c.Op != OpEq {
				v.Add("UnexpectedProperty", "/filter/folder__"+c.Op, "folder takes an exact path only")
				continue
			}
			id, err := s.resolveFolder(ctx, bucketID, c.Values[0].(string), false, "/filter/folder")
			if err != nil {
				id = "missing/" // no object id contains a slash: an unknown folder holds nothing
			}
			conds[i] = Cond{Field: "parent_id", Op: OpEq, Values: []any{id}}
		}
		return conds
	})
	if err != nil {
		return Page[Object]{}, err
	}
	items, count, err := s.store.ListObjects(ctx, q)
	if err != nil {
		return Page[Object]{}, err
	}
	page := Page[Object]{Count: count}
	if len(items) > q.Limit {
		items = items[:q.Limit]
		last := items[len(items)-1]
		page.Last = s.keys.encodeCursor(q, Position{ID: last.ID, Value: objectSortValue(last, q.OrderBy, kind)})
	}
	memo := map[string]string{}
	for i := range items {
		if items[i].Folder, err = s.folderPath(ctx, bucketID, items[i].ParentID, memo); err != nil {
			return page, err
		}
	}
	page.Items = items
	return page, nil
}

func objectSortValue(o Object, field string, _ FieldKind) any {
	switch field {
	case "name":
		return o.Name
	case "parent_id":
		return o.ParentID
	case "type":
		return o.Type
	case "size":
		return o.Size
	case "created_at":
		return Micros(o.CreatedAt)
	case "updated_at":
		return Micros(o.UpdatedAt)
	default:
		return o.ID
	}
}

// descendants returns o and everything inside it, parents before children.
func (s *Service) descendants(ctx context.Context, o Object) ([]Object, error) {
	out := []Object{o}
	for i := 0; i < len(out); i++ {
		if out[i].Type != TypeFolder {
			continue
		}
		kids, err := s.store.Children(ctx, o.BucketID, out[i].ID)
		if err != nil {
			return nil, err
		}
		out = append(out, kids...)
	}
	return out, nil
}

// DeleteObject deletes a file, or a folder (non-empty only with force), and says how many objects went.
func (s *Service) DeleteObject(ctx context.Context, bucketID, id string, force bool) (int, error) {
	o, err := s.GetObject(ctx, bucketID, id)
	if err != nil {
		return 0, err
	}
	all, err := s.descendants(ctx, o)
	if err != nil {
		return 0, err
	}
	if len(all) > 1 && !force {
		return 0, Errf(CodeNotEmpty, "Folder %q is not empty; pass force to delete it with its %d objects.", o.Name, len(all)-1)
	}
	ids := make([]string, len(all))
	for i, x := range all {
		ids[i] = x.ID
	}
	// Rows first, then bytes: a crash in between leaves an orphaned blob, never a row without bytes.
	if err := s.roomToDelete(func() error { return s.store.DeleteObjects(ctx, o.BucketID, ids) }); err != nil {
		return 0, err
	}
	for _, x := range all {
		if x.Type == TypeFile {
			if err := s.blobs.Remove(context.WithoutCancel(ctx), x.ID); err != nil {
				s.cfg.Logger.Warn("orphaned blob", "object", x.ID, "err", err)
			}
		}
	}
	return len(all), nil
}

// UpdateObject renames, moves, retags or changes the metadata of an object.
func (s *Service) UpdateObject(ctx context.Context, in UpdateInput) (Object, error) {
	o, err := s.GetObject(ctx, in.BucketID, in.ID)
	if err != nil {
		return Object{}, err
	}
	if in.UpdatedAt != nil && !in.UpdatedAt.Equal(o.UpdatedAt) {
		return Object{}, Errf(CodeUpdatedAt, "The supplied updated at timestamp didn't match the stored timestamp. Refresh your data and try again.")
	}
	prev := Micros(o.UpdatedAt)
	if in.Name != nil {
		if msg := ValidName(*in.Name); msg != "" {
			return Object{}, Invalid("BadFormat", "/name", msg)
		}
		o.Name = *in.Name
	}
	moved := false
	if in.ParentID != nil || in.Folder != nil {
		var parent string
		if in.ParentID != nil && *in.ParentID != "" {
			parent, err = s.parentFolder(ctx, o.BucketID, *in.ParentID, "")
		} else if in.Folder != nil {
			parent, err = s.resolveFolder(ctx, o.BucketID, *in.Folder, true, "/folder")
		}
		if err != nil {
			return Object{}, err
		}
		if err := s.checkNoLoop(ctx, o, parent); err != nil {
			return Object{}, err
		}
		moved = parent != o.ParentID
		o.ParentID = parent
	}
	ttlChanged := false
	if in.FileTTL != nil {
		if _, err := ParseFileTTL(*in.FileTTL, "/file_ttl"); err != nil {
			return Object{}, err
		}
		o.FileTTL, ttlChanged = *in.FileTTL, true
	}
	if in.Tags != nil {
		o.Tags = dedupe(*in.Tags)
	}
	o.Tags = dedupe(append(o.Tags, in.AddTags...))
	if len(in.RemoveTags) > 0 {
		o.Tags = slices.DeleteFunc(o.Tags, func(t string) bool { return slices.Contains(in.RemoveTags, t) })
	}
	if in.Metadata != nil {
		o.Metadata = *in.Metadata
	}
	if o.Metadata == nil {
		o.Metadata = map[string]string{}
	}
	for k, v := range in.AddMetadata {
		o.Metadata[k] = v
	}
	// Pangea's semantics: a key goes only when its stored value is the one given.
	for k, v := range in.RemoveMetadata {
		if cur, ok := o.Metadata[k]; ok && cur == v {
			delete(o.Metadata, k)
		}
	}
	o.UpdatedAt = s.now()
	if !o.UpdatedAt.After(FromMicros(prev)) {
		o.UpdatedAt = FromMicros(prev + 1)
	}
	if moved || ttlChanged {
		if err := s.applyFileTTL(ctx, &o, o.UpdatedAt); err != nil {
			return Object{}, err
		}
	}
	switch err := s.store.UpdateObject(ctx, o, prev); {
	case errors.Is(err, ErrExists):
		return Object{}, Errf(CodeObjectExists, "An object named %q already exists in this folder.", o.Name)
	case errors.Is(err, ErrConflict):
		return Object{}, Errf(CodeUpdatedAt, "The object changed while it was being updated. Refresh your data and try again.")
	case err != nil:
		return Object{}, err
	}
	if o.Type == TypeFolder && (moved || ttlChanged) {
		if err := s.reapplyFileTTL(ctx, o, o.UpdatedAt); err != nil {
			return Object{}, err
		}
	}
	return s.withFolder(ctx, o)
}

// checkNoLoop refuses to move a folder into itself or one of its descendants.
func (s *Service) checkNoLoop(ctx context.Context, o Object, newParent string) error {
	for cur, depth := newParent, 0; cur != "" && depth < 1000; depth++ {
		if cur == o.ID {
			return Errf(CodeLoop, "A folder cannot be moved into itself or one of its subfolders.")
		}
		p, err := s.store.Object(ctx, o.BucketID, cur)
		if err != nil {
			return err
		}
		cur = p.ParentID
	}
	return nil
}

// Archive is a set of objects ready to stream as one zip or tar file.
type Archive struct {
	Objects  []Object // the objects asked for
	Contents []Object // every object in the archive: those asked for and everything inside them
	entries  []archiveEntry
	svc      *Service
	ctx      context.Context //nolint:containedctx // the archive streams within the request that made it
}

type archiveEntry struct {
	name string
	obj  Object
}

// NewArchive collects the objects (folders with their contents) for an archive.
func (s *Service) NewArchive(ctx context.Context, bucketID string, ids []string) (*Archive, error) {
	a := &Archive{svc: s, ctx: ctx}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		o, err := s.GetObject(ctx, bucketID, id)
		if err != nil {
			return nil, err
		}
		a.Objects = append(a.Objects, o)
		all, err := s.descendants(ctx, o)
		if err != nil {
			return nil, err
		}
		names := map[string]string{o.ID: o.Name}
		for _, x := range all {
			if x.ID != o.ID {
				names[x.ID] = names[x.ParentID] + "/" + x.Name
			}
			a.entries = append(a.entries, archiveEntry{name: names[x.ID], obj: x})
		}
	}
	memo := map[string]string{}
	listed := map[string]bool{}
	for _, e := range a.entries {
		if listed[e.obj.ID] { // asked for on its own and inside a folder: one object, two entries
			continue
		}
		listed[e.obj.ID] = true
		o := e.obj
		var err error
		if o.Folder, err = s.folderPath(ctx, o.BucketID, o.ParentID, memo); err != nil {
			return nil, err
		}
		a.Contents = append(a.Contents, o)
	}
	return a, nil
}

// WriteZip streams the archive as zip.
func (a *Archive) WriteZip(w io.Writer) error {
	zw := zip.NewWriter(w)
	for _, e := range a.entries {
		h := &zip.FileHeader{Name: Displayable(e.name), Modified: e.obj.UpdatedAt, Method: zip.Deflate}
		if e.obj.Type == TypeFolder {
			h.Name += "/"
			h.Method = zip.Store
		}
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if e.obj.Type == TypeFile {
			if err := a.copyFile(fw, e.obj); err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

// WriteTar streams the archive as tar.
func (a *Archive) WriteTar(w io.Writer) error {
	tw := tar.NewWriter(w)
	for _, e := range a.entries {
		h := &tar.Header{Name: Displayable(e.name), ModTime: e.obj.UpdatedAt, Mode: 0o644, Size: e.obj.Size, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if e.obj.Type == TypeFolder {
			h.Name, h.Mode, h.Size, h.Typeflag = e.name+"/", 0o755, 0, tar.TypeDir
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if e.obj.Type == TypeFile {
			if err := a.copyFile(tw, e.obj); err != nil {
				return err
			}
		}
	}
	return tw.Close()
}

func (a *Archive) copyFile(w io.Writer, o Object) error {
	f, err := a.svc.blobs.Open(a.ctx, o.ID)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func dedupe(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
