package main

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/spf13/cobra"
	"io"
	"os"
	"path/filepath"
	"sort"
	"spindle/cd"
	"spindle/cue"
	"spindle/disc"
	"spindle/internal/fileout"
	"spindle/iso9660"
	"spindle/toc"
	"strings"
)

type checkFlags struct {
	asJSON  bool
	max     int
	repair  bool
	inPlace bool
}

// sectorProblem is one damaged sector in check's report.
type sectorProblem struct {
	Track      int    `json:"track"`
	Sector     int64  `json:"sector"` // within the track's stored data
	LBA        int64  `json:"lba"`    // the sector's address in the layout
	File       string `json:"file"`
	Offset     int64  `json:"offset"` // byte offset in File
	Address    string `json:"address,omitempty"`
	What       string `json:"what"`
	Repairable bool   `json:"repairable"`
	// Repaired is set with --repair: whether the sector was rewritten
	// repaired.
	Repaired *bool `json:"repaired,omitempty"`
	Bytes    []int `json:"bytes,omitempty"` // offsets in the sector ECC located
}

type checkReport struct {
	Image        string `json:"image"`
	Sectors      int64  `json:"sectors"`
	Good         int64  `json:"good"`
	Damaged      int64  `json:"damaged"`
	Repairable   int64  `json:"repairable"`
	Unrepairable int64  `json:"unrepairable"`
	// Repaired counts the sectors --repair rewrote, RepairedFiles the
	// files it changed.
	Repaired      int64           `json:"repaired,omitempty"`
	RepairedFiles []string        `json:"repaired_files,omitempty"`
	Problems      []sectorProblem `json:"problems"`
	Omitted       int64           `json:"problems_omitted,omitempty"`
}

func newCheckCmd() *cobra.Command {
	f := &checkFlags{}
	c := &cobra.Command{
		Use:   "check [--repair [--in-place]] IMAGE.cue|IMAGE.toc|IMAGE.bin",
		Short: "Verify every raw data sector of a disc image: sync, header, EDC, ECC; repair what ECC can",
		Long: `Read every raw (2352-byte) data sector of a disc image and check it as a
drive would (ECMA-130 §14 and Annex A): the sync pattern, the header's
address (each sector must follow the one before) and mode, the XA
subheader copies, the EDC and the P and Q parity of the Reed-Solomon
product code. Audio tracks and tracks stored as user data only (MODE1/2048)
carry nothing to check and are skipped.

Each damaged sector is listed with its track, its place in the file, what
is wrong and whether the ECC can repair it; then a summary. A .bin without
a sheet is read as raw sectors of any data mode.

--repair corrects the sectors the ECC can (Mode 1 and Mode 2 Form 1: one
wrong byte in each P or Q codeword, the passes repeated; a damaged sync
field or Mode 0 padding), keeping a correction only when the EDC and the
header address then check. Each file with repaired sectors is written anew
under a temporary name beside it and renamed over it when complete, so an
interruption leaves it as it was; --in-place writes the repaired sectors
into the file instead (quicker for a large image, but not atomic). The
report says per sector whether it was repaired. With --repair the exit
status is 0 when every damaged sector was repaired.

` + exitCodesHelp,
		Example: `  spindle check disc.cue
  spindle check --json disc.toc | jq '.problems[] | select(.repairable | not)'
  spindle check --repair disc.cue && spindle check disc.cue
  spindle check track01.bin`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runCheck(c, f, args[0]) },
	}
	c.Flags().BoolVar(&f.asJSON, "json", false, "print the report as JSON")
	c.Flags().IntVar(&f.max, "max-problems", 1000, "list at most `N` damaged sectors (all are counted)")
	c.Flags().BoolVar(&f.repair, "repair", false, "rewrite the sectors the ECC can repair (each changed file via a temporary file and a rename)")
	c.Flags().BoolVar(&f.inPlace, "in-place", false, "with --repair: write the repaired sectors into the files themselves")
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

