// Package bench measures the performance budgets of DESIGN.md against a store of 1,000,000 links.
package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/store"
)

var (
	words     = []string{"Invoice", "Contract", "Report", "Payroll", "Design", "Audit", "Budget", "Roadmap", "Minutes", "Offer", "Quote", "Policy", "Release", "Survey", "Summary", "Proposal"}
	companies = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent", "Vandelay"}
	types     = []string{share.LinkDownload, share.LinkDownload, share.LinkDownload, share.LinkEditor, share.LinkUpload}
)

// Seed fills db with n links (and 1,000 target objects) spread over the year before now. It is
// deterministic for a given n, so figures are comparable between runs.
func Seed(ctx context.Context, db *store.DB, keys *share.Keys, bucketID string, n int, now time.Time) error {
	r := rand.New(rand.NewPCG(1, 2))
	sdb := db.SQL()
	objects := make([]string, 1000)
	tx, err := sdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for i := range objects {
		objects[i] = fmt.Sprintf("pos_bench%027d", i)
		if _, err := tx.ExecContext(ctx, `INSERT INTO objects (id, bucket_id, parent_id, name, type, created_at, updated_at) VALUES (?, ?, '', ?, 'folder', ?, ?)`,
			objects[i], bucketID, fmt.Sprintf("Folder %04d", i), now.UnixMicro(), now.UnixMicro()); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	const batch = 20000
	auths, _ := json.Marshal([]share.Authenticator{{Type: share.AuthEmailOTP, Context: "someone@example.com"}})
	for start := 0; start < n; start += batch {
		if err := seedBatch(ctx, sdb, keys, r, bucketID, objects, string(auths), start, min(batch, n-start), now); err != nil {
			return err
		}
	}
	_, err = sdb.ExecContext(ctx, "ANALYZE")
	return err
}

func seedBatch(ctx context.Context, sdb *sql.DB, keys *share.Keys, r *rand.Rand, bucketID string, objects []string, auths string, start, count int, now time.Time) error {
	tx, err := sdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insLink, err := tx.PrepareContext(ctx, `INSERT INTO links (id, bucket_id, token_hash, token_sealed, link_type, targets, access_count,
		max_access_count, created_at, expires_at, last_accessed_at, authenticators, title, message, recipient_email, sender_email, sender_name, tags)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	insTarget, err := tx.PrepareContext(ctx, `INSERT INTO link_targets (link_id, object_id) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	insTag, err := tx.PrepareContext(ctx, `INSERT INTO link_tags (link_id, tag) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	year := int64(365 * 24 * time.Hour / time.Microsecond)
	for i := start; i < start+count; i++ {
		id := fmt.Sprintf("psl_bench%027d", i)
		_, hash, sealed := keys.NewLinkToken(id)
		created := now.UnixMicro() - year + int64(i)*(year/int64(1_000_000)) // in id order, like real inserts
		expires := created + int64(1+r.IntN(90))*int64(24*time.Hour/time.Microsecond)
		maxAccess := 1 + r.IntN(20)
		access := r.IntN(maxAccess + 1)
		var lastAccess int64
		if access > 0 {
			lastAccess = created + int64(r.IntN(3600))*1_000_000
		}
		target := objects[r.IntN(len(objects))]
		title := fmt.Sprintf("%s %s %06d", words[r.IntN(len(words))], companies[r.IntN(len(companies))], r.IntN(1_000_000))
		tag := fmt.Sprintf("tag%02d", r.IntN(20))
		recipient := fmt.Sprintf("user%04d@example.com", r.IntN(5000))
		targets, _ := json.Marshal([]string{target})
		tags, _ := json.Marshal([]string{tag})
		if _, err := insLink.ExecContext(ctx, id, bucketID, hash, sealed, types[r.IntN(len(types))], string(targets), access, maxAccess,
			created, expires, lastAccess, auths, title, "Please find the files attached.", recipient, "staff@example.com", "Staff", string(tags)); err != nil {
			return err
		}
		if _, err := insTarget.ExecContext(ctx, id, target); err != nil {
			return err
		}
		if _, err := insTag.ExecContext(ctx, id, tag); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// OpenSeeded opens the cached benchmark database in dir, seeding it on first use.
func OpenSeeded(ctx context.Context, dir string, n int) (*store.DB, []byte, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	marker := filepath.Join(dir, fmt.Sprintf("seeded-%d", n))
	secretPath := filepath.Join(dir, "secret.key")
	_, seeded := os.Stat(marker)
	if seeded != nil {
		os.Remove(filepath.Join(dir, "sharedesk.db"))
		os.Remove(filepath.Join(dir, "sharedesk.db-wal"))
		os.Remove(filepath.Join(dir, "sharedesk.db-shm"))
		if err := os.WriteFile(secretPath, []byte("bench secret bench secret bench secret!!"), 0o600); err != nil {
			return nil, nil, err
		}
	}
	secret, err := os.ReadFile(secretPath)
	if err != nil {
		return nil, nil, err
	}
	db, err := store.OpenSQLite(ctx, filepath.Join(dir, "sharedesk.db"))
	if err != nil {
		return nil, nil, err
	}
	if seeded == nil {
		return db, secret, nil
	}
	keys, err := share.NewKeys(secret)
	if err != nil {
		return nil, nil, err
	}
	b, err := db.EnsureDefaultBucket(ctx, share.Bucket{ID: share.NewID("pro_"), Name: "default", CreatedAt: time.Now()})
	if err != nil {
		return nil, nil, err
	}
	t0 := time.Now()
	if err := Seed(ctx, db, keys, b.ID, n, time.Now().UTC()); err != nil {
		db.Close()
		return nil, nil, err
	}
	fmt.Printf("seeded %d links in %s\n", n, time.Since(t0).Round(time.Second))
	return db, secret, os.WriteFile(marker, nil, 0o600)
}
