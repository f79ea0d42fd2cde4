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
		return Object{}, Errf(
			CodeUpdatedAt,
			"The object changed while it was being updated. Refresh your data and try again.",
		)
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
