package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"spindle/iso9660"
)

// imageFlags are the options every command that reads an image shares.
type imageFlags struct {
	names        string
	session      int64
	displacement int64
	// track picks the data track of a disc image (CUE sheet or TOC file).
	track int
	// detected is the displacement found when the image did not open as
	// it is (see openImage).
	detected int64
}

func (f *imageFlags) add(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&f.names, "names", "auto", "name view: auto (Rock Ridge, else Joliet, else plain), rr, joliet or plain")
	fl.Int64Var(&f.session, "session", 0, "`BLOCK` where the session to read starts (for grown and multi-session images)")
	fl.Int64Var(&f.displacement, "displacement", 0, "`BLOCKS` to subtract from recorded addresses (a session copied away from its address; found by itself when the image does not open otherwise)")
	fl.IntVar(&f.track, "track", 0, "for a CUE sheet or TOC file: the data track `N` to read (default: the first data track of the last session, the one a drive mounts)")
}

func (f *imageFlags) options() (*iso9660.ReadOptions, error) {
	o := &iso9660.ReadOptions{SessionStart: f.session, Displacement: f.displacement}
	switch strings.ToLower(f.names) {
	case "auto", "":
		o.Names = iso9660.NamesAuto
	case "rr", "rock", "rockridge":
		o.Names = iso9660.NamesRockRidge
	case "joliet", "j":
		o.Names = iso9660.NamesJoliet
	case "plain", "iso", "iso9660":
		o.Names = iso9660.NamesPlain
	default:
		return nil, usageError{fmt.Errorf("--names %q: want auto, rr, joliet or plain", f.names)}
	}
	if f.session < 0 || f.displacement < 0 {
		return nil, usageError{errors.New("--session and --displacement take block numbers of 0 or more")}
	}
	if f.track < 0 || f.track > 99 {
		return nil, usageError{errors.New("--track takes a track number from 1 to 99")}
	}
	return o, nil
}

// imageSource is what a volume is read from: an image file or device, or
// the data track of a disc image read through its layout.
type imageSource struct {
	r    io.ReaderAt
	size int64
	file *os.File     // an image file or device, or nil
	li   *layoutImage // the data track of a CUE or TOC disc image, or nil
}

// Close closes the file, or the disc image's files.
func (s *imageSource) Close() error {
	if s.li != nil {
		return s.li.Close()
	}
	return s.file.Close()
}

// openImage opens an image file, a device, or the CUE sheet or TOC file of
// a disc image for reading its volume. The caller closes the source.
func openImage(name string, f *imageFlags) (*iso9660.Image, *imageSource, error) {
	opt, err := f.options()
	if err != nil {
		return nil, nil, err
	}
	if kind := sheetKind(name); kind != "" {
		if f.session != 0 {
			return nil, nil, usageError{fmt.Errorf("%s: --session takes a block of an image file; pick a track of a disc image with --track", name)}
		}
		li, err := openLayoutImage(name, kind, f.track)
		if err != nil {
			return nil, nil, err
		}
		im, err := li.openVolume(*opt, f.displacement)
		if err != nil {
			li.Close()
			return nil, nil, err
		}
		return im, &imageSource{r: li.data, size: li.size, li: li}, nil
	}
	if f.track != 0 {
		return nil, nil, usageError{fmt.Errorf("%s: --track picks a track of a CUE sheet or TOC file", name)}
	}
	fh, size, err := openSized(name)
	if err != nil {
		return nil, nil, err
	}
	src := &imageSource{r: fh, size: size, file: fh}
	im, err := iso9660.Open(fh, size, opt)
	if err != nil && opt.SessionStart == 0 && opt.Displacement == 0 && errors.Is(err, iso9660.ErrFormat) {
		// The track of a later session copied out of a disc image (the
		// data session of a CD-Extra disc) records addresses from the
		// start of the disc: find by how much, and read it in place.
		if d, derr := iso9660.DetectDisplacement(fh, size); derr == nil && d > 0 {
			opt.Displacement = int64(d)
			if im2, err2 := iso9660.Open(fh, size, opt); err2 == nil {
				f.detected = int64(d)
				return im2, src, nil
			}
		}
	}
	if err != nil {
		fh.Close()
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return im, src, nil
}

// openSized opens an image file or a device and finds its size.
func openSized(name string) (*os.File, int64, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	fi, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, 0, err
	}
	size := fi.Size()
	if !fi.Mode().IsRegular() {
		// A block device reports size 0 in stat; ask it where it ends.
		if end, err := fh.Seek(0, io.SeekEnd); err == nil {
			size = end
		}
	}
	return fh, size, nil
}

