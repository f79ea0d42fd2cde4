package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/share"
)

func cmdToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usage = "Usage: sharedesk token create --name NAME [--admin] | token list | token revoke ID|NAME\n" +
		"       [--data-dir D | --database-url URL]\n"
	if len(args) == 0 {
		return errors.New("token needs a subcommand: create, list or revoke")
	}
	switch args[0] {
	case "create", "list", "revoke":
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return flag.ErrHelp
	default:
		return fmt.Errorf("unknown token subcommand %q (create, list, revoke)", args[0])
	}
	fs := newFlagSet("token "+args[0], stdout)
	var sf storageFlags
	sf.register(fs)
	name := fs.String("name", "", "name of the new token (create)")
	admin := fs.Bool("admin", false, "create: the token may also manage API tokens (for the console's service token)")
	positional, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	switch {
	case args[0] == "revoke" && len(positional) != 1:
		return errors.New("usage: sharedesk token revoke ID|NAME [--data-dir D] (one token at a time)")
	case args[0] != "revoke" && len(positional) > 0:
		return fmt.Errorf("token %s takes no arguments, only flags (got %q)", args[0], strings.Join(positional, " "))
	}
	// Listing or revoking in a directory that holds no database is a mistyped --data-dir: say so
	// instead of creating an empty database (and a new secret key) there.
	if args[0] != "create" {
		if err := sf.mustExist(); err != nil {
			return err
		}
	}
	log := applog.New(stderr, slog.LevelWarn)
	db, err := sf.open(ctx, log)
	if err != nil {
		return err
	}
	defer db.Close()
	keys, err := sf.keys(ctx, db, log)
	if err != nil {
		return err
	}
	svc := share.New(db, nil, keys, share.Config{})
	switch args[0] {
	case "create":
		create := svc.CreateToken
		if *admin {
			create = svc.CreateAdminToken
		}
		token, t, err := create(ctx, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Created token %s (%s). It is shown once; store it now.\n%s\n", t.ID, t.Name, token)
	case "list":
		ts, err := svc.Tokens(ctx)
		if err != nil {
			return err
		}
		if len(ts) == 0 {
			fmt.Fprintln(stdout, "No tokens yet. Create one with: sharedesk token create --name NAME")
			return nil
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tKIND\tFINGERPRINT\tCREATED\tLAST USED\tSTATE")
		for _, t := range ts {
			state := "active"
			if !t.RevokedAt.IsZero() {
				state = "revoked " + t.RevokedAt.Format(time.RFC3339)
			}
			kind, used := "plain", "never"
			if t.Admin {
				kind = "admin"
			}
			if !t.LastUsedAt.IsZero() {
				used = t.LastUsedAt.Truncate(time.Minute).Format(time.RFC3339)
			}
			fmt.Fprintf(
				tw,
				"%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
				t.ID,
				t.Name,
				kind,
				t.Fingerprint(),
				t.CreatedAt.Format(time.RFC3339),
				used,
				state,
			)
		}
		return tw.Flush()
	case "revoke":
		if err := svc.RevokeToken(ctx, positional[0]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Revoked %s; it stops working on its next request.\n", positional[0])
	default:
		return fmt.Errorf("unknown token subcommand %q (create, list, revoke)", args[0])
	}
	return nil
}
