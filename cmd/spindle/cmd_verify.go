package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"spindle/iso9660"
	"spindle/isocheck"
	"spindle/isomd5"
)

type verifyFlags struct {
	session int64
	track   int
	asJSON  bool
	quiet   bool
	max     int
	noMD5   bool
}

// verifyJSON is the --json document.
type verifyJSON struct {
	Image string `json:"image"`
	OK    bool   `json:"ok"`
	// Layout and Track are set for a disc image: its tracks, and the
	// data track checked.
	Layout *layoutJSON    `json:"layout,omitempty"`
	Track  *readTrackJSON `json:"track,omitempty"`
	*isocheck.Report
	Checksums *checksumReport `json:"checksums,omitempty"`
}

// checksumReport is what the embedded checksums say.
type checksumReport struct {
	// Isomd5sum is the implantisomd5 checksum; nil when there is none.
	Isomd5sum *implantJSON `json:"isomd5sum,omitempty"`
	// Libisofs are xorriso's session tags and file MD5s; nil without.
	Libisofs *libisofsJSON `json:"libisofs,omitempty"`
}

type implantJSON struct {
	Pass     bool   `json:"pass"`
	Expected string `json:"expected"`
	Computed string `json:"computed,omitempty"`
	Covered  int64  `json:"covered_bytes"`
	Problem  string `json:"problem,omitempty"`
}

type libisofsJSON struct {
	OK       bool     `json:"ok"`
	Sessions int      `json:"sessions"`
	Tags     int      `json:"tags"`
	BadTags  []string `json:"bad_tags,omitempty"`
	Files    int      `json:"files"`
	// Unchecked are the starts of sessions written without checksums.
	Unchecked []uint32 `json:"unchecked_sessions,omitempty"`
	BadFiles  []string `json:"bad_files,omitempty"`
	Problems  []string `json:"problems,omitempty"`
}

func newVerifyCmd() *cobra.Command {
	f := &verifyFlags{}
	c := &cobra.Command{
		Use:   "verify IMAGE|DEVICE",
		Short: "Check the structure of an ISO 9660 image: truncation, directories, path tables, overlaps (like isovfy)",
		Long: `Check the structure of an ISO 9660 image file (or device), as isovfy does,
and more: it reads the volume's raw structures and reports every problem,
with the structure, the path and the byte offset concerned.

Checked: the volume descriptor set (primary and Joliet descriptors, both-
byte-order fields, block size, the El Torito boot catalog and its load
extents); that the image holds the whole volume (a truncated image is an
error naming the missing bytes; padding after the volume is fine); every
directory hierarchy (record lengths, records crossing block boundaries, the
'.' and '..' records, identifiers, sort order, file flags, multi-extent
files, directory loops and depth, extents inside the volume and the file);
files and structures whose extents overlap; the type L and M path tables
against each other and the hierarchy; SUSP and Rock Ridge entries
(SP, CE continuation areas and their loops, ER, NM, SL).

Embedded checksums, when the image has them (--no-md5 skips this, which
reads the whole image): the MD5 that implantisomd5 records in the primary
volume descriptor, checked as checkisomd5 does, and the checksums of xorriso
-md5 on / spindle master --md5: the superblock, tree and session tags of
every session, the checksum array and the MD5 of every file. A mismatch is
an error, like a structural one.

IMAGE may also be the CUE sheet or cdrdao TOC file of a raw disc image
(BIN; by its .cue or .toc name, or by its content): the file system of a
data track is checked in place, through the layout, as if the disc were
read from its block 0 — by default the track a drive mounts (the first
data track of the last session: the data session of a CD-Extra disc),
--track N another. Mode 1 and Mode 2 (CD-ROM XA form 1) tracks are read.
The track's disc block comes from the layout, or, where the volume does
not open there (a TOC file leaves out the space between sessions), from
the root directory's place. Byte offsets then count from the start of the
disc. A track's raw sectors (EDC, ECC) are "spindle check"'s business.

Each problem is one line on standard output:
  error: directory /A (block 23, byte 47104): record of 60 bytes crosses a block boundary (ECMA-119 §6.8.1.1)
followed by a summary: "No errors found" or "N errors, M warnings".
Warnings (names outside the d-characters, say) do not fail the check.

--json prints one object:
  image             the name given
  ok                true when no errors were found
  layout, track     for a disc image: its layout and the track checked,
                    as "spindle identify --json" gives them
  truncated         the image is shorter than its volume
  missing_bytes     how much shorter
  padding_bytes     bytes after the end of the volume
  image_bytes       the size of the image
  blocks            volume space size in 2048-byte blocks
  volume_bytes      that in bytes
  errors, warnings  the number of each (omitted ones included)
  problems_omitted  problems beyond --max-problems, not listed
  directories       directories of the primary hierarchy
  files             files of the primary hierarchy
  joliet, rock_ridge, el_torito
                    the extensions found
  problems[]        in the order found, each:
    severity        error or warning
    offset          byte offset of the structure or field
    structure       what is wrong: "image", "primary volume descriptor",
                    "directory", "directory record", "path table (L)",
                    "SUSP area", "boot catalog", ... ("Joliet ..." for the
                    Joliet hierarchy)
    path            the file or directory, if any
    message         what is wrong, citing the clause

The exit status is 1 when errors were found, 2 when the file cannot be read
or holds no ISO 9660 volume.

` + exitCodesHelp,
		Example: `  spindle verify disc.iso
  spindle verify -q disc.iso && echo whole
  spindle verify --json disc.iso | jq '.problems[] | select(.severity == "error")'
  spindle verify --session-start 21917 multisession.iso
  spindle verify cdextra.cue`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runVerify(c, f, args[0]) },
	}
	fl := c.Flags()
	fl.Int64Var(&f.session, "session-start", 0, "`BLOCK` where the session to check starts (its volume descriptors are at BLOCK+16)")
	fl.IntVar(&f.track, "track", 0, "for a CUE sheet or TOC file: the data track `N` to check (default: the first data track of the last session)")
	fl.BoolVar(&f.asJSON, "json", false, "print JSON (schema above)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print nothing; the exit status tells")
	fl.IntVar(&f.max, "max-problems", 1000, "list at most `N` problems (all are counted)")
	fl.BoolVar(&f.noMD5, "no-md5", false, "do not check embedded MD5 checksums (isomd5sum, libisofs)")
	return c
}

