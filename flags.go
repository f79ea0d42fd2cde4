package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/peterbourgon/ff/v3"
	"github.com/peterbourgon/ff/v3/fftoml"

	"github.com/sharedesk/sharedesk/share"
)

// parseWithArg parses flags given before or after exactly one positional argument and returns it.
func parseWithArg(fs *flag.FlagSet, args []string, usage string) (string, error) {
	positional, err := parseInterleaved(fs, args)
	if err != nil {
		return "", err
	}
	if len(positional) != 1 {
		return "", errors.New(usage)
	}
	return positional[0], nil
}

// consoleFlags are the console's settings.
type consoleFlags struct {
	listen, consoleURL, consoleDatabaseURL               string
	issuer, clientID, clientSecret, clientSecretFile     string
	redirectURL, scopes, roleClaim, roleMap, defaultRole string
	allowedDomains                                       string
	trustedProxies                                       string // console command only; serve shares the share server's
}

// registerStandalone adds the settings the console command has of its own (serve takes them from the
// share server's).
func (f *consoleFlags) registerStandalone(fs *flag.FlagSet) {
	registerTrustedProxies(fs, &f.trustedProxies)
}

// registerTrustedProxies adds --trusted-proxies, which the console and the share server read alike.
func registerTrustedProxies(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "trusted-proxies", "", "CIDRs of reverse proxies whose X-Forwarded-For / Forwarded headers "+
		"name the client (empty: the headers are ignored)")
}

func (f *consoleFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8080", "address of the console")
	fs.StringVar(&f.consoleURL, "console-url", "", "external base URL of the console (default http://LISTEN)")
	fs.StringVar(&f.consoleDatabaseURL, "console-database-url", "", "postgres://… for the console's own tables "+
		"(default: next to the share data)")
	fs.StringVar(&f.issuer, "oidc-issuer", "", "OpenID Connect issuer URL of your identity provider")
	fs.StringVar(&f.clientID, "oidc-client-id", "", "the console's client id at the provider")
	fs.StringVar(&f.clientSecretFile, "oidc-client-secret-file", "", "file holding the client secret (or set "+
		"SHAREDESK_OIDC_CLIENT_SECRET; never a flag)")
	fs.StringVar(&f.redirectURL, "oidc-redirect-url", "", "the console's callback URL registered at the provider "+
		"(default CONSOLE_URL/auth/callback)")
	fs.StringVar(&f.scopes, "oidc-scopes", "openid,profile,email", "scopes to ask for, comma-separated")
	fs.StringVar(&f.roleClaim, "oidc-role-claim", "groups", "ID-token claim holding the person's groups")
	fs.StringVar(&f.roleMap, "role-map", "", "group=role pairs, e.g. share-admins=admin,helpdesk=helpdesk,staff=sharer")
	fs.StringVar(&f.defaultRole, "default-role", "", "role for people in no mapped group; empty means no access")
	fs.StringVar(&f.allowedDomains, "allowed-email-domains", "", "only these email domains may sign in, "+
		"comma-separated")
}

