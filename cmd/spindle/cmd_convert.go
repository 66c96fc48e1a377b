package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"spindle/cue"
	"spindle/disc"
	"spindle/internal/fileout"
	"spindle/toc"
)

func newConvertCmd() *cobra.Command {
	var bin string
	var asJSON bool
	c := &cobra.Command{
		Use:   "convert IN.toc OUT.cue | IN.cue OUT.toc",
		Short: "Convert between cdrdao TOC files and CUE sheets (like toc2cue, and back)",
		Long: `Convert a cdrdao TOC file (from cdrdao read-cd or read-toc) to a CUE sheet
that names the same data files.

Everything the TOC says that a CUE sheet can say is kept: the catalog number
(CATALOG), ISRCs, the copy, pre-emphasis and four-channel flags, every
index (INDEX 00 for stored pre-gaps, 02 and up), generated pre-gaps and
post-gaps (PREGAP, POSTGAP), and CD-TEXT titles and performers. toc2cue drops
the catalog, the ISRCs, pre-emphasis and indexes from 02 up, and refuses TOCs
with several data files; convert keeps them and writes one FILE per data file.

Raw audio in cdrdao's files is big-endian (MOTOROLA in the sheet). Where a
CUE sheet cannot describe the TOC's files as they are (zeros in the middle
of a track, sub-channel data, data that is not contiguous), or with --bin,
convert writes the tracks into one new BIN file instead, audio in the CD's
own little-endian order (what CDRWIN-style tools and bchunk expect without
-s), and the sheet names that file.

The other way, IN.cue OUT.toc writes a TOC for cdrdao over the sheet's
files: DATAFILE with byte offsets for data tracks, FILE for audio (SWAP for
the little-endian samples of a BINARY file, as cdrdao reads raw audio as
big-endian), SILENCE/ZERO for PREGAP and POSTGAP, START, INDEX, ISRC,
CATALOG, flags and CD-TEXT.

` + exitCodesHelp,
		Example: `  spindle convert disc.toc disc.cue
  spindle convert --bin disc.bin disc.toc disc.cue
  spindle convert disc.cue disc.toc && cdrdao write disc.toc`,
		Args: cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			in, out := args[0], args[1]
			if strings.EqualFold(filepath.Ext(in), ".cue") && strings.EqualFold(filepath.Ext(out), ".toc") {
				if bin != "" {
					return usageError{errors.New("convert: --bin is for TOC to CUE")}
				}
				return cueToTOC(c, in, out, asJSON)
			}
			if !strings.EqualFold(filepath.Ext(in), ".toc") || !strings.EqualFold(filepath.Ext(out), ".cue") {
				return usageError{errors.New("convert: give IN.toc OUT.cue or IN.cue OUT.toc (the direction is told by the names)")}
			}
			l, inDir, err := readLayout(in)
			if err != nil {
				return fmt.Errorf("convert %s: %w", in, err)
			}
			var sheet *cue.Sheet
			if bin == "" {
				sheet, err = cue.FromDisc(l)
				if errors.Is(err, cue.ErrNotExpressible) {
					return fmt.Errorf("convert %s: %w; name a new BIN file with --bin to write the tracks into", in, err)
				}
				if err != nil {
					return fmt.Errorf("convert %s: %w", in, err)
				}
				rebase(sheet, inDir, filepath.Dir(out))
			} else {
				flat, err := writeBIN(l, inDir, bin)
				if err != nil {
					return err
				}
				if sheet, err = cue.FromDisc(flat); err != nil {
					return fmt.Errorf("convert %s: %w", in, err)
				}
				rebase(sheet, filepath.Dir(bin), filepath.Dir(out))
			}
			var buf bytes.Buffer
			if err := sheet.Format(&buf); err != nil {
				return fmt.Errorf("convert %s: %w", in, err)
			}
			if err := writeAtomic(c.Context(), out, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), struct {
					Output string `json:"output"`
					Bin    string `json:"bin,omitempty"`
					Tracks int    `json:"tracks"`
					Files  int    `json:"files"`
				}{out, bin, len(sheet.Tracks), len(sheet.Files)})
			}
			return nil
		},
	}
	c.Flags().StringVar(&bin, "bin", "", "write the tracks into this new BIN `FILE` (raw 2352-byte sectors, little-endian audio) and name it in the sheet")
	c.Flags().BoolVar(&asJSON, "json", false, "print a JSON summary")
	return c
}

// rebase rewrites the sheet's file names, given relative to from, to be
// relative to the directory of the sheet.
func rebase(s *cue.Sheet, from, to string) {
	for i := range s.Files {
		name := s.Files[i].Name
		if filepath.IsAbs(name) {
			continue
		}
		if rel, err := filepath.Rel(to, filepath.Join(from, name)); err == nil {
			s.Files[i].Name = filepath.ToSlash(rel)
		}
	}
}

// writeBIN writes every track of l into one new file of raw 2352-byte
// sectors (disc.Layout.WriteRaw) and returns the layout over it.
func writeBIN(l *disc.Layout, dir, bin string) (*disc.Layout, error) {
	var flat *disc.Layout
	err := fileout.Write(bin, 0o644, func(w io.Writer) error {
		var err error
		flat, err = l.WriteRaw(w, func(name string) (io.ReaderAt, error) { return os.Open(sheetFile(dir, name)) }, filepath.Base(bin))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	return flat, nil
}

// cueToTOC converts a CUE sheet into a cdrdao TOC file over the same files.
func cueToTOC(c *cobra.Command, in, out string, asJSON bool) error {
	l, inDir, err := readLayout(in)
	if err != nil {
		return fmt.Errorf("convert %s: %w", in, err)
	}
	t, err := toc.FromDisc(l)
	if err != nil {
		return fmt.Errorf("convert %s: %w", in, err)
	}
	outDir := filepath.Dir(out)
	for i := range t.Tracks {
		for k := range t.Tracks[i].Items {
			it := &t.Tracks[i].Items[k]
			if it.File == "" || filepath.IsAbs(it.File) {
				continue
			}
			if rel, err := filepath.Rel(outDir, sheetFile(inDir, it.File)); err == nil {
				it.File = filepath.ToSlash(rel)
			}
		}
	}
	var buf bytes.Buffer
	if err := t.Format(&buf); err != nil {
		return fmt.Errorf("convert %s: %w", in, err)
	}
	if err := writeAtomic(c.Context(), out, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		return err
	}
	if asJSON {
		return writeJSON(c.OutOrStdout(), struct {
			Output string `json:"output"`
			Tracks int    `json:"tracks"`
		}{out, len(t.Tracks)})
	}
	return nil
}
