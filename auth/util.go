package auth

import (
	"net"
	"net/http"
	"net/url"
)

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func urlQuery(s string) string { return url.QueryEscape(s) }
