package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sharedesk/sharedesk/share"
)

const tokenUsage = "Usage: sharedesk token create --name NAME [--admin] | token list | token revoke ID|NAME\n" +
	"       [--data-dir D | --database-url URL]\n"

// cmdToken creates, lists and revokes API tokens in the database directly, without a running server.
func cmdToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if err := checkTokenSubcommand(args, stdout); err != nil {
		return err
	}
	sub := args[0]
	fs := newFlagSet("token "+sub, stdout)
	var sf storageFlags
	sf.register(fs)
	name := fs.String("name", "", "name of the new token (create)")
	admin := fs.Bool("admin", false, "create: the token may also manage API tokens (for the console's service token)")
	positional, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	if err := checkTokenArgs(sub, positional); err != nil {
		return err
	}
	// Only create may start a new database; list and revoke in an empty directory are a mistyped --data-dir.
	open := sf.openExisting
	if sub == "create" {
		open = sf.openForCommand
	}
	db, log, err := open(ctx, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	keys, err := sf.keys(ctx, db, log)
	if err != nil {
		return err
	}
	svc := share.New(db, nil, keys, share.Config{})
	switch sub {
	case "create":
		return createToken(ctx, stdout, svc, *name, *admin)
	case "list":
		return listTokens(ctx, stdout, svc)
	case "revoke":
		return revokeToken(ctx, stdout, svc, positional[0])
	default:
		return fmt.Errorf("unknown token subcommand %q (create, list, revoke)", sub)
	}
}

// checkTokenSubcommand refuses a missing or unknown subcommand, and prints the usage for help.
func checkTokenSubcommand(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("token needs a subcommand: create, list or revoke")
	}
	switch args[0] {
	case "create", "list", "revoke":
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, tokenUsage)
		return flag.ErrHelp
	default:
		return fmt.Errorf("unknown token subcommand %q (create, list, revoke)", args[0])
	}
}

// checkTokenArgs allows exactly one argument to revoke and none to the others.
func checkTokenArgs(sub string, positional []string) error {
	switch {
	case sub == "revoke" && len(positional) != 1:
		return errors.New("usage: sharedesk token revoke ID|NAME [--data-dir D] (one token at a time)")
	case sub != "revoke" && len(positional) > 0:
		return fmt.Errorf("token %s takes no arguments, only flags (got %q)", sub, strings.Join(positional, " "))
	}
	return nil
}

// createToken prints the new token on the last line alone, so scripts can take it with tail -1.
func createToken(ctx context.Context, stdout io.Writer, svc *share.Service, name string, admin bool) error {
	create := svc.CreateToken
	if admin {
		create = svc.CreateAdminToken
	}
	token, t, err := create(ctx, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created token %s (%s). It is shown once; store it now.\n%s\n", t.ID, t.Name, token)
	return nil
}

// listTokens prints one row a token: names, fingerprints and dates, never a secret.
func listTokens(ctx context.Context, stdout io.Writer, svc *share.Service) error {
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
		fmt.Fprintln(tw, strings.Join(tokenRow(t), "\t"))
	}
	return tw.Flush()
}

// tokenRow is a token's row in listTokens' table.
func tokenRow(t share.Token) []string {
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
	return []string{t.ID, t.Name, kind, t.Fingerprint(), t.CreatedAt.Format(time.RFC3339), used, state}
}

func revokeToken(ctx context.Context, stdout io.Writer, svc *share.Service, idOrName string) error {
	if err := svc.RevokeToken(ctx, idOrName); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Revoked %s; it stops working on its next request.\n", idOrName)
	return nil
}
