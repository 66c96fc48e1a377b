package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"spindle/identify"
	"spindle/iso9660"
)

type identifyFlags struct {
	track     int
	offset    int64
	scanLimit int64
	asJSON    bool
	asXML     bool
}

// identifyJSON is the --json document: the image's name and the report.
type identifyJSON struct {
	Image string `json:"image"`
	// Layout and Track are set for a disc image: its tracks, and the
	// data track examined.
	Layout *layoutJSON    `json:"layout,omitempty"`
	Track  *readTrackJSON `json:"track,omitempty"`
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

IMAGE may also be the CUE sheet or cdrdao TOC file of a raw disc image
(BIN; by its .cue or .toc name, or by its content): the layout is reported
(sessions, and each track's mode, start, length and file), then what one
data track holds, read in place with its start on the disc as the offset —
by default the track a drive mounts (the first data track of the last
session: the data session of a CD-Extra disc), --track N another. Mode 1
and Mode 2 (CD-ROM XA form 1) tracks are read. Where the ISO 9660 volume
does not open at the layout's start (a TOC file leaves out the space
between sessions), the start is found from the root directory's place.

--xml writes isolyzer's XML (schema isolyzer-v-1-0.xsd), with isolyzer's own
figures, which differ from the verdict where isolyzer's estimate is off (it
leaves out UDF descriptors after the partition and HFS's last sectors, and
trusts an Apple driver descriptor's block size).

--json prints one object:
  image                   the name given
  layout                  for a disc image: {sheet, format (cue or toc),
                          mcn, sessions, tracks[]: {number, session, mode,
                          start, length, pregap, file, offset,
                          sector_size}}
  track                   for a disc image, the track examined: the fields
                          of a layout track, displacement (its disc block
                          as the volume counts) and displacement_from
                          (layout, detected or given); the fields below
                          are then about its data
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
  spindle identify --xml disc.iso > disc.isolyzer.xml
  spindle identify cdextra.cue`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runIdentify(c, f, args[0]) },
	}
	fl := c.Flags()
	fl.IntVar(&f.track, "track", 0, "for a CUE sheet or TOC file: the data track `N` to examine (default: the first data track of the last session)")
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
	if f.track < 0 || f.track > 99 {
		return usageError{errors.New("identify: --track takes a track number from 1 to 99")}
	}
	var r io.ReaderAt
	var size int64
	var modTime time.Time
	var li *layoutImage
	if kind := sheetKind(name); kind != "" {
		var err error
		if li, err = openLayoutImage(name, kind, f.track); err != nil {
			var nd *noDataTrackError
			if errors.As(err, &nd) && !f.asXML {
				// An audio disc: identified by its layout.
				if err := reportNoDataTrack(c.OutOrStdout(), nd, f.asJSON); err != nil {
					return outputError{err}
				}
				return nil
			}
			return verbError("identify", name, err)
		}
		defer li.Close()
		if f.offset > 0 {
			li.displacement, li.displacementFrom = f.offset, "given"
		} else if _, err := li.openVolume(iso9660.ReadOptions{}, 0); err != nil {
			var te *trackError
			if errors.As(err, &te) {
				return fmt.Errorf("identify %w", err)
			}
			// No ISO 9660 volume opens: the layout's start stands, and
			// the report says what the track holds.
		}
		r, size = li.data, li.size
		if fi, err := os.Stat(name); err == nil {
			modTime = fi.ModTime()
		}
	} else {
		if f.track != 0 {
			return usageError{fmt.Errorf("identify %s: --track picks a track of a CUE sheet or TOC file", name)}
		}
		fh, n, err := openSized(name)
		if err != nil {
			return fmt.Errorf("identify %s: %w", name, err)
		}
		defer fh.Close()
		r, size = fh, n
		if fi, err := fh.Stat(); err == nil {
			modTime = fi.ModTime()
		}
	}
	opt := &identify.Options{SectorOffset: f.offset, ScanLimit: f.scanLimit}
	if li != nil {
		opt.SectorOffset = li.displacement
	}
	if f.scanLimit == 0 {
		opt.ScanLimit = -1
	}
	rep, err := identify.Identify(r, size, opt)
	if err != nil {
		return fmt.Errorf("identify %s: %w", name, err)
	}
	out := c.OutOrStdout()
	switch {
	case f.asJSON:
		j := identifyJSON{Image: name, Report: rep}
		if li != nil {
			j.Layout, j.Track = li.layoutJSON(), li.trackJSON()
		}
		if err := writeJSON(out, j); err != nil {
			return outputError{err}
		}
	case f.asXML:
		abs, err := filepath.Abs(name)
		if err != nil {
			abs = name
		}
		info := identify.FileInfo{Name: filepath.Base(name), Path: abs, Size: size, ModTime: modTime}
		if err := identify.WriteIsolyzerXML(out, "spindle", version, []identify.XMLImage{{File: info, Report: rep}}); err != nil {
			return outputError{err}
		}
	default:
		if err := writeIdentifyText(out, name, li, rep); err != nil {
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
// structure; for a disc image, its layout and the track examined first.
func writeIdentifyText(out io.Writer, name string, li *layoutImage, r *identify.Report) error {
	w := &fieldWriter{w: out}
	w.field("Image", name)
	if li != nil {
		li.writeLayoutText(w)
		w.field("Track data size", sizeWords(r.Size))
	} else {
		w.field("Size", sizeWords(r.Size))
	}
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
		switch {
		case r.SectorOffsetDetected:
			how = "detected"
		case li != nil && li.displacementFrom == "detected":
			how = "detected from the root directory; the layout puts the track at " + fmt.Sprint(li.track.Start)
		case li != nil && li.displacementFrom == "layout":
			how = "the track's start in the layout"
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
