package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/dbutil"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/blob"
	"github.com/sharedesk/sharedesk/share/store"
)

// blobs opens the store of file bytes: the S3 bucket when --s3-bucket is set, else DATA_DIR/blobs.
func (f *storageFlags) blobs(ctx context.Context) (blob.Store, error) {
	if f.s3Bucket == "" {
		return blob.Open(filepath.Join(f.dataDir, "blobs"))
	}
	return blob.OpenS3(ctx, blob.S3Config{Bucket: f.s3Bucket, Endpoint: f.s3Endpoint, Region: f.s3Region,
		PathStyle: f.s3PathStyle, Prefix: f.s3Prefix})
}

func (f *storageFlags) open(ctx context.Context, log *slog.Logger) (*store.DB, error) {
	if f.databaseURL == "" {
		db, err := store.OpenSQLite(ctx, filepath.Join(f.dataDir, "sharedesk.db"))
		if err != nil {
			return nil, fmt.Errorf("data directory %s (--data-dir): %w", f.dataDir, err)
		}
		return db, nil
	}
	var db *store.DB
	err := dbutil.Retry(ctx, log, "PostgreSQL", f.databaseWait, func(ctx context.Context) error {
		var err error
		db, err = store.OpenPostgres(ctx, f.databaseURL)
		return err
	})
	return db, err
}

// openForCommand opens the database for a one-shot command (token, gc), whose log says only what went
// wrong, so its own output stays readable.
func (f *storageFlags) openForCommand(ctx context.Context, stderr io.Writer) (*store.DB, *slog.Logger, error) {
	log := applog.New(stderr, slog.LevelWarn)
	db, err := f.open(ctx, log)
	return db, log, err
}

// openExisting is openForCommand for a command that only reads or changes what is there: a data
// directory that holds no database is a mistyped --data-dir, refused instead of getting an empty
// database (and a new secret key).
func (f *storageFlags) openExisting(ctx context.Context, stderr io.Writer) (*store.DB, *slog.Logger, error) {
	if err := f.mustExist(); err != nil {
		return nil, nil, err
	}
	return f.openForCommand(ctx, stderr)
}

// mustExist refuses a SQLite data directory that holds no database yet.
func (f *storageFlags) mustExist() error {
	if f.databaseURL != "" {
		return nil
	}
	if _, err := os.Stat(filepath.Join(f.dataDir, "sharedesk.db")); err != nil {
		return fmt.Errorf("no sharedesk database in %s (--data-dir): %w", f.dataDir, err)
	}
	return nil
}

// keys reads the master secret (and any previous ones), creating a random one on the first start of
// an empty database, and checks it against the fingerprint the database recorded.
func (f *storageFlags) keys(ctx context.Context, db *store.DB, log *slog.Logger) (*share.Keys, error) {
	secret, err := f.secret(ctx, db)
	if err != nil {
		return nil, err
	}
	var previous [][]byte
	for _, p := range strings.Split(f.previousKeyFiles, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		key, err := readSecret(p)
		if err != nil {
			return nil, fmt.Errorf("--previous-secret-key-file: %w", err)
		}
		previous = append(previous, key)
	}
	keys, err := share.NewKeys(secret, previous...)
	if err != nil {
		return nil, err
	}
	if err := share.CheckKey(ctx, db, keys, func(msg string, args ...any) { log.Info(msg, args...) }); err != nil {
		return nil, err
	}
	return keys, nil
}

// secret reads the master secret. A missing default key file is created only for a database that
// has never held links: otherwise a lost key would be silently replaced and every link broken.
func (f *storageFlags) secret(ctx context.Context, db *store.DB) ([]byte, error) {
	path := f.secretKeyFile
	if path == "" {
		path = filepath.Join(f.dataDir, "secret.key")
	}
	_, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) && f.secretKeyFile == "" {
		_, fpErr := db.Setting(ctx, share.SettingKeyFingerprint)
		_, _, linkErr := db.SampleSealedToken(ctx)
		if !errors.Is(fpErr, share.ErrNotFound) || !errors.Is(linkErr, share.ErrNotFound) {
			return nil, fmt.Errorf(
				"%w: the secret key file %s is missing, but this database was already used with a key. "+
					"Restore that file from a backup (a new key would break every existing link)",
				share.ErrKeyMismatch,
				path,
			)
		}
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		if err := dbutil.WritePrivate(path, strings.NewReader(hex.EncodeToString(key)+"\n")); err != nil {
			return nil, err
		}
		return key, nil
	}
	return readSecret(path)
}

func readSecret(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read secret key: %w", err)
	}
	raw = bytes.TrimSpace(raw)
	if key, err := hex.DecodeString(string(raw)); err == nil && len(key) >= 32 {
		return key, nil
	}
	if len(raw) < 32 {
		return nil, fmt.Errorf("secret key in %s is too short: use at least 32 random bytes (64 hex characters)", path)
	}
	return raw, nil
}
