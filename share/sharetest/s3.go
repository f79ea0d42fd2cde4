package sharetest

import (
	"context"
	"fmt"
	"go/build"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/sharedesk/sharedesk/share/blob"
	"github.com/sharedesk/sharedesk/share/store"
)

// BlobsEnv names the variable that runs every Start on an S3 bucket (versitygw) instead of local disk:
// SHAREDESK_TEST_BLOBS=s3 moves bytes through the server, s3-direct hands out presigned bucket URLs
// for downloads and put-url. Only the PostgreSQL variant runs then (the deployment that uses S3), so
// the whole API suite runs once more on PostgreSQL + S3 without doubling its time.
const BlobsEnv = "SHAREDESK_TEST_BLOBS"

// S3Mode reports whether the tests run on S3 (BlobsEnv=s3 or s3-direct).
func S3Mode() bool { v := os.Getenv(BlobsEnv); return v == "s3" || v == "s3-direct" }

// s3Direct reports whether the S3 run uses direct transfers.
func s3Direct() bool { return os.Getenv(BlobsEnv) == "s3-direct" }

// S3Server is a running versitygw (an S3 server on a local directory) with one empty bucket.
type S3Server struct {
	Endpoint  string // http://127.0.0.1:PORT
	AccessKey string
	SecretKey string
	Bucket    string
	Dir       string // where versitygw keeps the bucket: DIR/BUCKET/KEY
	cmd       *exec.Cmd
}

// versitygwPath finds the versitygw binary on PATH or in GOPATH/bin (where go install puts it).
func versitygwPath() (string, error) {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	p := filepath.Join(build.Default.GOPATH, "bin", "versitygw")
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}

// RequireS3 skips (or fails) the test when versitygw is not installed, and returns its path.
func RequireS3(t testing.TB) string {
	t.Helper()
	p, err := versitygwPath()
	if err != nil {
		Missing(t, "versitygw (an S3 server for the tests)",
			"run make deps (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0)", err)
	}
	return p
}

// S3Missing says why the object-store tests cannot run here, "" when they can.
func S3Missing() string {
	if _, err := versitygwPath(); err != nil {
		return err.Error()
	}
	return ""
}

// StartS3 starts versitygw on a free loopback port with a fresh bucket; it stops when the test ends.
func StartS3(t testing.TB) *S3Server {
	t.Helper()
	bin := RequireS3(t)
	s := &S3Server{AccessKey: "test" + randomHex(4), SecretKey: randomHex(16), Bucket: "sd-" + randomHex(6),
		Dir: t.TempDir()}
	var lastErr error
	for range 3 { // the free port may be taken between probing it and versitygw binding it
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		if lastErr = s.start(t, bin, port); lastErr == nil {
			break
		}
	}
	if lastErr != nil {
		t.Fatalf("start versitygw: %v", lastErr)
	}
	c := s.Client(t)
	if err := c.MakeBucket(context.Background(), s.Bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	return s
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *S3Server) start(t testing.TB, bin string, port int) error {
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "--port", addr, "posix", s.Dir)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+s.AccessKey, "ROOT_SECRET_KEY="+s.SecretKey)
	var out SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case <-exited:
			return fmt.Errorf("versitygw exited: %s", strings.TrimSpace(out.String()))
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			return fmt.Errorf("versitygw did not listen on %s: %s", addr, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.cmd, s.Endpoint = cmd, "http://"+addr
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })
	return nil
}

// Stop stops the server (to test what happens when the object store is gone).
func (s *S3Server) Stop() { _ = s.cmd.Process.Kill() }

// Config is the blob store configuration for this server's bucket, under prefix.
func (s *S3Server) Config(prefix string) blob.S3Config {
	return blob.S3Config{Bucket: s.Bucket, Endpoint: s.Endpoint, Region: "us-east-1", PathStyle: true, Prefix: prefix,
		Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""), PartSize: 5 << 20}
}

// Open opens an S3 blob store on the bucket.
func (s *S3Server) Open(t testing.TB, prefix string) *blob.S3 {
	t.Helper()
	st, err := blob.OpenS3(context.Background(), s.Config(prefix))
	if err != nil {
		t.Fatalf("open s3 store: %v", err)
	}
	return st
}

// Client is a plain S3 client for the bucket, for tests that look behind the store's back.
func (s *S3Server) Client(t testing.TB) *minio.Client {
	t.Helper()
	host := strings.TrimPrefix(s.Endpoint, "http://")
	c, err := minio.New(host, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Region: "us-east-1", BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Instance starts a second share server of a's deployment: its own listener, its own connection pool
// to a's PostgreSQL schema, the same secret keys and the same bucket (a must run on PostgreSQL and
// S3). opt may change everything else (the transfer paths, say).
func Instance(t testing.TB, a *Env, opt Options) *Env {
	t.Helper()
	if a.Kind != "postgres" || a.S3 == nil {
		t.Fatal("a second instance needs PostgreSQL and S3")
	}
	var schema string
	if err := a.Store.SQL().QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	db, err := store.OpenPostgres(context.Background(), PostgresURL()+"&search_path="+schema)
	if err != nil {
		t.Fatalf("open the second instance's pool: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	opt.Store, opt.Keys, opt.S3 = db, a.Keys, a.S3
	return Start(t, "postgres", opt)
}
