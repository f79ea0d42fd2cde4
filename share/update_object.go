package share

import (
	"context"
	"errors"
	"slices"
	"time"
)

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

// UpdateObject renames, moves, retags or changes the metadata of an object.
func (s *Service) UpdateObject(ctx context.Context, in UpdateInput) (Object, error) {
	o, err := s.GetObject(ctx, in.BucketID, in.ID)
	if err != nil {
		return Object{}, err
	}
	if in.UpdatedAt != nil && !in.UpdatedAt.Equal(o.UpdatedAt) {
		return Object{}, Errf(
			CodeUpdatedAt,
			"The supplied updated at timestamp didn't match the stored timestamp. Refresh your data and try again.",
		)
	}
	prev := Micros(o.UpdatedAt)
	if in.Name != nil {
		if msg := ValidName(*in.Name); msg != "" {
			return Object{}, Invalid("BadFormat", "/name", msg)
		}
		o.Name = *in.Name
	}
	moved, err := s.moveObject(ctx, &o, in)
	if err != nil {
		return Object{}, err
	}
	ttlChanged := false
	if in.FileTTL != nil {
		if _, err := ParseFileTTL(*in.FileTTL, "/file_ttl"); err != nil {
			return Object{}, err
		}
		o.FileTTL, ttlChanged = *in.FileTTL, true
	}
	retag(&o, in)
	changeMetadata(&o, in)
	o.UpdatedAt = s.now()
	if !o.UpdatedAt.After(FromMicros(prev)) {
		o.UpdatedAt = FromMicros(prev + 1)
	}
	if moved || ttlChanged {
		if err := s.applyFileTTL(ctx, &o, o.UpdatedAt); err != nil {
			return Object{}, err
		}
	}
	if err := s.storeObjectUpdate(ctx, o, prev); err != nil {
		return Object{}, err
	}
	if o.Type == TypeFolder && (moved || ttlChanged) {
		if err := s.reapplyFileTTL(ctx, o, o.UpdatedAt); err != nil {
			return Object{}, err
		}
	}
	return s.withFolder(ctx, o)
}

// moveObject gives o the parent in asks for (by id or by path), refusing a folder inside itself. It
// reports whether the parent changed.
func (s *Service) moveObject(ctx context.Context, o *Object, in UpdateInput) (bool, error) {
	if in.ParentID == nil && in.Folder == nil {
		return false, nil
	}
	var parent string
	var err error
	if in.ParentID != nil && *in.ParentID != "" {
		parent, err = s.parentFolder(ctx, o.BucketID, *in.ParentID, "")
	} else if in.Folder != nil {
		parent, err = s.resolveFolder(ctx, o.BucketID, *in.Folder, true, "/folder")
	}
	if err != nil {
		return false, err
	}
	if err := s.checkNoLoop(ctx, *o, parent); err != nil {
		return false, err
	}
	moved := parent != o.ParentID
	o.ParentID = parent
	return moved, nil
}

// retag replaces, adds and removes o's tags as in asks, in that order.
func retag(o *Object, in UpdateInput) {
	if in.Tags != nil {
		o.Tags = dedupe(*in.Tags)
	}
	o.Tags = dedupe(append(o.Tags, in.AddTags...))
	if len(in.RemoveTags) > 0 {
		o.Tags = slices.DeleteFunc(o.Tags, func(t string) bool { return slices.Contains(in.RemoveTags, t) })
	}
}

// changeMetadata replaces, adds and removes o's metadata as in asks, in that order.
func changeMetadata(o *Object, in UpdateInput) {
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
}

// storeObjectUpdate writes o if it is still as it was at prev, wording the store's refusals.
func (s *Service) storeObjectUpdate(ctx context.Context, o Object, prev int64) error {
	switch err := s.store.UpdateObject(ctx, o, prev); {
	case errors.Is(err, ErrExists):
		return nameTaken(o.Name)
	case errors.Is(err, ErrConflict):
		return &Error{
			Code:    CodeUpdatedAt,
			Message: "The object changed while it was being updated. Refresh your data and try again.",
			Reason:  ReasonChanged,
		}
	default:
		return err
	}
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
