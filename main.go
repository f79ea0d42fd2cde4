// Command sharedesk is a self-hosted secure share-link service: a Pangea-compatible Share API, a
// recipient portal and an admin console.
//
// This file is the entry point and dispatches to one file per command (NAME_cmd.go), which also holds
// that command's own settings. flags.go holds the settings commands share, storage.go opens the
// database and the secret key, and wire.go and wire_console.go build the share server and the console
// from their settings.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `sharedesk — secure share links with an admin console

Commands:
  sharedesk demo                    console + share server + development sign-in, sample data, loopback only
  sharedesk serve                   console + share server in one process (real OIDC settings required)
  sharedesk console                 console only, pointed at a share API (--api-url, --api-token-file)
  sharedesk share-server            the Share API (/v1/…) and the recipient portal
  sharedesk token create --name N   make an API token; the token alone is printed on the last line
  sharedesk token list              list API tokens (names and dates, never secrets)
  sharedesk token revoke ID|NAME    revoke a token at once
  sharedesk backup --out FILE       consistent copy of a SQLite data directory, while the server runs
  sharedesk restore FILE            unpack a backup into an empty --data-dir and check every file
  sharedesk healthcheck URL         exit 0 when URL (a /healthz or /readyz) answers 2xx, else 1
  sharedesk gc                      one sweeper pass: old temp files, orphaned blobs, expired files and links
  sharedesk version                 the module version and VCS revision of this binary (also --version)

Every flag can also be set by an environment variable: --data-dir is SHAREDESK_DATA_DIR.
Run "sharedesk COMMAND --help" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp): // help was asked for and printed
	case err != nil:
		fmt.Fprintln(os.Stderr, "sharedesk:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "share-server":
		return cmdShareServer(ctx, args[1:], stdout, stderr)
	case "demo":
		return cmdDemo(ctx, args[1:], stdout, stderr)
	case "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "console":
		return cmdConsole(ctx, args[1:], stdout, stderr)
	case "token":
		return cmdToken(ctx, args[1:], stdout, stderr)
	case "backup":
		return cmdBackup(ctx, args[1:], stdout, stderr)
	case "restore":
		return cmdRestore(ctx, args[1:], stdout, stderr)
	case "healthcheck":
		return cmdHealthcheck(ctx, args[1:], stdout, stderr)
	case "gc":
		return cmdGC(ctx, args[1:], stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, buildVersion())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}
