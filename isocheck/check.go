package isocheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// BlockSize is the logical block size checked: ECMA-119 §6.1.2 allows
// other powers of two, but every CD, DVD and BD volume uses 2048 bytes, and
// a volume recording anything else is reported.
const BlockSize = 2048

// Severity says how bad a Problem is.
type Severity int

const (
	// Error: the image violates ECMA-119 or its extensions in a way that
	// loses or corrupts data for some reader (truncation, overlapping
	// files, broken directories).
	Error Severity = iota
	// Warning: a departure from the standards that common readers accept
	// (relaxed file names, a missing ER entry).
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// MarshalText encodes the severity as its name, for JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Problem is one thing found wrong with the image.
type Problem struct {
	Severity Severity `json:"severity"`
	// Offset is the byte offset in the image of the structure or field
	// concerned (for a truncated image, the size of the file).
	Offset int64 `json:"offset"`
	// Structure names what is wrong: "primary volume descriptor",
	// "directory", "directory record", "path table (L)", "SUSP area",
	// "continuation area", "boot catalog", "file", "image", ... For a
	// Joliet hierarchy the name is prefixed with "Joliet ".
	Structure string `json:"structure"`
	// Path is the file or directory concerned, in the hierarchy the
	// structure belongs to ("/A/B.TXT;1"), if any.
	Path string `json:"path,omitempty"`
	// Msg says what is wrong, citing the clause violated.
	Msg string `json:"message"`
}

// String formats the problem as one line:
//
//	error: directory /A (block 23, byte 47104): record crosses a block boundary
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Severity.String())
	b.WriteString(": ")
	b.WriteString(p.Structure)
	if p.Path != "" {
		b.WriteByte(' ')
		b.WriteString(p.Path)
	}
	fmt.Fprintf(&b, " (block %d, byte %d): %s", p.Offset/BlockSize, p.Offset, p.Msg)
	return b.String()
}

// Options configures Check. The zero value (or nil) checks the first
// session of an image that starts at byte 0.
type Options struct {
	// SessionStart is the block where the session to check begins: its
	// volume descriptors are at SessionStart+16 (ECMA-119 §6.2.1). The
	// addresses a session records count from the start of the medium, so
	// the image must hold the whole medium from block 0.
	SessionStart uint32
	// MaxProblems is the number of problems kept in the report; further
	// ones are only counted (Report.Omitted). 0 means 1000.
	MaxProblems int
	// Progress, if set, is called as directories and path tables are read
	// with the bytes read so far and the bytes known to be left to read
	// plus those (the total grows as directories are found).
	Progress func(done, total int64)
}

// Report is the result of Check.
type Report struct {
	// Errors and Warnings count all problems, those omitted included.
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	// Omitted is the number of problems beyond Options.MaxProblems.
	Omitted int `json:"problems_omitted"`

	// ImageBytes is the size of the image checked.
	ImageBytes int64 `json:"image_bytes"`
	// Blocks is the volume space size of the primary volume descriptor
	// (ECMA-119 §8.4.8), in logical blocks; VolumeBytes is that in bytes.
	Blocks      uint32 `json:"blocks"`
	VolumeBytes int64  `json:"volume_bytes"`
	// Truncated is set when the image is shorter than its volume;
	// MissingBytes is then how much is missing.
	Truncated    bool  `json:"truncated"`
	MissingBytes int64 `json:"missing_bytes"`
	// PaddingBytes is what follows the volume in the image (often the
	// zeros a writer or reader appends; not a problem).
	PaddingBytes int64 `json:"padding_bytes"`

	// Directories and Files count the primary hierarchy (each
	// multi-extent file once).
	Directories int `json:"directories"`
	Files       int `json:"files"`
	// The extensions found.
	Joliet    bool `json:"joliet"`
	RockRidge bool `json:"rock_ridge"`
	ElTorito  bool `json:"el_torito"`

	// Problems in the order they were found: volume descriptors, then
	// each hierarchy (primary, then supplementary) directory by directory
	// in path table order, its path tables, then overlapping extents.
	Problems []Problem `json:"problems"`
}

// OK reports whether no errors were found (warnings may have been).
func (r *Report) OK() bool { return r.Errors == 0 }

// ErrNotISO is returned by Check when the image holds no ECMA-119 volume
// descriptor where the volume descriptor set must start.
var ErrNotISO = errors.New("isocheck: not an ISO 9660 image")

// Bounds on the work Check does, so that a hostile image is checked in
// bounded time and memory. They are far above what real volumes need; when
// one is reached, an Error says so and the part concerned is not checked.
const (
	defaultMaxProblems = 1000
	maxDescriptors     = 256      // volume descriptors before a terminator
	maxHierarchies     = 4        // supplementary hierarchies checked
	maxDirBytes        = 64 << 20 // one directory's extent
	maxDirs            = 1 << 20  // directories per hierarchy
	maxDepth           = 1024     // nesting
	maxRecords         = 8 << 20  // directory records over all hierarchies
	maxPathTable       = 16 << 20
	maxSUSPBytes       = 64 << 10 // System Use bytes of one record, CE areas included
	maxCE              = 32       // continuation areas chained to one record
	maxExtents         = 16 << 20 // extents kept for the overlap check
	// ecmaMaxDepth is the deepest level ECMA-119 §6.8.2.1 allows in a
	// hierarchy, the root being level 1.
	ecmaMaxDepth = 8
)

