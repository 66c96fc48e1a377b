package main

import (
	"bytes"
	"context"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"spindle/cd"
	"spindle/internal/testtool"
	"spindle/iso9660"
)

// TestSplitMixedMode builds a mixed-mode BIN/CUE the way a disc is laid
// out: an ISO image as MODE1/2352 sectors with EDC and ECC, then two audio
// tracks (a tone, the second with an INDEX 00 pre-gap), and a MODE2/2352
// form 1 track. spindle split gives back the ISO byte for byte, and the
// same files bchunk writes in each of its modes.
func TestSplitMixedMode(t *testing.T) {
	dir := t.TempDir()
	iso := filepath.Join(dir, "data.iso")
	if code := run(context.Background(), []string{"master", "--sample", "-q", "-o", iso}); code != 0 {
		t.Fatalf("master: exit %d", code)
	}
	data, err := os.ReadFile(iso)
	if err != nil {
		t.Fatal(err)
	}
	var bin bytes.Buffer
	var sec [cd.RawSectorSize]byte
	lba := cd.LBA(0)
	for off := 0; off < len(data); off += cd.DataSectorSize {
		if err := cd.EncodeSector(&sec, lba, cd.Mode1, data[off:off+cd.DataSectorSize], [4]byte{}); err != nil {
			t.Fatal(err)
		}
		bin.Write(sec[:])
		lba++
	}
	audioStart := bin.Len() / cd.RawSectorSize
	// 3 s of a 440 Hz tone, little-endian stereo.
	for i := 0; i < 3*44100; i++ {
		v := int16(8000 * math.Sin(2*math.Pi*440*float64(i)/44100))
		bin.Write([]byte{byte(v), byte(v >> 8), byte(v), byte(v >> 8)})
	}
	mode2Start := bin.Len() / cd.RawSectorSize
	for i := 0; i < 20; i++ {
		user := bytes.Repeat([]byte{byte(i)}, cd.DataSectorSize)
		if err := cd.EncodeSector(&sec, lba, cd.Mode2Form1, user, [4]byte{0, 0, 8, 0}); err != nil {
			t.Fatal(err)
		}
		bin.Write(sec[:])
		lba++
	}
	if err := os.WriteFile(filepath.Join(dir, "disc.bin"), bin.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	msf := func(f int) string {
		m, err := cd.MSFFromFrames(cd.Frames(f))
		if err != nil {
			t.Fatal(err)
		}
		return m.String()
	}
	sheet := "FILE \"disc.bin\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n" +
		"  TRACK 02 AUDIO\n    INDEX 01 " + msf(audioStart) + "\n" +
		"  TRACK 03 AUDIO\n    INDEX 00 " + msf(audioStart+75) + "\n    INDEX 01 " + msf(audioStart+100) + "\n" +
		"  TRACK 04 MODE2/2352\n    INDEX 01 " + msf(mode2Start) + "\n"
	cuePath := filepath.Join(dir, "disc.cue")
	if err := os.WriteFile(cuePath, []byte(sheet), 0o644); err != nil {
		t.Fatal(err)
	}
	chdir(t, dir)
	for _, mode := range []struct{ ours, bchunk []string }{
		{nil, nil},
		{[]string{"--wav"}, []string{"-w"}},
		{[]string{"--wav", "--swap"}, []string{"-w", "-s"}},
		{[]string{"--raw"}, []string{"-r"}},
	} {
		args := append(append([]string{"split"}, mode.ours...), "disc.cue", "s")
		if code := run(context.Background(), args); code != 0 {
			t.Fatalf("split %v: exit %d", mode.ours, code)
		}
		if len(mode.ours) == 0 {
			got, err := os.ReadFile("s01.iso")
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("s01.iso is not the ISO image (%d bytes, %v)", len(got), err)
			}
			f, _ := os.Open("s01.iso")
			if _, err := iso9660.Open(f, int64(len(got)), nil); err != nil {
				t.Errorf("s01.iso: %v", err)
			}
			f.Close()
		}
		testtool.Need(t, "bchunk")
		cmd := exec.Command("bchunk", append(append([]string{}, mode.bchunk...), "disc.bin", "disc.cue", "b")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("bchunk %v: %v\n%s", mode.bchunk, err, out)
		}
		ext := map[int]string{1: ".iso", 2: ".cdr", 3: ".cdr", 4: ".iso"}
		if len(mode.ours) > 0 && mode.ours[0] == "--wav" {
			ext[2], ext[3] = ".wav", ".wav"
		}
		for n := 1; n <= 4; n++ {
			name := func(p string) string { return p + "0" + string(rune('0'+n)) + ext[n] }
			a, err1 := os.ReadFile(name("s"))
			b, err2 := os.ReadFile(name("b"))
			if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
				t.Errorf("%v: track %d: ours %d bytes (%v), bchunk's %d bytes (%v), equal %v", mode.ours, n, len(a), err1, len(b), err2, bytes.Equal(a, b))
			}
		}
		for _, p := range []string{"s", "b"} {
			m, _ := filepath.Glob(p + "0*")
			for _, f := range m {
				os.Remove(f)
			}
		}
	}
}

