package share

import (
	"context"

	"github.com/sharedesk/sharedesk/notify"
)

// Store is the persistence the service needs. share/store implements it for SQLite and PostgreSQL;
// one test suite runs against both.
type Store interface {
	Ping(ctx context.Context) error
	Close() error

	EnsureDefaultBucket(ctx context.Context, b Bucket) (Bucket, error)
	Buckets(ctx context.Context) ([]Bucket, error)

	InsertObject(ctx context.Context, o Object) error // ErrExists when the name is taken in the folder
	Object(ctx context.Context, bucketID, id string) (Object, error)
	ObjectByName(ctx context.Context, bucketID, parentID, name string) (Object, error)
	Children(ctx context.Context, bucketID, parentID string) ([]Object, error)
	ListObjects(ctx context.Context, q ListQuery) ([]Object, int, error)
	// UpdateObject writes o if the stored updated_at still equals prevUpdatedAt (ErrConflict if not).
	UpdateObject(ctx context.Context, o Object, prevUpdatedAt int64) error
	DeleteObjects(ctx context.Context, bucketID string, ids []string) error
	// SetObjectExpiry writes o's FileTTLEffective, FileTTLFrom and ExpiresAt only.
	SetObjectExpiry(ctx context.Context, o Object) error
	// ExpiredObjects returns up to limit files whose ExpiresAt is at or before now (Micros).
	ExpiredObjects(ctx context.Context, now int64, limit int) ([]Object, error)

	InsertPendingUpload(ctx context.Context, p PendingUpload) error
	PendingUpload(ctx context.Context, id string) (PendingUpload, error)
	// ClaimPendingUpload moves an unexpired pending upload to uploading; false when it was not pending.
	ClaimPendingUpload(ctx context.Context, id string, now int64) (bool, error)
	FinishPendingUpload(ctx context.Context, id, state string, refusal *Error) error
	DeletePendingUploadsBefore(ctx context.Context, before int64) (int, error)

	// InsertLinks stores links and their events, all or nothing.
	InsertLinks(ctx context.Context, links []Link, evs []Event) error
	Link(ctx context.Context, bucketID, id string) (Link, error)
	LinksByID(ctx context.Context, bucketID string, ids []string) ([]Link, error)
	ListLinks(ctx context.Context, q ListQuery) ([]Link, int, error)
	// DeleteLinks deletes links and stores their events, all or nothing.
	DeleteLinks(ctx context.Context, bucketID string, ids []string, evs []Event) ([]Link, error)
	SetLinkRecipients(ctx context.Context, bucketID string, updates []LinkRecipient) ([]Link, error)

	LinkByTokenHash(ctx context.Context, hash string) (Link, error)
	// ConsumeAccess counts one access within the link's limit and expiry and, when it does, stores ev
	// with it, and limitEv too when that access was the last one allowed.
	ConsumeAccess(ctx context.Context, linkID string, now int64, ev, limitEv Event) (bool, error)
	// InsertOTP stores a code unless limit codes were issued for the link since a time (atomically).
	InsertOTP(ctx context.Context, c OTP, since int64, limit int) (bool, error)
	LatestOTP(ctx context.Context, linkID string, authIndex int) (OTP, error)
	// TryOTP counts a try against a live code before it is compared (atomically, at most maxAttempts).
	TryOTP(ctx context.Context, id string, now int64, maxAttempts int) (tries int, ok bool, err error)
	UseOTP(ctx context.Context, id string, now int64) (bool, error)
	// ReserveAuthAttempt records an attempt, pending, before the secret is checked, unless the link or
	// the client already has its limit of attempts since a time (atomically, across instances); a
	// refusal says whether failures fill the limit or attempts still pending (those reserved before
	// stale count as failures).
	ReserveAuthAttempt(ctx context.Context, linkID, client string, at, since, stale int64, perLink, perClient int) (Reservation, error)
	// FailAuthAttempt turns a pending attempt into a failure; ReleaseAuthAttempt removes it.
	FailAuthAttempt(ctx context.Context, linkID, client string, at int64) error
	ReleaseAuthAttempt(ctx context.Context, linkID, client string, at int64) error
	InsertPortalSession(ctx context.Context, p PortalSession) error
	PortalSession(ctx context.Context, idHash string) (PortalSession, error)
	DeletePortalSession(ctx context.Context, idHash string) error
	PurgeExpired(ctx context.Context, now, failuresBefore int64) error

	// The secret key's fingerprint and rotation (see CheckKey).
	Setting(ctx context.Context, name string) (string, error) // ErrNotFound when unset
	SetSetting(ctx context.Context, name, value string) error
	SampleSealedToken(ctx context.Context) (linkID string, sealed []byte, err error) // ErrNotFound without links
	// ResealLinkTokens calls reseal for every link and stores the new sealed token when it says so.
	ResealLinkTokens(ctx context.Context, reseal func(linkID string, sealed []byte) ([]byte, bool)) (int, error)

	// For the sweeper (see Sweep).
	ExistingObjects(ctx context.Context, ids []string) (map[string]bool, error)
	DeleteLinksExpiredBefore(ctx context.Context, before int64) (int, error)

	// Link events (see Event). RecordEvents stores events that go with no other change; RecordExpired
	// stores a link's expiry event unless one was stored already, and says whether it did.
	RecordEvents(ctx context.Context, evs []Event) error
	RecordExpired(ctx context.Context, ev Event) (bool, error)
	// LinkEvents returns up to limit events of a link with sequence after after, oldest first.
	LinkEvents(ctx context.Context, bucketID, linkID string, after int64, limit int) ([]Event, error)
	// UnnotedExpiredLinks returns up to limit links expired at now whose expiry is not recorded yet.
	UnnotedExpiredLinks(ctx context.Context, now int64, limit int) ([]Link, error)
	// PurgeEvents deletes events from before a time whose link no longer exists.
	PurgeEvents(ctx context.Context, before int64) (int, error)

	InsertToken(ctx context.Context, t Token) error
	TokenByHash(ctx context.Context, hash string) (Token, error)
	Tokens(ctx context.Context) ([]Token, error)
	RevokeToken(ctx context.Context, idOrName string, at int64) (int, error)

	SaveMessage(ctx context.Context, m notify.Message) error
	Messages(ctx context.Context, limit int) ([]notify.Message, error)
}

// LinkRecipient is what link/send records on a link.
type LinkRecipient struct {
	ID             string
	RecipientEmail string
	SenderEmail    string
	SenderName     string
}

// OTP is a one-time code sent to an email or phone authenticator. Times are Micros.
type OTP struct {
	ID        string
	LinkID    string
	AuthIndex int
	CodeHash  string
	CreatedAt int64
	ExpiresAt int64
	Attempts  int
	UsedAt    int64
}

// PortalSession is a recipient's signed-in session on one link. Times are Micros.
type PortalSession struct {
	IDHash    string
	LinkID    string
	CreatedAt int64
	ExpiresAt int64
}

// Reservation is the outcome of ReserveAuthAttempt.
type Reservation int

// The outcomes of ReserveAuthAttempt.
const (
	Reserved        Reservation = iota // the attempt may go ahead
	ReservedBusy                       // refused: attempts still being checked fill a limit, failures do not
	ReservedRefused                    // refused: failures fill a limit
)
