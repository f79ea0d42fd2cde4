package auth

import "testing"

func TestRoleFor(t *testing.T) {
	roleMap := map[string]string{"admins": RoleAdmin, "helpdesk": RoleHelpdesk, "staff": RoleSharer, "auditors": RoleViewer}
	tests := []struct {
		groups   []string
		fallback string
		want     string
	}{
		{nil, "", ""},
		{[]string{"contractors"}, "", ""},
		{[]string{"contractors"}, RoleViewer, RoleViewer},
		{[]string{"auditors"}, "", RoleViewer},
		{[]string{"staff"}, "", RoleSharer},
		{[]string{"helpdesk", "staff"}, "", "helpdesk+sharer"},
		{[]string{"staff", "helpdesk"}, "", "helpdesk+sharer"},
		{[]string{"staff", "helpdesk", "auditors"}, "", "helpdesk+sharer"},
		{[]string{"auditors", "helpdesk"}, "", RoleHelpdesk},
		{[]string{"auditors", "staff"}, "", RoleSharer},
		{[]string{"staff", "helpdesk", "admins"}, "", RoleAdmin},
		{[]string{"admins", "auditors"}, "", RoleAdmin},
		{[]string{"staff", "staff"}, "", RoleSharer},
	}
	for _, tt := range tests {
		if got := RoleFor(tt.groups, roleMap, tt.fallback); got != tt.want {
			t.Errorf("RoleFor(%v, fallback %q) = %q, want %q", tt.groups, tt.fallback, got, tt.want)
		}
	}
}

// TestCombinedRolePermissions: a combined role may do everything each of its roles may do, and
// nothing more.
func TestCombinedRolePermissions(t *testing.T) {
	all := []Permission{Browse, RevokeAny, RevokeOwn, Send, Create, DeleteFile, Admin}
	for _, role := range []string{"helpdesk+sharer", "viewer+helpdesk"} {
		if !ValidRole(role) {
			t.Errorf("ValidRole(%q) = false", role)
		}
		for _, p := range all {
			want := false
			for _, part := range []string{RoleViewer, RoleHelpdesk, RoleSharer, RoleAdmin} {
				if (role == "helpdesk+sharer" && (part == RoleHelpdesk || part == RoleSharer)) || (role == "viewer+helpdesk" && (part == RoleViewer || part == RoleHelpdesk)) {
					want = want || Can(part, p)
				}
			}
			if got := Can(role, p); got != want {
				t.Errorf("Can(%q, %s) = %v, want %v", role, p, got, want)
			}
		}
	}
	for _, bad := range []string{"", "+", "sharer+", "root", "sharer+root"} {
		if ValidRole(bad) {
			t.Errorf("ValidRole(%q) = true", bad)
		}
	}
}
