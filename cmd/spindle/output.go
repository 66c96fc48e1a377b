package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"spindle/iso9660"
)

// writeAtomic writes a file under a temporary name beside path and renames
// it into place only when fn succeeded, so a failed run leaves no partial
// output where a good one is expected.
func writeAtomic(path string, fn func(io.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return outputError{fmt.Errorf("creating %s: %w", path, err)}
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := fn(tmp); err != nil {
		var pe *iso9660.PathError
		if errors.As(err, &pe) {
			return err
		}
		return outputError{fmt.Errorf("writing %s: %w", path, err)}
	}
	if err := tmp.Chmod(0o644); err != nil {
		return outputError{err}
	}
	if err := tmp.Close(); err != nil {
		return outputError{fmt.Errorf("writing %s: %w", path, err)}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return outputError{err}
	}
	ok = true
	return nil
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progress renders bytes done, rate and time left on one terminal line.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	verb  string
	start time.Time
	last  time.Time
	shown bool
}

func newProgress(w io.Writer, verb string) *progress {
	return &progress{w: w, verb: verb, start: time.Now()}
}

func (p *progress) update(done, total int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond && done < total {
		return
	}
	p.last = now
	el := now.Sub(p.start).Seconds()
	rate := float64(done) / max(el, 1e-3)
	eta := ""
	if rate > 0 && total > done {
		eta = fmt.Sprintf("  %s left", (time.Duration(float64(total-done)/rate) * time.Second / time.Second).Round(time.Second))
	}
	pct := 100.0
	if total > 0 {
		pct = 100 * float64(done) / float64(total)
	}
	fmt.Fprintf(p.w, "\r%s: %5.1f%%  %s of %s  %s/s%s\x1b[K", p.verb, pct, human(done), human(total), human(int64(rate)), eta)
	p.shown = true
}

func (p *progress) done() {
	if p == nil || !p.shown {
		return
	}
	fmt.Fprintln(p.w)
}

func human(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