type lsFlags struct {
	imageFlags
	long, dirOnly, asJSON bool
	recursive             bool
}

type lsEntry struct {
	Path    string           `json:"path"`
	Type    string           `json:"type"`
	Mode    string           `json:"mode"`
	Perm    uint32           `json:"perm"`
	Size    int64            `json:"size"`
	UID     uint32           `json:"uid"`
	GID     uint32           `json:"gid"`
	Nlink   uint32           `json:"nlink"`
	MTime   time.Time        `json:"mtime"`
	Target  string           `json:"target,omitempty"`
	LBA     *uint32          `json:"lba,omitempty"`
	Extents []iso9660.Extent `json:"extents,omitempty"`
	ISOName string           `json:"iso_name,omitempty"`
	Hidden  bool             `json:"hidden,omitempty"`
}

func newLsCmd() *cobra.Command {
	f := &lsFlags{}
	c := &cobra.Command{
		Use:   "ls IMAGE [PATH...]",
		Short: "List the files of an ISO 9660 image (like isoinfo -f / -l)",
		Long: `List the files of an ISO 9660 image, one per line with its full path last,
recursively by default (like isoinfo -f and find). -l adds mode, links,
owner, group, size, date and the first block of each file, as isoinfo -l
does; --json prints every field.

The name view is Rock Ridge when the image has it, else Joliet, else the
plain ISO 9660 names; --names picks one.

` + sheetHelp + `

` + exitCodesHelp,
		Example: `  spindle ls backup.iso
  spindle ls -l backup.iso /home.20010704
  spindle ls --names joliet -l cd.iso
  spindle ls --json cd.iso | jq '.[] | select(.size > 1000000) | .path'
  spindle ls -l cdextra.cue`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runLs(c, f, args) },
	}
	f.imageFlags.add(c)
	fl := c.Flags()
	fl.BoolVarP(&f.long, "long", "l", false, "long format: mode, links, owner, group, size, date, block, path")
	fl.BoolVarP(&f.recursive, "recursive", "R", true, "descend into directories (--recursive=false lists one level)")
	fl.BoolVarP(&f.dirOnly, "directory", "d", false, "list directories themselves, not their contents")
	fl.BoolVar(&f.asJSON, "json", false, "print a JSON array of entries")
	return c
}

func runLs(c *cobra.Command, f *lsFlags, args []string) error {
	im, src, err := openImage(args[0], &f.imageFlags)
	if err != nil {
		return err
	}
	defer src.Close()
	roots := args[1:]
	if len(roots) == 0 {
		roots = []string{"/"}
	}
	var entries []lsEntry
	// Listings run to tens of thousands of lines: one buffered write per
	// 64 KiB, lines formatted by appending rather than with fmt.
	out := bufio.NewWriterSize(c.OutOrStdout(), 64<<10)
	var line []byte
	emit := func(p string, fi fs.FileInfo) {
		e := makeEntry(p, fi)
		if f.asJSON {
			entries = append(entries, e)
			return
		}
		if f.long {
			line = appendLongLine(line[:0], &e)
		} else {
			line = append(line[:0], e.Path...)
		}
		line = append(line, '\n')
		out.Write(line)
	}
	// A damaged directory is listed as far as it can be read; the error
	// is reported, the listing goes on, and the command fails at the end.
	var damaged []error
	stderr := c.ErrOrStderr()
	report := func(err error) {
		damaged = append(damaged, err)
		out.Flush()
		fmt.Fprintf(stderr, "spindle: ls: error: %s: %v\n", args[0], err)
	}
	for _, r := range roots {
		name := strings.Trim(path.Clean("/"+r), "/")
		if name == "" {
			name = "."
		}
		fi, err := im.Lstat(name)
		if err != nil {
			out.Flush()
			return fmt.Errorf("%s: %s: %w", args[0], r, err)
		}
		if !fi.IsDir() || f.dirOnly {
			emit(name, fi)
			continue
		}
		lsWalk(im, name, f.recursive, emit, report)
	}
	if f.asJSON {
		if entries == nil {
			entries = []lsEntry{}
		}
		if err := writeJSON(out, entries); err != nil {
			return err
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	switch len(damaged) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s: listing incomplete: %w", args[0], damaged[0])
	}
	return fmt.Errorf("%s: listing incomplete: %d directories or entries could not be read (the first: %w)", args[0], len(damaged), damaged[0])
}

// lsWalk lists the directory dir, and below it when recursive, in name
// order. Names read from a directory are single components, so paths are
// joined without cleaning. What cannot be read goes to report; the
// entries of a damaged directory that could be read are listed.
func lsWalk(im *iso9660.Image, dir string, recursive bool, emit func(string, fs.FileInfo), report func(error)) {
	ents, err := im.ReadDir(dir)
	if err != nil {
		report(err)
	}
	for _, d := range ents {
		p := d.Name()
		if dir != "." {
			p = dir + "/" + p
		}
		info, err := d.Info()
		if err != nil {
			report(err)
			continue
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			// A link whose target cannot be read is listed, and the
			// damage reported.
			if x, ok := info.Sys().(*iso9660.FileInfo); ok && x.Target == "" {
				if _, err := im.ReadLink(p); err != nil {
					report(err)
				}
			}
		}
		emit(p, info)
		if d.IsDir() && recursive {
			lsWalk(im, p, recursive, emit, report)
		}
	}
}

func makeEntry(p string, fi fs.FileInfo) lsEntry {
	e := lsEntry{Path: "/" + p, Mode: unixMode(fi.Mode()), Perm: uint32(fi.Mode().Perm()),
		Size: fi.Size(), MTime: fi.ModTime().UTC(), Type: typeName(fi.Mode())}
	if p == "." {
		e.Path = "/"
	}
	if x, ok := fi.Sys().(*iso9660.FileInfo); ok {
		e.UID, e.GID, e.Nlink, e.Target, e.ISOName, e.Hidden = x.UID, x.GID, x.Nlink, x.Target, x.ISOName, x.Hidden
		if len(x.Extents) > 0 {
			lba := x.Extents[0].LBA
			e.LBA = &lba
			if len(x.Extents) > 1 {
				e.Extents = x.Extents
			}
		}
	}
	return e
}

func typeName(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "dir"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m&fs.ModeNamedPipe != 0:
		return "fifo"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "chardev"
	case m&fs.ModeDevice != 0:
		return "blockdev"
	}
	return "file"
}

