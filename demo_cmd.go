package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/devidp"
	"github.com/sharedesk/sharedesk/share"
)

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", stdout)
	var sf shareFlags
	sf.register(fs, "share-listen")
	listen := fs.String("listen", "localhost:8080", "address of the console (loopback only)")
	idpListen := fs.String(
		"idp-listen",
		"127.0.0.1:8082",
		"address of the development identity provider (loopback only)",
	)
	logLevel := fs.String("log-level", "warn", "debug, info, warn or error")
	if err := parse(fs, args); err != nil {
		return err
	}
	addrs := []string{sf.listen, *listen, *idpListen}
	if sf.metricsListen != "" {
		addrs = append(addrs, sf.metricsListen)
	}
	for _, a := range addrs {
		if err := requireLoopback(a); err != nil {
			return err
		}
	}
	if sf.dataDir == "./sharedesk-data" && sf.databaseURL == "" {
		sf.dataDir = "./sharedesk-demo"
	}
	log, err := newLogger(stderr, *logLevel)
	if err != nil {
		return err
	}
	shareL := &listener{name: "share server", addr: sf.listen}
	consoleL := &listener{name: "console", addr: *listen}
	idpL := &listener{name: "development identity provider", addr: *idpListen}
	if err := bind(shareL, consoleL, idpL); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Starting the demo: data in %s …\n", sf.dataDir)
	srv, err := buildShare(ctx, &sf, log)
	if err != nil {
		return err
	}
	defer srv.db.Close()
	apiToken, err := seedDemo(ctx, srv.svc)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	token, _, err := internalToken(ctx, srv, *listen)
	if err != nil {
		return err
	}
	consoleURL := "http://" + *listen
	issuer := "http://" + *idpListen
	clientSecret := randomHex(24) // new at every start; only this process knows it
	idp, err := devidp.New(
		issuer,
		[]devidp.Client{
			{ID: "sharedesk-demo", Secret: clientSecret, RedirectURIs: []string{consoleURL + "/auth/callback"},
				PostLogoutURIs: []string{consoleURL + "/signed-out"}},
		},
		demoUsers,
	)
	if err != nil {
		return err
	}
	cf := consoleFlags{
		listen:     *listen,
		consoleURL: consoleURL,
		issuer:     issuer,
		clientID:   "sharedesk-demo",
		roleClaim:  "groups",
		roleMap:    "share-admins=admin,helpdesk=helpdesk,staff=sharer,auditors=viewer",
		scopes:     "openid,profile,email",
	}
	cf.clientSecret = clientSecret
	// The provider must answer discovery before the console starts, so serve it first.
	idpErr := make(chan error, 1)
	idpCtx, stopIdp := context.WithCancel(ctx)
	defer stopIdp()
	idpL.handler = idp
	go func() { idpErr <- serveAll(idpCtx, log, *idpL) }()
	if err := waitReady(ctx, issuer+"/.well-known/openid-configuration"); err != nil {
		return err
	}
	client := api.NewClient(srv.url, token)
	console, closeConsole, err := buildConsole(
		ctx,
		&cf,
		consoleDeps{client: client, dataDir: sf.dataDir, shareDSN: sf.databaseURL,
			outbox: srv.db, demo: true, maxExpiryDays: int(sf.maxExpiry / (24 * time.Hour)), maxAccess: sf.maxAccess,
			metrics: srv.metrics},
		log,
	)
	if err != nil {
		return err
	}
	defer closeConsole()
	// The addresses are bound (see bind above): connections wait in the queue until serveAll accepts them.
	fmt.Fprintf(
		stderr,
		"\nsharedesk demo is running. Stop it with Ctrl-C; delete %s to start again with fresh data.\n\n"+
			"  Console:    %s   (sign in as any of the people below)\n",
		sf.dataDir,
		consoleURL,
	)
	for _, u := range demoUsers {
		role := "no access"
		switch {
		case len(u.Groups) > 0 && u.Groups[0] == "share-admins":
			role = "admin"
		case len(u.Groups) > 0 && u.Groups[0] == "helpdesk":
			role = "helpdesk"
		case len(u.Groups) > 0 && u.Groups[0] == "staff":
			role = "sharer"
		case len(u.Groups) > 0 && u.Groups[0] == "auditors":
			role = "viewer"
		}
		fmt.Fprintf(stderr, "              %-16s %-18s %s\n", u.Name, u.Email, role)
	}
	fmt.Fprintf(
		stderr,
		"  Sign-in:    %s (development provider, loopback only)\n  Share API:  %s/v1/…   token: %s\n"+
			"  Outbox:     %s/outbox (emails and texts stay on this machine)\n\n",
		issuer,
		srv.url,
		apiToken,
		consoleURL,
	)
	ready := &readiness{
		check: apiCheck{client: client, urlSetting: "--share-listen", tokenSetting: "the built-in console token"},
		log:   log,
		every: 5 * time.Second,
	}
	shareL.handler, consoleL.handler = srv.handler, withProbes(console, ready)
	err = serveAll(
		ctx,
		log,
		append([]listener{*shareL, *consoleL}, metricsListener(sf.metricsListen, srv.metrics)...)...)
	stopIdp()
	<-idpErr //nolint:errcheck // it stopped because it was asked to; its error says only that
	return err
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
	contracts, err := svc.CreateFolder(ctx, share.FolderInput{Name: "Contracts"})
	if err != nil {
		return "", err
	}
	reports, err := svc.CreateFolder(ctx, share.FolderInput{Folder: "/Finance/Q3 reports"})
	if err != nil {
		return "", err
	}
	inbox, err := svc.CreateFolder(ctx, share.FolderInput{Name: "Supplier uploads"})
	if err != nil {
		return "", err
	}
	files := []struct{ parent, name, body string }{
		{contracts.ID, "Acme master agreement.txt", "Master services agreement between Example Corp and Acme Ltd.\n"},
		{contracts.ID, "Acme NDA.txt", "Mutual non-disclosure agreement.\n"},
		{reports.ID, "Q3 summary.csv", "region,revenue\nnorth,120000\nsouth,98000\n"},
	}
	var ids []string
	for _, f := range files {
		o, err := svc.PutObject(ctx, share.PutInput{Name: f.name, ParentID: f.parent}, strings.NewReader(f.body))
		if err != nil {
			return "", err
		}
		ids = append(ids, o.ID)
	}
	day := 24 * time.Hour
	in := func(d time.Duration) *time.Time { t := time.Now().Add(d); return &t }
	three, two := 3, 2
	links, err := svc.CreateLinks(ctx, "", []share.LinkInput{
		{
			Targets:  []string{contracts.ID},
			LinkType: share.LinkDownload,
			Title:    "Signed contracts",
			Message:  "Here are the signed contracts.",
			Authenticators: []share.Authenticator{
				{Type: share.AuthEmailOTP, Context: "jordan@example.com"},
			},
			Tags:      []string{"legal"},
			ExpiresAt: in(7 * day),
		},
		{Targets: []string{ids[2]}, LinkType: share.LinkDownload, Title: "Q3 figures",
			Authenticators: []share.Authenticator{
				{Type: share.AuthPassword, Context: "correct-horse-battery"},
			}, MaxAccessCount: &three, ExpiresAt: in(day)},
		{Targets: []string{inbox.ID}, LinkType: share.LinkUpload, Title: "Send us your invoices",
			Authenticators: []share.Authenticator{
				{Type: share.AuthSMSOTP, Context: "+15555550123"},
			}, Tags: []string{"finance"}, ExpiresAt: in(30 * day)},
		// Shown as used up: both openings are spent below.
		{
			Targets:        []string{ids[0]},
			LinkType:       share.LinkDownload,
			Title:          "Master agreement (draft)",
			MaxAccessCount: &two,
			Authenticators: []share.Authenticator{
				{Type: share.AuthPassword, Context: "draft-agreement-42"},
			},
			ExpiresAt: in(14 * day),
		},
		// Expires seconds after the demo starts, to show an expired link.
		{Targets: []string{ids[1]}, LinkType: share.LinkDownload, Title: "NDA (old)",
			Authenticators: []share.Authenticator{
				{Type: share.AuthEmailOTP, Context: "morgan@example.com"},
			}, ExpiresAt: in(3 * time.Second)},
	})
	if err != nil {
		return "", err
	}
	for range 2 {
		if _, err := svc.StartSession(ctx, links[3]); err != nil {
			return "", err
		}
	}
	_, _, err = svc.SendLinks(
		ctx,
		"",
		[]share.SendItem{{ID: links[0].ID, Email: "jordan@example.com"}},
		"ada@example.com",
		"Ada Admin",
	)
	return token, err
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
