package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/devidp"
	"github.com/sharedesk/sharedesk/share"
)

// demoRoleMap maps the groups of demoUsers to the console's roles.
const demoRoleMap = "share-admins=admin,helpdesk=helpdesk,staff=sharer,auditors=viewer"

// demoFlags are demo's settings: the share server's, and where the console and the development
// identity provider listen.
type demoFlags struct {
	share                       shareFlags
	listen, idpListen, logLevel string
}

// demo runs the share server, the console and a development identity provider in one process, with
// sample data, on loopback addresses only.
func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseDemoFlags(args, stdout)
	if err != nil {
		return err
	}
	log, err := newLogger(stderr, f.logLevel)
	if err != nil {
		return err
	}
	shareL := &listener{name: "share server", addr: f.share.listen}
	consoleL := &listener{name: "console", addr: f.listen}
	idpL := &listener{name: "development identity provider", addr: f.idpListen}
	if err := bind(shareL, consoleL, idpL); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Starting the demo: data in %s …\n", f.share.dataDir)
	srv, err := buildShare(ctx, &f.share, log)
	if err != nil {
		return err
	}
	defer srv.db.Close()
	apiToken, err := seedDemo(ctx, srv.svc)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	token, _, err := internalToken(ctx, srv, f.listen)
	if err != nil {
		return err
	}
	cf, idp, err := f.signIn()
	if err != nil {
		return err
	}
	// The provider must answer discovery before the console starts, so serve it first.
	stopIdp, idpDone, err := serveIdentityProvider(ctx, log, idpL, idp, cf.issuer)
	if err != nil {
		return err
	}
	defer stopIdp()
	client := api.NewClient(srv.url, token)
	deps := builtInConsoleDeps(&f.share, srv, client)
	deps.outbox, deps.demo = srv.db, true
	console, closeConsole, err := buildConsole(ctx, &cf, deps, log)
	if err != nil {
		return err
	}
	defer closeConsole()
	// The addresses are bound (see bind above): connections wait in the queue until serveAll accepts them.
	printDemoWelcome(stderr, f.share.dataDir, cf, srv.url, apiToken)
	shareL.handler, consoleL.handler = srv.handler, withProbes(console, builtInReadiness(client, log))
	err = serveAll(
		ctx,
		log,
		append([]listener{*shareL, *consoleL}, metricsListener(f.share.metricsListen, srv.metrics)...)...)
	stopIdp()
	<-idpDone //nolint:errcheck // it stopped because it was asked to; its error says only that
	return err
}

// parseDemoFlags reads demo's settings and refuses any address that is not loopback. The data
// directory defaults to one of its own, so a demo never mixes with real data.
func parseDemoFlags(args []string, stdout io.Writer) (*demoFlags, error) {
	fs := newFlagSet("demo", stdout)
	var f demoFlags
	f.share.register(fs, "share-listen")
	fs.StringVar(&f.listen, "listen", "localhost:8080", "address of the console (loopback only)")
	fs.StringVar(
		&f.idpListen,
		"idp-listen",
		"127.0.0.1:8082",
		"address of the development identity provider (loopback only)",
	)
	fs.StringVar(&f.logLevel, "log-level", "warn", "debug, info, warn or error")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	addrs := []string{f.share.listen, f.listen, f.idpListen}
	if f.share.metricsListen != "" {
		addrs = append(addrs, f.share.metricsListen)
	}
	for _, a := range addrs {
		if err := requireLoopback(a); err != nil {
			return nil, err
		}
	}
	if f.share.dataDir == "./sharedesk-data" && f.share.databaseURL == "" {
		f.share.dataDir = "./sharedesk-demo"
	}
	return &f, nil
}

// signIn makes the development identity provider and the console settings that trust it.
func (f *demoFlags) signIn() (consoleFlags, *devidp.Provider, error) {
	cf := consoleFlags{
		listen:       f.listen,
		consoleURL:   "http://" + f.listen,
		issuer:       "http://" + f.idpListen,
		clientID:     "sharedesk-demo",
		clientSecret: randomHex(24), // new at every start; only this process knows it
		roleClaim:    "groups",
		roleMap:      demoRoleMap,
		scopes:       "openid,profile,email",
	}
	idp, err := devidp.New(
		cf.issuer,
		[]devidp.Client{
			{ID: cf.clientID, Secret: cf.clientSecret, RedirectURIs: []string{cf.consoleURL + "/auth/callback"},
				PostLogoutURIs: []string{cf.consoleURL + "/signed-out"}},
		},
		demoUsers,
	)
	return cf, idp, err
}

