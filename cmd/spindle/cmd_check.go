package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"spindle/cd"
	"spindle/cue"
	"spindle/disc"
	"spindle/toc"
)

type checkFlags struct {
	asJSON bool
	max    int
}

// sectorProblem is one damaged sector in check's report.
type sectorProblem struct {
	Track      int    `json:"track"`
	Sector     int64  `json:"sector"` // within the track's stored data
	File       string `json:"file"`
	Offset     int64  `json:"offset"` // byte offset in File
	Address    string `json:"address,omitempty"`
	What       string `json:"what"`
	Repairable bool   `json:"repairable"`
	Bytes      []int  `json:"bytes,omitempty"` // offsets in the sector ECC located
}

type checkReport struct {
	Image      string          `json:"image"`
	Sectors    int64           `json:"sectors"`
	Good       int64           `json:"good"`
	Damaged    int64           `json:"damaged"`
	Repairable int64           `json:"repairable"`
	Problems   []sectorProblem `json:"problems"`
	Omitted    int64           `json:"problems_omitted,omitempty"`
}

func newCheckCmd() *cobra.Command {
	f := &checkFlags{}
	c := &cobra.Command{
		Use:   "check IMAGE.cue|IMAGE.toc|IMAGE.bin",
		Short: "Verify every raw data sector of a disc image: sync, header, EDC, ECC",
		Long: `Read every raw (2352-byte) data sector of a disc image and check it as a
drive would (ECMA-130 §14 and Annex A): the sync pattern, the header's
address (each sector must follow the one before) and mode, the XA
subheader copies, the EDC and the P and Q parity of the Reed-Solomon
product code. Audio tracks and tracks stored as user data only (MODE1/2048)
carry nothing to check and are skipped.

Each damaged sector is listed with its track, its place in the file, what
is wrong and whether the ECC can repair it; then a summary. A .bin without
a sheet is read as raw sectors of any data mode.

` + exitCodesHelp,
		Example: `  spindle check disc.cue
  spindle check --json disc.toc | jq '.problems[] | select(.repairable | not)'
  spindle check track01.bin`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runCheck(c, f, args[0]) },
	}
	c.Flags().BoolVar(&f.asJSON, "json", false, "print the report as JSON")
	c.Flags().IntVar(&f.max, "max-problems", 1000, "list at most `N` damaged sectors (all are counted)")
	return c
}

// fileSizer reports the sizes of the files a sheet or TOC in dir names.
func fileSizer(dir string) func(string) (int64, error) {
	return func(name string) (int64, error) {
		fi, err := os.Stat(sheetFile(dir, name))
		if err != nil {
			return 0, err
		}
		return fi.Size(), nil
	}
}

// readLayout reads the layout of a disc image: from a CUE sheet, a cdrdao
// TOC, or a bare BIN taken as one raw data track. It also returns the
// directory the image's files are named from.
func readLayout(name string) (*disc.Layout, string, error) {
	dir := filepath.Dir(name)
	size := fileSizer(dir)
	switch strings.ToLower(filepath.Ext(name)) {
	case ".cue", ".toc":
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, "", err
		}
		if strings.EqualFold(filepath.Ext(name), ".toc") {
			t, err := toc.Parse(bytes.NewReader(b), name)
			if err != nil {
				return nil, "", err
			}
			l, err := t.Disc(size)
			return l, dir, err
		}
		s, err := cue.Options{Lenient: true}.Parse(bytes.NewReader(b), name)
		if err != nil {
			return nil, "", err
		}
		l, err := s.Disc(size)
		return l, dir, err
	}
	n, err := size(filepath.Base(name))
	if err != nil {
		return nil, "", err
	}
	seg := disc.Segment{File: filepath.Base(name), Sectors: cd.Frames(n / cd.RawSectorSize), Storage: disc.StoreRaw, SectorSize: cd.RawSectorSize}
	return &disc.Layout{Sessions: []disc.Session{{Number: 1, Tracks: []disc.Track{{Number: 1, Mode: disc.Mode1, Length: seg.Sectors, Data: []disc.Segment{seg}}}}}}, dir, nil
}

