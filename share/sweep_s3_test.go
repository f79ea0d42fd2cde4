package share_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// With S3 the sweeper removes objects that have no row, unchecked direct uploads and unfinished
// multipart uploads once they are older than TempAge, and keeps every object with a row.
func TestSweepS3(t *testing.T) {
	s3 := sharetest.StartS3(t)
	e := sharetest.Start(t, "postgres", sharetest.Options{NoSMTP: true, S3: s3})
	ctx := context.Background()
	c := s3.Client(t)
	core := minio.Core{Client: c}
	kept := sharetest.Must(e.Client.Put(ctx, api.PutRequest{Name: "kept.txt"}, "kept.txt", strings.NewReader("kept")))(t).Object
	put := func(key, body string) {
		if _, err := c.PutObject(ctx, s3.Bucket, key, strings.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	put("b/pos_orphan1", "no row")
	put("in/pos_incoming1", "never adopted")
	put("elsewhere/pos_x", "not ours: outside the store's keys") // e.g. another deployment's prefix
	for _, key := range []string{"b/pos_stale", "elsewhere/pos_mp"} {
		if _, err := core.NewMultipartUpload(ctx, s3.Bucket, key, minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(1100 * time.Millisecond) // S3 times have whole seconds

	// Young: nothing goes.
	rep, err := e.Svc.Sweep(ctx, share.SweepOptions{})
	if err != nil || rep.OrphanBlobs+rep.TempFiles != 0 {
		t.Fatalf("young pass: %+v %v, want nothing removed", rep, err)
	}
	rep, err = e.Svc.Sweep(ctx, share.SweepOptions{TempAge: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OrphanBlobs != 1 || rep.TempFiles != 2 {
		t.Errorf("report %+v, want 1 orphan and 2 temp (the incoming upload, the multipart upload)", rep)
	}
	var left []string
	for o := range c.ListObjects(ctx, s3.Bucket, minio.ListObjectsOptions{Recursive: true}) {
		left = append(left, o.Key)
	}
	if strings.Join(left, " ") != "b/"+kept.ID+" elsewhere/pos_x" {
		t.Errorf("objects left: %v, want the kept file and the foreign object", left)
	}
	var uploads []string
	for u := range c.ListIncompleteUploads(ctx, s3.Bucket, "", true) {
		uploads = append(uploads, u.Key)
	}
	if strings.Join(uploads, " ") != "elsewhere/pos_mp" {
		t.Errorf("multipart uploads left: %v, want only the foreign one", uploads)
	}
	if _, err := e.Client.Get(ctx, api.GetRequest{ID: kept.ID}); err != nil {
		t.Errorf("the kept file: %v", err)
	}
}

// Instances sharing a PostgreSQL database sweep one at a time: a pass that finds another running
// does nothing and says so.
func TestSweepOneAtATime(t *testing.T) {
	e := sharetest.Start(t, "postgres", sharetest.Options{NoSMTP: true})
	ctx := context.Background()
	release, ok, err := e.Store.TryLock(ctx, "sharedesk.sweep")
	if err != nil || !ok {
		t.Fatalf("take the sweep lock: %v %v", ok, err)
	}
	rep, err := e.Svc.Sweep(ctx, share.SweepOptions{})
	if err != nil || !rep.Skipped {
		t.Errorf("while another instance sweeps: %+v %v, want skipped", rep, err)
	}
	release()
	rep, err = e.Svc.Sweep(ctx, share.SweepOptions{})
	if err != nil || rep.Skipped {
		t.Errorf("after it finished: %+v %v, want a pass", rep, err)
	}
}

// /readyz also asks the object store: an instance whose bucket is gone is taken out of the balancer.
func TestReadyS3(t *testing.T) {
	s3 := sharetest.StartS3(t)
	e := sharetest.Start(t, "postgres", sharetest.Options{NoSMTP: true, S3: s3})
	ready := func() (int, string) {
		resp, err := http.Get(e.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if got, _ := ready(); got != http.StatusOK {
		t.Fatalf("with the bucket: %d, want 200", got)
	}
	s3.Stop()
	if got, body := ready(); got != http.StatusServiceUnavailable || !strings.Contains(body, "object store unreachable") {
		t.Errorf("without the object store: %d %q, want 503 naming the object store", got, body)
	}
}
