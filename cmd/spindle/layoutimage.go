package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"spindle/cd"
	"spindle/cue"
	"spindle/disc"
	"spindle/iso9660"
	"spindle/toc"
)

// The commands that read a file system (info, ls, extract, isosize,
// identify, verify) take, besides an ISO image or a device, the CUE sheet
// or cdrdao TOC file of a raw disc image (BIN): they read the file system
// of one of its data tracks in place, through the layout, as a drive
// presents it. That is how the data session of a CD-Extra (enhanced CD)
// is read: its ISO 9660 volume records block addresses that count from
// the start of the disc (ECMA-119 §9.1.3: an extent's location is a
// logical block number of the volume space, which a multi-session disc's
// later sessions share with the first), and the track's first block is
// the disc's block Track.Start, which the layout knows.

// Sheet kinds.
const (
	sheetCUE = "cue"
	sheetTOC = "toc"
)

// maxSniff bounds the files whose content is looked at to tell a sheet
// without a .cue or .toc name: sheets are text of a few kilobytes. Of a
// file that small, only the first 4 KiB are read, which in an ISO image
// are its system area (ECMA-119 §6.2.1): zeros or boot code, not text.
const maxSniff = 1 << 20

// sheetKind tells whether name is a CUE sheet or a cdrdao TOC file: by its
// extension, else, for a small regular file, by its first keyword. It
// returns "" for anything else (an ISO image, a device).
func sheetKind(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".cue":
		return sheetCUE
	case ".toc":
		return sheetTOC
	}
	fi, err := os.Stat(name)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxSniff || fi.Size() == 0 {
		return ""
	}
	fh, err := os.Open(name)
	if err != nil {
		return ""
	}
	defer fh.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(fh, head)
	return sniffSheet(head[:n])
}

// sniffSheet tells a CUE sheet from a TOC file by the first keyword of
// the text b begins with: CDRWIN's FILE, REM, TITLE, PERFORMER,
// SONGWRITER, CDTEXTFILE, CATALOG with bare digits, TRACK with a number;
// cdrdao's (cdrdao(1), "TOC files") CD_DA, CD_ROM, CD_ROM_XA, CD_I,
// CD_TEXT, CATALOG with a quoted number, TRACK with a mode, and its //
// comments. Text with NUL or other control bytes is neither.
func sniffSheet(b []byte) string {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return ""
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "//") {
			return sheetTOC
		}
		f := strings.Fields(line)
		next := ""
		if len(f) > 1 {
			next = f[1]
		}
		switch strings.ToUpper(f[0]) {
		case "FILE", "REM", "TITLE", "PERFORMER", "SONGWRITER", "CDTEXTFILE":
			return sheetCUE
		case "CD_DA", "CD_ROM", "CD_ROM_XA", "CD_I", "CD_TEXT":
			return sheetTOC
		case "CATALOG", "TRACK":
			switch {
			case next == "":
			case next[0] == '"' || unicode.IsLetter(rune(next[0])):
				return sheetTOC
			case next[0] >= '0' && next[0] <= '9':
				return sheetCUE
			}
		}
		return ""
	}
	return ""
}

// readSheet reads the layout a CUE sheet or TOC file describes, and the
// directory its files are named from. A sheet named by its extension is
// read as split and check read it (readLayout); one found by its content
// is parsed as the kind it was found to be.
func readSheet(name, kind string) (*disc.Layout, string, error) {
	if strings.EqualFold(filepath.Ext(name), "."+kind) {
		return readLayout(name)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, "", err
	}
	dir := filepath.Dir(name)
	if kind == sheetTOC {
		t, err := toc.Parse(bytes.NewReader(b), name)
		if err != nil {
			return nil, "", err
		}
		l, err := t.Disc(fileSizer(dir))
		return l, dir, err
	}
	s, err := cue.Options{Lenient: true}.Parse(bytes.NewReader(b), name)
	if err != nil {
		return nil, "", err
	}
	l, err := s.Disc(fileSizer(dir))
	return l, dir, err
}

