package notify

import (
	"context"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"time"

	mail "github.com/wneessen/go-mail"
)

// SMTP sends email through an SMTP server given as a URL:
// smtp://user:pass@host:587 (STARTTLS when the server offers it) or smtps://user:pass@host:465
// (TLS from the first byte).
type SMTP struct {
	client *mail.Client
	from   *netmail.Address
}

// NewSMTP parses rawURL and returns a sender. It does not connect until the first message. The sender
// is the URL's "from" query parameter, or noreply@host.
func NewSMTP(rawURL string) (*SMTP, error) { return NewSMTPFrom(rawURL, "") }

// NewSMTPFrom is NewSMTP with the sender given as an address with an optional display name
// ("Acme Files <share@acme.example>"); empty falls back to NewSMTP's choice.
func NewSMTPFrom(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("smtp url: %w", err)
	}
	opts := []mail.Option{mail.WithTimeout(15 * time.Second)}
	port := 587
	switch u.Scheme {
	case "smtp":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case "smtps":
		port = 465
		opts = append(opts, mail.WithSSL())
	default:
		return nil, fmt.Errorf("smtp url: scheme must be smtp or smtps, not %q", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("smtp url: bad port %q", p)
		}
	}
	opts = append(opts, mail.WithPort(port))
	if u.User != nil {
		pass, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(u.User.Username()), mail.WithPassword(pass))
	}
	c, err := mail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	setting := "--mail-from"
	if from == "" {
		from, setting = u.Query().Get("from"), "smtp url: from"
	}
	if from == "" {
		from = "noreply@" + u.Hostname()
	}
	addr, err := parseFrom(setting, from)
	if err != nil {
		return nil, err
	}
	return &SMTP{client: c, from: addr}, nil
}

// CheckFrom checks a --mail-from value even when no mail server is set, so a mistake shows at start
// and not on the day a mail server is added.
func CheckFrom(from string) error {
	_, err := parseFrom("--mail-from", from)
	return err
}

func parseFrom(setting, from string) (*netmail.Address, error) {
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("%s %q: want an address such as share@example.com or "+
			"\"Acme Files <share@example.com>\": %w", setting, from, err)
	}
	return addr, nil
}

// Send delivers one email with a plain-text body and, when given, an HTML alternative.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if m.Kind != KindEmail {
		return fmt.Errorf("smtp cannot send %s messages", m.Kind)
	}
	msg := mail.NewMsg()
	from := msg.From
	if s.from.Name != "" {
		from = func(addr string) error { return msg.FromFormat(s.from.Name, addr) }
	}
	if err := from(s.from.Address); err != nil {
		return err
	}
	if err := msg.To(m.To); err != nil {
		return err
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return err
		}
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	if err := s.client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send email to %s: %w", m.To, err)
	}
	return nil
}
