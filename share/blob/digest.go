package blob

import (
	"crypto/md5" //nolint:gosec // MD5 is a wire field clients may check, not a security control
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // SHA-1 is a wire field clients may check, not a security control
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"sync"
	"sync/atomic"
)

// chunkSize and chunks bound the memory of one write: chunks*chunkSize bytes, whatever its size.
const (
	chunkSize = 1 << 20
	chunks    = 8
)

type chunk struct {
	buf  []byte
	n    int
	refs atomic.Int32
}

// copyHashed copies src to dst and computes the digests, each consumer (dst and every hash) on its
// own goroutine: the bytes are read once into a ring of buffers, and the digests run beside the
// write and each other instead of one after another on the reading goroutine, so a write runs at the
// speed of its slowest consumer rather than at the sum of them all. At most limit bytes are taken
// (limit <= 0: no limit); more is ErrTooLarge. When dst fails, reading stops and its error returns.
func copyHashed(dst io.Writer, src io.Reader, opt WriteOptions) (Sums, error) {
	out := &destination{w: dst}
	d := newDigests(opt)
	r := startRing(append([]*sink{{write: out.write}}, d.sinks()...))
	total, readErr := r.pump(src, opt.Limit, &out.failed)
	r.stop()
	if out.err != nil {
		return Sums{}, out.err
	}
	if readErr != nil {
		return Sums{}, readErr
	}
	return d.sums(total), nil
}

// sink is one consumer of the bytes read: it takes each chunk in turn on its own goroutine.
type sink struct {
	write func([]byte) error
	in    chan *chunk
}

// destination is the sink that writes the bytes out. Its first error stops the reading; err is read
// only once its goroutine has finished.
type destination struct {
	w      io.Writer
	err    error
	failed atomic.Bool
}

func (d *destination) write(p []byte) error {
	if _, err := d.w.Write(p); err != nil {
		d.err = err
		d.failed.Store(true)
		return err
	}
	return nil
}

// digests are the hashes one write computes: SHA-256, SHA-512 and MD5 always, SHA-1 and CRC32C when
// asked for. Their sums are read only once their goroutines have finished.
type digests struct {
	sha256, sha512, md5, sha1 hash.Hash
	crc32c                    bool
	crc                       uint32
}

func newDigests(opt WriteOptions) *digests {
	d := &digests{sha256: sha256.New(), sha512: sha512.New(), md5: md5.New(), crc32c: opt.CRC32C} //nolint:gosec
	if opt.SHA1 {
		d.sha1 = sha1.New() //nolint:gosec
	}
	return d
}

// sinks is one sink per digest.
func (d *digests) sinks() []*sink {
	hashOnly := func(h hash.Hash) func([]byte) error {
		return func(p []byte) error { _, _ = h.Write(p); return nil }
	}
	sinks := []*sink{{write: hashOnly(d.sha256)}, {write: hashOnly(d.sha512)}, {write: hashOnly(d.md5)}}
	if d.sha1 != nil {
		sinks = append(sinks, &sink{write: hashOnly(d.sha1)})
	}
	if d.crc32c {
		castagnoli := crc32.MakeTable(crc32.Castagnoli)
		sinks = append(sinks, &sink{write: func(p []byte) error {
			d.crc = crc32.Update(d.crc, castagnoli, p)
			return nil
		}})
	}
	return sinks
}

func (d *digests) sums(size int64) Sums {
	sums := Sums{Size: size, SHA256: hexSum(d.sha256), SHA512: hexSum(d.sha512), MD5: hexSum(d.md5), CRC32C: d.crc}
	if d.sha1 != nil {
		sums.SHA1 = hexSum(d.sha1)
	}
	return sums
}

// ring is the buffers a write reads into, each handed to every sink and free again once all of them
// have taken it.
type ring struct {
	free  chan *chunk
	sinks []*sink
	wg    sync.WaitGroup
}

// startRing fills the ring with empty buffers and starts a goroutine for each sink.
func startRing(sinks []*sink) *ring {
	r := &ring{free: make(chan *chunk, chunks), sinks: sinks}
	for range chunks {
		r.free <- &chunk{buf: alignedBuffer(chunkSize)}
	}
	for _, s := range sinks {
		s.in = make(chan *chunk, chunks)
		r.wg.Add(1)
		go r.consume(s)
	}
	return r
}

func (r *ring) consume(s *sink) {
	defer r.wg.Done()
	broken := false
	for c := range s.in {
		if !broken && s.write(c.buf[:c.n]) != nil {
			broken = true // keep draining so the reader is never left waiting for this buffer
		}
		if c.refs.Add(-1) == 0 {
			r.free <- c
		}
	}
}

// pump reads src into free buffers and hands each to every sink, until src ends, more than limit
// bytes came (limit > 0), reading fails or stop is set. It returns how many bytes were taken.
func (r *ring) pump(src io.Reader, limit int64, stop *atomic.Bool) (int64, error) {
	var total int64
	for !stop.Load() {
		c := <-r.free
		n, err := fill(src, c.buf)
		if n > 0 {
			total += int64(n)
			if limit > 0 && total > limit {
				r.free <- c
				return total, ErrTooLarge
			}
			c.n = n
			c.refs.Store(int32(len(r.sinks)))
			for _, s := range r.sinks {
				s.in <- c
			}
		} else {
			r.free <- c
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// stop lets every sink finish what it was handed and waits for them.
func (r *ring) stop() {
	for _, s := range r.sinks {
		close(s.in)
	}
	r.wg.Wait()
}

// fill reads until buf is full or src ends; unlike io.ReadFull it passes on a source's own
// io.ErrUnexpectedEOF (a body cut short), and returns io.EOF only at a clean end.
func fill(src io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := src.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

func randomSuffix() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