func runVerify(c *cobra.Command, f *verifyFlags, name string) error {
	if f.session < 0 || f.session > 1<<32-1 {
		return usageError{errors.New("verify: --session-start takes a block number from 0 to 4294967295")}
	}
	if f.max < 1 {
		return usageError{errors.New("verify: --max-problems takes 1 or more")}
	}
	if f.track < 0 || f.track > 99 {
		return usageError{errors.New("verify: --track takes a track number from 1 to 99")}
	}
	var r io.ReaderAt
	var size int64
	session := uint32(f.session)
	var li *layoutImage
	if kind := sheetKind(name); kind != "" {
		if f.session != 0 {
			return usageError{fmt.Errorf("verify %s: --session-start takes a block of an image file; pick a track of a disc image with --track", name)}
		}
		var err error
		if li, err = openLayoutImage(name, kind, f.track); err != nil {
			return verbError("verify", name, err)
		}
		defer li.Close()
		if _, err := li.openVolume(iso9660.ReadOptions{}, 0); err != nil {
			var te *trackError
			if errors.As(err, &te) {
				return fmt.Errorf("verify %w", err)
			}
			// The volume does not open: the check below says why.
		}
		if li.displacement > 1<<32-1 {
			return fmt.Errorf("verify %w", li.errorf(fmt.Errorf("disc block %d is beyond ECMA-119's 32-bit block numbers", li.displacement)))
		}
		lead := li.displacement * iso9660.BlockSize
		r, size, session = &inPlaceView{r: li.data, lead: lead}, lead+li.size, uint32(li.displacement)
	} else {
		if f.track != 0 {
			return usageError{fmt.Errorf("verify %s: --track picks a track of a CUE sheet or TOC file", name)}
		}
		fh, n, err := openSized(name)
		if err != nil {
			return fmt.Errorf("verify %s: %w", name, err)
		}
		defer fh.Close()
		r, size = fh, n
	}
	opt := &isocheck.Options{SessionStart: session, MaxProblems: f.max}
	var p *progress
	if !f.quiet && isTerminal(os.Stderr) {
		p = newProgress(c.ErrOrStderr(), "verify")
		opt.Progress = p.update
	}
	fail := func(err error) error {
		p.done()
		if li != nil {
			return fmt.Errorf("verify %w", li.errorf(err))
		}
		return fmt.Errorf("verify %s: %w", name, err)
	}
	rep, err := isocheck.Check(c.Context(), r, size, opt)
	if err != nil {
		return fail(err)
	}
	var sums *checksumReport
	if !f.noMD5 {
		if sums, err = checkChecksums(c.Context(), r, size, session, p); err != nil {
			return fail(err)
		}
	}
	p.done()
	bad := sums.failures()
	out := c.OutOrStdout()
	switch {
	case f.quiet:
	case f.asJSON:
		j := verifyJSON{Image: name, OK: rep.OK() && len(bad) == 0, Report: rep, Checksums: sums}
		if li != nil {
			j.Layout, j.Track = li.layoutJSON(), li.trackJSON()
		}
		if err := writeJSON(out, j); err != nil {
			return outputError{err}
		}
	default:
		if li != nil {
			fmt.Fprintf(out, "%s: %s; byte offsets count from the start of the disc\n", name, li.readingText())
		}
		if err := writeChecksumText(out, sums); err != nil {
			return outputError{err}
		}
		if err := writeVerifyText(out, rep, len(bad)); err != nil {
			return outputError{err}
		}
	}
	if !rep.OK() || len(bad) > 0 {
		return problemsFound{fmt.Sprintf("verify %s: %s", name, plural(rep.Errors+len(bad), "error"))}
	}
	return nil
}

