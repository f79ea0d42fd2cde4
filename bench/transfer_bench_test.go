package bench

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// fastPattern is a cheap body: one 1 MiB block of varied bytes, stamped with a counter per block so
// no two blocks are alike. The client shares the CPU with the server here; it should take little.
type fastPattern struct {
	block []byte
	off   int
	n     uint64
}

func newFastPattern() *fastPattern {
	b := make([]byte, 1<<20)
	for i := range b {
		b[i] = byte(i*31 + i>>8)
	}
	return &fastPattern{block: b}
}

func (p *fastPattern) Read(b []byte) (int, error) {
	if p.off == 0 {
		p.n++
		binary.LittleEndian.PutUint64(p.block, p.n)
	}
	n := copy(b, p.block[p.off:])
	p.off = (p.off + n) % len(p.block)
	return n, nil
}

// ddWrite times `dd bs=1M conv=fsync` writing size bytes into dir: the disk's own write+fsync speed.
func ddWrite(b *testing.B, dir string, size int64) time.Duration {
	t0 := time.Now()
	out, err := exec.Command("dd", "if=/dev/zero", "of="+filepath.Join(dir, "dd.bin"), "bs=1M",
		fmt.Sprintf("count=%d", size>>20), "conv=fsync").CombinedOutput()
	if err != nil {
		b.Fatalf("dd: %v %s", err, out)
	}
	d := time.Since(t0)
	_ = exec.Command("rm", "-f", filepath.Join(dir, "dd.bin")).Run()
	return d
}

// apiPut uploads size bytes through put (multipart) and returns the time and the RSS growth.
func apiPut(b *testing.B, e *sharetest.Env, name string, size int64) (time.Duration, int64) {
	resetPeakRSS()
	before := currentRSS()
	t0 := time.Now()
	o, err := e.Client.Put(context.Background(), api.PutRequest{Name: name}, name, io.LimitReader(newFastPattern(), size))
	if err != nil {
		b.Fatal(err)
	}
	d := time.Since(t0)
	if o.Object.Size != size {
		b.Fatalf("stored %d bytes, want %d", o.Object.Size, size)
	}
	return d, peakRSS() - before
}

// portalPut uploads size bytes through an editor link's portal upload form.
func portalPut(b *testing.B, e *sharetest.Env, name string, size int64) (time.Duration, int64) {
	p := openEditorPortal(b, e, "Portal "+name)
	resetPeakRSS()
	before := currentRSS()
	t0 := time.Now()
	p.upload(b, name, io.LimitReader(newFastPattern(), size))
	d := time.Since(t0)
	list := sharetest.Must(e.Client.List(context.Background(), api.ListRequest{Filter: map[string]any{"name": name}}))(b)
	if list.Count != 1 || list.Objects[0].Size != size {
		b.Fatalf("portal upload did not store the file: %+v", list)
	}
	return d, peakRSS() - before
}

func mibps(size int64, d time.Duration) float64 { return float64(size) / (1 << 20) / d.Seconds() }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// BenchmarkUploadThroughput uploads a 1 GiB file through put and through the portal onto local disk,
// beside dd writing and fsyncing the same amount to the same file system, interleaved (dd, put,
// portal, three rounds) so that neither side gets the quiet moments: the goal is at least 0.5× dd.
// Then the same file goes to S3 (versitygw on the same disk) and back, by put, by a proxied download
// and by a presigned one. Memory must stay flat throughout.
func BenchmarkUploadThroughput(b *testing.B) {
	size := transferSize()
	big := func(c *share.Config) { c.MaxUploadSize = size + 1 }
	putMed, growth := localUploads(b, size, big)
	growth = max(growth, s3Transfers(b, size, big, putMed))
	fmt.Printf("  RSS growth, all of the above: %d MiB (limit %d)\n", growth>>20, rssLimit>>20)
	b.ReportMetric(float64(growth)/(1<<20), "rss-growth-MiB")
	b.ReportMetric(0, "ns/op")
	if growth >= rssLimit {
		b.Fatalf("RSS grew by %d MiB; the limit is %d MiB", growth>>20, rssLimit>>20)
	}
}

