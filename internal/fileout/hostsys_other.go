//go:build !linux

package fileout

import "os"

// openUnnamed: only Linux has unnamed files (O_TMPFILE); elsewhere output
// is written under a temporary name.
var openUnnamed = func(dir string, perm os.FileMode) *os.File { return nil }

var linkUnnamed = func(f *os.File, name string) error { return errCannotLink }
