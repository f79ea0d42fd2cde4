package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/sharedesk/sharedesk/backup"
)

// cmdRestore unpacks an archive made by backup into an empty data directory and checks every file.
func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("restore", stdout)
	var sf storageFlags
	sf.register(fs)
	file, err := parseWithArg(fs, args, "usage: sharedesk restore [--data-dir DIR] FILE")
	if err != nil {
		return err
	}
	if sf.databaseURL != "" {
		return errors.New(
			"restore writes a SQLite data directory; for PostgreSQL use pg_restore (see the README's Backup section)",
		)
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := backup.Restore(ctx, f, sf.dataDir)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(
		stdout,
		"Restored %d links and %d files (%d bytes, every one checked) into %s.\n",
		rep.Links,
		rep.Files,
		rep.Bytes,
		sf.dataDir,
	)
	return nil
}