func chdir(t *testing.T, dir string) {
	old, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(old) })
}

// TestSplitCDExtra: an enhanced CD, audio in session 1 and the data
// session after the lead-out and lead-in (its ISO 9660 addresses count from
// the start of the disc). The data track comes out mountable on its own,
// and in the in-place variant with its addresses as recorded.
func TestSplitCDExtra(t *testing.T) {
	dir := t.TempDir()
	chdir(t, dir)
	const audioSectors = 225
	const dataLBA = audioSectors + 11400 // lead-out 6750 + lead-in 4500 + pre-gap 150
	os.MkdirAll("tree/docs", 0o755)
	os.WriteFile("tree/docs/readme.txt", []byte("bonus material\n"), 0o644)
	if code := run(context.Background(), []string{"master", "-R", "-J", "-q", "-C", "0," + strconv.Itoa(dataLBA), "-o", "session2.iso", "tree"}); code != 0 {
		t.Fatalf("master: exit %d", code)
	}
	iso, _ := os.ReadFile("session2.iso")
	var bin bytes.Buffer
	bin.Write(make([]byte, audioSectors*cd.RawSectorSize))
	var sec [cd.RawSectorSize]byte
	for i := 0; i < len(iso)/cd.DataSectorSize; i++ {
		cd.EncodeSector(&sec, cd.LBA(dataLBA+i), cd.Mode1, iso[i*cd.DataSectorSize:(i+1)*cd.DataSectorSize], [4]byte{})
		bin.Write(sec[:])
	}
	os.WriteFile("extra.bin", bin.Bytes(), 0o644)
	os.WriteFile("extra.cue", []byte("FILE \"extra.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\nREM SESSION 02\n  TRACK 02 MODE1/2352\n    INDEX 01 00:03:00\n"), 0o644)
	out, code := runCaptured(t, "split", "--in-place", "--json", "extra.cue", "x")
	if code != exitOK {
		t.Fatalf("split: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, `"relocated": 11625`) || !strings.Contains(out, `"in_place": "x02-inplace.iso"`) {
		t.Errorf("split report:\n%s", out)
	}
	read := func(name string, opt *iso9660.ReadOptions) {
		t.Helper()
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		im, err := iso9660.Open(bytes.NewReader(b), int64(len(b)), opt)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := fs.ReadFile(im, "docs/readme.txt")
		if err != nil || string(got) != "bonus material\n" {
			t.Errorf("%s: readme %q, %v", name, got, err)
		}
	}
	read("x02.iso", nil)
	read("x02-inplace.iso", &iso9660.ReadOptions{SessionStart: dataLBA})
	// isolyzer's size check: the relocated image holds its whole volume.
	if out, code := runCaptured(t, "identify", "--json", "x02.iso"); code != exitOK || !strings.Contains(out, `"status": "complete"`) {
		t.Errorf("identify x02.iso: exit %d\n%s", code, out)
	}
	if out, code := runCaptured(t, "verify", "x02.iso"); code != exitOK {
		t.Errorf("verify x02.iso: exit %d\n%s", code, out)
	}
	// --keep-addresses: bchunk's output, which does not mount.
	if _, code := runCaptured(t, "split", "--keep-addresses", "extra.cue", "k"); code != exitOK {
		t.Fatal("split --keep-addresses failed")
	}
	if k, _ := os.ReadFile("k02.iso"); !bytes.Equal(k, iso) {
		t.Error("--keep-addresses did not keep the session as recorded")
	}
}

// TestSplitMultiFile: a sheet with one file per track (what bchunk cannot
// take) gives each track's data, checked by content.
func TestSplitMultiFile(t *testing.T) {
	dir := t.TempDir()
	chdir(t, dir)
	var sec [cd.RawSectorSize]byte
	var data bytes.Buffer
	user := bytes.Repeat([]byte("user data "), 1000)[:cd.DataSectorSize]
	for i := 0; i < 30; i++ {
		cd.EncodeSector(&sec, cd.LBA(i), cd.Mode1, user, [4]byte{})
		data.Write(sec[:])
	}
	os.WriteFile("Track 01.bin", data.Bytes(), 0o644)
	audio := bytes.Repeat([]byte{1, 2, 3, 4}, 588*40)
	os.WriteFile("Track 02.bin", audio, 0o644)
	os.WriteFile("multi.cue", []byte("FILE \"Track 01.bin\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n"+
		"FILE \"Track 02.bin\" BINARY\n  TRACK 02 AUDIO\n    INDEX 00 00:00:00\n    INDEX 01 00:00:10\n"), 0o644)
	if out, code := runCaptured(t, "split", "multi.cue", "m"); code != exitOK {
		t.Fatalf("split: exit %d\n%s", code, out)
	}
	iso, _ := os.ReadFile("m01.iso")
	if !bytes.Equal(iso, bytes.Repeat(user, 30)) {
		t.Errorf("m01.iso: %d bytes, not the user data of the 30 sectors", len(iso))
	}
	cdr, _ := os.ReadFile("m02.cdr")
	if !bytes.Equal(cdr, audio[10*cd.RawSectorSize:]) {
		t.Errorf("m02.cdr: %d bytes, want the %d after INDEX 01", len(cdr), len(audio)-10*cd.RawSectorSize)
	}
}

// TestSplitPSX: --psx writes the 2336 bytes after each Mode 2 sector's
// header (the MODE2/2336 form), from MODE2/2352 and MODE2/2336 sheets
// alike. bchunk -p writes something else, the first 2336 bytes of each
// raw sector (sync and header included, the last 16 bytes cut), which no
// sheet mode describes: the test pins that difference down.
func TestSplitPSX(t *testing.T) {
	dir := t.TempDir()
	chdir(t, dir)
	var raw, m2336, user []byte
	var sec [cd.RawSectorSize]byte
	for i := 0; i < 12; i++ {
		mode, sub := cd.Mode2Form1, [4]byte{0, 0, 8, 0}
		u := bytes.Repeat([]byte{byte(i), byte(3 * i)}, cd.DataSectorSize/2)
		if i%3 == 2 {
			mode, sub = cd.Mode2Form2, [4]byte{0, 0, 0x20, 0}
			u = bytes.Repeat([]byte{byte(i)}, cd.Form2DataSize)
		}
		if err := cd.EncodeSector(&sec, cd.LBA(i), mode, u, sub); err != nil {
			t.Fatal(err)
		}
		raw = append(raw, sec[:]...)
		m2336 = append(m2336, sec[16:]...)
		user = append(user, sec[24:24+cd.DataSectorSize]...)
	}
	os.WriteFile("psx.bin", raw, 0o644)
	os.WriteFile("psx.cue", []byte("FILE \"psx.bin\" BINARY\n  TRACK 01 MODE2/2352\n    INDEX 01 00:00:00\n"), 0o644)
	os.WriteFile("m2.bin", m2336, 0o644)
	os.WriteFile("m2.cue", []byte("FILE \"m2.bin\" BINARY\n  TRACK 01 MODE2/2336\n    INDEX 01 00:00:00\n"), 0o644)
	for _, c := range []struct {
		args []string
		want []byte
	}{
		{[]string{"--psx", "psx.cue", "p"}, m2336},
		{[]string{"--psx", "m2.cue", "q"}, m2336},
		{[]string{"psx.cue", "u"}, user},
		{[]string{"m2.cue", "v"}, user},
		{[]string{"--raw", "psx.cue", "r"}, raw},
	} {
		if out, code := runCaptured(t, append([]string{"split"}, c.args...)...); code != exitOK {
			t.Fatalf("split %v: exit %d\n%s", c.args, code, out)
		}
		got, _ := os.ReadFile(c.args[len(c.args)-1] + "01.iso")
		if !bytes.Equal(got, c.want) {
			t.Errorf("split %v: %d bytes, not the %d expected", c.args, len(got), len(c.want))
		}
	}
	testtool.Need(t, "bchunk")
	if out, err := exec.Command("bchunk", "-p", "psx.bin", "psx.cue", "b").CombinedOutput(); err != nil {
		t.Fatalf("bchunk -p: %v\n%s", err, out)
	}
	b, _ := os.ReadFile("b01.iso")
	var cut []byte
	for i := 0; i < 12; i++ {
		cut = append(cut, raw[i*cd.RawSectorSize:i*cd.RawSectorSize+cd.Mode2SectorSize]...)
	}
	if !bytes.Equal(b, cut) {
		t.Errorf("bchunk -p no longer writes the first 2336 bytes of each sector: update split's help")
	}
}

// TestSplitTOC: a cdrdao TOC is split over its own files: a data track
// stored as user data, big-endian raw audio after a generated pre-gap
// (swapped to little-endian, the samples' order detected), and a track of
// SILENCE only, which a CUE sheet could not describe over these files.
func TestSplitTOC(t *testing.T) {
	dir := t.TempDir()
	chdir(t, dir)
	iso := bytes.Repeat([]byte("ISO data"), 20*cd.DataSectorSize/8)
	os.WriteFile("data.iso", iso, 0o644)
	// 1 s of a tone, big-endian as cdrdao writes raw audio.
	var le, be []byte
	for i := 0; i < 44100; i++ {
		v := int16(9000 * math.Sin(2*math.Pi*330*float64(i)/44100))
		le = append(le, byte(v), byte(v>>8), byte(v), byte(v>>8))
		be = append(be, byte(v>>8), byte(v), byte(v>>8), byte(v))
	}
	os.WriteFile("audio.raw", be, 0o644)
	os.WriteFile("disc.toc", []byte("CD_ROM\nTRACK MODE1\nDATAFILE \"data.iso\"\n"+
		"TRACK AUDIO\nPREGAP 0:2:0\nFILE \"audio.raw\" 0\n"+
		"TRACK AUDIO\nSILENCE 0:0:10\n"), 0o644)
	out, code := runCaptured(t, "split", "--json", "disc.toc", "t")
	if code != exitOK {
		t.Fatalf("split: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, `"byte_order": "big-endian"`) || !strings.Contains(out, `"swapped": true`) || strings.Contains(out, "byte_order_warning") {
		t.Errorf("split report:\n%s", out)
	}
	if got, _ := os.ReadFile("t01.iso"); !bytes.Equal(got, iso) {
		t.Error("t01.iso is not the data file")
	}
	if got, _ := os.ReadFile("t02.cdr"); !bytes.Equal(got, le) {
		t.Errorf("t02.cdr: %d bytes, not the samples after the pre-gap in little-endian order", len(got))
	}
	if got, _ := os.ReadFile("t03.cdr"); !bytes.Equal(got, make([]byte, 10*cd.RawSectorSize)) {
		t.Errorf("t03.cdr: %d bytes, want 10 sectors of silence", len(got))
	}
	// --no-swap keeps the file's order, and says it sounds like noise.
	out, code = runCaptured(t, "split", "--json", "--no-swap", "disc.toc", "n")
	if got, _ := os.ReadFile("n02.cdr"); code != exitOK || !bytes.Equal(got, be) || !strings.Contains(out, "static noise") {
		t.Errorf("split --no-swap: exit %d, %d bytes\n%s", code, len(got), out)
	}
	// A missing data file is an error naming it and the sector.
	os.Remove("audio.raw")
	if _, code := runCaptured(t, "split", "disc.toc", "m"); code != exitUsage {
		t.Errorf("split without the audio file: exit %d", code)
	}
}