// appendLongLine formats an entry like ls -l, with the first block before
// the path: "drwxr-xr-x   2     0     0         2048 2001-07-04 12:00 [        24] /docs".
func appendLongLine(b []byte, e *lsEntry) []byte {
	b = append(b, e.Mode...)
	b = appendPadded(b, int64(e.Nlink), 4)
	b = appendPadded(b, int64(e.UID), 6)
	b = appendPadded(b, int64(e.GID), 6)
	b = appendPadded(b, e.Size, 13)
	b = append(b, ' ')
	b = e.MTime.AppendFormat(b, "2006-01-02 15:04")
	if e.LBA != nil {
		b = append(b, " ["...)
		b = appendPadded(b, int64(*e.LBA), 10)
		b = append(b, ']')
	} else {
		b = append(b, " [         -]"...)
	}
	b = append(b, ' ')
	b = append(b, e.Path...)
	if e.Target != "" {
		b = append(b, " -> "...)
		b = append(b, e.Target...)
	}
	return b
}

// appendPadded appends n right-aligned in width columns (%*d).
func appendPadded(b []byte, n int64, width int) []byte {
	var tmp [20]byte
	d := strconv.AppendInt(tmp[:0], n, 10)
	for i := len(d); i < width; i++ {
		b = append(b, ' ')
	}
	return append(b, d...)
}

// unixMode renders a mode the way ls does (fs.FileMode.String differs: it
// prints "dtrwxrwxrwx" for a sticky directory).
func unixMode(m fs.FileMode) string {
	b := []byte("----------")
	switch {
	case m.IsDir():
		b[0] = 'd'
	case m&fs.ModeSymlink != 0:
		b[0] = 'l'
	case m&fs.ModeNamedPipe != 0:
		b[0] = 'p'
	case m&fs.ModeSocket != 0:
		b[0] = 's'
	case m&fs.ModeCharDevice != 0:
		b[0] = 'c'
	case m&fs.ModeDevice != 0:
		b[0] = 'b'
	}
	const rwx = "rwxrwxrwx"
	for i := range 9 {
		if m&(1<<(8-i)) != 0 {
			b[1+i] = rwx[i]
		}
	}
	special := func(set bool, i int, lower, upper byte) {
		if set {
			if b[i] != '-' {
				b[i] = lower
			} else {
				b[i] = upper
			}
		}
	}
	special(m&fs.ModeSetuid != 0, 3, 's', 'S')
	special(m&fs.ModeSetgid != 0, 6, 's', 'S')
	special(m&fs.ModeSticky != 0, 9, 't', 'T')
	return string(b)
}
