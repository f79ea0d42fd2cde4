package share

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sharedesk/sharedesk/notify"
)

// Composer words the messages the service sends; the service supplies only the facts, so package
// share holds no HTML and no sentences meant for a mailbox (views/email is the one in use).
type Composer interface {
	LinkEmail(m LinkMessage) (notify.Message, error)
	CodeMessage(m CodeMessage) notify.Message
}

// LinkMessage is what a link email tells its recipient.
type LinkMessage struct {
	Link           Link     // with its human-readable text made Displayable
	Files, Folders int      // what the link shares, by kind
	Names          []string // the names of what it shares, in the link's order
	Uncounted      int      // more targets than are looked up for one email: only their number is known
	Unknown        int      // a target could not be looked up: only the number of targets is known
}

// CodeMessage is a one-time code for an email or phone authenticator.
type CodeMessage struct {
	Kind      string // notify.KindEmail or notify.KindSMS
	To        string
	LinkTitle string // Displayable, may be empty
	Code      string
}

// errNoComposer is what sending reports when the service was given no Composer.
var errNoComposer = errors.New("no message composer is configured")

// maxNamedTargets bounds the lookups one email makes: links with more targets are described by count.
const maxNamedTargets = 20

// linkMessage gathers the facts a link email states.
func (s *Service) linkMessage(ctx context.Context, l Link) LinkMessage {
	m := LinkMessage{Link: l}
	if len(l.Targets) > maxNamedTargets {
		m.Uncounted = len(l.Targets)
		return m
	}
	for _, id := range l.Targets {
		o, err := s.store.Object(ctx, l.BucketID, id)
		if err != nil {
			return LinkMessage{Link: l, Unknown: len(l.Targets)}
		}
		if o.Type == TypeFolder {
			m.Folders++
		} else {
			m.Files++
		}
		m.Names = append(m.Names, o.Name)
	}
	return m
}

func (s *Service) sendLinkEmail(ctx context.Context, l Link) error {
	if s.cfg.Composer == nil {
		return errNoComposer
	}
	msg, err := s.cfg.Composer.LinkEmail(s.linkMessage(ctx, l))
	if err != nil {
		return fmt.Errorf("compose link email: %w", err)
	}
	return s.cfg.Sender.Send(ctx, msg)
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
