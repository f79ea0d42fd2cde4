package dbutil

import "strings"

// LikePattern is the pattern that finds sub anywhere in a column, with LIKE's wildcards in sub taken
// literally; it goes with the ESCAPE '\' clause of Like.
func LikePattern(sub string) string {
	return "%" + likeEscaper.Replace(sub) + "%"
}

// likeEscaper is built once: a Replacer is safe for concurrent use, and this runs per search term.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// Like is the case-insensitive condition "col contains ?" for a LikePattern argument. SQLite's LIKE
// already ignores ASCII case; PostgreSQL is asked with ILIKE.
func Like(postgres bool, col string) string {
	if postgres {
		return col + ` ILIKE ? ESCAPE '\'`
	}
	return col + ` LIKE ? ESCAPE '\'`
}
