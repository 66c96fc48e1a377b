package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"spindle/cd"
	"spindle/iso9660"
)

// runErr runs one command line in process and returns its standard
// output, its exit status and the error main would print.
func runErr(t *testing.T, args ...string) (string, int, error) {
	t.Helper()
	root := newRootCmd()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	ctx := context.Background()
	if err := root.ExecuteContext(ctx); err != nil {
		return out.String(), exitCode(ctx, err), err
	}
	return out.String(), exitOK, nil
}

// cdExtra is an enhanced CD built for the tests: audio in session 1, an
// ISO 9660 volume mastered for its place in session 2.
type cdExtra struct {
	dir     string
	iso     []byte // the session as mastered
	dataLBA int    // where it starts on the disc
}

const (
	extraAudio = 225 // sectors of audio in session 1
	// extraDataLBA is where session 2's track starts: after the audio,
	// the first lead-out (6750), the second lead-in (4500) and the
	// pre-gap (150) that an image leaves out (disc.NextSessionStart).
	extraDataLBA = extraAudio + 6750 + 4500 + 150
	extraReadme  = "bonus material for the enhanced CD\n"
)

// buildCDExtra masters a small tree for disc block extraDataLBA with the
// project's writer (spindle master -C, as mkisofs -C), encodes it as raw
// sectors of mode (cd.Mode1 or cd.Mode2Form1, CD-ROM XA) after 225 audio
// sectors in one BIN, and writes a CUE sheet (REM SESSION 02) and a
// cdrdao TOC file (one session: cdrdao writes one per session) for it.
func buildCDExtra(t *testing.T, mode cd.SectorMode) *cdExtra {
	t.Helper()
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	os.MkdirAll(filepath.Join(tree, "docs"), 0o755)
	os.WriteFile(filepath.Join(tree, "docs", "readme.txt"), []byte(extraReadme), 0o644)
	os.WriteFile(filepath.Join(tree, "big.dat"), bytes.Repeat([]byte("0123456789abcdef"), 40000), 0o644)
	isoPath := filepath.Join(dir, "session2.iso")
	if _, code, err := runErr(t, "master", "-R", "-J", "-q", "-V", "EXTRA", "-C", "0,"+strconv.Itoa(extraDataLBA), "-o", isoPath, tree); code != exitOK {
		t.Fatalf("master: exit %d: %v", code, err)
	}
	iso, err := os.ReadFile(isoPath)
	if err != nil {
		t.Fatal(err)
	}
	var bin bytes.Buffer
	for i := 0; i < extraAudio*cd.RawSectorSize/4; i++ {
		bin.Write([]byte{byte(i), byte(i >> 8), byte(i >> 3), 0x10})
	}
	var sec [cd.RawSectorSize]byte
	sub := [4]byte{}
	xa := "MODE1"
	if mode == cd.Mode2Form1 {
		sub = [4]byte{0, 0, 8, 0} // submode: data (CD-ROM XA)
		xa = "MODE2"
	}
	for i := 0; i < len(iso)/cd.DataSectorSize; i++ {
		if err := cd.EncodeSector(&sec, cd.LBA(extraDataLBA+i), mode, iso[i*cd.DataSectorSize:(i+1)*cd.DataSectorSize], sub); err != nil {
			t.Fatal(err)
		}
		bin.Write(sec[:])
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("extra.bin", bin.String())
	write("extra.cue", "FILE \"extra.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n"+
		"REM SESSION 02\n  TRACK 02 "+xa+"/2352\n    INDEX 01 00:03:00\n")
	write("extra.toc", "CD_ROM_XA\n\nTRACK AUDIO\nFILE \"extra.bin\" 0 00:03:00\n\n"+
		"TRACK "+xa+"_RAW\nDATAFILE \"extra.bin\" #"+strconv.Itoa(extraAudio*cd.RawSectorSize)+"\n")
	return &cdExtra{dir: dir, iso: iso, dataLBA: extraDataLBA}
}

// TestLayoutImageCDExtra: info, ls, extract, isosize, identify and verify
// read the data session of an enhanced CD in place from its CUE sheet, its
// TOC file and a sheet known by its content alone, in Mode 1 and in Mode 2
// form 1 (CD-ROM XA). The sheet's layout puts the track where its
// addresses count from; the TOC's leaves out the space between sessions,
// and the place is found from the root directory.
func TestLayoutImageCDExtra(t *testing.T) {
	for _, mode := range []cd.SectorMode{cd.Mode1, cd.Mode2Form1} {
		x := buildCDExtra(t, mode)
		// The same CUE sheet, named neither .cue nor .toc.
		cueText, _ := os.ReadFile(filepath.Join(x.dir, "extra.cue"))
		os.WriteFile(filepath.Join(x.dir, "extra.sheet"), cueText, 0o644)
		tocText, _ := os.ReadFile(filepath.Join(x.dir, "extra.toc"))
		os.WriteFile(filepath.Join(x.dir, "extra-toc.txt"), tocText, 0o644)
		for _, c := range []struct {
			sheet, from string
			sessions    int
		}{
			{"extra.cue", "layout", 2},
			{"extra.toc", "detected", 1},
			{"extra.sheet", "layout", 2},
			{"extra-toc.txt", "detected", 1},
		} {
			t.Run(fmt.Sprintf("%v/%s", mode, c.sheet), func(t *testing.T) {
				testCDExtraSheet(t, x, filepath.Join(x.dir, c.sheet), c.from, c.sessions)
			})
		}
	}
}

func testCDExtraSheet(t *testing.T, x *cdExtra, sheet, from string, sessions int) {
	must := func(args ...string) string {
		t.Helper()
		out, code, err := runErr(t, args...)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %v\n%s", strings.Join(args, " "), code, err, out)
		}
		return out
	}
	// info: the volume, the layout, the track read and where from.
	out := must("info", sheet)
	for _, re := range []string{`(?m)^Volume id: +EXTRA$`, `(?m)^Track 1: +session 1, audio, block 0, 225 sectors`,
		`(?m)^Reading: +track 2 \(mode[12].*\), in place at disc block ` + strconv.Itoa(x.dataLBA)} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("info: no %s in\n%s", re, out)
		}
	}
	var info infoReport
	if err := json.Unmarshal([]byte(must("info", "--json", sheet)), &info); err != nil {
		t.Fatal(err)
	}
	if info.Track == nil || info.Track.Number != 2 || info.Track.Displacement != int64(x.dataLBA) || info.Track.DisplacementFrom != from ||
		info.Displacement != int64(x.dataLBA) || info.Layout == nil || info.Layout.Sessions != sessions || len(info.Layout.Tracks) != 2 ||
		info.Size != int64(len(x.iso)) {
		t.Errorf("info --json: track %+v, layout %+v, size %d", info.Track, info.Layout, info.Size)
	}
	// ls -l: the files with their blocks on the disc.
	out = must("ls", "-l", sheet)
	m := regexp.MustCompile(`(?m)^-r.* ` + strconv.Itoa(len(extraReadme)) + ` .* \[ *(\d+)\] /docs/readme\.txt$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("ls -l: no /docs/readme.txt in\n%s", out)
	}
	if lba, _ := strconv.Atoi(m[1]); lba < x.dataLBA {
		t.Errorf("ls -l: readme.txt at block %d, before the session at %d", lba, x.dataLBA)
	}
	if !strings.Contains(out, " 640000 ") || !strings.Contains(out, "/big.dat") {
		t.Errorf("ls -l: no /big.dat of 640000 bytes in\n%s", out)
	}
	// extract: the files' content.
	dest := t.TempDir()
	must("extract", "-q", sheet, "-C", dest)
	if b, err := os.ReadFile(filepath.Join(dest, "docs", "readme.txt")); err != nil || string(b) != extraReadme {
		t.Errorf("extract: readme.txt %q, %v", b, err)
	}
	if b, err := os.ReadFile(filepath.Join(dest, "big.dat")); err != nil || !bytes.Equal(b, bytes.Repeat([]byte("0123456789abcdef"), 40000)) {
		t.Errorf("extract: big.dat of %d bytes, %v", len(b), err)
	}
	// isosize: the volume's size, which counts from the start of the disc.
	im, err := iso9660.Open(bytes.NewReader(x.iso), int64(len(x.iso)), &iso9660.ReadOptions{Displacement: int64(x.dataLBA)})
	if err != nil {
		t.Fatal(err)
	}
	v := im.Volume()
	if got, want := strings.TrimSpace(must("isosize", sheet)), fmt.Sprint(int64(v.VolumeSpaceSize)*int64(v.LogicalBlockSize)); got != want {
		t.Errorf("isosize: %s, want %s", got, want)
	}
	// identify: the layout, and a complete volume in the track.
	out = must("identify", sheet)
	for _, re := range []string{`(?m)^Layout: +(CUE sheet|cdrdao TOC file), ` + strconv.Itoa(sessions) + ` sessions?, 2 tracks$`,
		`(?m)^Track 2: +session \d, mode[12]`, `(?m)^Verdict: +complete`, `(?m)^Sector offset: +` + strconv.Itoa(x.dataLBA) + ` `} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("identify: no %s in\n%s", re, out)
		}
	}
	var id struct {
		Layout  *layoutJSON    `json:"layout"`
		Track   *readTrackJSON `json:"track"`
		Verdict struct{ Status string }
		Offset  int64 `json:"sector_offset"`
	}
	if err := json.Unmarshal([]byte(must("identify", "--json", sheet)), &id); err != nil {
		t.Fatal(err)
	}
	if id.Layout == nil || id.Track == nil || id.Track.Number != 2 || id.Verdict.Status != "complete" || id.Offset != int64(x.dataLBA) {
		t.Errorf("identify --json: layout %+v, track %+v, verdict %q, offset %d", id.Layout, id.Track, id.Verdict.Status, id.Offset)
	}
	// verify: the file system checks clean in place.
	out = must("verify", sheet)
	if !strings.Contains(out, "No errors found") || !strings.Contains(out, "in place at disc block "+strconv.Itoa(x.dataLBA)) {
		t.Errorf("verify:\n%s", out)
	}
	var vj verifyJSON
	if err := json.Unmarshal([]byte(must("verify", "--json", sheet)), &vj); err != nil || !vj.OK || vj.Track == nil || vj.Track.Number != 2 {
		t.Errorf("verify --json: %v, ok %v, track %+v", err, vj.OK, vj.Track)
	}
}

// TestLayoutImageErrors: the track that holds no file system, a track
// that does not exist, a missing BIN, damaged data and options that belong
// to image files are refused with errors that name the sheet and the
// track; damage inside the volume is reported by verify.
func TestLayoutImageErrors(t *testing.T) {
	x := buildCDExtra(t, cd.Mode1)
	sheet := filepath.Join(x.dir, "extra.cue")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"ls", "--track", "1", sheet}, exitUsage, "extra.cue: track 1 is audio"},
		{[]string{"info", "--track", "7", sheet}, exitUsage, "extra.cue: --track 7: no such track (tracks 1 audio, 2 mode1)"},
		{[]string{"identify", "--track", "1", sheet}, exitUsage, "track 1 is audio"},
		{[]string{"verify", "--track", "1", sheet}, exitUsage, "track 1 is audio"},
		{[]string{"ls", "--session", "16", sheet}, exitUsage, "--track"},
		{[]string{"verify", "--session-start", "16", sheet}, exitUsage, "--track"},
		{[]string{"ls", "--track", "2", filepath.Join(x.dir, "session2.iso")}, exitUsage, "CUE sheet or TOC file"},
	} {
		_, code, err := runErr(t, c.args...)
		if code != c.code || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: exit %d, %v; want exit %d and %q", c.args, code, err, c.code, c.want)
		}
	}

	// An audio-only sheet has nothing to read.
	os.WriteFile(filepath.Join(x.dir, "audio.cue"), []byte("FILE \"extra.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n"), 0o644)
	if _, code, err := runErr(t, "ls", filepath.Join(x.dir, "audio.cue")); code != exitUsage || err == nil || !strings.Contains(err.Error(), "no data track") {
		t.Errorf("ls of an audio sheet: exit %d, %v", code, err)
	}
	// A missing BIN is named.
	os.WriteFile(filepath.Join(x.dir, "gone.cue"), bytes.ReplaceAll(readOrFail(t, sheet), []byte("extra.bin"), []byte("gone.bin")), 0o644)
	if _, code, err := runErr(t, "info", filepath.Join(x.dir, "gone.cue")); code != exitUsage || err == nil || !strings.Contains(err.Error(), "gone.bin") {
		t.Errorf("info with a missing BIN: exit %d, %v", code, err)
	}
	// A data track of zeros holds no volume: the error names the track.
	bin := readOrFail(t, filepath.Join(x.dir, "extra.bin"))
	zero := bytes.Clone(bin)
	var sec [cd.RawSectorSize]byte
	for i := 0; i < len(x.iso)/cd.DataSectorSize; i++ {
		cd.EncodeSector(&sec, cd.LBA(x.dataLBA+i), cd.Mode1, make([]byte, cd.DataSectorSize), [4]byte{})
		copy(zero[(extraAudio+i)*cd.RawSectorSize:], sec[:])
	}
	os.WriteFile(filepath.Join(x.dir, "zero.bin"), zero, 0o644)
	zcue := filepath.Join(x.dir, "zero.cue")
	os.WriteFile(zcue, bytes.ReplaceAll(readOrFail(t, sheet), []byte("extra.bin"), []byte("zero.bin")), 0o644)
	for _, cmd := range []string{"info", "ls", "isosize", "extract", "verify"} {
		args := []string{cmd, zcue}
		if cmd == "extract" {
			args = append(args, "-C", t.TempDir())
		}
		_, code, err := runErr(t, args...)
		if code != exitUsage || err == nil || !strings.Contains(err.Error(), "zero.cue: track 2 (mode1, disc block "+strconv.Itoa(x.dataLBA)+")") {
			t.Errorf("%s of a track of zeros: exit %d, %v", cmd, code, err)
		}
	}
	if out, code, _ := runErr(t, "identify", zcue); code != exitProblems || !strings.Contains(out, "Track 2:") {
		t.Errorf("identify of a track of zeros: exit %d\n%s", code, out)
	}
	// A BIN cut short inside the session: the volume is truncated, which
	// identify and verify report (exit 1) and ls still lists what is there.
	cut := bin[:len(bin)-40*cd.RawSectorSize]
	os.WriteFile(filepath.Join(x.dir, "cut.bin"), cut, 0o644)
	ccue := filepath.Join(x.dir, "cut.cue")
	os.WriteFile(ccue, bytes.ReplaceAll(readOrFail(t, sheet), []byte("extra.bin"), []byte("cut.bin")), 0o644)
	if out, code, _ := runErr(t, "verify", ccue); code != exitProblems || !strings.Contains(out, "truncated") {
		t.Errorf("verify of a cut image: exit %d\n%s", code, out)
	}
	if out, code, _ := runErr(t, "identify", ccue); code != exitProblems || !strings.Contains(out, "truncated") {
		t.Errorf("identify of a cut image: exit %d\n%s", code, out)
	}
	if out, code, err := runErr(t, "ls", ccue); code != exitOK || !strings.Contains(out, "/docs/readme.txt") {
		t.Errorf("ls of a cut image: exit %d, %v\n%s", code, err, out)
	}
}

// readOrFail reads a file the test wrote.
func readOrFail(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLayoutImageFixtures: libcdio's raw Mode 1 image (isofs-m1.bin) is
// read through its CUE sheet and its TOC file as cd-info lists it
// (isofs-m1.right), and in a mixed-mode layout with libcdio's audio
// image (cdda.bin) after it, and before it, where the sheet puts the data
// track at block 302 while its volume records addresses from block 0:
// the displacement is then found from the root directory.
func TestLayoutImageFixtures(t *testing.T) {
	fx := filepath.Join("..", "..", "..", "shared", "testdata", "cuetoc", "libcdio")
	for _, f := range []string{"isofs-m1.bin", "isofs-m1.cue", "isofs-m1.toc", "cdda.bin"} {
		if _, err := os.Stat(filepath.Join(fx, f)); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("fixture: %v", err)
			}
			t.Skipf("fixture: %v", err)
		}
	}
	// The mixed-mode sheets name the fixtures through links beside them.
	dir := t.TempDir()
	for _, f := range []string{"isofs-m1.bin", "cdda.bin"} {
		abs, err := filepath.Abs(filepath.Join(fx, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(abs, filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	mixed := filepath.Join(dir, "mixed.cue")
	os.WriteFile(mixed, []byte("FILE \"isofs-m1.bin\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n"+
		"FILE \"cdda.bin\" BINARY\n  TRACK 02 AUDIO\n    INDEX 01 00:00:00\n"), 0o644)
	audioFirst := filepath.Join(dir, "audiofirst.cue")
	os.WriteFile(audioFirst, []byte("FILE \"cdda.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n"+
		"FILE \"isofs-m1.bin\" BINARY\n  TRACK 02 MODE1/2352\n    INDEX 01 00:00:00\n"), 0o644)
	for _, c := range []struct {
		sheet string
		track int
		from  string
	}{
		{filepath.Join(fx, "isofs-m1.cue"), 1, "layout"},
		{filepath.Join(fx, "isofs-m1.toc"), 1, "layout"},
		{mixed, 1, "layout"},
		{audioFirst, 2, "detected"},
	} {
		t.Run(filepath.Base(c.sheet), func(t *testing.T) {
			// cd-info's listing (isofs-m1.right): COPYING of 17992 bytes
			// at LSN 26, doc at 24, doc/readme.txt of 648 bytes at 35.
			out, code, err := runErr(t, "ls", "-l", c.sheet)
			if code != exitOK {
				t.Fatalf("ls: exit %d: %v", code, err)
			}
			for _, re := range []string{`(?m)^-rw-r--r-- +1 +715 +715 +17992 2002-07-29 .* \[ +26\] /COPYING$`,
				`(?m)^drwxrwxr-x +2 +715 +715 +2048 .* \[ +24\] /doc$`, `(?m)^-rw-rw-r-- +1 +715 +715 +648 .* \[ +35\] /doc/readme\.txt$`} {
				if !regexp.MustCompile(re).MatchString(out) {
					t.Errorf("ls -l: no %s in\n%s", re, out)
				}
			}
			var info infoReport
			out, code, err = runErr(t, "info", "--json", c.sheet)
			if code != exitOK || json.Unmarshal([]byte(out), &info) != nil {
				t.Fatalf("info: exit %d: %v\n%s", code, err, out)
			}
			if info.Volume.VolumeID != "CDROM" || info.Track.Number != c.track || info.Track.DisplacementFrom != c.from || info.Displacement != 0 {
				t.Errorf("info: volume %q, track %+v, displacement %d", info.Volume.VolumeID, info.Track, info.Displacement)
			}
			dest := t.TempDir()
			if _, code, err := runErr(t, "extract", "-q", c.sheet, "/doc", "-C", dest); code != exitOK {
				t.Fatalf("extract: exit %d: %v", code, err)
			}
			if b, err := os.ReadFile(filepath.Join(dest, "doc", "readme.txt")); err != nil || len(b) != 648 {
				t.Errorf("extract: readme.txt of %d bytes, %v", len(b), err)
			}
			if out, code, err := runErr(t, "verify", c.sheet); code != exitOK || !strings.Contains(out, "No errors found") {
				t.Errorf("verify: exit %d: %v\n%s", code, err, out)
			}
			// cd-info: "ISO 9660: 64 blocks"; the track holds 302 sectors.
			out, code, err = runErr(t, "identify", c.sheet)
			if code != exitOK || !strings.Contains(out, "Expected size:          131072 bytes (64 sectors)") || !strings.Contains(out, "padded by 238 sectors") {
				t.Errorf("identify: exit %d: %v\n%s", code, err, out)
			}
			if out, _, _ := runErr(t, "isosize", c.sheet); strings.TrimSpace(out) != "131072" {
				t.Errorf("isosize: %q", out)
			}
		})
	}
}

// TestSniffSheet: sheets are told by their first keyword, and other files
// are not taken for sheets.
func TestSniffSheet(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"FILE \"a.bin\" BINARY\n  TRACK 01 MODE1/2352\n", sheetCUE},
		{"\xef\xbb\xbfREM GENRE Rock\nFILE \"a.bin\" BINARY\n", sheetCUE},
		{"\n\nCATALOG 0000012101954\nFILE \"a.bin\" BINARY\n", sheetCUE},
		{"TRACK 01 AUDIO\n", sheetCUE},
		{"performer \"x\"\n", sheetCUE},
		{"CD_ROM\n\nTRACK MODE1_RAW\nFILE \"a.bin\" 0\n", sheetTOC},
		{"// cdrdao\nCD_DA\n", sheetTOC},
		{"CATALOG \"0000012101954\"\nCD_DA\n", sheetTOC},
		{"TRACK AUDIO\n", sheetTOC},
		{"", ""},
		{"hello world\n", ""},
		{"FILE \"a.bin\" BINARY\x00\x00", ""},
		{string(make([]byte, 4096)), ""},
	} {
		if got := sniffSheet([]byte(c.text)); got != c.want {
			t.Errorf("sniffSheet(%q) = %q, want %q", c.text, got, c.want)
		}
	}
	// Files: by extension first, then by content; ISO images are not
	// sheets.
	dir := t.TempDir()
	iso := filepath.Join(dir, "sample.iso")
	if _, code, err := runErr(t, "master", "--sample", "-q", "-o", iso); code != exitOK {
		t.Fatalf("master: %v", err)
	}
	plain := filepath.Join(dir, "disc")
	os.WriteFile(plain, []byte("CD_DA\n"), 0o644)
	for name, want := range map[string]string{"x.CUE": sheetCUE, "x.toc": sheetTOC, iso: "", plain: sheetTOC, filepath.Join(dir, "none"): ""} {
		if got := sheetKind(name); got != want {
			t.Errorf("sheetKind(%s) = %q, want %q", name, got, want)
		}
	}
}

// TestForm1Reader: the 2048 bytes after each subheader of 2336-byte
// Mode 2 sectors, read at any offset and length.
func TestForm1Reader(t *testing.T) {
	const n = 70
	var raw, want bytes.Buffer
	for i := 0; i < n; i++ {
		raw.Write([]byte{0, 0, 8, 0, 0, 0, 8, 0})
		user := bytes.Repeat([]byte{byte(i), byte(i * 7), byte(i * 13)}, cd.DataSectorSize/3+1)[:cd.DataSectorSize]
		raw.Write(user)
		raw.Write(bytes.Repeat([]byte{0xEE}, cd.Mode2SectorSize-8-cd.DataSectorSize))
		want.Write(user)
	}
	f := &form1Reader{r: bytes.NewReader(raw.Bytes()), sectors: n}
	for _, c := range []struct{ off, n int }{
		{0, 2048}, {5, 10}, {2040, 20}, {0, n * 2048}, {100, 40 * 2048}, {n*2048 - 3, 3}, {33 * 2048, 2048 * 32},
	} {
		got := make([]byte, c.n)
		k, err := f.ReadAt(got, int64(c.off))
		if k != c.n || err != nil || !bytes.Equal(got, want.Bytes()[c.off:c.off+c.n]) {
			t.Errorf("ReadAt(%d bytes at %d): %d, %v, equal %v", c.n, c.off, k, err, bytes.Equal(got, want.Bytes()[c.off:c.off+c.n]))
		}
	}
	got := make([]byte, 10)
	if k, err := f.ReadAt(got, n*2048-4); k != 4 || err != io.EOF {
		t.Errorf("ReadAt past the end: %d, %v", k, err)
	}
	short := &form1Reader{r: bytes.NewReader(raw.Bytes()[:5*cd.Mode2SectorSize]), sectors: n}
	if _, err := short.ReadAt(make([]byte, 2048), 6*2048); err == nil || errors.Is(err, io.EOF) {
		t.Errorf("ReadAt of a missing sector: %v", err)
	}
}