// checkRawFile refuses a file without a sheet that is not raw 2352-byte
// sectors: none of its first 16 sectors starts with the sync field
// (ECMA-130 §14.1). Taken as raw, an image of 2048-byte sectors (an ISO
// image) would be reported damaged throughout, and --repair would write
// sync fields and headers into it.
func checkRawFile(name string) error {
	fh, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("check %s: %w", name, err)
	}
	defer fh.Close()
	sync := cd.SyncPattern()
	head := make([]byte, len(sync))
	for i := int64(0); i < 16; i++ {
		if _, err := fh.ReadAt(head, i*cd.RawSectorSize); err != nil {
			break
		}
		if bytes.Equal(head, sync[:]) {
			return nil
		}
	}
	what := "no sync field at the start of any of its first 16 sectors"
	vd := make([]byte, 6)
	if _, err := fh.ReadAt(vd, 16*iso9660.BlockSize); err == nil && string(vd[1:]) == "CD001" {
		what = "an ISO 9660 image of 2048-byte sectors, which hold no EDC or ECC; \"spindle verify\" checks its file system"
	}
	return usageError{fmt.Errorf("check %s: not raw 2352-byte sectors (%s); check reads the raw sectors of a BIN, or of the files a CUE sheet or TOC file names", name, what)}
}

// repairJob is a damaged sector the ECC may repair.
type repairJob struct {
	lba     cd.LBA // where the Reader reads it
	want    cd.LBA // the header address it must carry (or cd.AnyLBA)
	offset  int64  // its byte offset in the file
	problem int    // its index in the report's problems, or -1
}

