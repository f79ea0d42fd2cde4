package share

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sharedesk/sharedesk/dbutil"
	"github.com/sharedesk/sharedesk/notify"
	"github.com/sharedesk/sharedesk/share/blob"
)

// bucketStore is what the service needs at start and for its readiness check.
type bucketStore interface {
	Ping(ctx context.Context) error
	EnsureDefaultBucket(ctx context.Context, b Bucket) (Bucket, error)
	Buckets(ctx context.Context) ([]Bucket, error)
}

// Config holds the service's limits and collaborators.
type Config struct {
	PublicURL        string        // external base URL of the share server; link URLs are PublicURL/s/{token}
	DefaultMaxAccess int           // max_access_count when a request omits it
	MaxAccessLimit   int           // the highest max_access_count a request may ask for
	DefaultExpiry    time.Duration // expires_at when a request omits it
	MaxExpiry        time.Duration // the latest expires_at a request may ask for, from now
	MaxUploadSize    int64         // largest file accepted
	MinFreeSpace     int64         // uploads are refused and /readyz fails below this much free disk; default 32 MiB
	// ReserveSpace: a file this large is kept on the blob disk and given up for deletes when it is full;
	// default 8 MiB.
	ReserveSpace int64
	Sender       notify.Sender // email; without one, every email fails (pass a notify.Outbox to keep them)
	SMS          notify.Sender
	Composer     Composer // words emails and texts; without one, nothing is sent (views/email.Composer)
	// Downloads and Uploads: TransferDirect serves file downloads / put-url uploads by presigned URL
	// (object stores only).
	Downloads, Uploads string
	Logger             *slog.Logger
	Now                func() time.Time
	// AttemptWait is how long a sign-in waits for other attempts on the same link or address that are
	// still being checked, when only they stand in its way, before it is answered Busy (5 s).
	AttemptWait time.Duration
	// OnEvents is told of link events once they are stored (metrics, waking webhook delivery).
	OnEvents func([]Event)
	// OnBytes is told of file bytes stored (up) and served (down).
	OnBytes func(up bool, n int64)
	// SendBudget bounds the emails of one link/send (default 40 s), so its answer reaches the client
	// before the server's write deadline.
	SendBudget time.Duration
}

// Service is the share service.
type Service struct {
	store         Store
	blobs         blob.Store
	keys          *Keys
	cfg           Config
	defaultBucket Bucket
	kdfSlots      chan struct{}
	settled       signal       // attempts settled (see reserveAttempt)
	checks        atomic.Int64 // secrets compared, see SecretChecks
}

// New returns a service; call Start before use.
func New(store Store, blobs blob.Store, keys *Keys, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return time.Now().UTC() }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Sender == nil {
		cfg.Sender = notify.Unconfigured{}
	}
	if cfg.SMS == nil {
		cfg.SMS = notify.Unconfigured{}
	}
	if cfg.AttemptWait <= 0 {
		cfg.AttemptWait = 5 * time.Second
	}
	if cfg.MinFreeSpace <= 0 {
		cfg.MinFreeSpace = 32 << 20
	}
	if cfg.ReserveSpace <= 0 {
		cfg.ReserveSpace = 8 << 20
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	return &Service{
		store:    store,
		blobs:    blobs,
		keys:     keys,
		cfg:      cfg,
		kdfSlots: make(chan struct{}, 2*runtime.GOMAXPROCS(0)),
	}
}

// Start makes sure the default bucket exists.
func (s *Service) Start(ctx context.Context) error {
	b, err := s.store.EnsureDefaultBucket(ctx, Bucket{ID: NewID("pro_"), Name: "default", CreatedAt: s.now()})
	if err != nil {
		return fmt.Errorf("default bucket: %w", err)
	}
	s.defaultBucket = b
	s.keepReserve(ctx)
	// A store that works in a degraded way (PostgreSQL without pg_trgm) says so at every start.
	if w, ok := s.store.(interface{ Warnings() []string }); ok {
		for _, msg := range w.Warnings() {
			s.cfg.Logger.WarnContext(ctx, msg)
		}
	}
	return nil
}

// Config returns the service's configuration (limits are shown to clients such as the console).
func (s *Service) Config() Config { return s.cfg }

// Ready reports whether the service can do its work: the database answers and the disk has room.
// The error is a *Error (ServiceNotAvailable or InsufficientStorage) without server details.
func (s *Service) Ready(ctx context.Context) error {
	if err := s.store.Ping(ctx); err != nil {
		return &Error{Code: CodeUnavailable, Message: "database unreachable", cause: err}
	}
	if p, ok := s.blobs.(blob.Pinger); ok {
		// A store that hangs must not hang the health check too (the client retries on its own).
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := p.Ping(pctx); err != nil {
			return &Error{Code: CodeUnavailable, Message: "object store unreachable", cause: err}
		}
	}
	return s.roomToWrite()
}

// roomToWrite refuses a write when the blob disk is nearly full: stopping early keeps room for the
// database, so deletes (which free space) still work.
func (s *Service) roomToWrite() error {
	disk, ok := s.blobs.(blob.Spacer)
	if !ok { // object stores have no free space to watch
		return nil
	}
	free, err := disk.Free()
	if err != nil {
		return fmt.Errorf("free disk space: %w", err)
	}
	if free < s.cfg.MinFreeSpace {
		return storageFull(fmt.Errorf("%d bytes free, %d needed: %w", free, s.cfg.MinFreeSpace, blob.ErrNoSpace))
	}
	return nil
}

// roomToDelete runs a delete; when it fails because the disk is full (SQLite's WAL needs a little
// space even to delete), it gives up the reserve file and tries once more.
func (s *Service) roomToDelete(del func() error) error {
	err := del()
	if disk, ok := s.blobs.(blob.Spacer); ok && err != nil && dbutil.IsStorageFull(err) && disk.ReleaseReserve() {
		s.cfg.Logger.Warn("disk full: released the space reserve so a delete can proceed")
		err = del()
	}
	return err
}

// keepReserve (re)creates the reserve file when there is room for it.
func (s *Service) keepReserve(ctx context.Context) {
	disk, ok := s.blobs.(blob.Spacer)
	if !ok {
		return
	}
	if err := disk.Reserve(s.cfg.ReserveSpace); err != nil {
		s.cfg.Logger.WarnContext(ctx, "could not keep the disk space reserve", "err", err)
	}
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Microsecond) }

// Buckets lists the buckets.
func (s *Service) Buckets(ctx context.Context) ([]Bucket, error) { return s.store.Buckets(ctx) }

// bucket resolves an optional bucket id: "" is the default bucket.
func (s *Service) bucket(ctx context.Context, id string) (string, error) {
	if id == "" || id == s.defaultBucket.ID {
		return s.defaultBucket.ID, nil
	}
	buckets, err := s.store.Buckets(ctx)
	if err != nil {
		return "", err
	}
	for _, b := range buckets {
		if b.ID == id {
			return id, nil
		}
	}
	return "", Invalid("DoesNotExist", "/bucket_id", "no bucket with this id")
}

func notFound(what, id string) error {
	return Errf(CodeNotFound, "%s %s was not found", what, id)
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