// layoutImage is one data track of a disc image, read in place: its user
// data as 2048-byte logical blocks, and the disc block its first block is.
type layoutImage struct {
	sheet  string // the name given
	kind   string // sheetCUE or sheetTOC
	layout *disc.Layout
	track  *disc.Track
	// session is the number of the session holding track.
	session int
	// data holds the track's 2048-byte blocks from its INDEX 01 on; size
	// is its length in bytes.
	data io.ReaderAt
	size int64
	// displacement is the disc block that data's block 0 is as the
	// volume's recorded addresses count: the track's start from the
	// layout, unless found otherwise (displacementFrom).
	displacement int64
	// displacementFrom says where displacement comes from: "layout",
	// "detected" (from the root directory's place, when the layout does
	// not hold: a TOC file, or a sheet without REM SESSION, leaves out
	// the space between sessions) or "given" (--displacement, --offset).
	displacementFrom string
	reader           *disc.Reader
}

// Close closes the image's backing files.
func (li *layoutImage) Close() error { return li.reader.Close() }

// fsTrack reports whether a track of mode m can hold a file system of
// 2048-byte blocks: Mode 1 and XA Mode 2 form 1 sectors carry 2048 bytes
// of user data (ECMA-130 §14; the CD-ROM XA forms); a formless or mixed
// Mode 2 track of a sheet (MODE2/2352, MODE2/2336, MODE2_RAW) is read as
// form 1, the 2048 bytes after the subheader, as a CD-ROM XA drive reads
// it.
func fsTrack(m disc.Mode) bool {
	switch m {
	case disc.Mode1, disc.Mode2Form1, disc.Mode2, disc.Mode2Mixed:
		return true
	}
	return false
}

// defaultTrack is the track a drive mounts: the first data track of the
// last session that has one (the multi-session start MMC-6 READ TOC
// format 1 reports, which the Linux kernel's isofs reads), or nil.
func defaultTrack(l *disc.Layout) (*disc.Track, int) {
	for si := len(l.Sessions) - 1; si >= 0; si-- {
		s := &l.Sessions[si]
		for ti := range s.Tracks {
			if fsTrack(s.Tracks[ti].Mode) {
				return &s.Tracks[ti], s.Number
			}
		}
	}
	return nil, 0
}

// openLayoutImage reads the layout of the sheet name (kind sheetCUE or
// sheetTOC) and opens track n of it, or with n 0 the track a drive mounts.
// Errors name the sheet and the track.
func openLayoutImage(name, kind string, n int) (*layoutImage, error) {
	l, dir, err := readSheet(name, kind)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path == name {
			return nil, err // names the sheet already
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var t *disc.Track
	var sess int
	if n == 0 {
		if t, sess = defaultTrack(l); t == nil {
			return nil, &noDataTrackError{&layoutImage{sheet: name, kind: kind, layout: l}}
		}
	} else {
		for _, s := range l.Sessions {
			for ti := range s.Tracks {
				if s.Tracks[ti].Number == n {
					t, sess = &s.Tracks[ti], s.Number
				}
			}
		}
		if t == nil {
			return nil, usageError{fmt.Errorf("%s: --track %d: no such track (%s)", name, n, trackList(l))}
		}
		if !fsTrack(t.Mode) {
			return nil, usageError{fmt.Errorf("%s: track %d is %s: it holds no file system of 2048-byte blocks", name, n, t.Mode)}
		}
	}
	r, err := disc.NewReader(l, openBacking(dir))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	td, err := r.TrackData(t.Number)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	li := &layoutImage{sheet: name, kind: kind, layout: l, track: t, session: sess, reader: r,
		displacement: int64(t.Start), displacementFrom: "layout"}
	if t.Mode.UserSize() == cd.DataSectorSize {
		li.data, li.size = td, td.Size()
	} else {
		li.data = &form1Reader{r: td, sectors: int64(t.Length)}
		li.size = int64(t.Length) * cd.DataSectorSize
	}
	li.data = &trackErrorReader{r: li.data, track: t.Number}
	return li, nil
}

// verbError puts the command's verb before an error of openLayoutImage,
// which names the sheet ("verify disc.cue: track 2 ...").
func verbError(verb, name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == name {
		return fmt.Errorf("%s %s: %w", verb, name, err)
	}
	return fmt.Errorf("%s %w", verb, err)
}

// trackList names a layout's tracks and their modes for error messages:
// "tracks 1 audio, 2 mode1".
func trackList(l *disc.Layout) string {
	var b strings.Builder
	b.WriteString("tracks")
	for i, t := range l.Tracks() {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, " %d %s", t.Number, t.Mode)
	}
	return b.String()
}

