package isomd5

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// BlockSize is the logical block size of the images these checksums
// describe (ECMA-119 §6.1.2 as used by every CD and DVD image).
const BlockSize = 2048

// streamBufSize is the size of one read while hashing a long range: large
// enough that system call overhead vanishes next to the MD5 work.
const streamBufSize = 1 << 20

// streamBufs is how many buffers circulate between the reading goroutine
// and the hashing one: one being hashed, the others being read ahead.
const streamBufs = 4

// ErrTruncated is wrapped by errors for ranges that extend past the end
// of the image.
var ErrTruncated = errors.New("isomd5: image ends before the checksummed range")

type chunk struct {
	b   []byte
	off int64
	err error
}

// stream reads r from off for n bytes in order and hands each piece to
// visit, reading ahead in a goroutine so that reading and hashing overlap.
// The slice passed to visit is only valid during the call; visit may
// modify it. A read that ends early (io.EOF, or a short read without an
// error) ends the stream after the bytes that were read; the number of
// bytes visited is returned. Other read errors are returned wrapped.
func stream(ctx context.Context, r io.ReaderAt, off, n int64, visit func(off int64, b []byte) error) (int64, error) {
	if n <= 0 {
		return 0, nil
	}
	if n <= streamBufSize {
		// One read: no goroutine needed.
		b := make([]byte, n)
		m, err := r.ReadAt(b, off)
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("isomd5: reading byte %d: %w", off, err)
		}
		if m == 0 {
			return 0, nil
		}
		return int64(m), visit(off, b[:m])
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	free := make(chan []byte, streamBufs)
	for range streamBufs {
		free <- make([]byte, streamBufSize)
	}
	full := make(chan chunk, streamBufs+1) // every buffer, and an error
	go func() {
		defer close(full)
		pos, end := off, off+n
		for pos < end {
			var b []byte
			select {
			case b = <-free:
			case <-ctx.Done():
				return
			}
			if ctx.Err() != nil {
				return
			}
			b = b[:min(int64(len(b)), end-pos)]
			m, err := r.ReadAt(b, pos)
			if errors.Is(err, io.EOF) {
				err = nil // the stream ends after the bytes read
			}
			if err != nil {
				full <- chunk{err: fmt.Errorf("isomd5: reading byte %d: %w", pos, err)}
				return
			}
			if m > 0 {
				full <- chunk{b: b[:m], off: pos}
			}
			if m < len(b) {
				return
			}
			pos += int64(m)
		}
	}()
	var done int64
	for c := range full {
		if c.err != nil {
			return done, c.err
		}
		if err := ctx.Err(); err != nil {
			return done, err
		}
		if err := visit(c.off, c.b); err != nil {
			return done, err
		}
		done += int64(len(c.b))
		free <- c.b[:cap(c.b)]
	}
	return done, ctx.Err()
}
