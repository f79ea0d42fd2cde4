package share

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// KeyStore keeps the secret key's fingerprint and reseals link tokens when the key rotates.
type KeyStore interface {
	// The secret key's fingerprint and rotation (see CheckKey).
	Setting(ctx context.Context, name string) (string, error) // ErrNotFound when unset
	SetSetting(ctx context.Context, name, value string) error
	SampleSealedToken(ctx context.Context) (linkID string, sealed []byte, err error) // ErrNotFound without links
	// ResealLinkTokens calls reseal for every link and stores the new sealed token when it says so.
	ResealLinkTokens(ctx context.Context, reseal func(linkID string, sealed []byte) ([]byte, bool)) (int, error)
}

// SettingKeyFingerprint is where the database keeps the fingerprint of the secret key its links are
// sealed with.
const SettingKeyFingerprint = "secret_key_fingerprint"

// ErrKeyMismatch means the service was started with a secret key other than the one the database
// was used with: every link URL, code and download URL made before would silently stop working.
var ErrKeyMismatch = errors.New("the secret key does not match this database")

// CheckKey makes sure the database and the secret key belong together, before the service serves
// anything. The first start records the key's fingerprint. A start with another key is refused,
// unless the recorded key is given as a previous key: that is a rotation, and every link token is
// re-sealed under the new key before the new fingerprint is recorded.
func CheckKey(ctx context.Context, store KeyStore, keys *Keys, logf func(msg string, args ...any)) error {
	stored, err := store.Setting(ctx, SettingKeyFingerprint)
	switch {
	case errors.Is(err, ErrNotFound):
		// A new database, or one from before fingerprints: the links say which key they need.
		id, sealed, err := store.SampleSealedToken(ctx)
		if err == nil {
			if _, err := keys.openOwnToken(sealed, id); err != nil && !opensWithPrevious(keys, sealed, id) {
				return fmt.Errorf(
					"%w: its links were sealed with another key (link %s does not open). "+
						"Restore the original secret key file",
					ErrKeyMismatch,
					id,
				)
			}
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
	case err != nil:
		return err
	case stored == keys.Fingerprint():
	case !slices.ContainsFunc(keys.previous, func(p *Keys) bool { return p.Fingerprint() == stored }):
		return fmt.Errorf(
			"%w (key fingerprint %s, the database expects %s). "+
				"Restore the secret key file this database was used with; "+
				"to change keys, give the new key as the secret key and the old one with --previous-secret-key-file",
			ErrKeyMismatch,
			keys.Fingerprint(),
			stored,
		)
	}
	if len(keys.previous) > 0 {
		n, err := store.ResealLinkTokens(ctx, func(id string, sealed []byte) ([]byte, bool) {
			if _, err := keys.openOwnToken(sealed, id); err == nil {
				return nil, false
			}
			token, err := keys.openToken(sealed, id)
			if err != nil {
				return nil, false // sealed under a key nobody gave: left as it is, shown without a URL
			}
			return keys.sealToken(token, id), true
		})
		if err != nil {
			return fmt.Errorf("re-seal link tokens under the new secret key: %w", err)
		}
		logf(
			"secret key rotation: link tokens re-sealed under the new key",
			"links",
			n,
			"fingerprint",
			keys.Fingerprint(),
		)
	}
	if stored != keys.Fingerprint() {
		return store.SetSetting(ctx, SettingKeyFingerprint, keys.Fingerprint())
	}
	return nil
}

func opensWithPrevious(keys *Keys, sealed []byte, id string) bool {
	for _, p := range keys.previous {
		if _, err := p.openOwnToken(sealed, id); err == nil {
			return true
		}
	}
	return false
}
