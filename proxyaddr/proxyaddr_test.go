package proxyaddr_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/proxyaddr"
)

func TestClient(t *testing.T) {
	cases := []struct {
		name, trusted, peer string
		headers             map[string][]string
		want                string
	}{
		{"no trusted proxies: headers ignored", "", "203.0.113.9:5000", map[string][]string{"X-Forwarded-For": {"1.2.3.4"}}, "203.0.113.9"},
		{"untrusted peer: headers ignored", "10.0.0.0/8", "203.0.113.9:5000", map[string][]string{"X-Forwarded-For": {"1.2.3.4"}}, "203.0.113.9"},
		{"trusted peer, one hop", "10.0.0.0/8", "10.0.0.2:5000", map[string][]string{"X-Forwarded-For": {"198.51.100.7"}}, "198.51.100.7"},
		{"spoofed left hops are skipped", "10.0.0.0/8", "10.0.0.2:5000", map[string][]string{"X-Forwarded-For": {"1.1.1.1, 198.51.100.7"}}, "198.51.100.7"},
		{"chain of trusted proxies", "10.0.0.0/8,192.168.1.1", "10.0.0.2:5000", map[string][]string{"X-Forwarded-For": {"1.1.1.1, 198.51.100.7, 192.168.1.1", "10.9.9.9"}}, "198.51.100.7"},
		{"all hops trusted: leftmost", "10.0.0.0/8", "10.0.0.2:5000", map[string][]string{"X-Forwarded-For": {"10.1.1.1, 10.2.2.2"}}, "10.1.1.1"},
		{"no header from a trusted peer", "10.0.0.0/8", "10.0.0.2:5000", nil, "10.0.0.2"},
		{"garbage hop stops at the proxy", "10.0.0.0/8", "10.0.0.2:5000", map[string][]string{"X-Forwarded-For": {"1.1.1.1, not-an-ip"}}, "10.0.0.2"},
		{"Forwarded wins over X-Forwarded-For", "10.0.0.0/8", "10.0.0.2:5000", map[string][]string{
			"Forwarded": {`for=1.1.1.1, for="[2001:db8::7]:4711";proto=https`}, "X-Forwarded-For": {"9.9.9.9"}}, "2001:db8::7"},
		{"Forwarded with port", "10.0.0.0/8", "10.0.0.2:5000", map[string][]string{"Forwarded": {"for=198.51.100.7:1234;by=10.0.0.2"}}, "198.51.100.7"},
		{"Forwarded unknown", "10.0.0.0/8", "10.0.0.2:5000", map[string][]string{"Forwarded": {"for=unknown"}}, "10.0.0.2"},
		{"IPv6 proxy", "::1", "[::1]:5000", map[string][]string{"X-Forwarded-For": {"198.51.100.7"}}, "198.51.100.7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, err := proxyaddr.Parse(c.trusted)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = c.peer
			for k, vs := range c.headers {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			if got := tr.Client(r); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			var seen string
			tr.Handler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { seen = r.RemoteAddr })).ServeHTTP(httptest.NewRecorder(), r)
			if !strings.HasPrefix(seen, c.want) && !strings.HasPrefix(seen, "["+c.want+"]") {
				t.Errorf("handler saw RemoteAddr %q, want the address %q", seen, c.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	for _, bad := range []string{"10.0.0.0/33", "example.com", "1.2.3"} {
		if _, err := proxyaddr.Parse(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := proxyaddr.Parse(" 10.0.0.0/8, 127.0.0.1 ,::1 "); err != nil {
		t.Error(err)
	}
}
