package handlers

import (
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/views/console"
)

func (c *Console) linkDetail(ec *echo.Context, id string) (console.LinkDetailVM, error) {
	res, err := c.api.LinkGet(ec.Request().Context(), api.LinkGetRequest{ID: id})
	if err != nil {
		return console.LinkDetailVM{}, err
	}
	l := res.ShareLinkObject
	names, err := c.objectNames(ec, []api.ShareLink{l})
	if err != nil {
		return console.LinkDetailVM{}, err
	}
	vm := console.LinkDetailVM{
		Page:        c.page(ec, "Link: "+orTitle(l.Title), "links"),
		ID:          l.ID,
		Title:       l.Title,
		Message:     l.Message,
		Type:        l.LinkType,
		Status:      linkStatus(l, c.opt.Now()),
		URL:         l.Link,
		Recipient:   l.RecipientEmail,
		SenderEmail: l.SenderEmail,
		SenderName:  l.SenderName,
		Accesses:    l.AccessCount,
		MaxAccesses: l.MaxAccessCount,
		CreatedAt:   l.CreatedAt,
		ExpiresAt:   l.ExpiresAt,
		Tags:        l.Tags,
		SendTo:      l.RecipientEmail,
	}
	if l.LastAccessedAt != nil {
		vm.LastAccess = *l.LastAccessedAt
	}
	for _, t := range l.Targets {
		o, ok := names[t]
		vm.Targets = append(vm.Targets, console.TargetVM{ID: t, Name: o.Name, Type: o.Type, Missing: !ok})
	}
	for _, a := range l.Authenticators {
		vm.Authenticators = append(vm.Authenticators, authenticatorLabel(a))
		vm.OpensByEmailCode = vm.OpensByEmailCode || a.AuthType == "email_otp"
	}
	s := staffOf(ec)
	vm.SendName = s.Name
	handles, err := c.mayHandle(ec, l.ID)
	if err != nil {
		return console.LinkDetailVM{}, err
	}
	vm.CanRevokeThis = handles && auth.CanRevoke(s.Role)
	vm.CanSendThis = handles && s.Can(auth.Send)
	vm.CanEditThis = vm.CanSendThis // who may send a link may change who can open it, and until when
	return vm, nil
}

// authenticatorLabel says how a recipient proves who they are with a.
func authenticatorLabel(a api.Authenticator) string {
	switch a.AuthType {
	case "email_otp":
		return "email code to " + a.AuthContext
	case "sms_otp":
		return "text code to " + a.AuthContext
	case "password":
		return "password"
	}
	return a.AuthType
}

func orTitle(t string) string {
	if t == "" {
		return "untitled"
	}
	return t
}

// showLink handles GET /links/:id.
func (c *Console) showLink(ec *echo.Context) error {
	vm, err := c.linkDetail(ec, ec.Param("id"))
	if err != nil {
		return err
	}
	return c.render(ec, http.StatusOK, console.LinkDetail(vm))
}
