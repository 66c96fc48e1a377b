package iso9660

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"

	"spindle/internal/md5"
)

// lseek whence values of Linux (lseek(2)); package syscall lacks them.
const (
	seekData = 3
	seekHole = 4
)

// ErrChanged reports a file whose size changed while the image was made.
var ErrChanged = errors.New("file changed size while the image was being made")

// Reading many small files is dominated by open/read/close system calls,
// not by bandwidth, so the writer keeps several of them in flight: workers
// read files ahead, in the image's order, into memory (bounded in bytes and
// in count), while the writing goroutine emits them strictly in order.
// Large files are streamed by the writing goroutine itself.
const (
	prefetchMax     = 1 << 20 // files up to this size are read ahead
	prefetchBytes   = 2 << 20 // bytes read ahead at most
	prefetchFiles   = 256     // files read ahead at most
	prefetchWorkers = 8
)

type fetched struct {
	data []byte
	err  error
	sum  [16]byte // MD5 of data, when the file is checksummed
}

// files writes the data of every file, each padded to a whole block.
func (s *stream) files() error {
	w := s.w
	total := w.Size()
	// How many files are read ahead: the ring, the queues and the workers
	// are no larger than that (none at all for an image of large files).
	small := 0
	for _, n := range w.files {
		if n.Size <= prefetchMax && !w.isBootInfo(n) {
			small++
		}
	}
	slots := min(small, prefetchFiles)
	// Results come back through a ring of slots: the k-th file read ahead
	// uses slot k mod slots, and a token per file in flight keeps a slot
	// from being reused before the writer has taken its result.
	ring := make([]chan fetched, slots)
	for i := range ring {
		ring[i] = make(chan fetched, 1)
	}
	tokens := make(chan struct{}, slots)
	// budget counts bytes in flight; a token per file bounds the count.
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	budget := int64(prefetchBytes)
	stop := make(chan struct{})
	defer close(stop)
	type job struct{ file, seq int }
	jobs := make(chan job, slots)
	// The dispatcher and workers start only if there is something to read
	// ahead: every goroutine costs a stack and, as it grows, page-ins of
	// the runtime's tables for the functions on it.
	dispatch := func() {
		defer close(jobs)
		seq := 0
		for i, n := range w.files {
			if n.Size > prefetchMax || w.isBootInfo(n) {
				continue
			}
			mu.Lock()
			for budget < n.Size && budget < prefetchBytes {
				cond.Wait()
			}
			budget -= n.Size
			mu.Unlock()
			select {
			case tokens <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case jobs <- job{i, seq}:
			case <-stop:
				return
			}
			seq++
		}
	}
	if slots > 0 {
		go dispatch()
	}
	// As many workers as there are small files to read, up to
	// prefetchWorkers: an image of a few large files starts none.
	var wg sync.WaitGroup
	for range min(small, prefetchWorkers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var path []byte
			for j := range jobs {
				select {
				case <-stop:
					continue
				default:
				}
				n := w.files[j.file]
				data, err := readAll(n, &path)
				f := fetched{data: data, err: err}
				if err == nil && w.wantsSum(n) {
					// The worker that read the file hashes it, in
					// parallel with the others.
					f.sum = md5.Sum(data)
				}
				ring[j.seq%slots] <- f
			}
		}()
	}
	defer func() {
		// Unblock the dispatcher if it waits for budget, then wait for the
		// workers so no goroutine outlives the call.
		mu.Lock()
		budget = prefetchBytes
		cond.Broadcast()
		mu.Unlock()
		wg.Wait()
	}()
	release := func(n int64) {
		mu.Lock()
		budget += n
		cond.Broadcast()
		mu.Unlock()
	}
	seq := 0
	for _, n := range w.files {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		if err := s.at(n.lba, "file data"); err != nil {
			return err
		}
		var err error
		switch {
		case w.isBootInfo(n):
			err = s.bootFile(n)
		case n.Size > prefetchMax:
			err = s.stream(n)
		default:
			f := <-ring[seq%slots]
			<-tokens
			seq++
			err = f.err
			if err == nil {
				err = s.write(f.data)
				putBuf(f.data)
			}
			if err == nil && w.md5 != nil {
				err = w.setSum(n, f.sum)
			}
			release(n.Size)
		}
		if err != nil {
			return err
		}
		if pad := (BlockSize - n.Size%BlockSize) % BlockSize; pad > 0 {
			if err := s.zeros(pad); err != nil {
				return err
			}
		}
		if w.opt.Progress != nil {
			w.opt.Progress(s.pos, total)
		}
	}
	return nil
}

