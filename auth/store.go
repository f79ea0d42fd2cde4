package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/sessions"

	"github.com/sharedesk/sharedesk/consoledb"
)

// Session limits (OWASP ASVS level 2).
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
)

// Keys of the identity values kept in a session.
const (
	keySubject = "sub"
	keyEmail   = "email"
	keyName    = "name"
	keyRole    = "role"
	keyIDToken = "id_token"
	keyCSRF    = "csrf"
	keyClient  = "client"
	keyAgent   = "agent"
)

// DBStore is a gorilla/sessions Store that keeps sessions in the console's database. The cookie holds
// only a random id (its hash is the row key), so logout and revocation really end a session, and no
// ID token has to fit in a cookie.
type DBStore struct {
	db      *consoledb.DB
	options sessions.Options
	now     func() time.Time
}

// NewDBStore returns the store; cookies get the given name's attributes from opts.
func NewDBStore(db *consoledb.DB, secure bool, now func() time.Time) *DBStore {
	if now == nil {
		now = time.Now
	}
	return &DBStore{
		db:      db,
		now:     now,
		options: sessions.Options{Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode},
	}
}

// HashID is how session ids are stored.
func HashID(id string) string { return hashID(id) }

func hashID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

func randomID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// Get returns the session of the request (a new, empty one when there is none or it expired).
func (s *DBStore) Get(r *http.Request, name string) (*sessions.Session, error) { return s.New(r, name) }

// New loads the session named by the request's cookie, enforcing the idle and absolute timeouts.
func (s *DBStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	opts := s.options
	sess.Options, sess.IsNew = &opts, true
	c, err := r.Cookie(name)
	if err != nil || c.Value == "" {
		return sess, nil
	}
	row, err := s.db.Session(r.Context(), hashID(c.Value))
	if errors.Is(err, consoledb.ErrNotFound) {
		return sess, nil
	}
	if err != nil {
		return sess, err
	}
	now := s.now()
	if now.Sub(time.UnixMicro(row.LastSeenAt)) > IdleTimeout ||
		now.Sub(time.UnixMicro(row.CreatedAt)) > AbsoluteTimeout {
		_ = s.db.DeleteSession(r.Context(), row.IDHash)
		return sess, nil
	}
	values := map[string]any{}
	if err := json.Unmarshal([]byte(row.Data), &values); err != nil {
		return sess, fmt.Errorf("session data: %w", err)
	}
	for k, v := range values {
		sess.Values[k] = v
	}
	sess.Values[keySubject], sess.Values[keyEmail] = row.Subject, row.Email
	sess.Values[keyName], sess.Values[keyRole] = row.Name, row.Role
	sess.Values[keyIDToken] = row.IDToken
	sess.ID, sess.IsNew = c.Value, false
	// Activity is recorded at most once a minute: the idle limit is 30 minutes, and a write on every
	// request would take SQLite's write lock for nothing.
	if now.Sub(time.UnixMicro(row.LastSeenAt)) > time.Minute {
		if err := s.db.TouchSession(r.Context(), row.IDHash, now.UnixMicro()); err != nil {
			return sess, err
		}
	}
	return sess, nil
}

// Save stores the data of a live session (flashes and the like) and refreshes its cookie; MaxAge < 0
// deletes both. It never creates a session, and a session deleted meanwhile (sign-out elsewhere, an
// admin ending it) stays deleted: its data is dropped and its cookie cleared. Sessions are created
// only by sign-in (create).
func (s *DBStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := s.db.DeleteSession(r.Context(), hashID(sess.ID)); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	if sess.ID == "" {
		return nil // nobody signed in: there is no session to keep anything in
	}
	raw, err := sessionData(sess)
	if err != nil {
		return err
	}
	err = s.db.UpdateSession(r.Context(), hashID(sess.ID), raw, s.now().UnixMicro())
	if errors.Is(err, consoledb.ErrNotFound) {
		ended := *sess.Options
		ended.MaxAge = -1
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", &ended))
		return nil
	}
	if err != nil {
		return err
	}
	opts := *sess.Options
	opts.MaxAge = int(AbsoluteTimeout / time.Second)
	http.SetCookie(w, sessions.NewCookie(sess.Name(), sess.ID, &opts))
	return nil
}

// create stores a new session under a new id and sets its cookie: the only way a session begins.
func (s *DBStore) create(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	sess.ID = randomID()
	raw, err := sessionData(sess)
	if err != nil {
		return err
	}
	now := s.now().UnixMicro()
	str := func(k string) string { v, _ := sess.Values[k].(string); return v }
	row := consoledb.Session{
		IDHash:  hashID(sess.ID),
		Subject: str(keySubject),
		Email:   str(keyEmail),
		Name:    str(keyName),
		Role:    str(keyRole),
		IDToken: str(
			keyIDToken,
		),
		Client:     str(keyClient),
		UserAgent:  str(keyAgent),
		Data:       raw,
		CreatedAt:  now,
		LastSeenAt: now,
	}
	if err := s.db.CreateSession(r.Context(), row); err != nil {
		return err
	}
	opts := *sess.Options
	opts.MaxAge = int(AbsoluteTimeout / time.Second)
	http.SetCookie(w, sessions.NewCookie(sess.Name(), sess.ID, &opts))
	return nil
}

// sessionData is the JSON of the values that have no column of their own.
func sessionData(sess *sessions.Session) (string, error) {
	data := map[string]any{}
	for k, v := range sess.Values {
		key, ok := k.(string)
		if !ok {
			return "", fmt.Errorf("session key %v is not a string", k)
		}
		switch key {
		case keySubject, keyEmail, keyName, keyRole, keyIDToken:
			continue // kept in their own columns
		}
		data[key] = v
	}
	raw, err := json.Marshal(data)
	return string(raw), err
}

// EndSessionByHash ends another person's session (the admin sessions page).
func (s *DBStore) EndSessionByHash(ctx context.Context, idHash string) error {
	return s.db.DeleteSession(ctx, idHash)
}
