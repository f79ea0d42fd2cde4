package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/sharedesk/sharedesk/metrics"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/store"
)

// purgeLoop removes expired portal sessions, codes and old failure records every few minutes, and
// runs the sweeper (temp files, orphaned blobs, expired files and links) a minute after start and
// then hourly.
func purgeLoop(
	ctx context.Context,
	log *slog.Logger,
	db *store.DB,
	svc *share.Service,
	opt share.SweepOptions,
	m *metrics.Metrics,
) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	sweep := time.NewTimer(time.Minute)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if err := db.PurgeExpired(ctx, now.UnixMicro(), now.Add(-24*time.Hour).UnixMicro()); err != nil &&
				ctx.Err() == nil {
				log.Warn("purge expired sessions", "err", err)
			}
		case <-sweep.C:
			rep, err := runSweep(ctx, log, svc, opt)
			if _, werr := db.PurgeWebhooks(ctx, time.Now().Add(-opt.LinkRetention)); werr != nil && ctx.Err() == nil {
				log.Warn("purge delivered webhooks", "err", werr)
			}
			if m != nil {
				observeSweep(m, rep, err)
			}
			sweep.Reset(time.Hour)
		}
	}
}

// runSweep runs one sweeper pass and logs what it removed.
func runSweep(
	ctx context.Context,
	log *slog.Logger,
	svc *share.Service,
	opt share.SweepOptions,
) (share.SweepReport, error) {
	rep, err := svc.Sweep(ctx, opt)
	log.Info(
		"sweep",
		"skipped_another_instance_sweeping",
		rep.Skipped,
		"temp_files",
		rep.TempFiles,
		"orphan_blobs",
		rep.OrphanBlobs,
		"expired_files",
		rep.ExpiredFiles,
		"expired_links",
		rep.ExpiredLinks,
		"revoked_links",
		rep.RevokedLinks,
		"link_events",
		rep.Events,
		"upload_urls",
		rep.UploadURLs,
		"freed_bytes",
		rep.FreedBytes,
	)
	if err != nil && ctx.Err() == nil {
		log.Warn("sweep incomplete", "err", err)
	}
	return rep, err
}
