package share

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sharedesk/sharedesk/share/blob"
)

// sweepStore is what the sweeper reads and removes.
type sweepStore interface {
	// For the sweeper (see Sweep).
	ExistingObjects(ctx context.Context, ids []string) (map[string]bool, error)
	DeleteLinksExpiredBefore(ctx context.Context, before int64) (int, error)
	DeletePendingUploadsBefore(ctx context.Context, before int64) (int, error)
}

// SweepOptions say what the sweeper may remove.
type SweepOptions struct {
	// TempAge is how old an unfinished upload's temp file (or a blob without a row) must be before it
	// is removed: younger ones may belong to an upload still running. Default one hour.
	TempAge time.Duration
	// LinkRetention is how long an expired link is kept (the console still shows it as expired), and
	// how long a revoked link's tombstone and history are. Default 30 days.
	LinkRetention time.Duration
}

// SweepReport counts what one pass removed.
type SweepReport struct {
	TempFiles    int   // temp files of uploads that never finished
	OrphanBlobs  int   // file bytes no object points at (a crash between the row and the bytes)
	ExpiredFiles int   // objects whose file_ttl ran out (folders count once, with their contents)
	ExpiredLinks int   // links expired longer than the retention
	RevokedLinks int   // tombstones of links revoked longer ago than the retention (their events count in Events)
	LinksExpired int   // links whose expiry was recorded in their history in this pass
	Events       int   // events of links that are gone: older than the retention, or with their tombstone
	UploadURLs   int   // upload URLs (put-url, post-url) past their expiry
	FreedBytes   int64 // bytes of temp files and orphaned blobs
	Skipped      bool  // another instance was sweeping: this pass did nothing
}

// locker is a store that can keep a job to one instance at a time (PostgreSQL advisory locks).
type locker interface {
	TryLock(ctx context.Context, name string) (release func(), ok bool, err error)
}

// Sweep removes what crashes, interrupted uploads and time leave behind. Every step is safe to run
// at any time and again after a crash; instances sharing a database take turns (one pass at a time),
// so they do not list the same bucket and delete the same rows side by side.
func (s *Service) Sweep(ctx context.Context, opt SweepOptions) (SweepReport, error) {
	if l, ok := s.store.(locker); ok {
		release, got, err := l.TryLock(ctx, "sharedesk.sweep")
		if err != nil {
			return SweepReport{}, fmt.Errorf("sweep lock: %w", err)
		}
		if !got {
			return SweepReport{Skipped: true}, nil
		}
		defer release()
	}
	return s.sweep(ctx, opt)
}

func (s *Service) sweep(ctx context.Context, opt SweepOptions) (SweepReport, error) {
	if opt.TempAge <= 0 {
		opt.TempAge = time.Hour
	}
	if opt.LinkRetention <= 0 {
		opt.LinkRetention = 30 * 24 * time.Hour
	}
	p := &sweepPass{now: s.now()}
	// Expired files first, so their bytes go in this same pass.
	if err := s.sweepExpiredFiles(ctx, p); err != nil {
		return p.rep, err
	}
	if err := s.recordLinkExpiries(ctx, p); err != nil {
		return p.rep, err
	}
	s.purgeLinks(ctx, p, p.now.Add(-opt.LinkRetention))
	n, err := s.store.DeletePendingUploadsBefore(ctx, Micros(p.now.Add(-opt.TempAge)))
	p.rep.UploadURLs = n
	p.note("upload URLs", err)
	if s.blobs != nil {
		// File times are the real clock's, whatever clock the service runs on.
		p.note("blobs", s.sweepBlobs(ctx, time.Now().Add(-opt.TempAge), &p.rep))
		s.keepReserve(ctx)
	}
	return p.rep, errors.Join(p.errs...)
}

// sweepPass is one pass of the sweeper: when it started, what it removed, and the steps that failed
// without stopping the others.
type sweepPass struct {
	now  time.Time
	rep  SweepReport
	errs []error
}