func (w *Writer) isBootInfo(n *Node) bool {
	for _, p := range w.boot {
		if p.node == n && p.entry.InfoTable {
			return true
		}
	}
	return false
}

// readAll reads a whole (small) file and checks it still has the size it
// had when the tree was listed. path is scratch space for host paths.
func readAll(n *Node, path *[]byte) ([]byte, error) {
	if n.host {
		return readHost(n, path)
	}
	r, err := n.content()
	if err != nil {
		return nil, &PathError{Path: n.Source(), Err: err}
	}
	defer r.Close()
	// One byte more than expected, to notice a file that grew.
	buf := getBuf(int(n.Size) + 1)
	got, err := io.ReadFull(r, buf)
	return checkRead(n, buf, got, err)
}

func checkRead(n *Node, buf []byte, got int, err error) ([]byte, error) {
	switch {
	case err == nil:
		return nil, &PathError{Path: n.Source(), Err: fmt.Errorf("%w: more than %d bytes", ErrChanged, n.Size)}
	case err == io.ErrUnexpectedEOF || err == io.EOF:
		if int64(got) != n.Size {
			return nil, &PathError{Path: n.Source(), Err: fmt.Errorf("%w: ended after %d of %d bytes", ErrChanged, got, n.Size)}
		}
		return buf[:got], nil
	default:
		return nil, &PathError{Path: n.Source(), Err: err}
	}
}

