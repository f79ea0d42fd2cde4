package main

import (
	"context"
	"strings"
	"time"

	"github.com/sharedesk/sharedesk/share"
)

// seedDemo fills an empty demo database with folders, files and links, and returns a fresh API token.
func seedDemo(ctx context.Context, svc *share.Service) (string, error) {
	token, _, err := svc.CreateToken(ctx, "demo "+time.Now().UTC().Format(time.RFC3339))
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
		{Targets: []string{contracts.ID}, LinkType: share.LinkDownload, Title: "Signed contracts", Message: "Here are the signed contracts.",
			Authenticators: []share.Authenticator{{Type: share.AuthEmailOTP, Context: "jordan@example.com"}}, Tags: []string{"legal"}, ExpiresAt: in(7 * day)},
		{Targets: []string{ids[2]}, LinkType: share.LinkDownload, Title: "Q3 figures",
			Authenticators: []share.Authenticator{{Type: share.AuthPassword, Context: "correct-horse-battery"}}, MaxAccessCount: &three, ExpiresAt: in(day)},
		{Targets: []string{inbox.ID}, LinkType: share.LinkUpload, Title: "Send us your invoices",
			Authenticators: []share.Authenticator{{Type: share.AuthSMSOTP, Context: "+15555550123"}}, Tags: []string{"finance"}, ExpiresAt: in(30 * day)},
		// Shown as used up: both openings are spent below.
		{Targets: []string{ids[0]}, LinkType: share.LinkDownload, Title: "Master agreement (draft)", MaxAccessCount: &two,
			Authenticators: []share.Authenticator{{Type: share.AuthPassword, Context: "draft-agreement-42"}}, ExpiresAt: in(14 * day)},
		// Expires seconds after the demo starts, to show an expired link.
		{Targets: []string{ids[1]}, LinkType: share.LinkDownload, Title: "NDA (old)",
			Authenticators: []share.Authenticator{{Type: share.AuthEmailOTP, Context: "morgan@example.com"}}, ExpiresAt: in(3 * time.Second)},
	})
	if err != nil {
		return "", err
	}
	for range 2 {
		if _, err := svc.StartSession(ctx, links[3]); err != nil {
			return "", err
		}
	}
	_, _, err = svc.SendLinks(ctx, "", []share.SendItem{{ID: links[0].ID, Email: "jordan@example.com"}}, "ada@example.com", "Ada Admin")
	return token, err
}
