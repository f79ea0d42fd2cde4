package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// runMainEnv makes the test binary run the sharedesk command given in its arguments instead of the
// tests, so a test can start (and SIGKILL) real server processes without building the binary first.
const runMainEnv = "SHAREDESK_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serverProcess is a share-server running as its own process on PostgreSQL and S3.
type serverProcess struct {
	cmd  *exec.Cmd
	url  string
	logs *sharetest.SyncBuffer
	done chan struct{}
}

func startServerProcess(t *testing.T, args []string, env []string) *serverProcess {
	t.Helper()
	addr := freeAddr(t)
	p := &serverProcess{url: "http://" + addr, logs: &sharetest.SyncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], append([]string{"share-server", "--listen", addr}, args...)...)
	p.cmd.Env = append(append(os.Environ(), runMainEnv+"=1"), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); <-p.done })
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get(p.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("share-server exited:\n%s", p.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("share-server not ready:\n%s", p.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCrashDuringS3Uploads: a share server on PostgreSQL and S3 is killed (SIGKILL) while uploads of
// several multipart parts each are streaming. After a restart every acknowledged file is intact,
// every row has its object, and the sweeper removes what the crash left in the bucket: objects
// without a row and unfinished multipart uploads.
func TestCrashDuringS3Uploads(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	sharetest.RequirePostgres(t)
	s3 := sharetest.StartS3(t)
	dsn := sharetest.PostgresSchemaURL(t)
	dataDir := t.TempDir()
	args := []string{"--database-url", dsn, "--data-dir", dataDir, "--s3-bucket", s3.Bucket, "--s3-endpoint", s3.Endpoint,
		"--s3-region", "us-east-1", "--s3-path-style", "--s3-prefix", "crash"}
	env := []string{"AWS_ACCESS_KEY_ID=" + s3.AccessKey, "AWS_SECRET_ACCESS_KEY=" + s3.SecretKey}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	ctx := context.Background()
	var out, errOut bytes.Buffer
	if err := run(ctx, append([]string{"token", "create", "--name", "crash"}, args...), &out, &errOut); err != nil {
		t.Fatalf("token create: %v %s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	token := lines[len(lines)-1]

	serverArgs := append([]string{"--max-upload-size", "1073741824"}, args...)
	srv := startServerProcess(t, serverArgs, env)
	client := api.NewClient(srv.url, token)
	const size = 40 << 20 // several 16 MiB parts
	type acked struct{ id, sha string }
	var mu sync.Mutex
	var acks []acked
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				data := make([]byte, size)
				for j := range data {
					data[j] = byte(j*7 + w*13 + i)
				}
				sum := sha256.Sum256(data)
				res, err := client.Put(ctx, api.PutRequest{Name: fmt.Sprintf("w%d-%d.bin", w, i)}, "f", bytes.NewReader(data))
				if err != nil {
					return // the server died under this upload: not acknowledged
				}
				mu.Lock()
				acks = append(acks, acked{res.Object.ID, hex.EncodeToString(sum[:])})
				mu.Unlock()
			}
		}()
	}
	// Kill once a few uploads are acknowledged and the next ones are under way.
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		n := len(acks)
		mu.Unlock()
		if n >= 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no uploads acknowledged:\n%s", srv.logs.String())
		}
	}
	time.Sleep(300 * time.Millisecond)
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-srv.done
	close(stop)
	wg.Wait()

	c := s3.Client(t)
	var multipart int
	for u := range c.ListIncompleteUploads(ctx, s3.Bucket, "crash/", true) {
		if u.Err == nil {
			multipart++
		}
	}
	t.Logf("%d uploads acknowledged before the kill; %d multipart uploads left unfinished", len(acks), multipart)

	srv = startServerProcess(t, serverArgs, env)
	client = api.NewClient(srv.url, token)
	for _, a := range acks {
		g, dl, err := client.GetFile(ctx, api.GetRequest{ID: a.id, TransferMethod: "multipart"})
		if err != nil {
			t.Errorf("acknowledged %s: %v", a.id, err)
			continue
		}
		h := sha256.New()
		n, err := io.Copy(h, dl)
		dl.Close()
		if err != nil || n != size || hex.EncodeToString(h.Sum(nil)) != a.sha || g.Object.SHA256 != a.sha {
			t.Errorf("acknowledged %s: %d bytes (%v), sha256 %x, row says %s, want %s", a.id, n, err, h.Sum(nil), g.Object.SHA256, a.sha)
		}
	}
	rows := sharetest.Must(client.List(ctx, api.ListRequest{Size: 100}))(t)
	if rows.Count < len(acks) {
		t.Errorf("%d rows, fewer than the %d acknowledged uploads", rows.Count, len(acks))
	}
	for _, o := range rows.Objects { // no row without its object
		if _, err := c.StatObject(ctx, s3.Bucket, "crash/b/"+o.ID, minio.StatObjectOptions{}); err != nil {
			t.Errorf("row %s has no object: %v", o.ID, err)
		}
	}

	out.Reset()
	errOut.Reset()
	if err := run(ctx, append([]string{"gc", "--temp-age", "1ns"}, args...), &out, &errOut); err != nil {
		t.Fatalf("gc: %v %s", err, errOut.String())
	}
	t.Logf("gc: %s", strings.TrimSpace(out.String()))
	for u := range c.ListIncompleteUploads(ctx, s3.Bucket, "crash/", true) {
		t.Errorf("multipart upload left after gc: %s %v", u.Key, u.Err)
	}
	objects := 0
	for o := range c.ListObjects(ctx, s3.Bucket, minio.ListObjectsOptions{Prefix: "crash/", Recursive: true}) {
		objects++
		if !strings.HasPrefix(o.Key, "crash/b/") {
			t.Errorf("left after gc: %s", o.Key)
		}
	}
	if objects != rows.Count {
		t.Errorf("%d objects in the bucket after gc, want one per row (%d)", objects, rows.Count)
	}
}
