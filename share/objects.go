package share

import (
	"context"
	"io"
	"slices"
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
		return 0, Errf(
			CodeNotEmpty,
			"Folder %q is not empty; pass force to delete it with its %d objects.",
			o.Name,
			len(all)-1,
		)
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

func dedupe(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