// checkChecksums verifies the embedded MD5s the image has. The whole image
// is read, once per kind of checksum present.
func checkChecksums(ctx context.Context, r io.ReaderAt, size int64, session uint32, p *progress) (*checksumReport, error) {
	var out checksumReport
	var prog func(done, total int64)
	if p != nil {
		prog = p.update
	}
	if session == 0 {
		im, err := isomd5.CheckImplanted(ctx, r, size, prog)
		if err != nil {
			return nil, err
		}
		if im.Found {
			out.Isomd5sum = &implantJSON{Pass: im.Pass, Expected: im.Expected, Computed: im.Computed, Covered: im.Covered, Problem: im.Problem}
			if !im.Pass && im.Problem == "" {
				for _, fr := range im.Fragments {
					if !fr.OK {
						out.Isomd5sum.Problem = fmt.Sprintf("fragment %d (bytes up to %d) does not match", fr.Slot, fr.End)
						break
					}
				}
				if out.Isomd5sum.Problem == "" {
					out.Isomd5sum.Problem = "the MD5 of the image does not match"
				}
			}
		}
	}
	lr, err := isomd5.CheckLibisofs(ctx, r, size, session)
	if err != nil {
		return nil, err
	}
	if lr.Found {
		j := &libisofsJSON{OK: lr.OK, Sessions: len(lr.Sessions), Files: len(lr.Files), Problems: lr.Problems}
		for _, s := range lr.Sessions {
			j.Tags += len(s.Tags)
			for _, t := range s.Tags {
				if !t.OK {
					j.BadTags = append(j.BadTags, fmt.Sprintf("%s tag at block %d: %s", t.Tag.Kind, t.Block, t.Problem))
				}
			}
			if len(s.Tags) == 0 {
				j.Unchecked = append(j.Unchecked, s.Start)
			} else if s.Problem != "" {
				j.Problems = append(j.Problems, fmt.Sprintf("session at block %d: %s", s.Start, s.Problem))
			}
		}
		for _, f := range lr.Files {
			if !f.OK {
				msg := f.Problem
				if msg == "" {
					msg = "MD5 does not match"
				}
				j.BadFiles = append(j.BadFiles, "/"+strings.TrimPrefix(f.Path, "/")+": "+msg)
			}
		}
		out.Libisofs = j
	}
	if out.Isomd5sum == nil && out.Libisofs == nil {
		return nil, nil
	}
	return &out, nil
}

// failures lists the checksum mismatches, one line each.
func (c *checksumReport) failures() []string {
	if c == nil {
		return nil
	}
	var out []string
	if c.Isomd5sum != nil && !c.Isomd5sum.Pass {
		out = append(out, "isomd5sum: "+c.Isomd5sum.Problem)
	}
	if l := c.Libisofs; l != nil {
		for _, s := range l.BadTags {
			out = append(out, "libisofs: "+s)
		}
		for _, s := range l.BadFiles {
			out = append(out, "libisofs: file "+s)
		}
		for _, s := range l.Problems {
			out = append(out, "libisofs: "+s)
		}
		if !l.OK && len(out) == 0 {
			out = append(out, "libisofs: checksums do not match")
		}
	}
	return out
}

// writeChecksumText prints what the embedded checksums say.
func writeChecksumText(w io.Writer, c *checksumReport) error {
	if c == nil {
		return nil
	}
	if m := c.Isomd5sum; m != nil {
		if m.Pass {
			fmt.Fprintf(w, "isomd5sum: MD5 %s of %d bytes matches\n", m.Expected, m.Covered)
		}
	}
	if l := c.Libisofs; l != nil && l.OK {
		fmt.Fprintf(w, "libisofs checksums: %d tags in %s, %s match\n", l.Tags, plural(l.Sessions-len(l.Unchecked), "session"), plural(l.Files, "file"))
	}
	if l := c.Libisofs; l != nil {
		for _, s := range l.Unchecked {
			fmt.Fprintf(w, "note: the session at block %d has no libisofs checksums\n", s)
		}
	}
	for _, f := range c.failures() {
		if _, err := fmt.Fprintf(w, "error: checksum: %s\n", f); err != nil {
			return err
		}
	}
	return nil
}

// writeVerifyText prints one line per problem, a note on padding, and the
// summary.
func writeVerifyText(w io.Writer, r *isocheck.Report, checksumErrors int) error {
	for _, p := range r.Problems {
		if _, err := fmt.Fprintln(w, p.String()); err != nil {
			return err
		}
	}
	if r.Omitted > 0 {
		fmt.Fprintf(w, "(%s more not listed)\n", plural(r.Omitted, "problem"))
	}
	if r.PaddingBytes > 0 {
		fmt.Fprintf(w, "note: %d bytes after the end of the volume (padding; not a problem)\n", r.PaddingBytes)
	}
	var err error
	errs := r.Errors + checksumErrors
	switch {
	case errs == 0 && r.Warnings == 0:
		_, err = fmt.Fprintln(w, "No errors found")
	case errs == 0:
		_, err = fmt.Fprintf(w, "No errors found, %s\n", plural(r.Warnings, "warning"))
	default:
		_, err = fmt.Fprintf(w, "%s, %s\n", plural(errs, "error"), plural(r.Warnings, "warning"))
	}
	return err
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
