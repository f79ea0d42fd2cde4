package httpapi

import (
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
)

func wireLink(l share.Link) api.ShareLink {
	out := api.ShareLink{
		ID:             l.ID,
		BucketID:       l.BucketID,
		Targets:        l.Targets,
		LinkType:       l.LinkType,
		AccessCount:    l.AccessCount,
		MaxAccessCount: l.MaxAccessCount,
		CreatedAt:      l.CreatedAt,
		ExpiresAt:      l.ExpiresAt,
		Title:          l.Title,
		Message:        l.Message,
		Link:           l.URL,
		RecipientEmail: l.RecipientEmail,
		SenderEmail:    l.SenderEmail,
		SenderName:     l.SenderName,
		Tags:           l.Tags,
		Authenticators: make([]api.Authenticator, len(l.Authenticators)),
	}
	if !l.LastAccessedAt.IsZero() {
		t := l.LastAccessedAt
		out.LastAccessedAt = &t
	}
	for i, a := range l.Authenticators {
		ctx := a.Context
		if a.Type == share.AuthPassword {
			ctx = share.PasswordMask
		}
		out.Authenticators[i] = api.Authenticator{AuthType: a.Type, AuthContext: ctx}
	}
	return out
}

func wireLinks(ls []share.Link) []api.ShareLink { return wireAll(ls, wireLink) }

func wireObject(o share.Object) api.Object {
	w := api.Object{ID: o.ID, Name: o.Name, Type: o.Type, ParentID: o.ParentID, Folder: o.Folder, Size: o.Size,
		MimeType: o.MimeType, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, MD5: o.MD5, SHA256: o.SHA256,
		SHA512: o.SHA512, Metadata: o.Metadata, Tags: o.Tags, FileTTL: o.FileTTL, FileTTLEffective: o.FileTTLEffective,
		FileTTLFromID: o.FileTTLFrom}
	if !o.ExpiresAt.IsZero() {
		t := o.ExpiresAt
		w.ExtExpiresAt = &t
	}
	return w
}

func wireObjects(os []share.Object) []api.Object { return wireAll(os, wireObject) }

// wireAll converts each of xs to its wire form.
func wireAll[T, W any](xs []T, wire func(T) W) []W {
	out := make([]W, len(xs))
	for i, x := range xs {
		out[i] = wire(x)
	}
	return out
}

func timePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func wireEvent(ev share.Event) api.LinkEvent {
	return api.LinkEvent{
		ID:         ev.ID,
		Type:       ev.Type,
		At:         ev.At,
		Actor:      ev.Actor,
		Client:     ev.Client,
		Method:     ev.Method,
		ObjectID:   ev.ObjectID,
		ObjectName: ev.ObjectName,
		Detail:     ev.Detail,
		Outcome:    ev.Outcome,
	}
}