func runCheck(c *cobra.Command, f *checkFlags, name string) error {
	if f.max < 1 {
		return usageError{errors.New("check: --max-problems takes 1 or more")}
	}
	l, dir, err := readLayout(name)
	if err != nil {
		return fmt.Errorf("check %s: %w", name, err)
	}
	rep := checkReport{Image: name, Problems: []sectorProblem{}}
	var sec [cd.RawSectorSize]byte
	for _, t := range l.Tracks() {
		if t.Mode == disc.Audio {
			continue
		}
		var k int64
		want := cd.AnyLBA
		for _, g := range t.Data {
			if g.File == "" {
				k += int64(g.Sectors)
				continue
			}
			if g.Storage != disc.StoreRaw || g.SectorSize < cd.RawSectorSize {
				k += int64(g.Sectors)
				continue // user data only: nothing to check
			}
			fh, err := os.Open(sheetFile(dir, g.File))
			if err != nil {
				return fmt.Errorf("check %s: %w", name, err)
			}
			r := bufio.NewReaderSize(io.NewSectionReader(fh, g.Offset, g.Bytes()), 1<<20)
			stride := make([]byte, g.SectorSize)
			for i := int64(0); i < int64(g.Sectors); i, k = i+1, k+1 {
				if err := c.Context().Err(); err != nil {
					fh.Close()
					return err
				}
				if _, err := io.ReadFull(r, stride); err != nil {
					fh.Close()
					return fmt.Errorf("check %s: %s: sector %d: %w", name, g.File, i, err)
				}
				copy(sec[:], stride)
				res := cd.CheckSector(&sec, want)
				rep.Sectors++
				// The next sector must carry the next address, counted from
				// the first good header of the track.
				if res.HeaderOK || (want == cd.AnyLBA && res.SyncOK) {
					want = res.Address.LBA() + 1
				} else if want != cd.AnyLBA {
					want++
				}
				if res.OK() {
					rep.Good++
					continue
				}
				rep.Damaged++
				if res.Repairable {
					rep.Repairable++
				}
				if len(rep.Problems) >= f.max {
					rep.Omitted++
					continue
				}
				rep.Problems = append(rep.Problems, sectorProblem{Track: t.Number, Sector: k, File: g.File,
					Offset: g.Offset + i*int64(g.SectorSize), Address: res.Address.String(), What: sectorFaults(res),
					Repairable: res.Repairable, Bytes: res.Errors})
			}
			fh.Close()
		}
	}
	out := c.OutOrStdout()
	if f.asJSON {
		if err := writeJSON(out, rep); err != nil {
			return outputError{err}
		}
	} else {
		for _, p := range rep.Problems {
			fix := "not repairable"
			if p.Repairable {
				fix = fmt.Sprintf("repairable (%d bytes)", len(p.Bytes))
			}
			fmt.Fprintf(out, "track %d sector %d (%s byte %d, address %s): %s; %s\n", p.Track, p.Sector, p.File, p.Offset, p.Address, p.What, fix)
		}
		if rep.Omitted > 0 {
			fmt.Fprintf(out, "(%d more damaged sectors not listed)\n", rep.Omitted)
		}
		fmt.Fprintf(out, "%d data sectors checked: %d good, %d damaged (%d repairable by ECC)\n", rep.Sectors, rep.Good, rep.Damaged, rep.Repairable)
	}
	if rep.Damaged > 0 {
		return problemsFound{fmt.Sprintf("check %s: %d damaged sectors", name, rep.Damaged)}
	}
	return nil
}

// sectorFaults says what CheckSector found wrong.
func sectorFaults(c cd.SectorCheck) string {
	var w []string
	if !c.SyncOK {
		w = append(w, "sync pattern")
	}
	if !c.HeaderOK {
		w = append(w, "header (address or mode)")
	}
	if !c.SubheaderOK {
		w = append(w, "subheader copies differ")
	}
	if !c.EDCOK {
		w = append(w, "EDC")
	}
	if !c.ECCOK {
		w = append(w, "ECC")
	}
	if len(w) == 0 {
		return "damaged"
	}
	return strings.Join(w, ", ") + " wrong"
}

// sheetFile finds a file a CUE sheet or TOC names, relative to the sheet's
// directory. Sheets written on Windows often spell names in another case
// than the file has; when the name as written does not exist, a file whose
// name differs only in case is taken.
func sheetFile(dir, name string) string {
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err == nil || filepath.IsAbs(name) {
		return p
	}
	ents, err := os.ReadDir(filepath.Join(dir, filepath.Dir(name)))
	if err != nil {
		return p
	}
	base := filepath.Base(name)
	for _, e := range ents {
		if strings.EqualFold(e.Name(), base) {
			return filepath.Join(dir, filepath.Dir(name), e.Name())
		}
	}
	return p
}