// localUploads runs the interleaved rounds of dd, put and portal upload onto local disk, prints and
// reports them, and returns put's median time and the largest RSS growth seen.
func localUploads(b *testing.B, size int64, big func(*share.Config)) (putMed time.Duration, growth int64) {
	dir := b.TempDir()
	e := sharetest.Start(b, "sqlite", sharetest.Options{NoSMTP: true, DataDir: dir, Config: big})
	var dd, put, portal []time.Duration
	var putCPU time.Duration
	for i := range 3 {
		dd = append(dd, ddWrite(b, dir, size))
		c0 := cpuTime()
		d, g := apiPut(b, e, fmt.Sprintf("put-%d.bin", i), size)
		putCPU += cpuTime() - c0
		put, growth = append(put, d), max(growth, g)
		d, g = portalPut(b, e, fmt.Sprintf("portal-%d.bin", i), size)
		portal, growth = append(portal, d), max(growth, g)
	}
	ddMed, portalMed := median(dd), median(portal)
	putMed = median(put)
	putRatio, portalRatio := ddMed.Seconds()/putMed.Seconds(), ddMed.Seconds()/portalMed.Seconds()
	mib := size >> 20
	fmt.Printf("upload %d MiB to local disk, median of 3 interleaved rounds:\n", mib)
	fmt.Printf("  dd write+fsync  %6.0f MiB/s (range %.0f–%.0f)\n", mibps(size, ddMed), mibps(size, slowest(dd)), mibps(size, fastest(dd)))
	fmt.Printf("  put (multipart) %6.0f MiB/s (range %.0f–%.0f) = %.2f× dd, goal ≥ 0.5×: %s\n", mibps(size, putMed),
		mibps(size, slowest(put)), mibps(size, fastest(put)), putRatio, verdict(putRatio >= 0.5))
	fmt.Printf("  portal upload   %6.0f MiB/s (range %.0f–%.0f) = %.2f× dd, goal ≥ 0.5×: %s\n", mibps(size, portalMed),
		mibps(size, slowest(portal)), mibps(size, fastest(portal)), portalRatio, verdict(portalRatio >= 0.5))
	cpuPerGiB := putCPU.Seconds() / 3 * float64(1<<30) / float64(size)
	fmt.Printf("  CPU per GiB put %6.2f s (server and the in-process client together; %d cores)\n", cpuPerGiB, runtime.NumCPU())
	fmt.Printf("  RSS growth      %6d MiB (limit %d)\n", growth>>20, rssLimit>>20)
	b.ReportMetric(mibps(size, ddMed), "dd-MiB/s")
	b.ReportMetric(mibps(size, putMed), "put-MiB/s")
	b.ReportMetric(mibps(size, portalMed), "portal-upload-MiB/s")
	b.ReportMetric(putRatio, "put-vs-dd")
	b.ReportMetric(cpuPerGiB, "put-cpu-s/GiB")
	b.ReportMetric(portalRatio, "portal-vs-dd")
	return putMed, growth
}

// s3Transfers puts the same size to S3 (versitygw keeps the bucket in a directory of the same kind of
// disk) and downloads it back, proxied and presigned; it prints and reports the speeds, and returns
// the largest RSS growth seen.
func s3Transfers(b *testing.B, size int64, big func(*share.Config), putMed time.Duration) (growth int64) {
	if why := sharetest.S3Missing(); why != "" {
		fmt.Printf("S3 (versitygw on local disk): SKIPPED: %s (make versitygw installs it)\n", why)
	}
	s3 := sharetest.StartS3(b)
	direct := func(c *share.Config) { big(c); c.Downloads = share.TransferDirect }
	es := sharetest.Start(b, "postgres", sharetest.Options{NoSMTP: true, S3: s3, Config: direct})
	s3Put, growth := apiPut(b, es, "s3.bin", size)
	id := sharetest.Must(es.Client.List(context.Background(), api.ListRequest{Filter: map[string]any{"name": "s3.bin"}}))(b).Objects[0].ID
	resetPeakRSS()
	before := currentRSS()
	res, dl, err := es.Client.GetFile(context.Background(), api.GetRequest{ID: id, TransferMethod: "multipart"})
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	n, err := io.Copy(io.Discard, dl)
	dl.Close()
	proxied := time.Since(t0)
	if err != nil || n != size || res.Object.Size != size {
		b.Fatalf("proxied S3 download: %d bytes, %v", n, err)
	}
	growth = max(growth, peakRSS()-before)
	g2 := sharetest.Must(es.Client.Get(context.Background(), api.GetRequest{ID: id, TransferMethod: "dest-url"}))(b)
	presigned := download(b, http.DefaultClient, g2.DestURL, nil, size)
	fmt.Printf("S3 (versitygw on local disk), %d MiB:\n", size>>20)
	fmt.Printf("  put to S3               %6.0f MiB/s = %.2f× local-disk put\n", mibps(size, s3Put), putMed.Seconds()/s3Put.Seconds())
	fmt.Printf("  download through server %6.0f MiB/s\n", mibps(size, proxied))
	fmt.Printf("  presigned download      %6.0f MiB/s (straight from the store)\n", mibps(size, presigned))
	b.ReportMetric(mibps(size, s3Put), "s3-put-MiB/s")
	b.ReportMetric(mibps(size, proxied), "s3-proxied-download-MiB/s")
	b.ReportMetric(mibps(size, presigned), "s3-presigned-download-MiB/s")
	return growth
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(ds []time.Duration) time.Duration  { return slices.Sorted(slices.Values(ds))[len(ds)/2] }
func fastest(ds []time.Duration) time.Duration { return slices.Min(ds) }
func slowest(ds []time.Duration) time.Duration { return slices.Max(ds) }
