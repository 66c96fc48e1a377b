package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"spindle/iso9660"
)

func newGrowCmd() *cobra.Command {
	c, f := masterCommand(true)
	c.Use = "grow [flags] IMAGE SOURCE..."
	c.Short = "Append a session to an ISO 9660 image file in place (like xorriso -dev)"
	c.Long = `Append a new session to an image file, the way xorriso grows image files
and overwritable media (DVD+RW, BD-RE, USB sticks): the new session's tree
holds the files of the newest session plus SOURCE (same names are replaced,
directories merge), and only the new files' data is written, after the end
of the image, at the next multiple of 32 blocks.

Then the volume descriptors at block 16 (in the first 64 KiB) are rewritten
to point at the new session, so a plain mount, xorriso and every ISO 9660
reader see the newest tree. Nothing else of the earlier sessions changes.
The new session is complete on disk before the first 64 KiB are touched: an
interrupted run leaves the image as it was.

Images whose first session starts at block 32 (made by xorriso, or by
"spindle master --growable") keep every session listable ("spindle info",
"xorriso -toc"). An image that starts at block 0 can be grown too; its
first session's own descriptors are then replaced.

With --md5 the new session gets libisofs's checksum tags and an MD5 of
every file, those carried over from earlier sessions too (their data is
read back for it), and a checksum tag follows the rewritten descriptors, as
xorriso -md5 on does; an isomd5sum checksum of the first session is
dropped, since it would no longer match.

SOURCE arguments and flags are those of "spindle master" (graft points,
excludes, -R/-r, -J, -V, ...).

` + exitCodesHelp
	c.Example = `  spindle master --growable -R -J -o backup.iso monday/
  spindle grow -R -J backup.iso tuesday/
  spindle info backup.iso          # lists both sessions
  spindle grow -R -graft-points backup.iso etc/=/etc`
	c.Args = cobra.MinimumNArgs(1)
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if f.output != "" || f.sample || f.printSize {
			return usageError{errors.New("grow: the image is named by the first argument; -o, --sample and --print-size do not apply")}
		}
		f.grow = args[0]
		return runMaster(cmd, f, args[1:])
	}
	return c
}

// previous is an earlier session whose tree the new one merges.
type previous struct {
	name  string
	fh    *os.File
	img   *iso9660.Image
	grow  bool   // append to fh in place
	start uint32 // where the new session begins
	end   int64  // size of the file before growing
}

func (p *previous) close() { p.fh.Close() }

// previousSession opens what -M (with -C) or grow names and sets the new
// session's start in opt.
func (f *masterFlags) previousSession(opt *iso9660.Options) (*previous, error) {
	if f.grow != "" {
		fh, err := os.OpenFile(f.grow, os.O_RDWR, 0)
		if err != nil {
			return nil, err
		}
		p := &previous{name: f.grow, fh: fh, grow: true}
		if err := p.open(0); err != nil {
			fh.Close()
			return nil, err
		}
		p.start = iso9660.NextSessionStart(p.img.Volume().VolumeSpaceSize)
		opt.SessionStart, opt.Growable = p.start, true
		// Sessions appended to a file need no run-out padding (xorriso
		// writes none); --pad asks for it.
		opt.NoPad = !f.pad
		f.inheritVolume(opt, p.img.Volume())
		return p, nil
	}
	if f.msinfo == "" {
		if f.prevImage != "" {
			return nil, usageError{errors.New("-M needs -C LAST,NEXT (the output of cdrecord -msinfo)")}
		}
		if f.growable {
			opt.Growable = true
		}
		return nil, nil
	}
	last, next, err := parseMsinfo(f.msinfo)
	if err != nil {
		return nil, usageError{err}
	}
	opt.SessionStart = next
	opt.Growable = f.growable
	if f.prevImage == "" {
		// mkisofs -C without -M: a session that does not list the earlier
		// ones (they stay on the disc, unreachable from this tree).
		return nil, nil
	}
	fh, err := os.Open(f.prevImage)
	if err != nil {
		return nil, err
	}
	p := &previous{name: f.prevImage, fh: fh}
	if err := p.open(int64(last)); err != nil {
		fh.Close()
		return nil, err
	}
	f.inheritVolume(opt, p.img.Volume())
	if int64(next)*iso9660.BlockSize < p.end && next <= last {
		fh.Close()
		return nil, usageError{fmt.Errorf("-C %s: the new session must start after the last one", f.msinfo)}
	}
	return p, nil
}

