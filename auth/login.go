package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gorilla/sessions"
	"golang.org/x/oauth2"

	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/proxyaddr"
)

// BeginLogin records a sign-in attempt (state, nonce and PKCE verifier, bound to this browser by a
// cookie) and returns the provider's authorization URL.
func (a *Auth) BeginLogin(w http.ResponseWriter, r *http.Request, returnTo string) (string, error) {
	state, nonce, binding := randomID(), randomID(), randomID()
	verifier := oauth2.GenerateVerifier()
	returnTo = ReturnPathOr(returnTo, "/")
	now := a.cfg.Now()
	if err := a.db.PurgeLogins(r.Context(), now.Add(-loginLifetime).UnixMicro()); err != nil {
		a.log.WarnContext(r.Context(), "purge sign-in attempts", "err", err)
	}
	login := consoledb.Login{StateHash: hashID(state), BindingHash: hashID(binding), Nonce: nonce,
		Verifier: verifier, ReturnTo: returnTo, CreatedAt: now.UnixMicro()}
	if err := a.db.SaveLogin(r.Context(), login); err != nil {
		return "", err
	}
	// Lax, not Strict: the provider's redirect back is a cross-site top-level GET.
	http.SetCookie(
		w,
		&http.Cookie{Name: a.loginCookie, Value: binding, Path: "/", MaxAge: int(loginLifetime / time.Second),
			HttpOnly: true, Secure: a.cfg.Secure, SameSite: http.SameSiteLaxMode},
	)
	return a.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// LoginError is a refused sign-in. Reason is for the log and the audit trail; Message is for the person.
type LoginError struct {
	Reason  string
	Message string
	Subject string
	Email   string
}

func (e *LoginError) Error() string { return "sign-in refused: " + e.Reason }

func refuse(reason, message string) *LoginError {
	return &LoginError{Reason: reason, Message: message}
}

// refuseStaff refuses a person the provider vouched for, naming them for the audit trail.
func refuseStaff(s *Staff, reason, message string) *LoginError {
	return &LoginError{Reason: reason, Message: message, Subject: s.Subject, Email: s.Email}
}

// FinishLogin handles the provider's redirect back: the state must be one this browser started and
// not used before; the code is exchanged with the PKCE verifier; the ID token's issuer, audience,
// expiry, signature and nonce are checked. On success a new session (new id) is saved.
func (a *Auth) FinishLogin(w http.ResponseWriter, r *http.Request) (*Staff, string, error) {
	login, code, err := a.takeLogin(w, r)
	if err != nil {
		return nil, "", err
	}
	ctx := r.Context()
	if a.cfg.HTTPClient != nil {
		ctx = oidc.ClientContext(ctx, a.cfg.HTTPClient)
	}
	raw, err := a.exchange(ctx, code, login.Verifier)
	if err != nil {
		return nil, "", err
	}
	staff, err := a.identify(ctx, raw, login.Nonce)
	if err != nil {
		return nil, "", err
	}
	if err := a.startSession(w, r, staff, raw); err != nil {
		return nil, "", err
	}
	return staff, ReturnPathOr(login.ReturnTo, "/"), nil
}

// takeLogin finds the sign-in attempt the callback's state names and checks it was started in this
// browser and not too long ago. The attempt and its cookie are gone afterwards, whatever the outcome.
func (a *Auth) takeLogin(w http.ResponseWriter, r *http.Request) (login consoledb.Login, code string, err error) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		// Both come from the query string, so anyone can send any length: keep a readable prefix.
		return login, "", refuse(
			"provider error: "+applog.Clip(e, 64)+" "+applog.Clip(q.Get("error_description"), 256),
			"The sign-in was cancelled or refused by your identity provider.",
		)
	}
	state, code := q.Get("state"), q.Get("code")
	if state == "" || code == "" {
		return login, "", refuse("callback without state or code", "That sign-in link is incomplete. Start again.")
	}
	// Taking the attempt deletes it, so a state works once whatever happens next.
	login, err = a.db.TakeLogin(r.Context(), hashID(state))
	if errors.Is(err, consoledb.ErrNotFound) {
		return login, "", refuse(
			"unknown or reused state",
			"That sign-in has already been used or has expired. Start again.",
		)
	}
	if err != nil {
		return login, "", err
	}
	http.SetCookie(
		w,
		&http.Cookie{
			Name:     a.loginCookie,
			Value:    "",
			Path:     "/",
			MaxAge:   -1,
			HttpOnly: true,
			Secure:   a.cfg.Secure,
			SameSite: http.SameSiteLaxMode,
		},
	)
	binding, err := r.Cookie(a.loginCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(hashID(binding.Value)), []byte(login.BindingHash)) != 1 {
		return login, "", refuse(
			"state not bound to this browser",
			"That sign-in was started in another browser. Start again here.",
		)
	}
	if a.cfg.Now().Sub(time.UnixMicro(login.CreatedAt)) > loginLifetime {
		return login, "", refuse("sign-in attempt expired", "The sign-in took too long. Start again.")
	}
	return login, code, nil
}

