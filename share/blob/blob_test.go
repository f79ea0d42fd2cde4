package blob_test

import (
	"bytes"
	"context"
	"crypto/md5"  //nolint:gosec // the wire digests under test
	"crypto/sha1" //nolint:gosec
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/share/blob"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// stores are the implementations every contract test runs against.
func stores(t *testing.T) map[string]func(t *testing.T) blob.Store {
	return map[string]func(t *testing.T) blob.Store{
		"disk": func(t *testing.T) blob.Store {
			d, err := blob.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return d
		},
		"s3": func(t *testing.T) blob.Store { return sharetest.StartS3(t).Open(t, "pfx") },
	}
}

// forEachStore runs test, in parallel, on an empty store of every kind.
func forEachStore(t *testing.T, test func(t *testing.T, s blob.Store)) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test(t, open(t))
		})
	}
}

func data(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func hexOf(sum []byte) string { return hex.EncodeToString(sum) }

func TestStoreContract(t *testing.T) {
	forEachStore(t, func(t *testing.T, s blob.Store) {
		ctx := context.Background()
		// Sizes around the 1 MiB buffers, and past the 5 MiB parts the test S3 store uses.
		for _, n := range []int{0, 1, 1<<20 - 1, 1 << 20, 1<<20 + 1, 11<<20 + 7} {
			t.Run(fmt.Sprint(n), func(t *testing.T) {
				key := fmt.Sprintf("pos_size%d", n)
				in := data(n)
				sums, err := s.Write(ctx, key, bytes.NewReader(in), blob.WriteOptions{Limit: int64(n), SHA1: true, CRC32C: true})
				if err != nil {
					t.Fatalf("write: %v", err)
				}
				s256, s512, m5, s1 := sha256.Sum256(in), sha512.Sum512(in), md5.Sum(in), sha1.Sum(in) //nolint:gosec
				want := blob.Sums{Size: int64(n), SHA256: hexOf(s256[:]), SHA512: hexOf(s512[:]), MD5: hexOf(m5[:]), SHA1: hexOf(s1[:]),
					CRC32C: crc32.Checksum(in, crc32.MakeTable(crc32.Castagnoli))}
				if sums != want {
					t.Errorf("sums\n got %+v\nwant %+v", sums, want)
				}
				r, err := s.Open(ctx, key)
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				defer r.Close()
				got, err := io.ReadAll(r)
				if err != nil || !bytes.Equal(got, in) {
					t.Fatalf("read back %d bytes (err %v), want %d identical bytes", len(got), err, n)
				}
				if n > 10 { // a range, the way http.ServeContent reads one
					if _, err := r.Seek(int64(n/3), io.SeekStart); err != nil {
						t.Fatal(err)
					}
					part := make([]byte, 10)
					if _, err := io.ReadFull(r, part); err != nil || !bytes.Equal(part, in[n/3:n/3+10]) {
						t.Errorf("range read %x (err %v), want %x", part, err, in[n/3:n/3+10])
					}
				}
			})
		}
	})
}

type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if errors.Is(err, io.EOF) {
		return n, f.err
	}
	return n, err
}

// A write that is too large or whose body breaks off leaves nothing: no blob, no temp file, no
// unfinished multipart upload.
func TestStoreRefusedWritesLeaveNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, s blob.Store) {
		ctx := context.Background()
		cases := []struct {
			name    string
			size    int
			limit   int64
			broken  bool
			wantErr error
		}{
			{"one byte over a small limit", 101, 100, false, blob.ErrTooLarge},
			{"over the limit after several parts", 12 << 20, 11 << 20, false, blob.ErrTooLarge},
			{"body breaks off small", 1000, 0, true, io.ErrUnexpectedEOF},
			{"body breaks off after several parts", 12 << 20, 0, true, io.ErrUnexpectedEOF},
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				key := fmt.Sprintf("pos_refused%d", i)
				var r io.Reader = bytes.NewReader(data(c.size))
				if c.broken {
					r = &failingReader{r: r, err: io.ErrUnexpectedEOF}
				}
				_, err := s.Write(ctx, key, r, blob.WriteOptions{Limit: c.limit})
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("write: got %v, want %v", err, c.wantErr)
				}
				if _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
					t.Errorf("open after a refused write: got %v, want ErrNotFound", err)
				}
			})
		}
		var left []string
		if err := s.Scan(ctx, func(e blob.Entry) error { left = append(left, fmt.Sprintf("%s temp=%v", e.Key, e.Temp)); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(left) > 0 {
			t.Errorf("refused writes left %v", left)
		}
	})
}