func (p *previous) open(sessionStart int64) error {
	fi, err := p.fh.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	if !fi.Mode().IsRegular() {
		if end, err := p.fh.Seek(0, io.SeekEnd); err == nil {
			size = end
		}
	}
	p.end = size
	img, err := iso9660.Open(p.fh, size, &iso9660.ReadOptions{SessionStart: sessionStart})
	if err != nil {
		return fmt.Errorf("%s: %w", p.name, err)
	}
	p.img = img
	return nil
}

// parseMsinfo reads -C's "LAST,NEXT" (what cdrecord -msinfo prints).
func parseMsinfo(s string) (last, next uint32, err error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), ",")
	if !ok {
		return 0, 0, fmt.Errorf("-C %q: want LAST,NEXT (two block numbers, as cdrecord -msinfo prints)", s)
	}
	l, err1 := strconv.ParseUint(strings.TrimSpace(a), 10, 32)
	n, err2 := strconv.ParseUint(strings.TrimSpace(b), 10, 32)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("-C %q: want LAST,NEXT (two block numbers, as cdrecord -msinfo prints)", s)
	}
	return uint32(l), uint32(n), nil
}

// appendSession writes the session at its start in the image file, makes
// it durable, and only then points the superblock at block 16 to it.
func (p *previous) appendSession(ctx context.Context, w *iso9660.Writer) error {
	off := int64(p.start) * iso9660.BlockSize
	if _, err := w.WriteTo(ctx, io.NewOffsetWriter(p.fh, off)); err != nil {
		// Leave the file as it was: the superblock still names the old
		// session; cut what was appended.
		if off >= p.end {
			_ = p.fh.Truncate(p.end)
		}
		return outputError{fmt.Errorf("grow %s: %w", p.name, err)}
	}
	if err := p.fh.Sync(); err != nil {
		return outputError{fmt.Errorf("grow %s: %w", p.name, err)}
	}
	// The system area is kept; a checksum tag after the descriptors
	// (--md5) covers it.
	sys := make([]byte, 16*iso9660.BlockSize)
	if _, err := p.fh.ReadAt(sys, 0); err != nil {
		return outputError{fmt.Errorf("grow %s: reading the system area: %w", p.name, err)}
	}
	if _, err := p.fh.WriteAt(w.SuperblockWith(sys), 16*iso9660.BlockSize); err != nil {
		return outputError{fmt.Errorf("grow %s: rewriting the superblock: %w", p.name, err)}
	}
	if err := p.fh.Sync(); err != nil {
		return outputError{fmt.Errorf("grow %s: %w", p.name, err)}
	}
	return nil
}

// inheritVolume keeps the previous session's identifiers where the command
// line gives none, as xorriso does when it adds a session.
func (f *masterFlags) inheritVolume(opt *iso9660.Options, v iso9660.VolumeDescriptorInfo) {
	o := &opt.Volume
	for _, x := range []struct {
		flag     string
		dst, src *string
	}{
		{f.volID, &o.VolumeID, &v.VolumeID}, {f.volset, &o.VolumeSetID, &v.VolumeSetID},
		{f.publisher, &o.Publisher, &v.Publisher}, {f.preparer, &o.Preparer, &v.Preparer},
		{f.sysID, &o.SystemID, &v.SystemID},
	} {
		if x.flag == "" && *x.src != "" {
			*x.dst = *x.src
		}
	}
}