// serveIdentityProvider serves the development provider on its bound listener and returns once it
// answers discovery. stop asks it to end; done then yields serveAll's result.
func serveIdentityProvider(
	ctx context.Context,
	log *slog.Logger,
	l *listener,
	idp http.Handler,
	issuer string,
) (stop context.CancelFunc, done <-chan error, err error) {
	idpErr := make(chan error, 1)
	idpCtx, stop := context.WithCancel(ctx)
	l.handler = idp
	go func() { idpErr <- serveAll(idpCtx, log, *l) }()
	if err := waitReady(ctx, issuer+"/.well-known/openid-configuration"); err != nil {
		stop()
		return nil, nil, err
	}
	return stop, idpErr, nil
}

// printDemoWelcome tells the person who started the demo where everything is and whom to sign in as.
func printDemoWelcome(stderr io.Writer, dataDir string, cf consoleFlags, shareURL, apiToken string) {
	fmt.Fprintf(
		stderr,
		"\nsharedesk demo is running. Stop it with Ctrl-C; delete %s to start again with fresh data.\n\n"+
			"  Console:    %s   (sign in as any of the people below)\n",
		dataDir,
		cf.consoleURL,
	)
	roleMap, _ := auth.ParseRoleMap(demoRoleMap) // a constant, checked by buildConsole before this runs
	for _, u := range demoUsers {
		role := auth.RoleFor(u.Groups, roleMap, "no access")
		fmt.Fprintf(stderr, "              %-16s %-18s %s\n", u.Name, u.Email, role)
	}
	fmt.Fprintf(
		stderr,
		"  Sign-in:    %s (development provider, loopback only)\n  Share API:  %s/v1/…   token: %s\n"+
			"  Outbox:     %s/outbox (emails and texts stay on this machine)\n\n",
		cf.issuer,
		shareURL,
		apiToken,
		cf.consoleURL,
	)
}

