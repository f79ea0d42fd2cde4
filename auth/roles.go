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

// roleSep joins roles that a person holds together (helpdesk+sharer): neither of those two includes
// the other, so the person gets what both allow.
const roleSep = "+"

// Can reports whether role (one role, or several joined by "+") has permission p.
func Can(role string, p Permission) bool {
	for r := range strings.SplitSeq(role, roleSep) {
		if slices.Contains(grants[r], p) {
			return true
		}
	}
	return false
}

// CanRevoke reports whether role may revoke some link (any, or its own).
func CanRevoke(role string) bool { return Can(role, RevokeAny) || Can(role, RevokeOwn) }

// ValidRole reports whether r names a role, or several joined by "+".
func ValidRole(r string) bool {
	if r == "" {
		return false
	}
	for part := range strings.SplitSeq(r, roleSep) {
		if _, ok := rank[part]; !ok {
			return false
		}
	}
	return true
}

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
		if _, known := rank[role]; !ok || group == "" || !known {
			return nil, fmt.Errorf(
				"role map entry %q: want group=role with role one of viewer, helpdesk, sharer, admin",
				pair,
			)
		}
		m[group] = role
	}
	return m, nil
}

// RoleFor combines the roles a person's groups grant into the most capable role that covers all of
// them: a role whose permissions another granted role includes is dropped, and roles that do not
// include each other are kept together ("helpdesk+sharer"). With no mapped group it is fallback.
func RoleFor(groups []string, roleMap map[string]string, fallback string) string {
	held := map[string]bool{}
	for _, g := range groups {
		if r, ok := roleMap[g]; ok {
			held[r] = true
		}
	}
	if len(held) == 0 {
		return fallback
	}
	var keep []string
	for r := range held {
		covered := false
		for other := range held {
			if other != r && includes(other, r) && (!includes(r, other) || rank[other] > rank[r]) {
				covered = true
				break
			}
		}
		if !covered {
			keep = append(keep, r)
		}
	}
	slices.SortFunc(keep, func(a, b string) int { return rank[a] - rank[b] })
	return strings.Join(keep, roleSep)
}

// includes reports whether role a has every permission of role b.
func includes(a, b string) bool {
	for _, p := range grants[b] {
		if !slices.Contains(grants[a], p) {
			return false
		}
	}
	return true
}
