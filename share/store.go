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
	ListObjects(ctx context.Context, q ListQuery) ([]Object, Count, error)
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

	InsertLinks(ctx context.Context, links []Link) error // all or nothing
	Link(ctx context.Context, bucketID, id string) (Link, error)
	LinksByID(ctx context.Context, bucketID string, ids []string) ([]Link, error)
	ListLinks(ctx context.Context, q ListQuery) ([]Link, Count, error)
	DeleteLinks(ctx context.Context, bucketID string, ids []string) ([]Link, error) // all or nothing
	SetLinkRecipients(ctx context.Context, bucketID string, updates []LinkRecipient) ([]Link, error)

	LinkByTokenHash(ctx context.Context, hash string) (Link, error)
	ConsumeAccess(ctx context.Context, linkID string, now int64) (bool, error)
	// InsertOTP stores a code unless limit codes were issued for the link since a time (atomically).
	InsertOTP(ctx context.Context, c OTP, since int64, limit int) (bool, error)
	LatestOTP(ctx context.Context, linkID string, authIndex int) (OTP, error)
	// TryOTP counts a try against a live code before it is compared (atomically, at most maxAttempts).
	TryOTP(ctx context.Context, id string, now int64, maxAttempts int) (tries int, ok bool, err error)
	UseOTP(ctx context.Context, id string, now int64) (bool, error)
	// ReserveAuthAttempt records an attempt before the secret is checked, unless the link or the
	// client already reached its limit since a time (atomically, across instances).
	ReserveAuthAttempt(ctx context.Context, linkID, client string, at, since int64, perLink, perClient int) (bool, error)
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