// Scan finds blobs; Remove and RemoveEntry delete them; removing twice is fine; bad keys are refused.
func TestStoreScanRemove(t *testing.T) {
	forEachStore(t, func(t *testing.T, s blob.Store) {
		ctx := context.Background()
		for _, k := range []string{"pos_a1", "pos_b2", "pos_c3"} {
			if _, err := s.Write(ctx, k, strings.NewReader(k), blob.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		found := map[string]blob.Entry{}
		if err := s.Scan(ctx, func(e blob.Entry) error { found[e.Key] = e; return nil }); err != nil {
			t.Fatal(err)
		}
		if len(found) != 3 || found["pos_a1"].Size != 6 || found["pos_a1"].Temp || time.Since(found["pos_a1"].ModTime) > time.Hour {
			t.Fatalf("scan found %+v, want the 3 blobs of 6 bytes, not temp, just written", found)
		}
		if err := s.RemoveEntry(ctx, found["pos_b2"]); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := s.Remove(ctx, "pos_c3"); err != nil {
				t.Fatalf("remove: %v", err)
			}
		}
		for k, want := range map[string]bool{"pos_a1": true, "pos_b2": false, "pos_c3": false} {
			_, err := s.Open(ctx, k)
			if got := err == nil; got != want {
				t.Errorf("%s exists: got %v (%v), want %v", k, got, err, want)
			}
		}
		for _, bad := range []string{"", "../x", "a/b", "x.y"} {
			if _, err := s.Write(ctx, bad, strings.NewReader("x"), blob.WriteOptions{}); err == nil {
				t.Errorf("key %q was accepted", bad)
			}
		}
	})
}

// S3's direct transfers: a presigned GET serves ranges with the given headers; a presigned PUT lands
// in incoming, and Adopt moves it to the blob and digests what is stored.
func TestS3Presigned(t *testing.T) {
	srv := sharetest.StartS3(t)
	s := srv.Open(t, "")
	ctx := context.Background()
	in := data(3<<20 + 5)
	if _, err := s.Write(ctx, "pos_get", bytes.NewReader(in), blob.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	u, err := s.PresignGet(ctx, "pos_get", time.Minute, `attachment; filename="a b.txt"`, "text/plain")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Range", "bytes=100-199")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, in[100:200]) {
		t.Errorf("range: status %d, %d bytes, want 206 and bytes 100-199", resp.StatusCode, len(body))
	}
	if got := resp.Header.Get("Content-Disposition"); got != `attachment; filename="a b.txt"` {
		t.Errorf("Content-Disposition %q", got)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/plain" {
		t.Errorf("Content-Type %q", got)
	}

	if _, err := s.Adopt(ctx, "pos_put", blob.WriteOptions{}); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("adopt before the upload: got %v, want ErrNotFound", err)
	}
	pu, err := s.PresignPut(ctx, "pos_put", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	req, _ = http.NewRequest(http.MethodPut, pu, bytes.NewReader(in))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("presigned put: %d", resp.StatusCode)
	}
	if _, err := s.Adopt(ctx, "pos_put", blob.WriteOptions{Limit: int64(len(in) - 1)}); !errors.Is(err, blob.ErrTooLarge) {
		t.Errorf("adopt over the limit: got %v, want ErrTooLarge", err)
	}
	req, _ = http.NewRequest(http.MethodPut, pu, bytes.NewReader(in))
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sums, err := s.Adopt(ctx, "pos_put", blob.WriteOptions{})
	want := sha256.Sum256(in)
	if err != nil || sums.SHA256 != hexOf(want[:]) || sums.Size != int64(len(in)) {
		t.Fatalf("adopt: %+v %v", sums, err)
	}
	var temps int
	_ = s.Scan(ctx, func(e blob.Entry) error {
		if e.Temp {
			temps++
		}
		return nil
	})
	if temps != 0 {
		t.Errorf("%d incoming uploads left after adopt", temps)
	}

	// A presigned POST takes at most its size; the store refuses more.
	post := func(size int) int {
		u, fields, err := s.PresignPost(ctx, "pos_post", time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("file", "f")
		fw.Write(data(size))
		mw.Close()
		resp, err := http.Post(u, mw.FormDataContentType(), &buf)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(11); got/100 == 2 {
		t.Errorf("POST over the size: %d, want a refusal", got)
	}
	if ok, _ := s.Arrived(ctx, "pos_post"); ok {
		t.Error("a refused POST arrived")
	}
	if got := post(10); got/100 != 2 {
		t.Fatalf("POST within the size: %d", got)
	}
	if sums, err := s.Adopt(ctx, "pos_post", blob.WriteOptions{}); err != nil || sums.Size != 10 {
		t.Errorf("adopt the POST: %+v %v", sums, err)
	}
}
