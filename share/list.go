package share

import (
	"fmt"
	"strings"
)

// FieldKind says how a list field is filtered and how its cursor value is typed.
type FieldKind int

// Field kinds.
const (
	KindText FieldKind = iota
	KindNumber
	KindTime
	KindTags
	KindPerson   // sharedesk extension ext_person: substrings of any address or phone a link is for
	KindActivity // sharedesk extension ext_activity: what recipients did with a link (see Activity*)
	KindBool     // sharedesk extension ext_used_up: true or false
)

// Values of the sharedesk extension filter ext_activity on link/list, read from the link's events.
const (
	ActivityOpened      = "opened"       // the link's page was opened at least once
	ActivityNeverOpened = "never_opened" // never opened
	ActivityDownloaded  = "downloaded"   // a file or a zip was downloaded through it
)

// PersonTerms are the strings a person search term (ext_person__contains) is looked for as, any of
// which may match: the term itself, and for a term that looks like a phone number (digits with
// spaces, dashes, dots, slashes, brackets or a leading +) its digits alone, after the + if it began
// with one, because numbers are stored in E.164 form (+15551234567): "555-123 4567" and
// "+1 (555) 1234567" find it, "+44" finds only numbers that start with 44. Case is the store's
// to fold (the indexes and LIKE ignore it), not folded here: SQLite's LIKE folds ASCII only, so a
// term folded in full could miss what it should find.
func PersonTerms(term string) []string {
	terms := []string{term}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, term)
	phoneLike := digits != "" && !strings.ContainsFunc(term, func(r rune) bool {
		return (r < '0' || r > '9') && !strings.ContainsRune(" +-.()/", r)
	})
	if strings.HasPrefix(term, "+") {
		digits = "+" + digits // the start of an international number stays its start
	}
	if phoneLike && digits != term {
		terms = append(terms, digits)
	}
	return terms
}

// Filter operators.
const (
	OpEq       = "eq"
	OpContains = "contains"
	OpIn       = "in"
	OpGt       = "gt"
	OpGte      = "gte"
	OpLt       = "lt"
	OpLte      = "lte"
	OpAll      = "all"
)

// Cond is one filter condition. Values are strings for text fields and int64 for numbers and times
// (times as Micros).
type Cond struct {
	Field  string `json:"f"`
	Op     string `json:"o"`
	Values []any  `json:"v"`
}

// Position is where a page ended: the sort value and id of its last row.
type Position struct {
	Value any
	ID    string
}

// Count modes of the sharedesk extension ext_count on link/list and list. Pangea's count is exact,
// and an exact count visits every match: on a broad filter over a million links that is most of the
// cost of a page. A caller that only needs an order of magnitude asks for less.
const (
	CountExact    = "exact"    // every match counted (the default, as Pangea does)
	CountBounded  = "bounded"  // counted up to CountBound; above it, Count is CountBound and More is set
	CountEstimate = "estimate" // exact up to CountBound; above it, estimated from a sample of the table
	CountNone     = "none"     // not counted: Count is 0
)

// CountBound is where a bounded or estimated count stops counting exactly.
const CountBound = 10_000

// Count is how many rows a listing matches and how that number was obtained. Kind is one of the count
// modes: exact, bounded (with More: there are more than N), estimate or none.
type Count struct {
	N    int
	Kind string
	More bool
}

// ListQuery is a filtered, ordered, keyset-paged listing. Count is the count mode ("" is exact).
type ListQuery struct {
	BucketID string
	Conds    []Cond
	OrderBy  string
	Desc     bool
	After    *Position
	Limit    int
	Count    string
}

// Page is one page of a listing. Last is the cursor for the next page, "" when there is none.
type Page[T any] struct {
	Items []T
	Count Count
	Last  string
}

// ListSpec describes one listable resource: its filter fields, aliases and sortable fields.
type ListSpec struct {
	Fields   map[string]FieldKind
	Aliases  map[string]string
	OrderBy  map[string]FieldKind
	Default  string
	MaxLimit int
}

