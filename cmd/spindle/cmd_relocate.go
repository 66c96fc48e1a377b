package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"spindle/internal/fileout"
	"spindle/iso9660"
)

func newRelocateCmd() *cobra.Command {
	var (
		output  string
		from    int64
		inPlace bool
		asJSON  bool
	)
	c := &cobra.Command{
		Use:   "relocate IMAGE -o OUT.iso",
		Short: "Make the ISO 9660 session of a later track mountable on its own",
		Long: `The data session of a multi-session disc (the second session of a CD-Extra
disc, the last session of a multi-session backup) records its block addresses
from the start of the disc. Copied out of a disc image on its own (bchunk,
"spindle split", dd), it does not mount: every address points thousands of
blocks past its end.

relocate writes a copy in which every recorded address is moved to count
from the copy's own first block: volume descriptors, path tables, every
directory record, Rock Ridge continuation areas and relocated directories,
and the El Torito boot catalog. File data is copied unchanged. The number of
blocks is found from the image (the root directory's "." record names its
own address) unless --from gives it.

With --in-place, the session is written after that many blocks of zeros
instead (a hole in the output file), so that the addresses hold as they are.

` + exitCodesHelp,
		Example: `  spindle relocate track02.iso -o session2.iso
  spindle relocate --from 11400 track02.iso -o session2.iso
  spindle relocate --in-place track02.iso -o disc-addresses.iso`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if output == "" {
				return usageError{errors.New("relocate: name the output with -o")}
			}
			name := args[0]
			fh, err := os.Open(name)
			if err != nil {
				return fmt.Errorf("relocate %s: %w", name, err)
			}
			defer fh.Close()
			st, err := fh.Stat()
			if err != nil {
				return fmt.Errorf("relocate %s: %w", name, err)
			}
			size := st.Size()
			disp := uint32(from)
			if from < 0 {
				d, err := iso9660.DetectDisplacement(fh, size)
				if err != nil {
					return fmt.Errorf("relocate %s: %w", name, err)
				}
				disp = d
			} else if from > 1<<32-1 {
				return usageError{fmt.Errorf("relocate: --from %d is beyond 32-bit block numbers", from)}
			}
			err = fileout.Write(output, 0o644, func(w io.Writer) error {
				if inPlace {
					return writeInPlace(w, fh, size, disp)
				}
				return iso9660.Relocate(w, fh, size, disp)
			})
			if err != nil {
				var fe *iso9660.FormatError
				if errors.As(err, &fe) {
					return fmt.Errorf("relocate %s: %w", name, err)
				}
				return outputError{fmt.Errorf("relocate %s: %w", output, err)}
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), struct {
					Output       string `json:"output"`
					Displacement uint32 `json:"displacement"`
					InPlace      bool   `json:"in_place"`
				}{output, disp, inPlace})
			}
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVarP(&output, "output", "o", "", "write the result to `FILE`")
	fl.Int64Var(&from, "from", -1, "the session's recorded start `BLOCK` (default: found from the image)")
	fl.BoolVar(&inPlace, "in-place", false, "keep the addresses: write zeros (a hole) before the session instead")
	fl.BoolVar(&asJSON, "json", false, "print the output, displacement and mode as JSON")
	return c
}

// writeInPlace puts the session after disp blocks of zeros, so that its
// recorded addresses are right as they are.
func writeInPlace(w io.Writer, r io.ReaderAt, size int64, disp uint32) error {
	pad := int64(disp) * iso9660.BlockSize
	if h, ok := w.(iso9660.FileRangeWriter); ok {
		if err := h.Hole(pad); err != nil {
			return err
		}
	} else {
		zero := make([]byte, 64<<10)
		for left := pad; left > 0; {
			n := min(left, int64(len(zero)))
			if _, err := w.Write(zero[:n]); err != nil {
				return err
			}
			left -= n
		}
	}
	_, err := io.Copy(w, io.NewSectionReader(r, 0, size))
	return err
}