// checker holds the state of one Check.
type checker struct {
	ctx  context.Context
	r    io.ReaderAt
	size int64
	opt  Options
	rep  *Report
	err  error // I/O error or cancellation: stops the check

	vol     uint32 // volume space size, blocks
	records int    // directory records parsed
	stopped bool   // a work bound was reached

	extents   []extent
	ceSeen    map[[2]int64]bool
	done, all int64 // progress
}

// Check verifies the structure of the ISO 9660 volume in r (size bytes):
// the volume descriptor set, every directory hierarchy, the path tables,
// the System Use Sharing Protocol and Rock Ridge entries, the El Torito
// boot catalog, and that the image is whole and no two files share
// blocks. What it finds goes into the Report; the error is non-nil only
// when r cannot be read, the context is cancelled, or the image is not an
// ISO 9660 volume at all (ErrNotISO).
func Check(ctx context.Context, r io.ReaderAt, size int64, opt *Options) (*Report, error) {
	c := &checker{ctx: ctx, r: r, size: size, rep: &Report{ImageBytes: size, Problems: []Problem{}}, ceSeen: map[[2]int64]bool{}}
	if opt != nil {
		c.opt = *opt
	}
	if c.opt.MaxProblems <= 0 {
		c.opt.MaxProblems = defaultMaxProblems
	}
	if size < 0 {
		return nil, fmt.Errorf("%w: negative size %d", ErrNotISO, size)
	}
	vs, err := c.checkDescriptors()
	if err != nil {
		return nil, err
	}
	c.checkHierarchies(vs)
	if c.err == nil {
		c.checkOverlaps()
	}
	if c.err != nil {
		return nil, c.err
	}
	return c.rep, nil
}

// add records a problem.
func (c *checker) add(sev Severity, off int64, structure, path, format string, args ...any) {
	switch sev {
	case Error:
		c.rep.Errors++
	default:
		c.rep.Warnings++
	}
	if len(c.rep.Problems) >= c.opt.MaxProblems {
		c.rep.Omitted++
		return
	}
	c.rep.Problems = append(c.rep.Problems, Problem{Severity: sev, Offset: off, Structure: structure, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// read returns the n bytes at off, or fewer when the image ends first
// (none when off is past its end). Only I/O errors are returned; callers
// bound n.
func (c *checker) read(off int64, n int) ([]byte, error) {
	if c.err != nil {
		return nil, c.err
	}
	if off < 0 || off >= c.size || n <= 0 {
		return nil, nil
	}
	if int64(n) > c.size-off {
		n = int(c.size - off)
	}
	b := make([]byte, n)
	m, err := c.r.ReadAt(b, off)
	if m == n {
		return b, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	c.err = fmt.Errorf("isocheck: reading %d bytes at byte %d: %w", n, off, err)
	return nil, c.err
}

// alive reports whether the check goes on: no I/O error, no cancellation.
func (c *checker) alive() bool {
	if c.err == nil && c.ctx != nil {
		if err := c.ctx.Err(); err != nil {
			c.err = err
		}
	}
	return c.err == nil
}

// progress reports n more bytes read (and known), and more bytes known.
func (c *checker) progress(read, known int64) {
	c.done += read
	c.all += known
	if c.opt.Progress != nil {
		c.opt.Progress(c.done, max(c.all, c.done))
	}
}

// stop records that a work bound was reached.
func (c *checker) stop(off int64, structure, path, format string, args ...any) {
	if !c.stopped {
		c.add(Error, off, structure, path, format+"; the check stopped there", args...)
	}
	c.stopped = true
}

// checkExtent checks that an extent of xa extended attribute blocks and
// length bytes at block start lies inside the volume and inside the image
// file; it reports and returns false when it does not.
func (c *checker) checkExtent(off int64, structure, path, what string, start uint32, xa uint8, length uint32) bool {
	blocks := uint64(xa) + (uint64(length)+BlockSize-1)/BlockSize
	end := uint64(start) + blocks
	if end > uint64(c.vol) {
		c.add(Error, off, structure, path, "%s at block %d (%d blocks) ends beyond the volume space of %d blocks (ECMA-119 §6.6)", what, start, blocks, c.vol)
		return false
	}
	if last := int64(start)*BlockSize + int64(xa)*BlockSize + int64(length); last > c.size {
		c.add(Error, off, structure, path, "%s at block %d (%d bytes) lies beyond the end of the image at byte %d: %d bytes missing (truncated image)", what, start, int64(xa)*BlockSize+int64(length), c.size, last-max(c.size, int64(start)*BlockSize))
		return false
	}
	return true
}
