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
		switch a.AuthType {
		case "email_otp":
			vm.Authenticators = append(vm.Authenticators, "email code to "+a.AuthContext)
		case "sms_otp":
			vm.Authenticators = append(vm.Authenticators, "text code to "+a.AuthContext)
		case "password":
			vm.Authenticators = append(vm.Authenticators, "password")
		default:
			vm.Authenticators = append(vm.Authenticators, a.AuthType)
		}
	}
	s := staffOf(ec)
	vm.SendName = s.Name
	handles, err := c.mayHandle(ec, l.ID)
	if err != nil {
		return console.LinkDetailVM{}, err
	}
	vm.CanRevokeThis = handles && auth.CanRevoke(s.Role)
	vm.CanSendThis = handles && s.Can(auth.Send)
	return vm, nil
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
