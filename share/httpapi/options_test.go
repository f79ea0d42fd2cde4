package httpapi_test

import (
	"crypto/sha1" //nolint:gosec // the sha1 option is a checksum clients send
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"net/http"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestPutOptions: the options Pangea's SDKs expose either work (sha1 and crc32c checked against the
// bytes) or are refused with a reason (file passwords, format, source-url); none is silently ignored.
func TestPutOptions(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		data := []byte("the bytes being checked")
		s1 := sha1.Sum(data) //nolint:gosec
		crc := crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))
		for i, tc := range []struct {
			name     string
			request  map[string]any
			wantHTTP int
			status   string
			source   string // for ValidationError
		}{
			{"right sha1", map[string]any{"sha1": hex.EncodeToString(s1[:])}, 200, "Success", ""},
			{"wrong sha1", map[string]any{"sha1": hex.EncodeToString(make([]byte, 20))}, 400, "ValidationError", "/sha1"},
			{"right crc32c", map[string]any{"crc32c": fmt.Sprintf("%08x", crc)}, 200, "Success", ""},
			{"right crc32c, capitals, unpadded", map[string]any{"crc32c": fmt.Sprintf("%X", crc)}, 200, "Success", ""},
			{"wrong crc32c", map[string]any{"crc32c": fmt.Sprintf("%08x", crc^1)}, 400, "ValidationError", "/crc32c"},
			{"crc32c not hex", map[string]any{"crc32c": "zzzz"}, 400, "ValidationError", "/crc32c"},
			{"password", map[string]any{"password": "s3cret-pass"}, 400, "ShareVaultNotConfigured", ""},
			{"password_algorithm", map[string]any{"password_algorithm": "AES-CFB-128"}, 400, "ShareVaultNotConfigured", ""},
			{"format", map[string]any{"format": "PDF"}, 400, "ValidationError", "/format"},
			{"source-url in multipart", map[string]any{"source_url": "http://127.0.0.1/"}, 400, "ShareBadTransferMethod", ""},
			{"bad file_ttl", map[string]any{"file_ttl": "7 days"}, 400, "ValidationError", "/file_ttl"},
			{"file_ttl under a minute", map[string]any{"file_ttl": "30s"}, 400, "ValidationError", "/file_ttl"},
			{"file_ttl over 100 years", map[string]any{"file_ttl": "99999999999w"}, 400, "ValidationError", "/file_ttl"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.request["name"] = fmt.Sprintf("opt%d.txt", i)
				body, ct := multipartPut(t, tc.request, "upload", data)
				r := send(t, e, http.MethodPost, e.URL+"/v1/put", e.Token, ct, body)
				if r.HTTP != tc.wantHTTP || r.Status != tc.status || (tc.source != "" && len(r.errorsList()) == 0) {
					t.Fatalf("got HTTP %d %s %v, want %d %s", r.HTTP, r.Status, r.errorsList(), tc.wantHTTP, tc.status)
				}
				if tc.source != "" && r.errorsList()[0]["source"] != tc.source {
					t.Errorf("got source %v, want %s", r.errorsList()[0]["source"], tc.source)
				}
			})
		}
		for _, tc := range []struct{ name, path, body, status string }{
			{"get with password", "/v1/get", fmt.Sprintf(`{"id":%q,"password":"x"}`, f.a.ID), "ShareVaultNotConfigured"},
			{"update add_password", "/v1/update", fmt.Sprintf(`{"id":%q,"add_password":"pass-word-1"}`, f.a.ID), "ShareVaultNotConfigured"},
			{"update remove_password", "/v1/update", fmt.Sprintf(`{"id":%q,"remove_password":"pass-word-1"}`, f.a.ID), "ShareVaultNotConfigured"},
			{"list include_external_bucket_key", "/v1/list", `{"include_external_bucket_key":true}`, "Success"},
			{"folder with bad file_ttl", "/v1/folder/create", `{"name":"Bad TTL","file_ttl":"1y"}`, "ValidationError"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if r := postRaw(t, e, tc.path, tc.body); r.Status != tc.status {
					t.Errorf("%s: got HTTP %d %s %v, want %s", tc.body, r.HTTP, r.Status, r.errorsList(), tc.status)
				}
			})
		}
	})
}

