package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sharedesk/sharedesk/share"
)

// EnsureDefaultBucket returns the default bucket, creating b as the default when there is none.
func (s *DB) EnsureDefaultBucket(ctx context.Context, b share.Bucket) (share.Bucket, error) {
	var out share.Bucket
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var created int64
		err := tx.QueryRowContext(ctx, "SELECT id, name, created_at FROM buckets WHERE is_default = 1").
			Scan(&out.ID, &out.Name, &created)
		if err == nil {
			out.Default, out.CreatedAt = true, share.FromMicros(created)
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = s.exec(
			ctx,
			tx,
			"INSERT INTO buckets (id, name, is_default, created_at) VALUES (?, ?, 1, ?)",
			b.ID,
			b.Name,
			share.Micros(b.CreatedAt),
		)
		out = b
		out.Default = true
		return err
	})
	return out, err
}

// Buckets lists every bucket, the default first.
func (s *DB) Buckets(ctx context.Context) ([]share.Bucket, error) {
	rows, err := s.db.QueryContext(
		ctx,
		"SELECT id, name, is_default, created_at FROM buckets ORDER BY is_default DESC, created_at",
	)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []share.Bucket
	for rows.Next() {
		var b share.Bucket
		var def int
		var created int64
		if err := rows.Scan(&b.ID, &b.Name, &def, &created); err != nil {
			return nil, err
		}
		b.Default, b.CreatedAt = def == 1, share.FromMicros(created)
		out = append(out, b)
	}
	return out, rows.Err()
}

const objectCols = "id, bucket_id, parent_id, name, type, size, mimetype, sha256, sha512, md5, metadata, tags, " +
	"created_at, updated_at, file_ttl, file_ttl_effective, file_ttl_from, expires_at"

func scanObject(sc scanner) (share.Object, error) {
	var o share.Object
	var meta, tags string
	var created, updated int64
	var expires sql.NullInt64
	if err := sc.Scan(&o.ID, &o.BucketID, &o.ParentID, &o.Name, &o.Type, &o.Size, &o.MimeType, &o.SHA256, &o.SHA512,
		&o.MD5, &meta, &tags, &created, &updated, &o.FileTTL, &o.FileTTLEffective, &o.FileTTLFrom, &expires,
	); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return o, share.ErrNotFound
		}
		return o, err
	}
	if err := json.Unmarshal([]byte(meta), &o.Metadata); err != nil {
		return o, fmt.Errorf("object %s metadata: %w", o.ID, err)
	}
	if err := json.Unmarshal([]byte(tags), &o.Tags); err != nil {
		return o, fmt.Errorf("object %s tags: %w", o.ID, err)
	}
	o.CreatedAt, o.UpdatedAt = share.FromMicros(created), share.FromMicros(updated)
	if expires.Valid {
		o.ExpiresAt = share.FromMicros(expires.Int64)
	}
	return o, nil
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func (s *DB) setTags(ctx context.Context, tx *sql.Tx, table, owner, id string, tags []string) error {
	if _, err := s.exec(ctx, tx, "DELETE FROM "+table+" WHERE "+owner+" = ?", id); err != nil {
		return err
	}
	for _, t := range tags {
		q := "INSERT INTO " + table + " (" + owner + ", tag) VALUES (?, ?) ON CONFLICT DO NOTHING"
		if _, err := s.exec(ctx, tx, q, id, t); err != nil {
			return err
		}
	}
	return nil
}

// InsertObject stores o, or returns share.ErrExists when its name is taken in its folder.
func (s *DB) InsertObject(ctx context.Context, o share.Object) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(
			ctx,
			tx,
			"INSERT INTO objects ("+objectCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			o.ID,
			o.BucketID,
			o.ParentID,
			o.Name,
			o.Type,
			o.Size,
			o.MimeType,
			o.SHA256,
			o.SHA512,
			o.MD5,
			jsonText(
				nonNilMap(o.Metadata),
			),
			jsonText(nonNilSlice(o.Tags)),
			share.Micros(o.CreatedAt),
			share.Micros(o.UpdatedAt),
			o.FileTTL,
			o.FileTTLEffective,
			o.FileTTLFrom,
			expiresAt(o),
		)
		if err != nil {
			return err
		}
		return s.setTags(ctx, tx, "object_tags", "object_id", o.ID, o.Tags)
	})
	if isUnique(err) {
		return share.ErrExists
	}
	return err
}

// Object returns one object.
func (s *DB) Object(ctx context.Context, bucketID, id string) (share.Object, error) {
	return s.objectWhere(ctx, "bucket_id = ? AND id = ?", bucketID, id)
}

