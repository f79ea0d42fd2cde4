package share

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

var lowerBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// randomString returns 32 base32 characters: 160 random bits.
func randomString() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return lowerBase32.EncodeToString(b)
}

// NewID returns prefix followed by 32 lowercase base32 characters, e.g. "psl_…".
func NewID(prefix string) string { return prefix + randomString() }

// hashToken is how link tokens and API tokens are stored: they carry 160 random bits, so a fast hash
// is enough (a slow KDF is for low-entropy secrets such as passwords).
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Keys are the service's secrets, all derived from one master secret so a deployment manages one file.
type Keys struct {
	cursor      []byte
	seal        cipher.AEAD
	signed      []byte
	upload      []byte
	fingerprint string
	// previous are keys this one replaced: link tokens sealed under them still open (see
	// Service.CheckKey, which re-seals them under the current key).
	previous []*Keys
}

// NewKeys derives the sub-keys from a master secret of at least 32 bytes. previous are the master
// secrets it replaces, during a key rotation.
func NewKeys(master []byte, previous ...[]byte) (*Keys, error) {
	k, err := deriveKeys(master)
	if err != nil {
		return nil, err
	}
	for i, p := range previous {
		old, err := deriveKeys(p)
		if err != nil {
			return nil, fmt.Errorf("previous secret key %d: %w", i+1, err)
		}
		k.previous = append(k.previous, old)
	}
	return k, nil
}

// Fingerprint identifies the master secret without revealing it (an HKDF output of its own), so the
// database can tell when it is started with another key.
func (k *Keys) Fingerprint() string { return k.fingerprint }

func deriveKeys(master []byte) (*Keys, error) {
	if len(master) < 32 {
		return nil, errors.New("secret key must be at least 32 bytes")
	}
	derive := func(label string) []byte {
		k, err := hkdf.Key(sha256.New, master, nil, "sharedesk "+label, 32)
		if err != nil {
			panic(err) // only fails for impossible lengths
		}
		return k
	}
	block, err := aes.NewCipher(derive("link token seal"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keys{cursor: derive("list cursor"), seal: aead, signed: derive("signed url"), upload: derive("upload url"),
		fingerprint: hex.EncodeToString(derive("key fingerprint")[:16])}, nil
}

// NewLinkToken makes the URL token of a new link: the token itself, its stored hash, and the sealed
// copy that lets the API show the URL again. Exported for bulk loaders such as the benchmark.
func (k *Keys) NewLinkToken(linkID string) (token, hash string, sealed []byte) {
	token = randomString()
	return token, hashToken(token), k.sealToken(token, linkID)
}

func (k *Keys) sealToken(token, linkID string) []byte {
	nonce := make([]byte, k.seal.NonceSize())
	_, _ = rand.Read(nonce)
	return k.seal.Seal(nonce, nonce, []byte(token), []byte(linkID))
}

func (k *Keys) openToken(sealed []byte, linkID string) (string, error) {
	token, err := k.openOwnToken(sealed, linkID)
	for _, old := range k.previous {
		if err == nil {
			break
		}
		token, err = old.openOwnToken(sealed, linkID)
	}
	return token, err
}

func (k *Keys) openOwnToken(sealed []byte, linkID string) (string, error) {
	n := k.seal.NonceSize()
	if len(sealed) < n {
		return "", errors.New("sealed token too short")
	}
	plain, err := k.seal.Open(nil, sealed[:n], sealed[n:], []byte(linkID))
	if err != nil {
		return "", fmt.Errorf("open link token: %w", err)
	}
	return string(plain), nil
}

func (k *Keys) mac(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

func (k *Keys) validMAC(key []byte, msg, sig string) bool {
	want := k.mac(key, msg)
	return subtle.ConstantTimeCompare([]byte(want), []byte(sig)) == 1
}

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns an argon2id PHC string for password.
func HashPassword(password string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether password matches the argon2id PHC string phc.
func CheckPassword(phc, password string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
