package sharetest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequireAllEnv names the variable that turns a missing test dependency from a skip into a failure.
// make test and .ci/run set it, so nothing is silently skipped where everything is installed; a plain
// `go test ./...` on a laptop with Go alone skips those tests with one line each.
const RequireAllEnv = "SHAREDESK_TEST_REQUIRE_ALL"

// MinNodeMajor is the oldest Node.js that Pangea's Node SDK (engines "20 || >=22") and oidc-provider 9 run on.
const MinNodeMajor = 20

// Missing skips the test, or fails it when RequireAllEnv is set, naming what is missing and how to get it.
func Missing(t testing.TB, what, how string, err error) {
	t.Helper()
	if os.Getenv(RequireAllEnv) != "" {
		t.Fatalf("%s is required (%s=1): %s: %v", what, RequireAllEnv, how, err)
	}
	t.Skipf("skipped: %s is not available (%v); %s", what, err, how)
}

// RequirePostgres skips (or fails) the test unless a PostgreSQL server at PostgresURL lets the tests in:
// one that answers but refuses the user or lacks the database is as missing as one that is not there.
func RequirePostgres(t testing.TB) {
	t.Helper()
	if err := postgresAnswers(); err != nil {
		Missing(
			t,
			"PostgreSQL",
			"start PostgreSQL 15 on 127.0.0.1:5432 with a database test (trust auth), or set "+
				"SHAREDESK_TEST_DATABASE_URL",
			err,
		)
	}
}

// postgresAnswers connects and pings once per test process: every PostgreSQL test asks, and the
// answer does not change while the tests run.
var postgresAnswers = sync.OnceValue(func() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	return c.Ping(ctx)
})

// RequireChromium skips (or fails) a browser test when no Chromium is found (see ChromiumPath).
func RequireChromium(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath(ChromiumPath()); err != nil {
		Missing(t, "headless Chromium", "run make deps (apt-get install chromium), or set "+ChromiumEnv, err)
	}
}

var nodeVersion = regexp.MustCompile(`^v(\d+)\.`)

// RequireNode skips (or fails) the test unless Node.js ≥ MinNodeMajor runs and the npm package pkg is
// installed in dir's node_modules.
func RequireNode(t testing.TB, dir, pkg string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "node", "--version").Output()
	if err != nil {
		Missing(
			t,
			"Node.js",
			"install Node.js "+strconv.Itoa(MinNodeMajor)+" or newer (Debian 12's nodejs package is 18: too old)",
			err,
		)
		return
	}
	major := 0
	if m := nodeVersion.FindSubmatch(out); m != nil {
		major, _ = strconv.Atoi(string(m[1]))
	}
	if major < MinNodeMajor {
		Missing(
			t,
			"Node.js "+strconv.Itoa(MinNodeMajor)+" or newer",
			"upgrade Node.js",
			errVersion(strings.TrimSpace(string(out))),
		)
		return
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg)); err != nil {
		Missing(t, "the npm package "+pkg, "run make deps (npm ci --prefix "+filepath.Base(dir)+")", err)
	}
}

type errVersion string

func (e errVersion) Error() string { return "found node " + string(e) }
