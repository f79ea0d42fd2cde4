package notify_test

import (
	"bytes"
	"context"
	"net/mail"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/notify"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestMailFrom: the sender may carry a display name; a bad one is refused at start, naming the setting.
func TestMailFrom(t *testing.T) {
	in := sharetest.StartSMTP(t)
	tests := []struct {
		url, from         string
		wantName, wantEnv string // From header's display name and the envelope sender (also its address)
		wantErr           string
	}{
		{"smtp://" + in.Addr, "Acme Files <share@example.com>", "Acme Files", "share@example.com", ""},
		{"smtp://" + in.Addr, `"Müller, Sam" <sam@example.com>`, "Müller, Sam", "sam@example.com", ""},
		{"smtp://" + in.Addr + "?from=plain@example.com", "", "", "plain@example.com", ""},
		{"smtp://" + in.Addr + "?from=Desk%20%3Cdesk@example.com%3E", "", "Desk", "desk@example.com", ""},
		{"smtp://" + in.Addr, "not an address", "", "", "--mail-from"},
		{"smtp://" + in.Addr + "?from=nope", "", "", "", "smtp url: from"},
	}
	for i, tt := range tests {
		s, err := notify.NewSMTPFrom(tt.url, tt.from)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("case %d: got %v, want an error naming %s", i, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		to := "to" + string(rune('a'+i)) + "@example.com"
		if err := s.Send(context.Background(), notify.Message{Kind: notify.KindEmail, To: to, Subject: "hi", Text: "hello"}); err != nil {
			t.Fatal(err)
		}
		m := in.Wait(t, to)
		msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
		if err != nil {
			t.Fatal(err)
		}
		from, err := mail.ParseAddress(msg.Header.Get("From"))
		if err != nil || from.Name != tt.wantName || from.Address != tt.wantEnv || m.From != tt.wantEnv {
			t.Errorf("case %d: got From %+v (%v), envelope %q; want name %q, address %q", i, from, err, m.From, tt.wantName, tt.wantEnv)
		}
	}
}