// openVolume opens the ISO 9660 volume of the track in place. A
// displacement the caller gives (disp > 0) is used as it is; otherwise the
// layout's start of the track is tried, and when the volume does not open
// there, the displacement the root directory's place gives
// (iso9660.DetectDisplacement): a TOC file (one session per file) or a
// sheet without REM SESSION leaves out the lead-out, lead-in and pre-gap
// before a later session, so its layout puts the track too early.
func (li *layoutImage) openVolume(opt iso9660.ReadOptions, disp int64) (*iso9660.Image, error) {
	if disp > 0 {
		opt.Displacement = disp
		im, err := iso9660.Open(li.data, li.size, &opt)
		if err != nil {
			return nil, li.errorf(err)
		}
		li.displacement, li.displacementFrom = disp, "given"
		return im, nil
	}
	opt.Displacement = int64(li.track.Start)
	im, err := iso9660.Open(li.data, li.size, &opt)
	if err == nil || !errors.Is(err, iso9660.ErrFormat) {
		if err != nil {
			return nil, li.errorf(err)
		}
		return im, nil
	}
	if d, derr := iso9660.DetectDisplacement(li.data, li.size); derr == nil && int64(d) != opt.Displacement {
		o2 := opt
		o2.Displacement = int64(d)
		if im2, err2 := iso9660.Open(li.data, li.size, &o2); err2 == nil {
			li.displacement, li.displacementFrom = int64(d), "detected"
			return im2, nil
		}
	}
	return nil, li.errorf(err)
}

// errorf names the sheet and the track in err.
func (li *layoutImage) errorf(err error) error {
	var te *trackError
	if errors.As(err, &te) {
		return fmt.Errorf("%s: %w", li.sheet, err) // the read error names the track
	}
	return fmt.Errorf("%s: track %d (%s, disc block %d): %w", li.sheet, li.track.Number, li.track.Mode, li.track.Start, err)
}

// trackError is a read error of a track's data, naming the track (the
// commands name the sheet).
type trackError struct {
	track int
	err   error
}

func (e *trackError) Error() string { return fmt.Sprintf("track %d: %v", e.track, e.err) }

func (e *trackError) Unwrap() error { return e.err }

// trackErrorReader wraps the read errors of a track's data (disc.SectorError
// names the backing file, the sector and its byte offset) in a trackError.
type trackErrorReader struct {
	r     io.ReaderAt
	track int
}

func (t *trackErrorReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := t.r.ReadAt(p, off)
	if err != nil && err != io.EOF {
		err = &trackError{track: t.track, err: err}
	}
	return n, err
}

// form1Reader reads a Mode 2 track's user data (2336 bytes a sector: the
// 8-byte subheader, then the data) as XA form 1 blocks: the 2048 bytes
// after each subheader (ECMA-130 §14; the CD-ROM XA form 1 layout).
type form1Reader struct {
	r       io.ReaderAt // 2336-byte sectors
	sectors int64
}

// form1Chunk is how many sectors one read of the underlying track takes.
const form1Chunk = 32

