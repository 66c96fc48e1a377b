package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"spindle/isocheck"
)

type verifyFlags struct {
	session int64
	asJSON  bool
	quiet   bool
	max     int
}

// verifyJSON is the --json document.
type verifyJSON struct {
	Image string `json:"image"`
	OK    bool   `json:"ok"`
	*isocheck.Report
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

Each problem is one line on standard output:
  error: directory /A (block 23, byte 47104): record of 60 bytes crosses a block boundary (ECMA-119 §6.8.1.1)
followed by a summary: "No errors found" or "N errors, M warnings".
Warnings (names outside the d-characters, say) do not fail the check.

--json prints one object:
  image             the name given
  ok                true when no errors were found
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
  spindle verify --session-start 21917 multisession.iso`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runVerify(c, f, args[0]) },
	}
	fl := c.Flags()
	fl.Int64Var(&f.session, "session-start", 0, "`BLOCK` where the session to check starts (its volume descriptors are at BLOCK+16)")
	fl.BoolVar(&f.asJSON, "json", false, "print JSON (schema above)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print nothing; the exit status tells")
	fl.IntVar(&f.max, "max-problems", 1000, "list at most `N` problems (all are counted)")
	return c
}

func runVerify(c *cobra.Command, f *verifyFlags, name string) error {
	if f.session < 0 || f.session > 1<<32-1 {
		return usageError{errors.New("verify: --session-start takes a block number from 0 to 4294967295")}
	}
	if f.max < 1 {
		return usageError{errors.New("verify: --max-problems takes 1 or more")}
	}
	fh, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("verify %s: %w", name, err)
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return fmt.Errorf("verify %s: %w", name, err)
	}
	size := fi.Size()
	if !fi.Mode().IsRegular() {
		// A block device reports size 0 in stat; ask it where it ends.
		if end, err := fh.Seek(0, io.SeekEnd); err == nil {
			size = end
		}
	}
	opt := &isocheck.Options{SessionStart: uint32(f.session), MaxProblems: f.max}
	var p *progress
	if !f.quiet && isTerminal(os.Stderr) {
		p = newProgress(c.ErrOrStderr(), "verify")
		opt.Progress = p.update
	}
	rep, err := isocheck.Check(c.Context(), fh, size, opt)
	p.done()
	if err != nil {
		return fmt.Errorf("verify %s: %w", name, err)
	}
	out := c.OutOrStdout()
	switch {
	case f.quiet:
	case f.asJSON:
		if err := writeJSON(out, verifyJSON{Image: name, OK: rep.OK(), Report: rep}); err != nil {
			return outputError{err}
		}
	default:
		if err := writeVerifyText(out, rep); err != nil {
			return outputError{err}
		}
	}
	if !rep.OK() {
		return problemsFound{fmt.Sprintf("verify %s: %s", name, plural(rep.Errors, "error"))}
	}
	return nil
}

// writeVerifyText prints one line per problem, a note on padding, and the
// summary.
func writeVerifyText(w io.Writer, r *isocheck.Report) error {
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
	switch {
	case r.Errors == 0 && r.Warnings == 0:
		_, err = fmt.Fprintln(w, "No errors found")
	case r.Errors == 0:
		_, err = fmt.Fprintf(w, "No errors found, %s\n", plural(r.Warnings, "warning"))
	default:
		_, err = fmt.Fprintf(w, "%s, %s\n", plural(r.Errors, "error"), plural(r.Warnings, "warning"))
	}
	return err
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
