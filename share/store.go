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

	InsertLinks(ctx context.Context, links []Link) error // all or nothing
	Link(ctx context.Context, bucketID, id string) (Link, error)
	LinksByID(ctx context.Context, bucketID string, ids []string) ([]Link, error)
	ListLinks(ctx context.Context, q ListQuery) ([]Link, int, error)
	DeleteLinks(ctx context.Context, bucketID string, ids []string) ([]Link, error) // all or nothing
	SetLinkRecipients(ctx context.Context, bucketID string, updates []LinkRecipient) ([]Link, error)

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
