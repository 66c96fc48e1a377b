package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"spindle/identify"
)

type identifyFlags struct {
	offset    int64
	scanLimit int64
	asJSON    bool
	asXML     bool
}

// identifyJSON is the --json document: the image's name and the report.
type identifyJSON struct {
	Image string `json:"image"`
	*identify.Report
}

func newIdentifyCmd() *cobra.Command {
	f := &identifyFlags{}
	c := &cobra.Command{
		Use:   "identify IMAGE|DEVICE",
		Short: "Tell which file systems and partition tables an image holds, and whether it is complete (like disktype and isolyzer)",
		Long: `Tell what an image file or device holds — ISO 9660 (with Joliet and El
Torito), High Sierra, UDF, HFS, HFS Plus/HFSX, Apple partition maps, MBR and
GPT partition tables, and hybrids of them — where each structure is, what it
records, and the size of image it implies; then compare the actual size with
the largest of those: "complete", "truncated by N sectors" (data is missing)
or "padded by N bytes/sectors" (bytes follow the file systems, often
harmless).

A volume that does not start at sector 0 is found too: when sector 16 holds
no volume descriptor, the first --scan-limit bytes are searched for one; an
image of one later session, whose addresses count from the start of the
disc, is recognised by where its root directory is, or named with --offset
(isolyzer's --offset, cd-info's -N: the disc sector where the image starts).

--xml writes isolyzer's XML (schema isolyzer-v-1-0.xsd), with isolyzer's own
figures, which differ from the verdict where isolyzer's estimate is off (it
leaves out UDF descriptors after the partition and HFS's last sectors, and
trusts an Apple driver descriptor's block size).

--json prints one object:
  image                   the name given
  size                    actual size in bytes
  sector_offset           session start used for ISO 9660 / High Sierra sizes
  sector_offset_detected  true when found from the root directory's place
  structures[]            in the order of their offsets, each:
    type                  iso9660, joliet, iso9660-supplementary, el-torito,
                          high-sierra, udf, hfs, hfs+, hfsx,
                          apple-partition-map, mbr, gpt
    offset                byte offset of the structure
    implied_size          bytes the medium needs for it (0: implies none)
    container             the partition holding it ("MBR partition 1",
                          "GPT partition 2", "Apple partition 2"), if any
    label                 volume or partition table name
    notes[]               problems and remarks
    iso9660|el_torito|udf|hfs|hfsplus|apm|mbr|gpt
                          the fields it records (one of them, by type;
                          iso9660 also for joliet and high-sierra)
  expected_size           the largest implied_size (0 when none)
  expected_from           the type of the structure that implies it
  verdict                 {status: complete|truncated|padded|unknown,
                           difference: size - expected_size, text}
  padding                 for padded images: zeros, data or unchecked
  isolyzer                isolyzer's <tests>: sector_offset,
                          contains_known_file_system, size_expected,
                          size_actual, size_difference,
                          size_difference_sectors, size_as_expected,
                          smaller_than_expected, and file_systems[] (its
                          fileSystem TYPEs)

The exit status is 1 when the image is truncated or holds no known file
system (the output is printed all the same).

` + exitCodesHelp,
		Example: `  spindle identify disc.iso
  spindle identify /dev/sr0
  spindle identify --offset 21917 session2.iso
  spindle identify --json disc.iso | jq .verdict.text
  spindle identify --xml disc.iso > disc.isolyzer.xml`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runIdentify(c, f, args[0]) },
	}
	fl := c.Flags()
	fl.Int64VarP(&f.offset, "offset", "o", 0, "`SECTOR` of the disc where the image starts (a later session copied on its own; isolyzer's --offset)")
	fl.Int64Var(&f.scanLimit, "scan-limit", identify.DefaultScanLimit, "`BYTES` to search for a volume descriptor set when sector 16 holds none (0: no search)")
	fl.BoolVar(&f.asJSON, "json", false, "print JSON (schema above)")
	fl.BoolVar(&f.asXML, "xml", false, "print isolyzer's XML")
	return c
}

