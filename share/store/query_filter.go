package store

import (
	"fmt"
	"strings"

	"github.com/sharedesk/sharedesk/dbutil"
	"github.com/sharedesk/sharedesk/share"
)

var comparisons = map[string]string{
	share.OpEq: "=", share.OpGt: ">", share.OpGte: ">=", share.OpLt: "<", share.OpLte: "<=",
}

// conditions collects the clauses of a WHERE, ANDed, and their arguments in order.
type conditions struct {
	clauses []string
	args    []any
}

func (w *conditions) add(clause string, args ...any) {
	w.clauses = append(w.clauses, clause)
	w.args = append(w.args, args...)
}

// where builds the WHERE clause (without keyset) for q.
func (s *DB) where(l listing, q share.ListQuery) (string, []any, error) {
	var w conditions
	w.add("bucket_id = ?", q.BucketID)
	for _, c := range q.Conds {
		if s.derivedCond(&w, l, c) {
			continue
		}
		col, ok := l.columns[c.Field]
		if !ok {
			return "", nil, fmt.Errorf("store: no column for filter %q", c.Field)
		}
		if err := s.columnCond(&w, l, col, c); err != nil {
			return "", nil, err
		}
	}
	return strings.Join(w.clauses, " AND "), w.args, nil
}

// derivedCond adds the clauses of a filter that is not one column compared with its values (tags,
// targets, people, activity, used up), and reports whether c was one.
func (s *DB) derivedCond(w *conditions, l listing, c share.Cond) bool {
	switch c.Field {
	case "tags":
		// IN (subquery) rather than EXISTS lets the planner start from the tag index when the tag is rare.
		for _, v := range c.Values {
			w.add(fmt.Sprintf("id IN (SELECT %s FROM %s WHERE tag = ?)", l.tagOwner, l.tagTable), v)
		}
	case "target_id":
		clause, a := s.targetClause(c)
		w.add(clause, a...)
	case "ext_person":
		for _, v := range c.Values {
			clause, a := s.personClause(v.(string))
			w.add(clause, a...)
		}
	case "ext_activity":
		clause, a := activityClause(c.Values[0].(string))
		w.add(clause, a...)
	case "ext_used_up":
		// Used up: opened as often as it may be; recipients can no longer sign in.
		if c.Values[0].(bool) {
			w.add("access_count >= max_access_count")
		} else {
			w.add("access_count < max_access_count")
		}
	default:
		return false
	}
	return true
}

// columnCond adds the clauses that compare column col with the values of c.
func (s *DB) columnCond(w *conditions, l listing, col string, c share.Cond) error {
	if c.Field == "last_accessed_at" {
		w.add("last_accessed_at <> 0") // 0 means never: it matches no range
	}
	switch c.Op {
	case share.OpContains:
		for _, v := range c.Values {
			sub := v.(string)
			if !s.d.postgres && l.search[col] && len([]rune(sub)) >= 3 {
				// The trigram index answers a quoted phrase from its position lists alone: a run of
				// consecutive trigrams is exactly a substring, case-folded. LIKE on the same index
				// re-reads every candidate row to check it (a term matching 80,000 links took 0.8 s
				// instead of 11 ms), and could not take wildcards literally.
				w.add(fmt.Sprintf("%[1]s.rowid IN (SELECT rowid FROM %[1]s_fts WHERE %[1]s_fts MATCH ?)", l.table),
					"{"+col+"} : "+ftsPhrase(sub))
				continue
			}
			w.add(s.like(col), dbutil.LikePattern(sub))
		}
	case share.OpIn:
		w.add(col+" IN ("+placeholders(len(c.Values))+")", c.Values...)
	default:
		op, ok := comparisons[c.Op]
		if !ok {
			return fmt.Errorf("store: unknown operator %q", c.Op)
		}
		w.add(col+" "+op+" ?", c.Values[0])
	}
	return nil
}

func (s *DB) targetClause(c share.Cond) (string, []any) {
	const sub = "id IN (SELECT lt.link_id FROM link_targets lt WHERE "
	switch c.Op {
	case share.OpContains:
		// Every substring must be in one and the same target.
		parts := make([]string, len(c.Values))
		args := make([]any, len(c.Values))
		for i, v := range c.Values {
			parts[i] = s.like("lt.object_id")
			args[i] = dbutil.LikePattern(v.(string))
		}
		return sub + strings.Join(parts, " AND ") + ")", args
	case share.OpIn:
		return sub + "lt.object_id IN (" + placeholders(len(c.Values)) + "))", c.Values
	default:
		return sub + "lt.object_id = ?)", c.Values[:1]
	}
}

// personClause finds links by a substring of any address or phone they are for (links.people, kept by
// the triggers of migration 00010), in any of the forms share.PersonTerms gives. Three characters and
// more are answered by a trigram index: SQLite's links_people_fts (one FTS5 query, the forms joined
// by OR), PostgreSQL's pg_trgm index on people (one ILIKE per form, which the planner ORs as bitmaps).
func (s *DB) personClause(term string) (string, []any) {
	terms := share.PersonTerms(term)
	if !s.d.postgres && allTrigram(terms) {
		phrases := make([]string, len(terms))
		for i, t := range terms {
			phrases[i] = ftsPhrase(t)
		}
		return "links.rowid IN (SELECT rowid FROM links_people_fts WHERE links_people_fts MATCH ?)",
			[]any{strings.Join(phrases, " OR ")}
	}
	parts := make([]string, len(terms))
	args := make([]any, len(terms))
	for i, t := range terms {
		parts[i], args[i] = s.like("people"), dbutil.LikePattern(t)
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// allTrigram reports whether every term is long enough for a trigram index (three characters).
func allTrigram(terms []string) bool {
	for _, t := range terms {
		if len([]rune(t)) < 3 {
			return false
		}
	}
	return true
}

// activityClause filters links by what their recipients did: links.opened and links.downloaded, set
// from link_events by a trigger (migration 00010). The values are literals, not parameters, so the
// planners see that the partial index links_downloaded (WHERE downloaded = 1) applies; links_opened
// (bucket_id, opened, created_at, id) serves both opened and never opened.
func activityClause(activity string) (string, []any) {
	switch activity {
	case share.ActivityOpened:
		return "opened = 1", nil
	case share.ActivityNeverOpened:
		return "opened = 0", nil
	default: // share.ActivityDownloaded
		return "downloaded = 1", nil
	}
}

// ftsPhrase quotes a substring as an FTS5 phrase: inside double quotes everything is literal but the
// double quote itself, which is doubled.
func ftsPhrase(sub string) string {
	return `"` + strings.ReplaceAll(sub, `"`, `""`) + `"`
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