// TestFileTTL: file_ttl on folder/create, put and update is stored, inherited from the nearest folder,
// answered as Pangea does (file_ttl, file_ttl_effective, file_ttl_from_id), and the files whose TTL ran
// out are what ExpiredObjects hands the retention sweeper.
func TestFileTTL(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
		obj := func(r reply) map[string]any {
			t.Helper()
			if r.Status != "Success" {
				t.Fatalf("got HTTP %d %s %v", r.HTTP, r.Status, r.errorsList())
			}
			o, _ := r.Result["object"].(map[string]any)
			return o
		}
		put := func(req map[string]any) map[string]any {
			body, ct := multipartPut(t, req, "upload", []byte("x"))
			return obj(send(t, e, http.MethodPost, e.URL+"/v1/put", e.Token, ct, body))
		}
		start := e.Clock.Now().Truncate(time.Microsecond) // the stores keep microseconds
		folder := obj(postRaw(t, e, "/v1/folder/create", `{"name":"Weekly","file_ttl":"7d"}`))
		sub := obj(postRaw(t, e, "/v1/folder/create", fmt.Sprintf(`{"name":"Sub","parent_id":%q}`, folder["id"])))
		inherited := put(map[string]any{"name": "inherited.txt", "parent_id": sub["id"]})
		own := put(map[string]any{"name": "own.txt", "parent_id": folder["id"], "file_ttl": "1h"})
		none := put(map[string]any{"name": "none.txt"})
		expires := func(o map[string]any) string { s, _ := o["ext_expires_at"].(string); return s }
		at := func(d time.Duration) string { return start.Add(d).UTC().Format(time.RFC3339Nano) }
		for _, tc := range []struct {
			name                 string
			o                    map[string]any
			ttl, effective, from any
			expiresAt            string
		}{
			{"folder", folder, "7d", "7d", folder["id"], ""},
			{"subfolder", sub, nil, "7d", folder["id"], ""},
			{"file inheriting", inherited, nil, "7d", folder["id"], at(7 * 24 * time.Hour)},
			{"file with its own", own, "1h", "1h", own["id"], at(time.Hour)},
			{"file without", none, nil, nil, nil, ""},
		} {
			if tc.o["file_ttl"] != tc.ttl || tc.o["file_ttl_effective"] != tc.effective || tc.o["file_ttl_from_id"] != tc.from || expires(tc.o) != tc.expiresAt {
				t.Errorf("%s: got file_ttl %v effective %v from %v expires %q, want %v %v %v %q", tc.name, tc.o["file_ttl"],
					tc.o["file_ttl_effective"], tc.o["file_ttl_from_id"], expires(tc.o), tc.ttl, tc.effective, tc.from, tc.expiresAt)
			}
		}
		// A folder's new setting reaches the files that follow it, not those with their own.
		e.Clock.Advance(time.Minute)
		obj(postRaw(t, e, "/v1/update", fmt.Sprintf(`{"id":%q,"file_ttl":"2d"}`, folder["id"])))
		got := obj(postRaw(t, e, "/v1/get", fmt.Sprintf(`{"id":%q}`, inherited["id"])))
		if got["file_ttl_effective"] != "2d" || expires(got) != at(time.Minute+48*time.Hour) {
			t.Errorf("inherited file after the folder changed: got %v %q, want 2d %q", got["file_ttl_effective"], expires(got), at(time.Minute+48*time.Hour))
		}
		got = obj(postRaw(t, e, "/v1/get", fmt.Sprintf(`{"id":%q}`, own["id"])))
		if got["file_ttl_effective"] != "1h" || expires(got) != at(time.Hour) {
			t.Errorf("file with its own setting after the folder changed: got %v %q", got["file_ttl_effective"], expires(got))
		}
		// update sets a file's own TTL; "" removes it (the folder's applies again).
		got = obj(postRaw(t, e, "/v1/update", fmt.Sprintf(`{"id":%q,"file_ttl":"3h"}`, none["id"])))
		if got["file_ttl"] != "3h" || expires(got) != at(time.Minute+3*time.Hour) {
			t.Errorf("update file_ttl: got %v %q", got["file_ttl"], expires(got))
		}
		got = obj(postRaw(t, e, "/v1/update", fmt.Sprintf(`{"id":%q,"file_ttl":""}`, own["id"])))
		if got["file_ttl"] != nil || got["file_ttl_effective"] != "2d" || got["file_ttl_from_id"] != folder["id"] {
			t.Errorf("removing a file's own TTL: got %v %v %v, want the folder's 2d", got["file_ttl"], got["file_ttl_effective"], got["file_ttl_from_id"])
		}
		// What the sweeper sees.
		for _, tc := range []struct {
			after time.Duration
			want  []any
		}{
			{time.Hour, nil},
			{4 * time.Hour, []any{none["id"]}},
			{50 * time.Hour, []any{none["id"], inherited["id"], own["id"]}}, // the last two expire together: by id
		} {
			list, err := e.Svc.ExpiredObjects(t.Context(), start.Add(tc.after), 10)
			if err != nil {
				t.Fatal(err)
			}
			var ids []any
			for _, o := range list {
				ids = append(ids, o.ID)
			}
			if len(tc.want) == 3 && fmt.Sprint(tc.want[1]) > fmt.Sprint(tc.want[2]) {
				tc.want[1], tc.want[2] = tc.want[2], tc.want[1]
			}
			if fmt.Sprint(ids) != fmt.Sprint(tc.want) {
				t.Errorf("expired after %s: got %v, want %v", tc.after, ids, tc.want)
			}
		}
	})
}