// requireOIDC refuses to start without real provider settings: nothing outside demo may fall back to
// the development provider.
func (f *consoleFlags) requireOIDC() error {
	var missing []string
	if f.issuer == "" {
		missing = append(missing, "--oidc-issuer")
	}
	if f.clientID == "" {
		missing = append(missing, "--oidc-client-id")
	}
	if f.clientSecret == "" && f.clientSecretFile == "" && os.Getenv("SHAREDESK_OIDC_CLIENT_SECRET") == "" {
		missing = append(missing, "--oidc-client-secret-file")
	}
	if f.roleMap == "" && f.defaultRole == "" {
		missing = append(missing, "--role-map (or --default-role)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("the console needs your identity provider's settings: %s (try `sharedesk demo` for a local "+
			"trial)", strings.Join(missing, ", "))
	}
	return nil
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// storageFlags are the flags every command that opens the database shares.
type storageFlags struct {
	dataDir, databaseURL, secretKeyFile, previousKeyFiles string
	databaseWait                                          time.Duration
	// File bytes: local disk under dataDir, or an S3 bucket when s3Bucket is set.
	s3Bucket, s3Endpoint, s3Region, s3Prefix string
	s3PathStyle                              bool
}

func (f *storageFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.dataDir, "data-dir", "./sharedesk-data", "directory for the SQLite database, file bytes and the "+
		"secret key")
	fs.StringVar(&f.databaseURL, "database-url", "", "postgres://… to use PostgreSQL instead of SQLite")
	fs.StringVar(&f.secretKeyFile, "secret-key-file", "", "file holding the master secret (default "+
		"DATA_DIR/secret.key, created on the first start); every instance sharing a database needs the same one")
	fs.StringVar(&f.previousKeyFiles, "previous-secret-key-file", "", "comma-separated files holding secret keys "+
		"being rotated out: links sealed with them keep working and are re-sealed under the current key at start")
	fs.DurationVar(&f.databaseWait, "database-wait", 2*time.Minute, "how long to keep retrying an unreachable "+
		"PostgreSQL at start before giving up")
	fs.StringVar(&f.s3Bucket, "s3-bucket", "", "keep file bytes in this S3 bucket instead of DATA_DIR/blobs "+
		"(credentials: the standard AWS variables, profiles or instance roles)")
	fs.StringVar(&f.s3Endpoint, "s3-endpoint", "", "URL of an S3-compatible store, e.g. https://s3.example.com "+
		"(empty: AWS)")
	fs.StringVar(&f.s3Region, "s3-region", "", "the bucket's region (e.g. eu-central-1; most self-hosted stores take "+
		"us-east-1)")
	fs.BoolVar(&f.s3PathStyle, "s3-path-style", false, "address the bucket in the path (http://host/bucket/key), as "+
		"most self-hosted stores need")
	fs.StringVar(&f.s3Prefix, "s3-prefix", "", "key prefix inside the bucket, so one bucket can hold several "+
		"deployments")
}

// newFlagSet makes a command's flag set; --help prints its flags to stdout.
func newFlagSet(name string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: sharedesk %s [flags]\n\nFlags (each also SHAREDESK_<FLAG> or a key in "+
			"--config):\n", name)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args into fs with the precedence flags > environment (SHAREDESK_<FLAG>) > config file
// (--config FILE, TOML; keys are flag names). One file can serve every command: keys a command does not
// define are ignored. Secrets are read from files or the environment only, so the config file may not
// hold them. A command that takes no arguments refuses any, so a misplaced flag is never ignored.
func parse(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s takes no arguments, got %q (every setting is a --flag; see --help)", fs.Name(), fs.Arg(0))
	}
	return nil
}

// parseInterleaved is parse for commands with arguments, which may come before, between or after the
// flags (`token revoke NAME --data-dir D`); it returns the arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// parseFlags reads flags until the first argument. Errors are returned (and printed once, by main);
// --help prints the flags to the command's output.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if fs.Lookup("config") == nil {
		fs.String("config", "", "TOML file of settings (keys are flag names; flags and SHAREDESK_* variables win)")
	}
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := ff.Parse(fs, args,
		ff.WithEnvVarPrefix("SHAREDESK"),
		ff.WithConfigFileFlag("config"),
		ff.WithConfigFileParser(configParser),
		ff.WithIgnoreUndefined(true),
	)
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return flag.ErrHelp
	}
	if err != nil {
		// ff prefixes command-line errors with its own words; a config file's error keeps its path.
		msg := strings.TrimPrefix(err.Error(), "error parsing commandline arguments: ")
		return fmt.Errorf("%s: %s (see sharedesk %s --help)", fs.Name(), msg, fs.Name())
	}
	return nil
}

// configParser reads TOML settings, refusing secret values: they belong in a file named by a *-file flag
// or in the environment, where they are not copied around with the rest of the configuration.
func configParser(r io.Reader, set func(name, value string) error) error {
	return fftoml.Parser(r, func(name, value string) error {
		if isSecretFlag(name) {
			return fmt.Errorf("the config file may not hold %q: put the secret in a file (--%s-file) or in "+
				"SHAREDESK_%s",
				name, name, strings.ToUpper(strings.ReplaceAll(name, "-", "_")))
		}
		return set(name, value)
	})
}

func isSecretFlag(name string) bool {
	for _, word := range []string{"secret", "token", "password"} {
		if strings.Contains(name, word) {
			return !strings.HasSuffix(name, "-file")
		}
	}
	return false
}

