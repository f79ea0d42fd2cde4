package api_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestTokenFileRotation: an operator rotates the console's token by rewriting its file; the client
// picks the new one up when the file changes, and after a 401 even when the change went unnoticed.
func TestTokenFileRotation(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		env := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "token")
		write := func(token string) {
			t.Helper()
			if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		rotate := func(name string) (string, string) {
			t.Helper()
			token, tok, err := env.Svc.CreateToken(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			return token, tok.ID
		}
		first, firstID := rotate("first")
		write(first)
		var inUse []string
		tf, err := api.OpenTokenFile(path, func(fp string) { inUse = append(inUse, fp) })
		if err != nil {
			t.Fatal(err)
		}
		c := api.NewClient(env.URL, "")
		c.TokenFile = tf
		if _, err := c.Buckets(ctx); err != nil {
			t.Fatalf("first token: %v", err)
		}

		// Rotation the file's stamp shows: new file, old token revoked.
		second, secondID := rotate("second")
		write(second)
		_ = os.Chtimes(path, farFuture, farFuture)
		if err := env.Svc.RevokeToken(ctx, firstID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Buckets(ctx); err != nil {
			t.Errorf("after rotating the file: %v", err)
		}

		// Rotation the stamp does not show (same size, same time): the 401 makes the client look.
		third, _ := rotate("third")
		st, _ := os.Stat(path)
		write(third)
		_ = os.Chtimes(path, st.ModTime(), st.ModTime())
		if err := env.Svc.RevokeToken(ctx, secondID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Buckets(ctx); err != nil {
			t.Errorf("after an unnoticed rotation: %v", err)
		}
		want := []string{api.Fingerprint(first), api.Fingerprint(second), api.Fingerprint(third)}
		if strings.Join(inUse, " ") != strings.Join(want, " ") {
			t.Errorf("tokens taken into use: got %v, want %v", inUse, want)
		}
		for _, secret := range []string{first, second, third} {
			if strings.Contains(env.Logs.String(), secret) {
				t.Error("a token secret reached the share server's log")
			}
		}
		// The share server logged the refusal of the revoked token with its id.
		if logs := env.Logs.String(); !strings.Contains(logs, `"reason":"revoked"`) || !strings.Contains(logs, secondID) {
			t.Errorf("share server log: want the refused token's reason and id:\n%s", logs)
		}
	})
}

func TestTokenFileRefusals(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, content, want string
	}{
		{"empty", "", "is empty"},
		{"blank", " \n\n", "is empty"},
		{"two lines", "shd_a\nshd_b\n", "more than one line"},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := api.OpenTokenFile(path, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
		}
	}
}

var farFuture = mustTime("2100-01-01T00:00:00Z")

func mustTime(s string) (t time.Time) {
	t, _ = time.Parse(time.RFC3339, s)
	return t
}
