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
	type sink struct {
		write func([]byte) error
		in    chan *chunk
	}
	h256, h512, hmd5 := sha256.New(), sha512.New(), md5.New() //nolint:gosec
	hashOnly := func(h hash.Hash) func([]byte) error {
		return func(p []byte) error { _, _ = h.Write(p); return nil }
	}
	var failed atomic.Bool
	var dstErr error
	sinks := []*sink{
		{write: func(p []byte) error {
			if _, err := dst.Write(p); err != nil {
				dstErr = err
				failed.Store(true)
				return err
			}
			return nil
		}},
		{write: hashOnly(h256)}, {write: hashOnly(h512)}, {write: hashOnly(hmd5)},
	}
	var h1 hash.Hash
	if opt.SHA1 {
		h1 = sha1.New() //nolint:gosec
		sinks = append(sinks, &sink{write: hashOnly(h1)})
	}
	var crc uint32
	if opt.CRC32C {
		castagnoli := crc32.MakeTable(crc32.Castagnoli)
		sinks = append(sinks, &sink{write: func(p []byte) error { crc = crc32.Update(crc, castagnoli, p); return nil }})
	}

	free := make(chan *chunk, chunks)
	for range chunks {
		free <- &chunk{buf: alignedBuffer(chunkSize)}
	}
	var wg sync.WaitGroup
	for _, s := range sinks {
		s.in = make(chan *chunk, chunks)
		wg.Add(1)
		go func() {
			defer wg.Done()
			broken := false
			for c := range s.in {
				if !broken && s.write(c.buf[:c.n]) != nil {
					broken = true // keep draining so the reader is never left waiting for this buffer
				}
				if c.refs.Add(-1) == 0 {
					free <- c
				}
			}
		}()
	}

	var total int64
	var readErr error
	for !failed.Load() {
		c := <-free
		n, err := fill(src, c.buf)
		if n > 0 {
			total += int64(n)
			if opt.Limit > 0 && total > opt.Limit {
				readErr = ErrTooLarge
				free <- c
				break
			}
			c.n = n
			c.refs.Store(int32(len(sinks)))
			for _, s := range sinks {
				s.in <- c
			}
		} else {
			free <- c
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			readErr = err
			break
		}
	}
	for _, s := range sinks {
		close(s.in)
	}
	wg.Wait()
	if dstErr != nil {
		return Sums{}, dstErr
	}
	if readErr != nil {
		return Sums{}, readErr
	}
	sums := Sums{Size: total, SHA256: hexSum(h256), SHA512: hexSum(h512), MD5: hexSum(hmd5), CRC32C: crc}
	if h1 != nil {
		sums.SHA1 = hexSum(h1)
	}
	return sums, nil
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
