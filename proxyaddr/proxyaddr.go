// Package proxyaddr finds the client's address behind trusted reverse proxies. Only when the peer is a
// trusted proxy are Forwarded (RFC 7239) or X-Forwarded-For read, from the right: each trusted hop
// vouches for the one before it, and the rightmost hop that is not trusted is the client. Anything to
// its left was written by the client and proves nothing. Without trusted proxies the headers are
// ignored.
package proxyaddr

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Trusted is a set of proxy networks.
type Trusted struct{ nets []netip.Prefix }

// Parse reads "CIDR,CIDR,…" (a bare address is a /32 or /128); empty trusts nobody.
func Parse(list string) (Trusted, error) {
	var t Trusted
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return Trusted{}, fmt.Errorf("--trusted-proxies: %q is not an address or CIDR", s)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		t.nets = append(t.nets, p.Masked())
	}
	return t, nil
}

// Empty reports whether no proxy is trusted.
func (t Trusted) Empty() bool { return len(t.nets) == 0 }

func (t Trusted) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range t.nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Client returns the client's address for r: the peer, or behind trusted proxies the rightmost
// untrusted forwarded hop.
func (t Trusted) Client(r *http.Request) string {
	peer := RemoteHost(r)
	a, err := netip.ParseAddr(peer)
	if err != nil || !t.trusts(a) {
		return peer
	}
	hops := forwarded(r.Header)
	client := a
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(hops[i])
		if err != nil {
			break // "unknown" or an obfuscated name: the last proxy we trust is all we know
		}
		client = h.Unmap()
		if !t.trusts(client) {
			break
		}
	}
	return client.String()
}

// Handler rewrites r.RemoteAddr to the client's address (port 0) before next sees the request, so
// rate limits, audit records and logs all use it.
func (t Trusted) Handler(next http.Handler) http.Handler {
	if t.Empty() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c := t.Client(r); c != RemoteHost(r) {
			r2 := r.Clone(r.Context())
			r2.RemoteAddr = net.JoinHostPort(c, "0")
			r = r2
		}
		next.ServeHTTP(w, r)
	})
}

// RemoteHost is the address r came from, without its port: the client's once Handler has run, the
// peer's otherwise. Sessions, rate limits and the link history all key on it.
func RemoteHost(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

// forwarded lists the hops, left to right, from Forwarded's for= parameters when the header is there,
// else from X-Forwarded-For. Every header line counts, in order.
func forwarded(h http.Header) []string {
	var hops []string
	if lines := h.Values("Forwarded"); len(lines) > 0 {
		for _, line := range lines {
			for _, elem := range strings.Split(line, ",") {
				for _, pair := range strings.Split(elem, ";") {
					k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
					if !ok || !strings.EqualFold(k, "for") {
						continue
					}
					hops = append(hops, forNode(strings.Trim(v, `"`)))
				}
			}
		}
		return hops
	}
	for _, line := range h.Values("X-Forwarded-For") {
		for _, s := range strings.Split(line, ",") {
			hops = append(hops, strings.TrimSpace(s))
		}
	}
	return hops
}

// forNode strips the port and brackets of a Forwarded node: "[2001:db8::1]:4711" or "192.0.2.1:80".
func forNode(v string) string {
	if strings.HasPrefix(v, "[") {
		if i := strings.IndexByte(v, ']'); i > 0 {
			return v[1:i]
		}
		return v
	}
	if h, _, err := net.SplitHostPort(v); err == nil {
		return h
	}
	return v
}