// ObjectByName returns the object called name in folder parentID.
func (s *DB) ObjectByName(ctx context.Context, bucketID, parentID, name string) (share.Object, error) {
	return s.objectWhere(ctx, "bucket_id = ? AND parent_id = ? AND name = ?", bucketID, parentID, name)
}

// objectWhere returns the one object that cond (an SQL condition with ? placeholders) finds.
func (s *DB) objectWhere(ctx context.Context, cond string, args ...any) (share.Object, error) {
	return scanObject(s.db.QueryRowContext(ctx, s.q("SELECT "+objectCols+" FROM objects WHERE "+cond), args...))
}

// Children lists the objects directly inside folder parentID, by name.
func (s *DB) Children(ctx context.Context, bucketID, parentID string) ([]share.Object, error) {
	return s.queryObjects(ctx, "WHERE bucket_id = ? AND parent_id = ? ORDER BY name", bucketID, parentID)
}

// queryObjects returns the objects a WHERE … ORDER BY … clause selects.
func (s *DB) queryObjects(ctx context.Context, where string, args ...any) ([]share.Object, error) {
	rows, err := s.db.QueryContext(ctx, s.q("SELECT "+objectCols+" FROM objects "+where), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []share.Object
	for rows.Next() {
		o, err := scanObject(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ListObjects runs a keyset-paged object listing.
func (s *DB) ListObjects(ctx context.Context, q share.ListQuery) ([]share.Object, share.Count, error) {
	var out []share.Object
	n, err := s.page(ctx, objectListing, objectCols, q, func(sc scanner) error {
		o, err := scanObject(sc)
		out = append(out, o)
		return err
	})
	return out, n, err
}

// UpdateObject writes o if nobody changed it since it was read at prevUpdatedAt.
func (s *DB) UpdateObject(ctx context.Context, o share.Object, prevUpdatedAt int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(
			ctx,
			tx,
			"UPDATE objects SET parent_id = ?, name = ?, metadata = ?, tags = ?, updated_at = ?, file_ttl = ?, "+
				"file_ttl_effective = ?, file_ttl_from = ?, expires_at = ? "+
				"WHERE bucket_id = ? AND id = ? AND updated_at = ?",
			o.ParentID,
			o.Name,
			jsonText(nonNilMap(o.Metadata)),
			jsonText(nonNilSlice(o.Tags)),
			share.Micros(o.UpdatedAt),
			o.FileTTL,
			o.FileTTLEffective,
			o.FileTTLFrom,
			expiresAt(o),
			o.BucketID,
			o.ID,
			prevUpdatedAt,
		)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return share.ErrConflict
		}
		return s.setTags(ctx, tx, "object_tags", "object_id", o.ID, o.Tags)
	})
	if isUnique(err) {
		return share.ErrExists
	}
	return err
}

// DeleteObjects deletes the given objects in one transaction.
func (s *DB) DeleteObjects(ctx context.Context, bucketID string, ids []string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for start := 0; start < len(ids); start += 500 {
			chunk := ids[start:min(start+500, len(ids))]
			args := append([]any{bucketID}, toAny(chunk)...)
			q := "DELETE FROM objects WHERE bucket_id = ? AND id IN (" + placeholders(len(chunk)) + ")"
			if _, err := s.exec(ctx, tx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNilSlice(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// expiresAt is the stored form of o.ExpiresAt: NULL when the object never expires.
func expiresAt(o share.Object) any {
	if o.ExpiresAt.IsZero() {
		return nil
	}
	return share.Micros(o.ExpiresAt)
}

// SetObjectExpiry changes which file_ttl applies to a file and when it expires, leaving updated_at
// alone: a folder's new setting reaching the files inside it is not an edit of those files.
func (s *DB) SetObjectExpiry(ctx context.Context, o share.Object) error {
	_, err := s.exec(
		ctx,
		s.db,
		"UPDATE objects SET file_ttl_effective = ?, file_ttl_from = ?, expires_at = ? WHERE bucket_id = ? AND id = ?",
		o.FileTTLEffective,
		o.FileTTLFrom,
		expiresAt(o),
		o.BucketID,
		o.ID,
	)
	return err
}

// ExpiredObjects returns up to limit files whose expiry (file_ttl) is at or before now, the longest
// expired first. The retention sweeper deletes them.
func (s *DB) ExpiredObjects(ctx context.Context, now int64, limit int) ([]share.Object, error) {
	return s.queryObjects(
		ctx,
		"WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at, id LIMIT ?",
		now,
		limit,
	)
}
