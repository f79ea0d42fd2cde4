package views

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/a-h/templ"
)

func TestWholeOrPart(t *testing.T) {
	whole := templ.Raw("whole")
	part := templ.Raw("part")
	tests := []struct {
		name    string
		headers map[string]string
		part    templ.Component
		want    string
	}{
		{"plain request", nil, part, "whole"},
		{"htmx request", map[string]string{"HX-Request": "true"}, part, "part"},
		{"boosted navigation", map[string]string{"HX-Request": "true", "HX-Boosted": "true"}, part, "whole"},
		{"page without a part", map[string]string{"HX-Request": "true"}, nil, "whole"},
		{"history restore (Back)", map[string]string{"HX-Request": "true", "HX-History-Restore-Request": "true"}, part, "whole"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/links", nil)
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			h := http.Header{}
			var b strings.Builder
			if err := WholeOrPart(h, r, whole, tt.part).Render(context.Background(), &b); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("rendered %q, want %q", got, tt.want)
			}
			if got, want := h.Get("Vary"), "HX-Request, HX-Boosted, HX-History-Restore-Request"; got != want {
				t.Errorf("Vary = %q, want %q", got, want)
			}
		})
	}
}