func (f *form1Reader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("form 1 reader: negative offset %d", off)
	}
	size := f.sectors * cd.DataSectorSize
	if off >= size {
		return 0, io.EOF
	}
	want := len(p)
	if int64(want) > size-off {
		p = p[:size-off]
	}
	var buf []byte
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		sec, in := pos/cd.DataSectorSize, int(pos%cd.DataSectorSize)
		k := min(int64(form1Chunk), f.sectors-sec, (int64(in+len(p)-n)+cd.DataSectorSize-1)/cd.DataSectorSize)
		if buf == nil {
			// As large as this call needs, up to a chunk: most reads
			// of a file system are of a block or less.
			buf = make([]byte, k*cd.Mode2SectorSize)
		}
		b := buf[:k*cd.Mode2SectorSize]
		if m, err := f.r.ReadAt(b, sec*cd.Mode2SectorSize); m < len(b) {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return n, err
		}
		for j := int64(0); j < k && n < len(p); j++ {
			s := b[j*cd.Mode2SectorSize+8 : j*cd.Mode2SectorSize+8+cd.DataSectorSize]
			n += copy(p[n:], s[in:])
			in = 0
		}
	}
	if n < want {
		return n, io.EOF
	}
	return n, nil
}

// inPlaceView presents a track's blocks where they are on the disc: lead
// bytes of zeros (the blocks before the track), then the track. Checks
// that take a session start rather than a displacement (isocheck, isomd5)
// read a later session through it with the addresses it records.
type inPlaceView struct {
	r    io.ReaderAt
	lead int64
}

func (v *inPlaceView) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("negative offset %d", off)
	}
	n := 0
	if off < v.lead {
		k := int(min(int64(len(p)), v.lead-off))
		clear(p[:k])
		n = k
		if n == len(p) {
			return n, nil
		}
	}
	m, err := v.r.ReadAt(p[n:], off+int64(n)-v.lead)
	return n + m, err
}

// layoutTrackJSON is a track of a disc image's layout in --json output
// (the fields "spindle drive info --json" gives a disc's tracks, and where
// the image stores it).
type layoutTrackJSON struct {
	Number  int    `json:"number"`
	Session int    `json:"session"`
	Mode    string `json:"mode"`
	Start   int64  `json:"start"`
	Length  int64  `json:"length"`
	Pregap  int64  `json:"pregap,omitempty"`
	File    string `json:"file,omitempty"`
	Offset  int64  `json:"offset,omitempty"`
	// SectorSize is the bytes each sector takes in File.
	SectorSize int `json:"sector_size,omitempty"`
}

// layoutJSON is a disc image's layout in --json output.
type layoutJSON struct {
	Sheet    string            `json:"sheet"`
	Format   string            `json:"format"` // cue or toc
	MCN      string            `json:"mcn,omitempty"`
	Sessions int               `json:"sessions"`
	Tracks   []layoutTrackJSON `json:"tracks"`
}

// readTrackJSON is the track read, in --json output.
type readTrackJSON struct {
	layoutTrackJSON
	// Displacement is the disc block of the track's first block, as
	// the volume records addresses; DisplacementFrom says how it was
	// found: layout, detected or given.
	Displacement     int64  `json:"displacement"`
	DisplacementFrom string `json:"displacement_from"`
}

func newLayoutTrackJSON(t *disc.Track, session int) layoutTrackJSON {
	j := layoutTrackJSON{Number: t.Number, Session: session, Mode: t.Mode.String(), Start: int64(t.Start),
		Length: int64(t.Length), Pregap: int64(t.Pregap)}
	// Where INDEX 01 is stored: the segment holding the track's first
	// sector after its pre-gap.
	at := t.Start - cd.LBA(t.Pregap)
	for _, d := range t.Data {
		if at.Add(d.Sectors) > t.Start && d.File != "" {
			j.File, j.SectorSize = d.File, d.SectorSize
			j.Offset = d.Offset + int64(max(0, t.Start-at))*int64(d.SectorSize)
			break
		}
		at = at.Add(d.Sectors)
	}
	return j
}

func (li *layoutImage) layoutJSON() *layoutJSON {
	j := &layoutJSON{Sheet: li.sheet, Format: li.kind, MCN: li.layout.MCN, Sessions: len(li.layout.Sessions), Tracks: []layoutTrackJSON{}}
	for _, s := range li.layout.Sessions {
		for ti := range s.Tracks {
			j.Tracks = append(j.Tracks, newLayoutTrackJSON(&s.Tracks[ti], s.Number))
		}
	}
	return j
}

