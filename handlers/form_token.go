package handlers

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokenForm is the API tokens page's form for a new token.
type tokenForm struct{ nameForm }

// Validate says what the console can tell about the name before asking the share service.
func (f tokenForm) Validate() fieldErrors {
	errs := fieldErrors{}
	switch name := f.trimmed(); {
	case name == "":
		errs.add("name", "Give the token a name: who or what will use it.")
	case utf8.RuneCountInString(name) > 100:
		errs.add("name", "Use at most 100 characters.")
	case strings.ContainsFunc(name, unicode.IsControl):
		errs.add("name", "Use letters, digits, spaces and punctuation only.")
	case strings.HasPrefix(name, "ptk_"):
		errs.add("name", "Names may not start with ptk_, which token ids use.")
	}
	return errs
}
