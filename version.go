package main

import "runtime/debug"

// buildVersion says what is running, from the build information the Go tool records: the module
// version (set by `go install …@version`, or derived from the VCS by `go build`), the revision and
// whether the tree had uncommitted changes.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "sharedesk (no build information)"
	}
	return formatVersion(bi)
}

func formatVersion(bi *debug.BuildInfo) string {
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	out := "sharedesk " + version
	switch {
	case rev != "":
		out += " revision " + rev
		if at != "" {
			out += " (" + at + ")"
		}
		if modified {
			out += " with uncommitted changes"
		}
	case version == "(devel)":
		out += " revision unknown (built without VCS information)"
	}
	return out + ", " + bi.GoVersion
}
