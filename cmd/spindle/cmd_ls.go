package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
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
}

func (f *imageFlags) add(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&f.names, "names", "auto", "name view: auto (Rock Ridge, else Joliet, else plain), rr, joliet or plain")
	fl.Int64Var(&f.session, "session", 0, "`BLOCK` where the session to read starts (for grown and multi-session images)")
	fl.Int64Var(&f.displacement, "displacement", 0, "`BLOCKS` to subtract from recorded addresses (a session copied away from its address)")
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
	return o, nil
}

// openImage opens an image file for reading. The caller closes the file.
func openImage(name string, f *imageFlags) (*iso9660.Image, *os.File, error) {
	opt, err := f.options()
	if err != nil {
		return nil, nil, err
	}
	fh, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	fi, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, nil, err
	}
	size := fi.Size()
	if !fi.Mode().IsRegular() {
		// A block device reports size 0 in stat; ask it where it ends.
		if end, err := fh.Seek(0, io.SeekEnd); err == nil {
			size = end
		}
	}
	im, err := iso9660.Open(fh, size, opt)
	if err != nil {
		fh.Close()
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return im, fh, nil
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

` + exitCodesHelp,
		Example: `  spindle ls backup.iso
  spindle ls -l backup.iso /home.20010704
  spindle ls --names joliet -l cd.iso
  spindle ls --json cd.iso | jq '.[] | select(.size > 1000000) | .path'`,
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
	im, fh, err := openImage(args[0], &f.imageFlags)
	if err != nil {
		return err
	}
	defer fh.Close()
	roots := args[1:]
	if len(roots) == 0 {
		roots = []string{"/"}
	}
	var entries []lsEntry
	out := c.OutOrStdout()
	emit := func(p string, fi fs.FileInfo) {
		e := makeEntry(p, fi)
		if f.asJSON {
			entries = append(entries, e)
			return
		}
		if f.long {
			fmt.Fprintln(out, longLine(e))
		} else {
			fmt.Fprintln(out, e.Path)
		}
	}
	for _, r := range roots {
		name := strings.Trim(path.Clean("/"+r), "/")
		if name == "" {
			name = "."
		}
		fi, err := im.Lstat(name)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", args[0], r, err)
		}
		if !fi.IsDir() || f.dirOnly {
			emit(name, fi)
			continue
		}
		err = fs.WalkDir(im, name, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p == name {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			emit(p, info)
			if d.IsDir() && !f.recursive {
				return fs.SkipDir
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
	}
	if f.asJSON {
		if entries == nil {
			entries = []lsEntry{}
		}
		return writeJSON(out, entries)
	}
	return nil
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

// longLine formats an entry like ls -l, with the first block before the
// path: "drwxr-xr-x   2 0 0  2048 2001-07-04 12:00 [    24] /docs".
func longLine(e lsEntry) string {
	lba := "[         -]"
	if e.LBA != nil {
		lba = fmt.Sprintf("[%10d]", *e.LBA)
	}
	s := fmt.Sprintf("%s %3d %5d %5d %12d %s %s %s", e.Mode, e.Nlink, e.UID, e.GID, e.Size,
		e.MTime.Format("2006-01-02 15:04"), lba, e.Path)
	if e.Target != "" {
		s += " -> " + e.Target
	}
	return s
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
