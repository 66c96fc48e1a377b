// Package iso9660 writes ISO 9660 (ECMA-119) file system images with the
// Rock Ridge (SUSP 1.12 / RRIP 1.12 or 1.10), Joliet and El Torito
// extensions.
//
// A Tree collects the files (from the host with AddHost, from an fs.FS
// with AddFS, or one by one with AddFile); NewWriter lays the image out
// completely, so its size is known before a byte is written; WriteTo then
// streams it in one pass, in order, to any io.Writer (a file, a pipe, a
// drive). File contents are read once and never staged.
//
// Names are mapped without collisions: the primary tree gets d-character
// names of the chosen interchange level (ECMA-119 §7.5, §10), the Joliet
// tree UCS-2 names of at most 64 (or 103) characters, and Rock Ridge keeps
// the original bytes. Files of 4 GiB and more are recorded as multi-extent
// files (ECMA-119 §6.5.1); directories nested deeper than eight levels are
// relocated with CL/PL/RE entries (RRIP §4.1.5) when Rock Ridge is on; hard
// links share one extent and carry their link count.
//
// Open reads an image back as an fs.FS (with Stat, ReadDir, ReadFile,
// ReadLink and Lstat) over an io.ReaderAt: Rock Ridge, Joliet or plain
// names (ReadOptions.Names), multi-extent and zisofs files, hard links,
// relocated directories shown in place, a later session (SessionStart) or
// a session copied away from its address (Displacement). Every length read
// from the image is bounded; damage is reported as a *FormatError naming
// the structure and its byte offset.
package iso9660