// readHost reads a small host file with plain system calls: an os.File
// costs an allocation and a failed registration with the network poller
// per file, which shows when there are tens of thousands of them. The path
// is built in *pathBuf, which the caller reuses.
func readHost(n *Node, pathBuf *[]byte) ([]byte, error) {
	*pathBuf = append(n.appendSource((*pathBuf)[:0]), 0)
	p := *pathBuf
	fd, err := openZ(atFDCWD, p, syscall.O_RDONLY|syscall.O_CLOEXEC)
	if err != nil {
		path := n.Source()
		return nil, &PathError{Path: path, Err: &os.PathError{Op: "open", Path: path, Err: err}}
	}
	defer syscall.Close(fd)
	// One byte more than expected, to notice a file that grew.
	buf := getBuf(int(n.Size) + 1)
	got := 0
	for {
		k, err := syscall.Read(fd, buf[got:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			path := n.Source()
			return nil, &PathError{Path: path, Err: &os.PathError{Op: "read", Path: path, Err: err}}
		}
		if k == 0 {
			return checkRead(n, buf, got, io.EOF)
		}
		got += k
		if got == len(buf) {
			return checkRead(n, buf, got, nil)
		}
		// A read of a regular file that returns less than was asked for
		// has reached the end of the file (read(2)), so a file that has
		// its listed size needs no second read to see EOF: one system
		// call less per file.
		if int64(got) == n.Size {
			return checkRead(n, buf, got, io.EOF)
		}
	}
}

// Read-ahead buffers are pooled by power-of-two size class, so writing
// many small files makes little garbage.
var bufPools [22]sync.Pool

func sizeClass(n int) int {
	c := 12 // 4 KiB at least
	for 1<<c < n {
		c++
	}
	return c
}

func getBuf(n int) []byte {
	c := sizeClass(n)
	if c >= len(bufPools) {
		return make([]byte, n)
	}
	if b, ok := bufPools[c].Get().(*[]byte); ok {
		return (*b)[:n]
	}
	return make([]byte, n, 1<<c)
}

func putBuf(b []byte) {
	c := sizeClass(cap(b))
	if c < len(bufPools) && cap(b) == 1<<c {
		b = b[:cap(b)]
		bufPools[c].Put(&b)
	}
}

// streamBuf is the copy buffer of the writing goroutine.
var streamBuf = sync.Pool{New: func() any { b := make([]byte, 128<<10); return &b }}

// stream copies a large file in pieces.
func (s *stream) stream(n *Node) error {
	if n.host && s.direct != nil {
		return s.streamRanges(n)
	}
	r, err := n.content()
	if err != nil {
		return &PathError{Path: n.Source(), Err: err}
	}
	defer r.Close()
	bp := streamBuf.Get().(*[]byte)
	defer streamBuf.Put(bp)
	buf := *bp
	fh := s.newFileHasher(n)
	defer fh.close()
	left := n.Size
	for left > 0 {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		k, err := io.ReadFull(r, buf[:min(int64(len(buf)), left)])
		if k > 0 {
			if werr := fh.write(s, buf[:k]); werr != nil {
				return werr
			}
			left -= int64(k)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return &PathError{Path: n.Source(), Err: fmt.Errorf("%w: ended after %d of %d bytes", ErrChanged, n.Size-left, n.Size)}
		}
		if err != nil {
			return &PathError{Path: n.Source(), Err: err}
		}
	}
	var one [1]byte
	if k, _ := r.Read(one[:]); k > 0 {
		return &PathError{Path: n.Source(), Err: fmt.Errorf("%w: more than %d bytes", ErrChanged, n.Size)}
	}
	return fh.finish(s.w, n)
}

// bootFile writes a boot image with the boot information table patched in
// (El Torito, mkisofs -boot-info-table); the source file is not changed.
func (s *stream) bootFile(n *Node) error {
	var path []byte
	img, err := readAll(n, &path)
	if err != nil {
		return err
	}
	if err := patchBootInfo(img, n.lba); err != nil {
		return &PathError{Path: n.Source(), Err: err}
	}
	if s.w.wantsSum(n) {
		// The checksum is of the data as recorded, table included.
		if err := s.w.setSum(n, md5.Sum(img)); err != nil {
			return err
		}
	}
	return s.write(img)
}

// streamRanges hands a large host file to the output range by range: the
// data ranges as file copies the kernel can make without this process
// reading them, the holes of a sparse source (lseek SEEK_DATA/SEEK_HOLE)
// as holes. A 4 GiB disk image that is mostly holes then costs neither the
// time to read gigabytes of zeros nor the disk space to store them.
func (s *stream) streamRanges(n *Node) error {
	path := n.Source()
	f, err := os.Open(path)
	if err != nil {
		return &PathError{Path: path, Err: err}
	}
	defer f.Close()
	if err := s.bw.Flush(); err != nil {
		return err
	}
	fd := int(f.Fd())
	for off := int64(0); off < n.Size; {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		data, hole := off, n.Size
		if d, err := syscall.Seek(fd, off, seekData); err == nil {
			data = min(d, n.Size)
			if h, err := syscall.Seek(fd, data, seekHole); err == nil {
				hole = min(h, n.Size)
			}
		} else if err == syscall.ENXIO {
			// No data after off: the rest of the file is a hole, or the
			// file shrank; the size check below tells which.
			data = n.Size
		}
		if data > off {
			if err := s.direct.Hole(data - off); err != nil {
				return err
			}
			s.advance(data - off)
		}
		if hole > data {
			got, err := s.direct.CopyFile(f, data, hole-data)
			s.advance(got)
			if err != nil {
				return &PathError{Path: path, Err: err}
			}
			if got < hole-data {
				return &PathError{Path: path, Err: fmt.Errorf("%w: ended after %d of %d bytes", ErrChanged, data+got, n.Size)}
			}
		}
		off = max(hole, data)
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return &PathError{Path: path, Err: err}
	}
	if st.Size != n.Size {
		return &PathError{Path: path, Err: fmt.Errorf("%w: %d bytes now, %d when listed", ErrChanged, st.Size, n.Size)}
	}
	return nil
}

// advance accounts for bytes that went to the output around the buffer.
func (s *stream) advance(k int64) {
	s.pos += k
	s.cw.n += k
}