func runCheck(c *cobra.Command, f *checkFlags, name string) error {
	if f.max < 1 {
		return usageError{errors.New("check: --max-problems takes 1 or more")}
	}
	if f.inPlace && !f.repair {
		return usageError{errors.New("check: --in-place goes with --repair")}
	}
	if sheetKind(name) == "" {
		if err := checkRawFile(name); err != nil {
			return err
		}
	}
	l, dir, err := readLayout(name)
	if err != nil {
		return fmt.Errorf("check %s: %w", name, err)
	}
	r, err := disc.NewReader(l, openBacking(dir))
	if err != nil {
		return fmt.Errorf("check %s: %w", name, err)
	}
	defer r.Close()
	rep := checkReport{Image: name, Problems: []sectorProblem{}}
	jobs := map[string][]repairJob{} // by file, in file order
	var files []string
	buf := make([]byte, checkSectors*cd.RawSectorSize)
	for _, t := range l.Tracks() {
		if t.Mode == disc.Audio {
			continue
		}
		var k int64 // sector within the track's data
		lba := t.Start - cd.LBA(t.Pregap)
		want := cd.AnyLBA
		for _, g := range t.Data {
			if g.File == "" || g.Storage != disc.StoreRaw || g.SectorSize < cd.RawSectorSize {
				// Generated, or user data only: nothing to check.
				k += int64(g.Sectors)
				lba = lba.Add(g.Sectors)
				continue
			}
			for i := int64(0); i < int64(g.Sectors); {
				if err := c.Context().Err(); err != nil {
					return err
				}
				n := min(int64(g.Sectors)-i, checkSectors)
				if err := r.ReadRaw(lba, buf[:n*cd.RawSectorSize]); err != nil {
					return fmt.Errorf("check %s: %w", name, err)
				}
				for j := int64(0); j < n; j, i, k, lba = j+1, i+1, k+1, lba+1 {
					sec := (*[cd.RawSectorSize]byte)(buf[j*cd.RawSectorSize:])
					res := cd.CheckSector(sec, want)
					rep.Sectors++
					expected := want
					// The next sector must carry the next address, counted
					// from the first good header of the track.
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
					} else {
						rep.Unrepairable++
					}
					p := sectorProblem{Track: t.Number, Sector: k, LBA: int64(lba), File: g.File,
						Offset: g.Offset + i*int64(g.SectorSize), Address: res.Address.String(), What: sectorFaults(res),
						Repairable: res.Repairable, Bytes: res.Errors}
					idx := -1
					if len(rep.Problems) < f.max {
						idx = len(rep.Problems)
						rep.Problems = append(rep.Problems, p)
					} else {
						rep.Omitted++
					}
					if f.repair && res.Repairable {
						if jobs[g.File] == nil {
							files = append(files, g.File)
						}
						jobs[g.File] = append(jobs[g.File], repairJob{lba: lba, want: expected, offset: p.Offset, problem: idx})
					}
				}
			}
		}
	}
	if f.repair {
		for _, file := range files {
			n, err := repairFile(c, r, sheetFile(dir, file), jobs[file], f.inPlace, &rep)
			if err != nil {
				return fmt.Errorf("check %s: repairing %s: %w", name, file, err)
			}
			rep.Repaired += n
			if n > 0 {
				rep.RepairedFiles = append(rep.RepairedFiles, file)
			}
		}
		no := false
		for i := range rep.Problems {
			if rep.Problems[i].Repaired == nil {
				rep.Problems[i].Repaired = &no
			}
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
			switch {
			case p.Repaired != nil && *p.Repaired:
				fix = fmt.Sprintf("repaired (%d bytes)", len(p.Bytes))
			case p.Repaired != nil && p.Repairable:
				fix = "not repaired: the correction does not check"
			case p.Repairable:
				fix = fmt.Sprintf("repairable (%d bytes)", len(p.Bytes))
			}
			fmt.Fprintf(out, "track %d sector %d (LBA %d, %s byte %d, address %s): %s; %s\n", p.Track, p.Sector, p.LBA, p.File, p.Offset, p.Address, p.What, fix)
		}
		if rep.Omitted > 0 {
			fmt.Fprintf(out, "(%d more damaged sectors not listed)\n", rep.Omitted)
		}
		fmt.Fprintf(out, "%d data sectors checked: %d good, %d damaged (%d repairable by ECC)\n", rep.Sectors, rep.Good, rep.Damaged, rep.Repairable)
		if f.repair {
			fmt.Fprintf(out, "%d sectors repaired", rep.Repaired)
			if len(rep.RepairedFiles) > 0 {
				fmt.Fprintf(out, " in %s", strings.Join(rep.RepairedFiles, ", "))
			}
			fmt.Fprintf(out, "; %d left damaged\n", rep.Damaged-rep.Repaired)
		}
	}
	if left := rep.Damaged - rep.Repaired; left > 0 {
		return problemsFound{fmt.Sprintf("check %s: %d damaged sectors", name, left)}
	}
	return nil
}

// checkSectors is the chunk check reads at once.
const checkSectors = 256

