// Package auth signs staff in to the console with OpenID Connect (authorization code, PKCE, state and
// nonce kept server-side and bound to the browser), keeps their sessions in the database behind a
// gorilla/sessions store, and decides what each role may do.
package auth

import (
	"fmt"
	"slices"
	"strings"
)

// Roles, from least to most allowed.
const (
	RoleViewer   = "viewer"
	RoleHelpdesk = "helpdesk"
	RoleSharer   = "sharer"
	RoleAdmin    = "admin"
)

// Permission is one kind of action in the console.
type Permission string

// Permissions.
const (
	Browse     Permission = "browse"      // see links and files
	RevokeAny  Permission = "revoke-any"  // revoke any link
	RevokeOwn  Permission = "revoke-own"  // revoke links one created
	Send       Permission = "send"        // send or resend links
	Create     Permission = "create"      // create links, upload files, make folders
	DeleteFile Permission = "delete-file" // delete files and folders
	Admin      Permission = "admin"       // audit log, sessions
)

var grants = map[string][]Permission{
	RoleViewer:   {Browse},
	RoleHelpdesk: {Browse, RevokeAny, RevokeOwn, Send},
	RoleSharer:   {Browse, RevokeOwn, Send, Create},
	RoleAdmin:    {Browse, RevokeAny, RevokeOwn, Send, Create, DeleteFile, Admin},
}

var rank = map[string]int{RoleViewer: 1, RoleHelpdesk: 2, RoleSharer: 3, RoleAdmin: 4}

// Can reports whether role has permission p.
func Can(role string, p Permission) bool { return slices.Contains(grants[role], p) }

// CanRevoke reports whether role may revoke some link (any, or its own).
func CanRevoke(role string) bool { return Can(role, RevokeAny) || Can(role, RevokeOwn) }

// ValidRole reports whether r names a role.
func ValidRole(r string) bool { _, ok := rank[r]; return ok }

// ParseRoleMap parses "group=role,group=role".
func ParseRoleMap(s string) (map[string]string, error) {
	m := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		group, role, ok := strings.Cut(pair, "=")
		group, role = strings.TrimSpace(group), strings.TrimSpace(role)
		if !ok || group == "" || !ValidRole(role) {
			return nil, fmt.Errorf("role map entry %q: want group=role with role one of viewer, helpdesk, sharer, admin", pair)
		}
		m[group] = role
	}
	return m, nil
}

// RoleFor maps a person's groups to the highest role any of them grants, or fallback.
func RoleFor(groups []string, roleMap map[string]string, fallback string) string {
	best := ""
	for _, g := range groups {
		if r, ok := roleMap[g]; ok && rank[r] > rank[best] {
			best = r
		}
	}
	if best == "" {
		return fallback
	}
	return best
}
