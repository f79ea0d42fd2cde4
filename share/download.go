package share

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// DownloadGrant is what a signed download URL allows: one file, or an archive of objects.
type DownloadGrant struct {
	Kind     string   `json:"k"` // "file", "zip" or "tar"
	BucketID string   `json:"b"`
	IDs      []string `json:"i"`
	Expires  int64    `json:"e"`
}

// SignDownload returns an opaque token for a short-lived download URL (/v1/download/{token}).
func (s *Service) SignDownload(g DownloadGrant, ttl time.Duration) string {
	g.Expires = s.now().Add(ttl).Unix()
	body, _ := json.Marshal(g)
	payload := base64.RawURLEncoding.EncodeToString(body)
	return payload + "." + s.keys.mac(s.keys.signed, payload)
}

// VerifyDownload checks a download token's signature and expiry.
func (s *Service) VerifyDownload(token string) (DownloadGrant, error) {
	var g DownloadGrant
	bad := Errf(CodeNotFound, "This download link is invalid or has expired; ask for a new one.")
	payload, sig, ok := strings.Cut(token, ".")
	if !ok || !s.keys.validMAC(s.keys.signed, payload, sig) {
		return g, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || json.Unmarshal(raw, &g) != nil {
		return g, bad
	}
	if s.now().Unix() >= g.Expires {
		return g, bad
	}
	return g, nil
}