// exchange trades the code (with the attempt's PKCE verifier) for tokens and returns the raw ID token.
func (a *Auth) exchange(ctx context.Context, code, verifier string) (string, error) {
	tok, err := a.oauth.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return "", refuse(
			"code exchange: "+applog.Clip(err.Error(), 256),
			"Your identity provider did not confirm the sign-in. Start again.",
		)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return "", refuse("no id_token in the token response", "Your identity provider did not send an ID token.")
	}
	return raw, nil
}

// startSession saves a new session, with a new id, for every sign-in; any earlier session of this
// browser ends.
func (a *Auth) startSession(w http.ResponseWriter, r *http.Request, staff *Staff, rawIDToken string) error {
	if old, _, err := a.Current(r); err == nil && old != nil {
		if c, err := r.Cookie(a.SessionCookie); err == nil {
			_ = a.db.DeleteSession(r.Context(), hashID(c.Value))
		}
	}
	sess := sessions.NewSession(a.store, a.SessionCookie)
	opts := a.store.options
	sess.Options = &opts
	staff.CSRF = randomID()
	sess.Values[keySubject], sess.Values[keyEmail] = staff.Subject, staff.Email
	sess.Values[keyName], sess.Values[keyRole] = staff.Name, staff.Role
	sess.Values[keyIDToken], sess.Values[keyCSRF] = rawIDToken, staff.CSRF
	sess.Values[keyClient], sess.Values[keyAgent] = proxyaddr.RemoteHost(r), applog.Clip(r.UserAgent(), 200)
	return a.store.create(r, w, sess)
}

// identify verifies a raw ID token against the expected nonce and maps its claims to a person.
func (a *Auth) identify(ctx context.Context, raw, nonce string) (*Staff, error) {
	idt, claims, err := a.verifyIDToken(ctx, raw, nonce)
	if err != nil {
		return nil, err
	}
	if len(idt.Subject) > maxSubject {
		return nil, refuse(
			"subject longer than 255 characters",
			"Your identity provider's answer could not be used. Ask an administrator.",
		)
	}
	str := func(k string) string { v, _ := claims[k].(string); return v }
	// Email and name are stored with the session and in the audit log: bounded like every other
	// field that comes from outside.
	s := &Staff{
		Subject: idt.Subject,
		Email:   applog.Clip(strings.ToLower(str("email")), maxEmail),
		Name:    applog.Clip(str("name"), maxName),
	}
	if s.Name == "" {
		s.Name = applog.Clip(str("preferred_username"), maxName)
	}
	if s.Name == "" {
		s.Name = s.Email
	}
	if err := a.checkDomain(s, claims); err != nil {
		return nil, err
	}
	s.Role = RoleFor(groupsOf(claims[a.cfg.RoleClaim]), a.cfg.RoleMap, a.cfg.DefaultRole)
	if s.Role == "" {
		return nil, refuseStaff(
			s,
			"no role for groups "+applog.Clip(fmt.Sprint(claims[a.cfg.RoleClaim]), 256),
			"You signed in, but your account has no access to sharedesk. Ask an administrator to add you to a "+
				"sharedesk group.",
		)
	}
	return s, nil
}

// verifyIDToken checks the ID token's signature, issuer, audience, expiry and nonce, and returns it
// with its claims.
func (a *Auth) verifyIDToken(ctx context.Context, raw, nonce string) (*oidc.IDToken, map[string]any, error) {
	idt, err := a.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, nil, refuse(
			"id token: "+applog.Clip(err.Error(), 256),
			"Your identity provider's answer could not be verified. Start again.",
		)
	}
	// go-oidc does not check the nonce; without this a token from another sign-in could be replayed.
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return nil, nil, refuse("nonce mismatch", "That sign-in could not be verified. Start again.")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, nil, err
	}
	return idt, claims, nil
}

// checkDomain lets in, when AllowedDomains is set, only verified addresses from those domains.
func (a *Auth) checkDomain(s *Staff, claims map[string]any) error {
	if len(a.cfg.AllowedDomains) == 0 {
		return nil
	}
	// The domain vouches for the person only if the provider confirmed the address: without
	// email_verified anyone could register any address at a provider that does not check it.
	if !emailVerified(claims["email_verified"]) {
		return refuseStaff(
			s,
			"email not verified: "+s.Email,
			"Your identity provider has not confirmed your email address, so it cannot be checked against the "+
				"domains allowed here.",
		)
	}
	_, domain, _ := strings.Cut(s.Email, "@")
	if !slices.ContainsFunc(a.cfg.AllowedDomains, func(d string) bool { return strings.EqualFold(d, domain) }) {
		return refuseStaff(
			s,
			"email domain not allowed: "+s.Email,
			"Your account's email address is not from a domain allowed here.",
		)
	}
	return nil
}

// emailVerified accepts only an explicit true; some providers (Amazon Cognito) send it as a string.
func emailVerified(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return strings.EqualFold(b, "true")
	}
	return false
}

// groupsOf reads a groups claim given as a list or as one space- or comma-separated string.
func groupsOf(v any) []string {
	switch g := v.(type) {
	case []any:
		out := make([]string, 0, len(g))
		for _, x := range g {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		return strings.FieldsFunc(g, func(r rune) bool { return r == ' ' || r == ',' })
	}
	return nil
}