// repairFile repairs the sectors of jobs (in file order) in the file at
// path: as a new file renamed over it, or in place. It reads each sector
// through r, keeps RepairSector's correction only when the sector then
// checks at its expected address, and marks the report's problems. It
// returns the number of sectors repaired.
func repairFile(c *cobra.Command, r *disc.Reader, path string, jobs []repairJob, inPlace bool, rep *checkReport) (int64, error) {
	// The repaired sector of each job, or nil.
	fixed := func(j repairJob) (*[cd.RawSectorSize]byte, error) {
		var sec [cd.RawSectorSize]byte
		if err := r.ReadRaw(j.lba, sec[:]); err != nil {
			return nil, err
		}
		if _, ok := cd.RepairSector(&sec); !ok || !cd.CheckSector(&sec, j.want).OK() {
			return nil, nil
		}
		return &sec, nil
	}
	mark := func(j repairJob, ok bool) {
		if j.problem >= 0 {
			rep.Problems[j.problem].Repaired = &ok
		}
	}
	// In file order; a sector a TOC reads twice is repaired once.
	sort.SliceStable(jobs, func(i, j int) bool { return jobs[i].offset < jobs[j].offset })
	marks := make([]bool, len(jobs))
	again := func(i int) bool {
		if i > 0 && jobs[i].offset == jobs[i-1].offset {
			marks[i] = marks[i-1]
			return true
		}
		return false
	}
	// markAll marks the problems and counts the sectors repaired.
	markAll := func() int64 {
		var n int64
		for i, j := range jobs {
			mark(j, marks[i])
			if marks[i] {
				n++
			}
		}
		return n
	}
	if inPlace {
		fh, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return 0, err
		}
		for i, j := range jobs {
			if again(i) {
				continue
			}
			sec, err := fixed(j)
			if err != nil {
				fh.Close()
				return 0, err
			}
			if sec != nil {
				if _, err := fh.WriteAt(sec[:], j.offset); err != nil {
					fh.Close()
					return 0, err
				}
				marks[i] = true
			}
		}
		return markAll(), fh.Close()
	}
	// A new file beside the old one (or beside the file a symbolic link
	// names), renamed over it when complete.
	if p, err := filepath.EvalSymlinks(path); err == nil {
		path = p
	}
	src, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return 0, err
	}
	err = fileout.Write(path, fi.Mode().Perm(), func(w io.Writer) error {
		sw, ok := w.(*fileout.SparseWriter)
		if !ok {
			return errors.New("not a file writer")
		}
		copyTo := func(at, end int64) error {
			if end <= at {
				return nil
			}
			got, err := sw.CopyFile(src, at, end-at)
			if err == nil && got < end-at {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		var at int64
		for i, j := range jobs {
			if err := c.Context().Err(); err != nil {
				return err
			}
			if again(i) {
				continue
			}
			sec, err := fixed(j)
			if err != nil {
				return err
			}
			if sec == nil {
				continue // copied as it is with the rest
			}
			if err := copyTo(at, j.offset); err != nil {
				return err
			}
			if _, err := sw.Write(sec[:]); err != nil {
				return err
			}
			at = j.offset + cd.RawSectorSize
			marks[i] = true
		}
		return copyTo(at, fi.Size())
	})
	if err != nil {
		return 0, err
	}
	return markAll(), nil
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
// directory. Sheets are often written elsewhere than they are read:
//   - on Windows, with names in another case than the file has: when the
//     name as written does not exist, a file whose name differs only in
//     case is taken;
//   - with the path of the machine that wrote them (FILE "C:\Rips\a.bin",
//     FILE "/home/x/a.bin", FILE "rips/a.bin"): when that path does not
//     exist, the file of that base name beside the sheet is taken, as the
//     image was moved with its sheet.
//
// When nothing is found the path as written is returned, for the error.
func sheetFile(dir, name string) string {
	p := name
	if !filepath.IsAbs(name) {
		p = filepath.Join(dir, name)
	}
	if _, err := os.Stat(p); err == nil {
		return p
	}
	if !filepath.IsAbs(name) {
		if q, ok := foldedName(filepath.Join(dir, filepath.Dir(name)), filepath.Base(name)); ok {
			return q
		}
	}
	// The last component of a path in Windows or POSIX syntax, without a
	// drive letter.
	base := name[strings.LastIndexAny(name, `/\`)+1:]
	if len(base) >= 2 && base[1] == ':' && (base[0]|0x20 >= 'a' && base[0]|0x20 <= 'z') {
		base = base[2:]
	}
	if base != "" && base != "." && base != ".." && base != name {
		if q := filepath.Join(dir, base); fileExists(q) {
			return q
		}
		if q, ok := foldedName(dir, base); ok {
			return q
		}
	}
	return p
}

// foldedName looks in dir for a file named base up to case.
func foldedName(dir, base string) (string, bool) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", false
	}
	for _, e := range ents {
		if strings.EqualFold(e.Name(), base) {
			return filepath.Join(dir, e.Name()), true
		}
	}
	return "", false
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