// shareFlags are the share server's settings.
type shareFlags struct {
	storageFlags
	listen, publicURL, smtpURL, smsURL, smsSecretFile string
	smtpPasswordFile                                  string
	mailFrom                                          string
	maxUpload, maxJSON                                int64
	defAccess, maxAccess                              int
	defExpiry, maxExpiry, linkRetention               time.Duration
	webhookURLs                                       listFlag
	webhookSecretFile, metricsListen                  string
	downloads, uploads, trustedProxies                string
}

// listFlag is a flag that may be given several times, each time one value or a comma-separated list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, splitComma(v)...)
	return nil
}

func (f *shareFlags) register(fs *flag.FlagSet, listenFlag string) {
	f.storageFlags.register(fs)
	fs.StringVar(&f.listen, listenFlag, "127.0.0.1:8081", "address of the share server (API and recipient portal)")
	fs.StringVar(&f.publicURL, "public-url", "", "external base URL of the share server, used in link URLs (default "+
		"http://LISTEN)")
	fs.StringVar(&f.smtpURL, "smtp-url", "", "smtp://user@host:587 (STARTTLS when offered) or smtps://…; empty keeps "+
		"messages in the outbox")
	fs.StringVar(&f.smtpPasswordFile, "smtp-password-file", "", "file holding the SMTP password (or set "+
		"SHAREDESK_SMTP_PASSWORD; never in --smtp-url on the command line or in the config file)")
	fs.StringVar(&f.mailFrom, "mail-from", "", `sender of emails, with an optional display name: `+
		`"Acme Files <share@example.com>" (default: the smtp url's from, or noreply@HOST)`)
	fs.StringVar(&f.smsURL, "sms-webhook-url", "", "URL that receives SMS as signed JSON POSTs; empty keeps SMS in "+
		"the outbox")
	fs.StringVar(&f.smsSecretFile, "sms-webhook-secret-file", "", "file holding the HMAC secret that signs SMS "+
		"webhook posts")
	fs.Int64Var(&f.maxUpload, "max-upload-size", 2<<30, "largest file accepted, in bytes")
	fs.Int64Var(&f.maxJSON, "max-json-body", 1<<20, "largest JSON request body, in bytes")
	fs.IntVar(&f.defAccess, "default-max-access", 10, "max_access_count of a link that does not give one")
	fs.IntVar(&f.maxAccess, "max-access-limit", 1000, "highest max_access_count a link may ask for")
	fs.DurationVar(&f.defExpiry, "default-expiry", 7*24*time.Hour, "lifetime of a link that does not give expires_at")
	fs.DurationVar(&f.maxExpiry, "max-expiry", 90*24*time.Hour, "longest lifetime a link may ask for")
	fs.DurationVar(&f.linkRetention, "expired-link-retention", 30*24*time.Hour, "how long expired links (and the "+
		"history of revoked and expired links) are kept before the sweeper deletes them")
	fs.Var(&f.webhookURLs, "webhook-url", "URL that receives link events (created, sent, opened, downloaded, "+
		"uploaded, revoked, expired) as signed JSON POSTs; repeat the flag or separate with commas")
	fs.StringVar(&f.webhookSecretFile, "webhook-secret-file", "", "file holding the Standard Webhooks signing secret "+
		"(whsec_ followed by base64) for --webhook-url")
	fs.StringVar(&f.metricsListen, "metrics-listen", "", "address for Prometheus metrics at /metrics, e.g. "+
		"127.0.0.1:9090; its own listener, off when empty")
	fs.StringVar(&f.downloads, "s3-downloads", "proxied", "with --s3-bucket: proxied (bytes go through the server) "+
		"or direct (dest_url and portal downloads are short-lived presigned bucket URLs)")
	fs.StringVar(&f.uploads, "s3-uploads", "proxied", "with --s3-bucket: proxied (bytes go through the server) or "+
		"direct (put-url hands out a presigned bucket URL)")
	registerTrustedProxies(fs, &f.trustedProxies)
}

// transfer checks an --s3-downloads / --s3-uploads value.
func transfer(name, v string, s3 bool) (string, error) {
	switch v {
	case "", share.TransferProxied:
		return share.TransferProxied, nil
	case share.TransferDirect:
		if !s3 {
			return "", fmt.Errorf("--%s=direct needs --s3-bucket: local disk serves its files through the server", name)
		}
		return v, nil
	}
	return "", fmt.Errorf("--%s must be proxied or direct, not %q", name, v)
}