func (li *layoutImage) trackJSON() *readTrackJSON {
	return &readTrackJSON{layoutTrackJSON: newLayoutTrackJSON(li.track, li.session),
		Displacement: li.displacement, DisplacementFrom: li.displacementFrom}
}

// writeLayoutText prints the layout, one line per track, and which track
// is read.
func (li *layoutImage) writeLayoutText(w *fieldWriter) {
	l := li.layout
	kind := "CUE sheet"
	if li.kind == sheetTOC {
		kind = "cdrdao TOC file"
	}
	what := fmt.Sprintf("%s, %s, %s", kind, plural(len(l.Sessions), "session"), plural(len(l.Tracks()), "track"))
	if l.MCN != "" {
		what += ", catalog " + l.MCN
	}
	w.field("Layout", what)
	for _, s := range l.Sessions {
		for ti := range s.Tracks {
			j := newLayoutTrackJSON(&s.Tracks[ti], s.Number)
			line := fmt.Sprintf("session %d, %s, block %d, %d sectors", j.Session, j.Mode, j.Start, j.Length)
			if j.File != "" {
				line += fmt.Sprintf(", %s at byte %d (%d-byte sectors)", j.File, j.Offset, j.SectorSize)
			}
			w.field(fmt.Sprintf("Track %d", j.Number), line)
		}
	}
	w.field("Reading", li.readingText())
}

// noDataTrackError is openLayoutImage's error for a disc image none of
// whose tracks holds a file system (an audio CD). Commands that describe
// an image (info, identify) report its layout instead of failing.
type noDataTrackError struct {
	li *layoutImage // the layout, with no track to read
}

func (e *noDataTrackError) Error() string {
	return fmt.Sprintf("%s: no data track holds a file system (%s)", e.li.sheet, trackList(e.li.layout))
}

// noDataTrackVerdict is what info and identify say of such an image.
const noDataTrackVerdict = "no data track: no file system to read (an audio disc)"

// reportNoDataTrack prints the layout of a disc image without a data
// track, as text or JSON.
func reportNoDataTrack(out io.Writer, e *noDataTrackError, asJSON bool) error {
	if asJSON {
		return writeJSON(out, struct {
			Image   string      `json:"image"`
			Layout  *layoutJSON `json:"layout"`
			Verdict string      `json:"verdict"`
		}{e.li.sheet, e.li.layoutJSON(), noDataTrackVerdict})
	}
	w := &fieldWriter{w: out}
	w.field("Image", e.li.sheet)
	e.li.writeLayoutText(w)
	return w.err
}

// readingText says which track is read and where its addresses count
// from.
func (li *layoutImage) readingText() string {
	t := li.track
	if t == nil {
		return noDataTrackVerdict
	}
	s := fmt.Sprintf("track %d (%s, session %d), in place at disc block %d", t.Number, t.Mode, li.session, li.displacement)
	switch li.displacementFrom {
	case "detected":
		s += fmt.Sprintf(" (detected from the root directory; the layout puts the track at block %d)", t.Start)
	case "given":
		s += " (given)"
	}
	return s
}

// sheetHelp is the paragraph of --help on reading a disc image.
const sheetHelp = `IMAGE may also be the CUE sheet or cdrdao TOC file of a raw disc image
(BIN; by its .cue or .toc name, or by its content): the file system of a
data track is read in place, through the layout — by default the track a
drive mounts (the first data track of the last session: the data session
of a CD-Extra disc, whose addresses count from the start of the disc),
--track N another. Mode 1 and Mode 2 (CD-ROM XA form 1) tracks are read.
The disc block where the track starts comes from the layout; where the
volume does not open there (a TOC file leaves out the space between
sessions), it is found from the root directory's place. A disc image with
no data track (an audio CD) has no file system: info and identify print
its layout.`