func runIdentify(c *cobra.Command, f *identifyFlags, name string) error {
	if f.asJSON && f.asXML {
		return usageError{errors.New("identify: --json and --xml exclude each other")}
	}
	if f.offset < 0 || f.scanLimit < 0 {
		return usageError{errors.New("identify: --offset and --scan-limit take 0 or more")}
	}
	fh, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("identify %s: %w", name, err)
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return fmt.Errorf("identify %s: %w", name, err)
	}
	size := fi.Size()
	if !fi.Mode().IsRegular() {
		// A block device reports size 0 in stat; ask it where it ends.
		if end, err := fh.Seek(0, io.SeekEnd); err == nil {
			size = end
		}
	}
	opt := &identify.Options{SectorOffset: f.offset, ScanLimit: f.scanLimit}
	if f.scanLimit == 0 {
		opt.ScanLimit = -1
	}
	rep, err := identify.Identify(fh, size, opt)
	if err != nil {
		return fmt.Errorf("identify %s: %w", name, err)
	}
	out := c.OutOrStdout()
	switch {
	case f.asJSON:
		if err := writeJSON(out, identifyJSON{Image: name, Report: rep}); err != nil {
			return outputError{err}
		}
	case f.asXML:
		abs, err := filepath.Abs(name)
		if err != nil {
			abs = name
		}
		info := identify.FileInfo{Name: filepath.Base(name), Path: abs, Size: size, ModTime: fi.ModTime()}
		if err := identify.WriteIsolyzerXML(out, "spindle", version, []identify.XMLImage{{File: info, Report: rep}}); err != nil {
			return outputError{err}
		}
	default:
		if err := writeIdentifyText(out, name, rep); err != nil {
			return outputError{err}
		}
	}
	switch rep.Verdict.Status {
	case identify.Truncated:
		return problemsFound{fmt.Sprintf("identify %s: %s", name, rep.Verdict.Text)}
	case identify.Unknown:
		return problemsFound{fmt.Sprintf("identify %s: no known file system", name)}
	}
	return nil
}

// writeIdentifyText prints the size and verdict, then one block per
// structure.
func writeIdentifyText(out io.Writer, name string, r *identify.Report) error {
	w := &fieldWriter{w: out}
	w.field("Image", name)
	w.field("Size", sizeWords(r.Size))
	verdict := r.Verdict.Text
	if r.Padding != "" {
		verdict += " (" + r.Padding + ")"
	}
	w.field("Verdict", verdict)
	if r.Expected > 0 {
		w.field("Expected size", fmt.Sprintf("%s, from %s", sizeWords(r.Expected), kindName(r.ExpectedFrom)))
	}
	if r.SectorOffset != 0 {
		how := "given"
		if r.SectorOffsetDetected {
			how = "detected"
		}
		w.field("Sector offset", fmt.Sprintf("%d (%s)", r.SectorOffset, how))
	}
	z := r.Isolyzer
	if z.SizeExpected != r.Expected {
		iz := "padded by " + fmt.Sprint(z.SizeDifference) + " bytes"
		switch {
		case z.SizeAsExpected:
			iz = "complete"
		case z.SmallerThanExpected:
			iz = "smaller than expected by " + fmt.Sprint(-z.SizeDifference) + " bytes"
		}
		w.field("isolyzer would say", fmt.Sprintf("%s (expected size %d)", iz, z.SizeExpected))
	}
	for i := range r.Structures {
		s := &r.Structures[i]
		if w.err == nil {
			_, w.err = fmt.Fprintf(out, "\n%s at byte %d\n", s.Name(), s.Offset)
		}
		for _, fd := range s.Fields() {
			w.field("  "+fd.Name, fd.Value)
		}
	}
	return w.err
}

func sizeWords(n int64) string {
	if n%identify.SectorSize == 0 {
		return fmt.Sprintf("%d bytes (%d sectors)", n, n/identify.SectorSize)
	}
	return fmt.Sprintf("%d bytes", n)
}

func kindName(t identify.Type) string {
	s := identify.Structure{Type: t}
	switch t {
	case identify.TypeISO9660:
		return "the ISO 9660 volume"
	case identify.TypeHighSierra:
		return "the High Sierra volume"
	case identify.TypeUDF:
		return "the UDF volume"
	case identify.TypeHFS:
		return "the HFS volume"
	case identify.TypeHFSPlus, identify.TypeHFSX:
		return "the HFS Plus volume"
	}
	return "the " + s.Name()
}
