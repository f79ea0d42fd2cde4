package share

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
)

// CanDownload reports whether recipients may download (what recipients may do depends on the link type).
func (l Link) CanDownload() bool { return l.LinkType == LinkDownload || l.LinkType == LinkEditor }

// CanUpload reports whether recipients may add files.
func (l Link) CanUpload() bool { return l.LinkType == LinkUpload || l.LinkType == LinkEditor }

// CanEdit reports whether recipients may rename and delete.
func (l Link) CanEdit() bool { return l.LinkType == LinkEditor }

// errUnreachable refuses an object the link does not reach, whether or not it exists.
var errUnreachable = Refuse(CodeNotFound, ReasonNotInShare)

// LinkTargets returns the link's targets that still exist, in the link's order.
func (s *Service) LinkTargets(ctx context.Context, l Link) ([]Object, error) {
	out := make([]Object, 0, len(l.Targets))
	for _, id := range l.Targets {
		o, err := s.store.Object(ctx, l.BucketID, id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// LinkObject returns object id if the link reaches it: it is a target or lies inside a target folder.
// Anything else is NotFound, so a recipient cannot even learn that other objects exist.
func (s *Service) LinkObject(ctx context.Context, l Link, id string) (Object, error) {
	o, err := s.store.Object(ctx, l.BucketID, id)
	if isNotFound(err) {
		return Object{}, errUnreachable
	}
	if err != nil {
		return Object{}, err
	}
	if !l.CanDownload() && !slices.Contains(l.Targets, o.ID) {
		// An upload-only link shows nothing inside its folders, so nothing inside is reachable either.
		return Object{}, errUnreachable
	}
	cur := o
	for depth := 0; depth <= MaxDepth+1; depth++ {
		if slices.Contains(l.Targets, cur.ID) {
			if cur.ID != o.ID && cur.Type != TypeFolder {
				return Object{}, errUnreachable
			}
			return o, nil
		}
		if cur.ParentID == "" {
			return Object{}, errUnreachable
		}
		if cur, err = s.store.Object(ctx, l.BucketID, cur.ParentID); err != nil {
			if isNotFound(err) {
				return Object{}, errUnreachable
			}
			return Object{}, err
		}
	}
	return Object{}, errUnreachable
}

// LinkTrail returns the chain from the shared item down to object id: [target, …, object].
func (s *Service) LinkTrail(ctx context.Context, l Link, id string) ([]Object, error) {
	o, err := s.LinkObject(ctx, l, id)
	if err != nil {
		return nil, err
	}
	trail := []Object{o}
	for !slices.Contains(l.Targets, trail[0].ID) && len(trail) <= MaxDepth+1 {
		p, err := s.store.Object(ctx, l.BucketID, trail[0].ParentID)
		if err != nil {
			return nil, err
		}
		trail = append([]Object{p}, trail...)
	}
	return trail, nil
}

// LinkChildren lists a reachable folder's contents.
func (s *Service) LinkChildren(ctx context.Context, l Link, folderID string) (Object, []Object, error) {
	f, err := s.LinkObject(ctx, l, folderID)
	if err != nil {
		return Object{}, nil, err
	}
	if f.Type != TypeFolder {
		return Object{}, nil, errUnreachable
	}
	kids, err := s.store.Children(ctx, l.BucketID, f.ID)
	return f, kids, err
}

// LinkArchive prepares a zip of reachable objects.
func (s *Service) LinkArchive(ctx context.Context, l Link, ids []string) (*Archive, error) {
	if !l.CanDownload() {
		return nil, Refuse(CodeNotAllowed, ReasonUploadOnly)
	}
	for _, id := range ids {
		if _, err := s.LinkObject(ctx, l, id); err != nil {
			return nil, err
		}
	}
	return s.NewArchive(ctx, l.BucketID, ids)
}

// Upload stores a recipient's file in a reachable folder. A taken name gets a free one ("a (1).pdf");
// the stored object says which.
func (s *Service) Upload(ctx context.Context, l Link, folderID, name string, body io.Reader) (Object, error) {
	if !l.CanUpload() {
		return Object{}, Refuse(CodeNotAllowed, ReasonDownloadOnly)
	}
	f, err := s.LinkObject(ctx, l, folderID)
	if err != nil {
		return Object{}, err
	}
	if f.Type != TypeFolder {
		return Object{}, errUnreachable
	}
	name = path.Base(strings.ReplaceAll(name, `\`, "/")) // browsers may send a full client path
	if ValidName(name) != "" {
		return Object{}, refuseName(CodeValidation, ReasonBadFileName, name)
	}
	free, err := s.freeName(ctx, l.BucketID, f.ID, name)
	if err != nil {
		return Object{}, err
	}
	if ValidName(free) != "" { // "a (1).pdf" can pass 255 bytes where "a.pdf" did not
		return Object{}, refuseName(CodeValidation, ReasonBadFileName, free)
	}
	o, err := s.PutObject(
		ctx,
		PutInput{BucketID: l.BucketID, ParentID: f.ID, Name: free, Metadata: map[string]string{"uploaded_via": l.ID}},
		body,
	)
	if err != nil {
		return Object{}, err
	}
	s.cfg.Logger.InfoContext(ctx, "recipient uploaded", "link", l.ID, "object", o.ID, "size", o.Size)
	ev := s.recipientEvent(ctx, l, EventUploaded)
	ev.ObjectID, ev.ObjectName = o.ID, o.Name
	s.record(ctx, ev)
	return o, nil
}

func (s *Service) freeName(ctx context.Context, bucketID, parentID, name string) (string, error) {
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	candidate := name
	for i := 1; i <= 1000; i++ {
		_, err := s.store.ObjectByName(ctx, bucketID, parentID, candidate)
		if isNotFound(err) {
			return candidate, nil
		}
		if err != nil {
			return "", err
		}
		candidate = fmt.Sprintf("%s (%d)%s", stem, i, ext)
	}
	return "", refuseName(CodeObjectExists, ReasonNoFreeName, name)
}

// editable checks that an editor link may change object id: reachable, and not a target itself
// (renaming or deleting what was shared would break the link for everyone).
func (s *Service) editable(ctx context.Context, l Link, id string) (Object, error) {
	if !l.CanEdit() {
		return Object{}, Refuse(CodeNotAllowed, ReasonNoEditing)
	}
	o, err := s.LinkObject(ctx, l, id)
	if err != nil {
		return Object{}, err
	}
	if slices.Contains(l.Targets, o.ID) {
		return Object{}, refuseName(CodeNotAllowed, ReasonSharedItem, o.Name)
	}
	return o, nil
}

// Rename renames an object inside an editor link's folders.
func (s *Service) Rename(ctx context.Context, l Link, id, name string) (Object, error) {
	o, err := s.editable(ctx, l, id)
	if err != nil {
		return Object{}, err
	}
	if ValidName(name) != "" {
		return Object{}, refuseName(CodeValidation, ReasonBadNewName, name)
	}
	out, err := s.UpdateObject(ctx, UpdateInput{BucketID: l.BucketID, ID: o.ID, Name: &name})
	if isNotFound(err) { // deleted after editable found it: a conflict, so the page stays and says so
		return Object{}, Refuse(CodeUpdatedAt, ReasonGone)
	}
	if err != nil {
		return Object{}, err
	}
	s.cfg.Logger.InfoContext(ctx, "recipient renamed", "link", l.ID, "object", o.ID)
	ev := s.recipientEvent(ctx, l, EventRenamed)
	ev.ObjectID, ev.ObjectName, ev.Detail = o.ID, out.Name, "was "+o.Name
	s.record(ctx, ev)
	return out, nil
}

// Remove deletes an object (a folder with its contents) inside an editor link's folders.
func (s *Service) Remove(ctx context.Context, l Link, id string) (Object, error) {
	o, err := s.editable(ctx, l, id)
	if err != nil {
		return Object{}, err
	}
	if _, err := s.DeleteObject(ctx, l.BucketID, o.ID, true); isNotFound(err) {
		return Object{}, Refuse(CodeUpdatedAt, ReasonGone)
	} else if err != nil {
		return Object{}, err
	}
	s.cfg.Logger.InfoContext(ctx, "recipient deleted", "link", l.ID, "object", o.ID)
	ev := s.recipientEvent(ctx, l, EventDeleted)
	ev.ObjectID, ev.ObjectName = o.ID, o.Name
	s.record(ctx, ev)
	return o, nil
}

// ErrorMessage returns the message of a *Error (the API's summary, for the readiness probe and logs),
// or "" for other errors. Pages word the Reason instead.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}
