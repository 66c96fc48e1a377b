// Package stackinit grows the main goroutine's stack before any other
// package is initialized.
//
// A goroutine starts with 2 KiB of stack. Each time it outgrows it, the
// runtime copies the stack and, for every function on it, reads that
// function's entries in the PC tables and stack maps, which lie all over
// the binary; Linux then maps the 64 KiB of the executable around each
// page read. Growing the stack once here, while only the runtime's
// initialisation frames are on it, spares the later copies (one in a
// standard library package's init, several as a command descends through
// cobra and the library): about 0.2 MB of peak RSS for a master run of a
// few large files, at the price of 32 KiB of stack.
//
// It is a module of its own, with a path that sorts before every standard
// library package, because Go initializes packages in dependency order
// and, among those ready, in order of import path: a package inside the
// spindle module would come after them.
package stackinit

// at is read at run time, so the compiler must keep grow's frame whole.
var at int

//go:noinline
func grow() byte {
	var frame [16 << 10]byte
	frame[at&1023] = 1
	return frame[(at*7)&1023]
}

func init() { _ = grow() }