// LinkListSpec is the share-link listing of the wire notes.
func LinkListSpec() ListSpec {
	return ListSpec{
		Fields: map[string]FieldKind{
			"id": KindText, "target_id": KindText, "link_type": KindText, "link": KindText, "title": KindText,
			"message": KindText, "recipient_email": KindText, "sender_email": KindText,
			"access_count": KindNumber, "max_access_count": KindNumber,
			"created_at": KindTime, "expires_at": KindTime, "last_accessed_at": KindTime,
			"tags": KindTags,
			// sharedesk extensions (Pangea has no such filters)
			"ext_person": KindPerson, "ext_activity": KindActivity, "ext_used_up": KindBool,
		},
		Aliases: map[string]string{"target": "target_id"},
		OrderBy: map[string]FieldKind{
			"id": KindText, "bucket_id": KindText, "target": KindText, "link_type": KindText,
			"access_count": KindNumber, "max_access_count": KindNumber, "created_at": KindTime,
			"expires_at": KindTime, "last_accessed_at": KindTime, "link": KindText, "title": KindText,
			"message": KindText, "recipient_email": KindText, "sender_email": KindText,
		},
		Default:  "created_at",
		MaxLimit: 1000,
	}
}

// ObjectListSpec is the object listing (/v1/list) of the wire notes.
func ObjectListSpec() ListSpec {
	return ListSpec{
		Fields: map[string]FieldKind{
			"folder": KindText, "id": KindText, "name": KindText, "parent_id": KindText, "type": KindText,
			"tags": KindTags, "size": KindNumber, "created_at": KindTime, "updated_at": KindTime,
		},
		OrderBy: map[string]FieldKind{
			"id": KindText, "name": KindText, "parent_id": KindText, "created_at": KindTime,
			"updated_at": KindTime, "size": KindNumber, "type": KindText,
		},
		Default:  "created_at",
		MaxLimit: 1000,
	}
}

// ListRequest is a parsed listing request before the cursor is checked.
type ListRequest struct {
	BucketID string
	Filter   map[string]any
	Last     string
	Order    string
	OrderBy  string
	Size     int
	Count    string // the ext_count mode; "" is exact
}

// buildQuery validates a ListRequest against spec and returns the query and the order field's kind.
// rewrite, when not nil, turns wire conditions into store conditions (a link URL into its token hash,
// a folder path into a parent id); it runs before the cursor check so both pages see the same query.
func (s *Service) buildQuery(
	spec ListSpec, r ListRequest, bucketID string, rewrite func([]Cond, *Validation) []Cond,
) (ListQuery, FieldKind, error) {
	var v Validation
	q := ListQuery{BucketID: bucketID, Limit: r.Size, OrderBy: r.OrderBy}
	q.Conds = spec.ParseFilter(r.Filter, "/filter", &v)
	if rewrite != nil && len(v.Fields) == 0 {
		q.Conds = rewrite(q.Conds, &v)
	}
	if q.OrderBy == "" {
		q.OrderBy = spec.Default
	}
	kind, ok := spec.OrderBy[q.OrderBy]
	if !ok {
		v.Add("NotEnumMember", "/order_by", fmt.Sprintf("cannot order by %q", r.OrderBy))
	}
	switch r.Order {
	case "", "asc":
	case "desc":
		q.Desc = true
	default:
		v.Add("NotEnumMember", "/order", "must be asc or desc")
	}
	switch r.Count {
	case "", CountExact:
		q.Count = CountExact
	case CountBounded, CountEstimate, CountNone:
		q.Count = r.Count
	default:
		v.Add("NotEnumMember", "/ext_count", "must be exact, bounded, estimate or none")
	}
	if q.Limit == 0 {
		q.Limit = 20
	}
	if q.Limit > spec.MaxLimit {
		q.Limit = spec.MaxLimit
	}
	if err := v.Err(); err != nil {
		return q, kind, err
	}
	if r.Last != "" {
		p, err := s.keys.decodeCursor(q, kind, r.Last)
		if err != nil {
			return q, kind, err
		}
		q.After = p
	}
	return q, kind, nil
}