func waitReady(ctx context.Context, u string) error {
	for range 50 {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not answer", u)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// seedDemo fills an empty demo database with folders, files and links, and returns a fresh API token.
func seedDemo(ctx context.Context, svc *share.Service) (string, error) {
	token, _, err := svc.CreateAdminToken(ctx, "demo "+time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return "", err
	}
	page, err := svc.ListObjects(ctx, share.ListRequest{Size: 1})
	if err != nil || page.Count.N > 0 {
		return token, err // already seeded
	}
	objects, err := seedDemoObjects(ctx, svc)
	if err != nil {
		return "", err
	}
	links, err := svc.CreateLinks(ctx, "", demoLinks(objects))
	if err != nil {
		return "", err
	}
	if err := useDemoLinks(ctx, svc, links); err != nil {
		return "", err
	}
	return token, nil
}

// demoObjects are the ids of the sample folders and files the demo links point at.
type demoObjects struct {
	contracts, inbox          string // folders
	agreement, nda, q3summary string // files
}

// seedDemoObjects creates the sample folders and the files in them.
func seedDemoObjects(ctx context.Context, svc *share.Service) (demoObjects, error) {
	var o demoObjects
	contracts, err := svc.CreateFolder(ctx, share.FolderInput{Name: "Contracts"})
	if err != nil {
		return o, err
	}
	reports, err := svc.CreateFolder(ctx, share.FolderInput{Folder: "/Finance/Q3 reports"})
	if err != nil {
		return o, err
	}
	inbox, err := svc.CreateFolder(ctx, share.FolderInput{Name: "Supplier uploads"})
	if err != nil {
		return o, err
	}
	o.contracts, o.inbox = contracts.ID, inbox.ID
	files := []struct {
		id                 *string
		parent, name, body string
	}{
		{&o.agreement, contracts.ID, "Acme master agreement.txt",
			"Master services agreement between Example Corp and Acme Ltd.\n"},
		{&o.nda, contracts.ID, "Acme NDA.txt", "Mutual non-disclosure agreement.\n"},
		{&o.q3summary, reports.ID, "Q3 summary.csv", "region,revenue\nnorth,120000\nsouth,98000\n"},
	}
	for _, f := range files {
		put, err := svc.PutObject(ctx, share.PutInput{Name: f.name, ParentID: f.parent}, strings.NewReader(f.body))
		if err != nil {
			return o, err
		}
		*f.id = put.ID
	}
	return o, nil
}

// demoLinks are the sample links: one of each kind of link and authenticator, one to be used up
// (by useDemoLinks) and one that expires seconds after the demo starts.
func demoLinks(o demoObjects) []share.LinkInput {
	day := 24 * time.Hour
	in := func(d time.Duration) *time.Time { t := time.Now().Add(d); return &t }
	three, two := 3, 2
	return []share.LinkInput{
		{
			Targets:  []string{o.contracts},
			LinkType: share.LinkDownload,
			Title:    "Signed contracts",
			Message:  "Here are the signed contracts.",
			Authenticators: []share.Authenticator{
				{Type: share.AuthEmailOTP, Context: "jordan@example.com"},
			},
			Tags:      []string{"legal"},
			ExpiresAt: in(7 * day),
		},
		{Targets: []string{o.q3summary}, LinkType: share.LinkDownload, Title: "Q3 figures",
			Authenticators: []share.Authenticator{
				{Type: share.AuthPassword, Context: "correct-horse-battery"},
			}, MaxAccessCount: &three, ExpiresAt: in(day)},
		{Targets: []string{o.inbox}, LinkType: share.LinkUpload, Title: "Send us your invoices",
			Authenticators: []share.Authenticator{
				{Type: share.AuthSMSOTP, Context: "+15555550123"},
			}, Tags: []string{"finance"}, ExpiresAt: in(30 * day)},
		// Shown as used up: both openings are spent by useDemoLinks.
		{
			Targets:        []string{o.agreement},
			LinkType:       share.LinkDownload,
			Title:          "Master agreement (draft)",
			MaxAccessCount: &two,
			Authenticators: []share.Authenticator{
				{Type: share.AuthPassword, Context: "draft-agreement-42"},
			},
			ExpiresAt: in(14 * day),
		},
		// Expires seconds after the demo starts, to show an expired link.
		{Targets: []string{o.nda}, LinkType: share.LinkDownload, Title: "NDA (old)",
			Authenticators: []share.Authenticator{
				{Type: share.AuthEmailOTP, Context: "morgan@example.com"},
			}, ExpiresAt: in(3 * time.Second)},
	}
}

// useDemoLinks gives the sample links a history: the draft agreement's openings are spent and the
// signed contracts are sent to their recipient.
func useDemoLinks(ctx context.Context, svc *share.Service, links []share.Link) error {
	for range 2 {
		if _, err := svc.StartSession(ctx, links[3]); err != nil {
			return err
		}
	}
	_, _, err := svc.SendLinks(
		ctx,
		"",
		[]share.SendItem{{ID: links[0].ID, Email: "jordan@example.com"}},
		"ada@example.com",
		"Ada Admin",
	)
	return err
}

func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("demo only listens on loopback addresses (127.0.0.1, ::1), not %q", host)
	}
	return nil
}

// demoUsers are the people of the development provider, one per role and one without access.
var demoUsers = []devidp.User{
	{ID: "demo-ada", Email: "ada@example.com", Name: "Ada Admin", Groups: []string{"share-admins"}},
	{ID: "demo-hal", Email: "hal@example.com", Name: "Hal Helpdesk", Groups: []string{"helpdesk"}},
	{ID: "demo-sam", Email: "sam@example.com", Name: "Sam Sharer", Groups: []string{"staff"}},
	{ID: "demo-val", Email: "val@example.com", Name: "Val Viewer", Groups: []string{"auditors"}},
	{ID: "demo-nia", Email: "nia@example.com", Name: "Nia No-access", Groups: []string{"contractors"}},
}
