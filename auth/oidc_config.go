package auth

import (
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// oidcConfig builds go-oidc verifier settings.
type oidcConfig struct {
	ClientID string
	Now      func() time.Time
}

func (c oidcConfig) config() *oidc.Config { return &oidc.Config{ClientID: c.ClientID, Now: c.Now} }
