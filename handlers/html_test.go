package handlers_test

import (
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/sharedesk/sharedesk/share/sharetest"
)

// Pages are read through their data-testid attributes (see sharetest.TestID).

func (p page) testid(t *testing.T, id string) *goquery.Selection {
	return sharetest.TestID(t, p.body, id)
}
func (p page) texts(t *testing.T, id string) []string { return sharetest.Texts(t, p.body, id) }
func (p page) text(t *testing.T, id string) string    { return sharetest.Text(t, p.body, id) }
func (p page) doc(t *testing.T) *goquery.Document     { return sharetest.HTML(t, p.body) }