// note keeps a step's error, if any, naming the step.
func (p *sweepPass) note(step string, err error) {
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: %w", step, err))
	}
}

// sweepExpiredFiles deletes the objects whose file_ttl has run out, 200 at a time. A delete that fails
// ends the pass.
func (s *Service) sweepExpiredFiles(ctx context.Context, p *sweepPass) error {
	for {
		refs, err := s.store.ExpiredObjects(ctx, Micros(p.now), 200)
		if err != nil {
			p.note("expired files", err)
			return nil
		}
		deleted := 0
		for _, r := range refs {
			n, err := s.DeleteObject(ctx, r.BucketID, r.ID, true)
			if err != nil && !IsCode(err, CodeNotFound) {
				return fmt.Errorf("delete expired object %s: %w", r.ID, err)
			}
			if n > 0 {
				p.rep.ExpiredFiles++
				deleted++
			}
		}
		if len(refs) < 200 || deleted == 0 {
			return nil
		}
	}
}

// recordLinkExpiries records the expiry of links nobody has visited since they expired (the first
// refused visit records it otherwise). A record that fails ends the pass.
func (s *Service) recordLinkExpiries(ctx context.Context, p *sweepPass) error {
	for {
		links, err := s.store.UnnotedExpiredLinks(ctx, Micros(p.now), 200)
		if err != nil {
			p.note("expired links", err)
			return nil
		}
		for _, l := range links {
			ev := s.event(ctx, l, EventExpired)
			ev.Actor, ev.At = "sweeper", p.now
			ok, err := s.store.RecordExpired(ctx, ev)
			if err != nil {
				return fmt.Errorf("record expiry of link %s: %w", l.ID, err)
			}
			if ok {
				p.rep.LinksExpired++
				s.written([]Event{ev})
			}
		}
		if len(links) < 200 {
			return nil
		}
	}
}

// purgeLinks deletes links expired before cutoff, tombstones of links revoked before it, and events
// older than it.
func (s *Service) purgeLinks(ctx context.Context, p *sweepPass, cutoff time.Time) {
	n, err := s.store.DeleteLinksExpiredBefore(ctx, Micros(cutoff))
	p.rep.ExpiredLinks = n
	p.note("expired links", err)
	// Tombstones go with every event of their link, whatever its age; then the events of links gone
	// without a tombstone (expired and deleted above, or revoked before tombstones were kept).
	links, evs, err := s.store.PurgeRevokedLinks(ctx, Micros(cutoff))
	p.rep.RevokedLinks, p.rep.Events = links, evs
	p.note("revoked links", err)
	n, err = s.store.PurgeEvents(ctx, Micros(cutoff))
	p.rep.Events += n
	p.note("link events", err)
}

// sweepBlobs removes temp files and row-less blobs last modified before cutoff.
func (s *Service) sweepBlobs(ctx context.Context, cutoff time.Time, rep *SweepReport) error {
	var candidates []blob.Entry
	err := s.blobs.Scan(ctx, func(e blob.Entry) error {
		if !e.ModTime.Before(cutoff) {
			return nil
		}
		if e.Temp {
			if err := s.blobs.RemoveEntry(ctx, e); err != nil {
				return err
			}
			rep.TempFiles++
			rep.FreedBytes += e.Size
			return nil
		}
		candidates = append(candidates, e)
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	for start := 0; start < len(candidates); start += 500 {
		chunk := candidates[start:min(start+500, len(candidates))]
		ids := make([]string, len(chunk))
		for i, e := range chunk {
			ids[i] = e.Key
		}
		exists, err := s.store.ExistingObjects(ctx, ids)
		if err != nil {
			return err
		}
		for _, e := range chunk {
			if exists[e.Key] {
				continue
			}
			if err := s.blobs.RemoveEntry(ctx, e); err != nil {
				return err
			}
			rep.OrphanBlobs++
			rep.FreedBytes += e.Size
		}
	}
	return nil
}
