package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"spindle/internal/fileout"
	"spindle/iso9660"
)

// writeAtomic writes path through fileout (unnamed or temporary file given
// its name when complete, holes for zeros) and sorts its errors: a problem
// with an input stays an input error, anything else is an output error.
// If the unfinished output needs a name, interrupts are caught from then
// on, so that fn sees ctx cancelled and the name is removed.
func writeAtomic(ctx context.Context, path string, fn func(io.Writer) error) error {
	err := fileout.WriteWith(path, fileout.Options{Perm: 0o644, Named: func() { armInterrupts(ctx) }}, fn)
	var pe *iso9660.PathError
	if err == nil || errors.As(err, &pe) || errors.Is(err, context.Canceled) {
		return err
	}
	return outputError{err}
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
