package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/sharedesk/sharedesk/share"
)

// cmdGC runs one sweeper pass by hand (the servers run it hourly) and prints what it removed.
func cmdGC(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("gc", stdout)
	var sf storageFlags
	sf.register(fs)
	retention := fs.Duration("expired-link-retention", 30*24*time.Hour, "how long expired links are kept")
	tempAge := fs.Duration(
		"temp-age",
		time.Hour,
		"age after which an unfinished upload's temp file (or a blob without a row) is removed",
	)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, log, err := sf.openExisting(ctx, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	blobs, err := sf.blobs(ctx)
	if err != nil {
		return err
	}
	// The sweeper never reads link tokens, so it needs no secret key.
	svc := share.New(db, blobs, nil, share.Config{Logger: log})
	rep, err := svc.Sweep(ctx, share.SweepOptions{TempAge: *tempAge, LinkRetention: *retention})
	if err == nil && rep.Skipped {
		fmt.Fprintln(stdout, "another instance is sweeping this database right now: nothing was done (try again later)")
		return nil
	}
	fmt.Fprintf(
		stdout,
		"removed %d temp files and %d orphaned blobs (%d bytes), %d expired files, %d expired links, %d revoked "+
			"links' records, %d expired upload URLs\n",
		rep.TempFiles,
		rep.OrphanBlobs,
		rep.FreedBytes,
		rep.ExpiredFiles,
		rep.ExpiredLinks,
		rep.RevokedLinks,
		rep.UploadURLs,
	)
	return err
}
