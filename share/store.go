package share

// Store is everything the service keeps, as the small interfaces beside the code that uses each.
// share/store implements it for SQLite and PostgreSQL; one test suite runs against both. The outbox and
// the purge of expired rows are not here: the service neither reads its outbox nor purges, the commands
// that wire it do.
type Store interface {
	bucketStore
	objectStore
	expiryStore
	uploadStore
	linkStore
	revokedStore
	accessStore
	sweepStore
	tokenStore
	eventStore
	activityStore
	KeyStore
}

// AccessChange is what UpdateLinkAccess stores for one link: the link with its new expiry, limit,
// authenticators and recipient, the events that say what changed (stored in the same transaction), and
// whether the link's open portal sessions end (someone lost access, and a session does not record who
// opened it).
type AccessChange struct {
	Link        Link
	Events      []Event
	EndSessions bool
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
