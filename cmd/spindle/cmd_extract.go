package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"spindle/restore"
)

type extractFlags struct {
	imageFlags
	dir                    string
	devices, overwrite     bool
	sameOwner, noSameOwner bool
	quiet, asJSON          bool
}

func newExtractCmd() *cobra.Command {
	f := &extractFlags{}
	c := &cobra.Command{
		Use:   "extract IMAGE [PATH...] -C DIR",
		Short: "Copy files out of an ISO 9660 image with their modes, times, links and hard links",
		Long: `Copy the files of an ISO 9660 image (all of them, or the PATHs given) into
DIR, restoring Rock Ridge modes, times, symbolic links and hard links, and
owners when run as root. Devices, pipes and sockets are created only with
--devices.

Nothing is ever written outside DIR: names that are not a single path
component ("..", names with "/"), duplicate names, and files that would be
written through a symbolic link the image planted are refused with an error
naming them. Existing files are not overwritten unless --overwrite is given.

A damaged image does not stop the extraction: an entry that cannot be read
(a directory, a symbolic link's target, a file's data) is named on stderr,
even with -q, and left out (a file is never left half-written); the rest is
extracted and the exit status is 2.

` + sheetHelp + `

` + exitCodesHelp,
		Example: `  spindle extract backup.iso -C restore/
  spindle extract backup.iso /home.20010704/user -C /tmp/r
  spindle extract --names joliet cd.iso -C out/
  spindle extract cdextra.cue -C bonus/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runExtract(c, f, args) },
	}
	f.imageFlags.add(c)
	fl := c.Flags()
	fl.StringVarP(&f.dir, "directory", "C", ".", "extract into `DIR` (created if missing)")
	fl.BoolVar(&f.devices, "devices", false, "also create device files, pipes and sockets")
	fl.BoolVar(&f.overwrite, "overwrite", false, "replace existing files")
	fl.BoolVar(&f.sameOwner, "same-owner", false, "restore owners even when not root")
	fl.BoolVar(&f.noSameOwner, "no-same-owner", false, "do not restore owners even as root")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress or warnings")
	fl.BoolVar(&f.asJSON, "json", false, "print what was extracted as JSON")
	return c
}

func runExtract(c *cobra.Command, f *extractFlags, args []string) error {
	im, src, err := openImage(args[0], &f.imageFlags)
	if err != nil {
		return err
	}
	defer src.Close()
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return outputError{err}
	}
	stderr := c.ErrOrStderr()
	opt := &restore.Options{Devices: f.devices, Overwrite: f.overwrite}
	switch {
	case f.noSameOwner:
		opt.Owners = -1
	case f.sameOwner:
		opt.Owners = 1
	}
	// Entries a damaged image cannot give are reported even with -q: the
	// extraction goes on without them and fails at the end.
	opt.Skipped = func(err error) { fmt.Fprintln(stderr, "spindle: extract: error:", err) }
	if !f.quiet {
		opt.Warn = func(err error) { fmt.Fprintln(stderr, "spindle: extract: warning:", err) }
		if isTerminal(os.Stderr) {
			p := newProgress(stderr, "extract")
			opt.Progress = p.update
			defer p.done()
		}
	}
	st, err := restore.ToDir(c.Context(), im, args[1:], f.dir, opt)
	if errors.Is(err, fs.ErrExist) {
		return outputError{fmt.Errorf("extract %s: %w (--overwrite replaces it)", args[0], err)}
	}
	var inc *restore.IncompleteError
	if err != nil && !errors.As(err, &inc) {
		return fmt.Errorf("extract %s: %w", args[0], err)
	}
	if f.asJSON {
		out := extractResult{Stats: st}
		if inc != nil {
			for _, e := range inc.Skipped {
				out.Skipped = append(out.Skipped, e.Error())
			}
		}
		if jerr := writeJSON(c.OutOrStdout(), out); jerr != nil {
			return jerr
		}
	}
	if inc != nil {
		return fmt.Errorf("extract %s: %w", args[0], inc)
	}
	return nil
}

// extractResult is what extract --json prints: the counts, and the
// entries left out because the image could not give them.
type extractResult struct {
	restore.Stats
	Skipped []string `json:",omitempty"`
}
