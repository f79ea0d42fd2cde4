package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sharedesk/sharedesk/backup"
)

// cmdBackup writes a consistent archive of a SQLite data directory while the server runs.
func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", stdout)
	var sf storageFlags
	sf.register(fs)
	out := fs.String("out", "", "archive to write (a tar file; it holds the secret key: keep it as safe as the server)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("backup takes no arguments (got %q): use --out FILE", fs.Args())
	}
	if sf.databaseURL != "" {
		return errors.New(
			"backup copies the SQLite data directory; for PostgreSQL use pg_dump or point-in-time recovery (see the " +
				"README's Backup section)",
		)
	}
	if *out == "" {
		return errors.New("backup needs --out FILE")
	}
	// Write beside the destination and rename at the end, so a failed backup never leaves a partial
	// archive under the name an operator would restore from.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".sharedesk-backup-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	rep, err := backup.Create(ctx, sf.dataDir, sf.secretKeyFile, tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %d links and %d files (%d bytes) to %s.\n", rep.Links, rep.Files, rep.Bytes, *out)
	if rep.Vanished > 0 {
		fmt.Fprintf(stdout, "%d files deleted while the backup ran are not in it.\n", rep.Vanished)
	}
	return nil
}
