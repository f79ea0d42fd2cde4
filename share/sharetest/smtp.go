package sharetest

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one received message, decoded.
type Mail struct {
	From    string
	To      []string
	Subject string
	Text    string
	HTML    string
	Raw     []byte
}

// RejectedDomain is the domain whose recipients the test SMTP server refuses (550), as a real server
// refuses an unknown mailbox.
const RejectedDomain = "rejected.example"

// SlowDomain is the domain whose recipients the test SMTP server answers only after SlowAnswer, as a
// struggling mail server does.
const SlowDomain = "slow.example"

// SlowAnswer is how long the test SMTP server takes over a recipient at SlowDomain.
const SlowAnswer = 5 * time.Second

// Inbox is a real SMTP server on a loopback port that keeps every message it receives, and refuses
// recipients at RejectedDomain.
type Inbox struct {
	Addr string
	mu   sync.Mutex
	mail []Mail
	cond *sync.Cond
}

// StartSMTP starts the server; it stops when the test ends.
func StartSMTP(t testing.TB) *Inbox {
	t.Helper()
	in := &Inbox{}
	in.cond = sync.NewCond(&in.mu)
	s := smtp.NewServer(backend{in})
	s.Domain = "localhost"
	s.AllowInsecureAuth = true
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	in.Addr = ln.Addr().String()
	go func() { _ = s.Serve(ln) }() // returns when the test closes it
	t.Cleanup(func() { s.Close() })
	return in
}

// Wait returns the first message to addr, waiting up to 10 seconds for it.
func (in *Inbox) Wait(t testing.TB, addr string) Mail {
	t.Helper()
	return in.WaitN(t, addr, 1)
}

// WaitN returns the nth message (from 1) to addr, waiting up to 10 seconds for it.
func (in *Inbox) WaitN(t testing.TB, addr string, n int) Mail {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	timer := time.AfterFunc(10*time.Second, func() { in.mu.Lock(); in.cond.Broadcast(); in.mu.Unlock() })
	defer timer.Stop()
	in.mu.Lock()
	defer in.mu.Unlock()
	for {
		seen := 0
		for _, m := range in.mail {
			for _, to := range m.To {
				if strings.EqualFold(to, addr) {
					if seen++; seen == n {
						return m
					}
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail to %s within 10s", addr)
		}
		in.cond.Wait()
	}
}

// All returns every message received so far.
func (in *Inbox) All() []Mail {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]Mail(nil), in.mail...)
}

type backend struct{ in *Inbox }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{in: b.in}, nil }

type session struct {
	in   *Inbox
	from string
	to   []string
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasSuffix(strings.ToLower(to), "@"+SlowDomain) {
		time.Sleep(SlowAnswer)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 4, 1}, Message: "try again later"}
	}
	if strings.HasSuffix(strings.ToLower(to), "@"+RejectedDomain) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	s.to = append(s.to, to)
	return nil
}
func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Mail{From: s.from, To: s.to, Raw: raw}
	if msg, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		dec := new(mime.WordDecoder)
		m.Subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
		readParts(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, &m)
	}
	s.in.mu.Lock()
	s.in.mail = append(s.in.mail, m)
	s.in.cond.Broadcast()
	s.in.mu.Unlock()
	return nil
}

func readParts(contentType, encoding string, body io.Reader, m *Mail) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				return
			}
			readParts(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, m)
		}
	}
	text := decodeBody(encoding, body)
	switch mt {
	case "text/plain":
		m.Text = text
	case "text/html":
		m.HTML = text
	}
}

func decodeBody(encoding string, r io.Reader) string {
	var b []byte
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		b, _ = io.ReadAll(newQP(r))
	case "base64":
		b, _ = io.ReadAll(newB64(r))
	default:
		b, _ = io.ReadAll(r)
	}
	return string(b)
}
