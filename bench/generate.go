package bench

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/sharedesk/sharedesk/share"
)

var (
	words = []string{"Invoice", "Contract", "Report", "Payroll", "Design", "Audit", "Budget", "Roadmap", "Minutes",
		"Offer", "Quote", "Policy", "Release", "Survey", "Summary", "Proposal"}
	companies = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell",
		"Cyberdyne", "Soylent", "Vandelay"}
	types = []string{share.LinkDownload, share.LinkDownload, share.LinkDownload, share.LinkEditor, share.LinkUpload}
)

// linkColumns are the links columns sharedesk writes (and the reference handlers read and write).
var linkColumns = []string{"id", "bucket_id", "token_hash", "token_sealed", "link_type", "targets", "access_count",
	"max_access_count", "created_at", "expires_at", "last_accessed_at", "authenticators", "title", "message",
	"recipient_email", "sender_email", "sender_name", "tags"}

// seedColumns are the links columns the seed fills, in the order of row.values: with the triggers set
// aside it writes what they derive itself (people, see peopleOf, and the activity flags of the events
// it writes); checkSeeded compares both with what the triggers make.
var seedColumns = append(append([]string(nil), linkColumns...), "people", "opened", "downloaded")

// eventColumns are the link_events columns the seed fills, in the order of row.events' items.
var eventColumns = []string{"id", "link_id", "bucket_id", "type", "at", "actor", "client"}

// generator makes the seed's links: deterministic for a given n (tokens aside), so figures are
// comparable between runs and between databases.
type generator struct {
	r        *rand.Rand
	keys     *share.Keys
	bucketID string
	objects  []string
	now      time.Time
}

type row struct {
	values      []any
	id, target  string
	tag         string
	createdUsec int64
	events      [][]any
}

func newGenerator(keys *share.Keys, bucketID string, now time.Time) *generator {
	g := &generator{
		r: rand.New(rand.NewPCG(1, 2)), keys: keys, bucketID: bucketID, objects: make([]string, 1000), now: now,
	}
	for i := range g.objects {
		g.objects[i] = fmt.Sprintf("pos_bench%027d", i)
	}
	return g
}

func (g *generator) link(i int) row {
	r := g.r
	year := int64(365 * 24 * time.Hour / time.Microsecond)
	id := fmt.Sprintf("psl_bench%027d", i)
	_, hash, sealed := g.keys.NewLinkToken(id)
	created := g.now.UnixMicro() - year + int64(i)*(year/int64(1_000_000)) // in id order, like real inserts
	expires := created + int64(1+r.IntN(90))*int64(24*time.Hour/time.Microsecond)
	maxAccess := 1 + r.IntN(20)
	access := r.IntN(maxAccess + 1)
	var lastAccess int64
	if access > 0 {
		lastAccess = created + int64(r.IntN(3600))*1_000_000
	}
	target := g.objects[r.IntN(len(g.objects))]
	title := fmt.Sprintf("%s %s %06d", words[r.IntN(len(words))], companies[r.IntN(len(companies))], r.IntN(1_000_000))
	tag := fmt.Sprintf("tag%02d", r.IntN(20))
	recipient := fmt.Sprintf("user%04d@example.com", r.IntN(5000))
	linkType := types[r.IntN(len(types))]
	auths := g.authenticators(&recipient)
	authsJSON, _ := json.Marshal(auths)
	row := row{id: id, target: target, tag: tag, createdUsec: created, values: []any{
		id, g.bucketID, hash, sealed, linkType, `["` + target + `"]`, int64(access), int64(maxAccess), created,
		expires, lastAccess, string(authsJSON), title, "Please find the files attached.", recipient,
		"staff@example.com", "Staff", `["` + tag + `"]`, peopleOf(recipient, auths),
	}}
	// What recipients did: a third of the links were opened, and of those a third downloaded something.
	var opened, downloaded int64
	if r.IntN(3) == 0 {
		opened = 1
		client := fmt.Sprintf("203.0.113.%d", r.IntN(250))
		row.events = append(row.events, []any{fmt.Sprintf("evt_bench%027do", i), id, g.bucketID, share.EventOpened,
			created + 60_000_000, "recipient", client})
		if r.IntN(3) == 0 {
			downloaded = 1
			row.events = append(row.events, []any{fmt.Sprintf("evt_bench%027dd", i), id, g.bucketID,
				share.EventDownloaded, created + 120_000_000, "recipient", client})
		}
	}
	row.values = append(row.values, opened, downloaded)
	return row
}

// generate makes the links [0, n) in batches of per on a goroutine of its own, so that the next batch
// is made (tokens sealed, JSON encoded) on the second core while the database stores this one. stop
// ends it early.
func (g *generator) generate(n, per int) (batches <-chan []row, stop func()) {
	out := make(chan []row, 4)
	done := make(chan struct{})
	go func() {
		defer close(out)
		for b := 0; b < n; b += per {
			batch := make([]row, min(per, n-b))
			for i := range batch {
				batch[i] = g.link(b + i)
			}
			select {
			case out <- batch:
			case <-done:
				return
			}
		}
	}()
	return out, sync.OnceFunc(func() { close(done) })
}

// authenticators picks how a link is opened, in shares a help desk would see: mostly an email code to
// the person it was sent to, some never sent (an email code to a customer, or a text code), some both
// kinds, a few a password only. A link never sent has no recipient.
func (g *generator) authenticators(recipient *string) []share.Authenticator {
	r := g.r
	phone := func() share.Authenticator {
		return share.Authenticator{Type: share.AuthSMSOTP, Context: fmt.Sprintf("+1555%07d", r.IntN(10_000_000))}
	}
	switch k := r.IntN(100); {
	case k < 55: // sent, with an email code to the same address
		return []share.Authenticator{{Type: share.AuthEmailOTP, Context: *recipient}}
	case k < 70: // an email code to a customer, never sent
		*recipient = ""
		customer := fmt.Sprintf("Client%05d@Partner%02d.example", r.IntN(100_000), r.IntN(50))
		return []share.Authenticator{{Type: share.AuthEmailOTP, Context: customer}}
	case k < 80: // a text code only, never sent
		*recipient = ""
		return []share.Authenticator{phone()}
	case k < 92: // sent, email and text codes
		return []share.Authenticator{{Type: share.AuthEmailOTP, Context: *recipient}, phone()}
	default: // sent, opened with a password (stored hashed: no context)
		return []share.Authenticator{{Type: share.AuthPassword, Hash: "$argon2id$v=19$m=19456,t=2,p=1$c2VlZA$aGFzaA"}}
	}
}

// peopleOf is links.people as the triggers of migration 00010 derive it: the recipient, then the
// context of each email-code and SMS-code authenticator that is not the recipient's address, one per
// line, lower case.
func peopleOf(recipient string, auths []share.Authenticator) string {
	var parts []string
	if recipient != "" {
		parts = append(parts, recipient)
	}
	for _, a := range auths {
		if (a.Type == share.AuthEmailOTP || a.Type == share.AuthSMSOTP) && !strings.EqualFold(a.Context, recipient) {
			parts = append(parts, a.Context)
		}
	}
	return strings.ToLower(strings.Join(parts, "\n"))
}
