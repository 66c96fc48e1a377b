package disc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"spindle/cd"
)

// memFiles is an Opener over files in memory.
type memFiles map[string][]byte

func (m memFiles) open(name string) (io.ReaderAt, error) {
	b, ok := m[name]
	if !ok {
		return nil, fmt.Errorf("open %s: no such file", name)
	}
	return bytes.NewReader(b), nil
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// encoded returns n raw sectors of mode from lba with random user data,
// and their user data.
func encoded(t testing.TB, r *rand.Rand, lba cd.LBA, n int, mode cd.SectorMode) (raw, user []byte) {
	var sec [cd.RawSectorSize]byte
	for i := 0; i < n; i++ {
		u := randBytes(r, max(mode.UserSize(), 0))
		if err := cd.EncodeSector(&sec, lba+cd.LBA(i), mode, u, [4]byte{1, 2, 0, 0}); err != nil {
			t.Fatal(err)
		}
		raw = append(raw, sec[:]...)
		user = append(user, u...)
	}
	return raw, user
}

func mustReader(t testing.TB, l *Layout, files memFiles) *Reader {
	t.Helper()
	r, err := NewReader(l, files.open)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// Every storage of every mode reads back as the raw sector it was made
// from, and ReadUser gives the user data.
func TestReaderStorages(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	const n = 5
	const start = 1000
	cases := []struct {
		name    string
		mode    Mode
		sm      cd.SectorMode
		storage Storage
		size    int
		store   func(raw []byte) []byte // one raw sector to its stored form
	}{
		{"mode1 raw", Mode1, cd.Mode1, StoreRaw, 2352, func(b []byte) []byte { return b }},
		{"mode1 user", Mode1, cd.Mode1, StoreUser, 2048, func(b []byte) []byte { return b[16:2064] }},
		{"form1 user", Mode2Form1, cd.Mode2Form1, StoreUser, 2048, func(b []byte) []byte { return b[24:2072] }},
		{"form1 mode2", Mode2Form1, cd.Mode2Form1, StoreMode2, 2336, func(b []byte) []byte { return b[16:] }},
		{"form2 mode2", Mode2Form2, cd.Mode2Form2, StoreMode2, 2336, func(b []byte) []byte { return b[16:] }},
		{"form1 raw", Mode2Form1, cd.Mode2Form1, StoreRaw, 2352, func(b []byte) []byte { return b }},
		{"formless raw", Mode2, cd.Mode2Formless, StoreRaw, 2352, func(b []byte) []byte { return b }},
		{"formless mode2", Mode2, cd.Mode2Formless, StoreMode2, 2336, func(b []byte) []byte { return b[16:] }},
		{"mixed mode2", Mode2Mixed, cd.Mode2Form1, StoreMode2, 2336, func(b []byte) []byte { return b[16:] }},
		{"mode1 raw+sub", Mode1, cd.Mode1, StoreRaw, 2448, func(b []byte) []byte { return append(append([]byte{}, b...), bytes.Repeat([]byte{0xEE}, 96)...) }},
		{"mode0 raw", Mode0, cd.Mode0, StoreRaw, 2352, func(b []byte) []byte { return b }},
		{"audio", Audio, cd.Audio, StoreRaw, 2352, func(b []byte) []byte { return b }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw, _ := encoded(t, rnd, start, n, c.sm)
			var file []byte
			for i := 0; i < n; i++ {
				file = append(file, c.store(raw[i*cd.RawSectorSize:(i+1)*cd.RawSectorSize])...)
			}
			if c.storage == StoreUser && c.mode == Mode2Form1 {
				// User data only: the subheader is lost, the sector is
				// built again with a zero one.
				raw, _ = encodedFrom(t, start, c.sm, file, 2048)
			}
			l := &Layout{Sessions: []Session{{Number: 1, Tracks: []Track{{Number: 1, Mode: c.mode, Start: start, Length: n,
				Data: []Segment{{File: "f", Offset: 0, Sectors: n, Storage: c.storage, SectorSize: c.size}}}}}}}
			r := mustReader(t, l, memFiles{"f": file})
			got := make([]byte, n*cd.RawSectorSize)
			if err := r.ReadRaw(start, got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, raw) {
				t.Fatalf("ReadRaw differs from the sectors stored")
			}
			us := c.mode.UserSize()
			user := make([]byte, n*us)
			if err := r.ReadUser(start, user); err != nil {
				t.Fatal(err)
			}
			from, to := userRange(c.mode)
			for i := 0; i < n; i++ {
				if want := raw[i*cd.RawSectorSize+from : i*cd.RawSectorSize+to]; !bytes.Equal(user[i*us:(i+1)*us], want) {
					t.Fatalf("ReadUser sector %d differs from the raw sector's user data", i)
				}
			}
			// Sector by sector, from the middle, gives the same.
			one := make([]byte, cd.RawSectorSize)
			if err := r.ReadRaw(start+3, one); err != nil || !bytes.Equal(one, raw[3*cd.RawSectorSize:4*cd.RawSectorSize]) {
				t.Fatalf("ReadRaw of sector 3: %v", err)
			}
		})
	}
}

// encodedFrom encodes sectors from stored user data.
func encodedFrom(t testing.TB, lba cd.LBA, mode cd.SectorMode, user []byte, us int) (raw, u []byte) {
	var sec [cd.RawSectorSize]byte
	for i := 0; i*us < len(user); i++ {
		if err := cd.EncodeSector(&sec, lba+cd.LBA(i), mode, user[i*us:(i+1)*us], [4]byte{}); err != nil {
			t.Fatal(err)
		}
		raw = append(raw, sec[:]...)
	}
	return raw, user
}

// Audio stored big-endian is swapped into CD order by ReadRaw and
// ReadUser alike, and a WAVE file's samples are found after its header.
func TestReaderAudio(t *testing.T) {
	samples := bytes.Repeat([]byte{1, 2, 3, 4}, 3*cd.RawSectorSize/4)
	var wave bytes.Buffer
	wave.WriteString("RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00")
	wave.Write(make([]byte, 16))
	wave.WriteString("LIST\x03\x00\x00\x00abc\x00") // an odd chunk, padded
	wave.WriteString("data\x00\x00\x00\x00")
	wave.Write(samples)
	l := &Layout{Sessions: []Session{{Number: 1, Tracks: []Track{
		{Number: 1, Mode: Audio, Start: 0, Length: 3, Data: []Segment{{File: "be.raw", Sectors: 3, SectorSize: 2352, SwapBytes: true}}},
		{Number: 2, Mode: Audio, Start: 3, Length: 3, Data: []Segment{{File: "a.wav", Sectors: 3, SectorSize: 2352, Wave: true}}},
	}}}}
	r := mustReader(t, l, memFiles{"be.raw": samples, "a.wav": wave.Bytes()})
	got := make([]byte, 6*cd.RawSectorSize)
	if err := r.ReadRaw(0, got); err != nil {
		t.Fatal(err)
	}
	swapped := bytes.Repeat([]byte{2, 1, 4, 3}, 3*cd.RawSectorSize/4)
	if !bytes.Equal(got[:len(samples)], swapped) || !bytes.Equal(got[len(samples):], samples) {
		t.Error("audio not in CD order")
	}
	user := make([]byte, 3*cd.RawSectorSize)
	if err := r.ReadUser(0, user); err != nil || !bytes.Equal(user, swapped) {
		t.Errorf("ReadUser of big-endian audio: %v", err)
	}
}

// The pre-gap of the first track reaches back to absolute time 00:00:00
// whatever the image stores, generated sectors carry their address, the
// lead-out follows the last track, and outside all that is no sector.
func TestReaderGeneratedAndBounds(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	raw, _ := encoded(t, rnd, 0, 10, cd.Mode1)
	l := &Layout{Sessions: []Session{{Number: 1, LeadOut: 12, Tracks: []Track{{Number: 1, Mode: Mode1, Start: 0, Length: 12,
		Data: []Segment{{File: "d.bin", Sectors: 10, SectorSize: 2352}}}}}}}
	r := mustReader(t, l, memFiles{"d.bin": raw})
	var sec [cd.RawSectorSize]byte
	for _, lba := range []cd.LBA{-150, -1, 10, 11, 12, 12 + 6749} {
		if err := r.ReadRaw(lba, sec[:]); err != nil {
			t.Fatalf("sector %d: %v", lba, err)
		}
		if c := cd.CheckSector(&sec, lba); !c.OK() || c.Mode != cd.Mode1 {
			t.Errorf("generated sector %d: %+v", lba, c)
		}
		if u, _ := cd.UserData(sec[:], cd.Mode1); !bytes.Equal(u, make([]byte, 2048)) {
			t.Errorf("generated sector %d has user data", lba)
		}
	}
	for _, lba := range []cd.LBA{-151, 12 + 6750, 100000} {
		err := r.ReadRaw(lba, sec[:])
		var se *SectorError
		if !errors.Is(err, ErrNoSector) || !errors.As(err, &se) || se.LBA != lba || !strings.Contains(err.Error(), fmt.Sprint(lba)) {
			t.Errorf("sector %d: %v, want ErrNoSector naming it", lba, err)
		}
	}
	// A read across the end of the data into generated sectors.
	buf := make([]byte, 4*cd.RawSectorSize)
	if err := r.ReadRaw(8, buf); err != nil || !bytes.Equal(buf[:2*cd.RawSectorSize], raw[8*cd.RawSectorSize:]) {
		t.Errorf("read across the data's end: %v", err)
	}
	pos, err := r.Locate(-20)
	if err != nil || pos.Index != 0 || pos.Track.Number != 1 || pos.Segment != nil {
		t.Errorf("Locate(-20) = %+v, %v", pos, err)
	}
	pos, err = r.Locate(5)
	if err != nil || pos.Index != 1 || pos.Segment == nil || pos.Segment.File != "d.bin" || pos.Offset != 5*2352 {
		t.Errorf("Locate(5) = %+v, %v", pos, err)
	}
	if pos, err := r.Locate(20); err != nil || !pos.LeadOut || pos.Session != 1 {
		t.Errorf("Locate(20) = %+v, %v", pos, err)
	}
	if err := r.ReadUser(20, make([]byte, 2048)); !errors.Is(err, ErrNoSector) {
		t.Errorf("ReadUser of the lead-out: %v", err)
	}
	if err := r.ReadUser(11, make([]byte, 2*2048)); !errors.Is(err, ErrNoSector) {
		t.Errorf("ReadUser past the track's end: %v", err)
	}
	if err := r.ReadRaw(0, make([]byte, 100)); err == nil {
		t.Error("ReadRaw of a partial sector")
	}
}

// Backing files that are missing or short are reported with the file, the
// sector address and the byte offset; a file that ends inside the last
// sector of its segment is padded.
func TestReaderFileErrors(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	user := randBytes(rnd, 4*2048)
	l := &Layout{Sessions: []Session{{Number: 1, Tracks: []Track{
		{Number: 1, Mode: Mode1, Start: 0, Length: 4, Data: []Segment{{File: "padded.iso", Sectors: 4, Storage: StoreUser, SectorSize: 2048}}},
		{Number: 2, Mode: Mode1, Start: 4, Length: 4, Data: []Segment{{File: "short.iso", Sectors: 4, Storage: StoreUser, SectorSize: 2048}}},
		{Number: 3, Mode: Mode1, Start: 8, Length: 4, Data: []Segment{{File: "missing.iso", Sectors: 4, Storage: StoreUser, SectorSize: 2048}}},
	}}}}
	r := mustReader(t, l, memFiles{"padded.iso": user[:3*2048+100], "short.iso": user[:2*2048+100]})
	buf := make([]byte, 4*2048)
	if err := r.ReadUser(0, buf); err != nil {
		t.Fatalf("a file ending inside its last sector: %v", err)
	}
	if !bytes.Equal(buf[:3*2048+100], user[:3*2048+100]) || !bytes.Equal(buf[3*2048+100:], make([]byte, 2048-100)) {
		t.Error("the last sector is not padded with zeros")
	}
	err := r.ReadUser(4, buf)
	var se *SectorError
	if !errors.Is(err, ErrShortFile) || !errors.As(err, &se) || se.File != "short.iso" || se.LBA != 6 || se.Offset != 2*2048 || se.Track != 2 {
		t.Errorf("short file: %v (%+v)", err, se)
	}
	if err := r.ReadRaw(4, make([]byte, 2*cd.RawSectorSize)); err != nil {
		t.Errorf("the stored sectors of a short file: %v", err)
	}
	err = r.ReadRaw(9, make([]byte, cd.RawSectorSize))
	if !errors.As(err, &se) || se.File != "missing.iso" || se.LBA != 9 || !strings.Contains(err.Error(), "missing.iso") {
		t.Errorf("missing file: %v", err)
	}
	r.Close()
	if err := r.ReadUser(0, buf[:2048]); !errors.Is(err, ErrClosed) {
		t.Errorf("read after Close: %v", err)
	}
}

// NewReader refuses layouts it cannot read.
func TestNewReaderRefuses(t *testing.T) {
	cases := map[string]*Layout{
		"overlap": {Sessions: []Session{{Number: 1, Tracks: []Track{{Number: 1, Start: 0, Length: 10}, {Number: 2, Start: 5, Length: 10}}}}},
		"length":  {Sessions: []Session{{Number: 1, Tracks: []Track{{Number: 1, Start: 0, Length: 0}}}}},
		"data past the end": {Sessions: []Session{{Number: 1, Tracks: []Track{{Number: 1, Start: 0, Length: 2,
			Data: []Segment{{File: "x", Sectors: 3, SectorSize: 2352}}}}}}},
		"sector size": {Sessions: []Session{{Number: 1, Tracks: []Track{{Number: 1, Start: 0, Length: 2,
			Data: []Segment{{File: "x", Sectors: 2, SectorSize: 0}}}}}}},
		"huge sectors": {Sessions: []Session{{Number: 1, Tracks: []Track{{Number: 1, Start: 0, Length: 2,
			Data: []Segment{{File: "x", Sectors: 2, SectorSize: 1 << 30}}}}}}},
		"huge": {Sessions: []Session{{Number: 1, Tracks: []Track{{Number: 1, Start: 1 << 30, Length: 1 << 31}}}}},
	}
	for name, l := range cases {
		if _, err := NewReader(l, nil); !errors.Is(err, ErrLayout) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The link, run-in and run-out blocks of a TAO track cannot be read;
// WriteRaw writes generated sectors in their place.
func TestReaderTAO(t *testing.T) {
	l := &Layout{Sessions: []Session{{Number: 1, Tracks: []Track{
		{Number: 1, Mode: Mode1, Start: 0, Length: 100 + RunOutBlocks, TAO: true},
		{Number: 2, Mode: Mode1, Pregap: StandardPregap, Start: TAONextTrackStart(100, 0), Length: 50, TAO: true},
	}}}}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	r := mustReader(t, l, nil)
	unreadable := map[cd.LBA]Block{100: BlockRunOut, 101: BlockRunOut, 102: BlockLink, 103: BlockRunIn, 104: BlockRunIn, 105: BlockRunIn, 106: BlockRunIn, 252 + 48: BlockRunOut}
	for lba := cd.LBA(95); lba < 110; lba++ {
		err := r.ReadRaw(lba, make([]byte, cd.RawSectorSize))
		pos, _ := r.Locate(lba)
		want, bad := unreadable[lba]
		if bad != errors.Is(err, ErrUnreadable) || pos.Block != want {
			t.Errorf("sector %d: %v, block %d, want %d", lba, err, pos.Block, want)
		}
	}
	if err := r.ReadRaw(99, make([]byte, 2*cd.RawSectorSize)); !errors.Is(err, ErrUnreadable) {
		t.Errorf("a read into the run-out: %v", err)
	}
	var out bytes.Buffer
	if _, err := l.WriteRaw(&out, nil, "x.bin"); err != nil || out.Len() != (102+150+50)*cd.RawSectorSize {
		t.Errorf("WriteRaw: %d bytes, %v", out.Len(), err)
	}
}

// TrackData reads a track's user data at any offset.
func TestTrackData(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	raw, user := encoded(t, rnd, 500, 20, cd.Mode1)
	l := &Layout{Sessions: []Session{{Number: 1, Tracks: []Track{{Number: 1, Mode: Audio, Start: 0, Length: 350}}},
		{Number: 2, Tracks: []Track{{Number: 2, Mode: Mode1, Start: 500, Length: 20, Data: []Segment{{File: "s2.bin", Sectors: 20, SectorSize: 2352}}}}}}}
	r := mustReader(t, l, memFiles{"s2.bin": raw})
	sr, err := r.TrackData(2)
	if err != nil || sr.Size() != 20*2048 {
		t.Fatalf("TrackData: %v", err)
	}
	for _, c := range []struct{ off, n int }{{0, 20 * 2048}, {100, 5000}, {2048, 2048}, {20*2048 - 10, 10}, {3, 1}} {
		b := make([]byte, c.n)
		if n, err := sr.ReadAt(b, int64(c.off)); n != c.n || err != nil || !bytes.Equal(b, user[c.off:c.off+c.n]) {
			t.Errorf("ReadAt(%d, %d): %d, %v", c.off, c.n, n, err)
		}
	}
	if n, err := sr.ReadAt(make([]byte, 100), 20*2048-10); n != 10 || err != io.EOF {
		t.Errorf("ReadAt at the end: %d, %v", n, err)
	}
	all, err := io.ReadAll(sr)
	if err != nil || !bytes.Equal(all, user) {
		t.Errorf("ReadAll: %v", err)
	}
	if _, err := r.TrackData(9); err == nil {
		t.Error("TrackData of a track that is not there")
	}
}

// Reads from many goroutines at once give the same sectors.
func TestReaderConcurrent(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 10))
	raw, _ := encoded(t, rnd, 0, 200, cd.Mode1)
	l := &Layout{Sessions: []Session{{Number: 1, Tracks: []Track{{Number: 1, Mode: Mode1, Start: 0, Length: 200,
		Data: []Segment{{File: "a", Sectors: 100, SectorSize: 2352}, {File: "b", Sectors: 100, SectorSize: 2352}}}}}}}
	r := mustReader(t, l, memFiles{"a": raw[:100*2352], "b": raw[100*2352:]})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			buf := make([]byte, 7*cd.RawSectorSize)
			for lba := cd.LBA(g); lba+7 <= 200; lba += 5 {
				if err := r.ReadRaw(lba, buf); err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(buf, raw[int(lba)*2352:int(lba+7)*2352]) {
					errs <- fmt.Errorf("goroutine %d: sectors %d.. differ", g, lba)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// WriteRaw's output is what ReadRaw reads, track by track.
func TestWriteRawMatchesReader(t *testing.T) {
	rnd := rand.New(rand.NewPCG(11, 12))
	_, user := encoded(t, rnd, 0, 8, cd.Mode1)
	l := &Layout{Sessions: []Session{{Number: 1, Tracks: []Track{
		{Number: 1, Mode: Mode1, Pregap: 3, Start: 3, Length: 10, Postgap: 2, Data: []Segment{
			{Sectors: 3, Storage: StoreUser, SectorSize: 2048},
			{File: "u", Sectors: 8, Storage: StoreUser, SectorSize: 2048},
			{Sectors: 2, Storage: StoreUser, SectorSize: 2048}}},
	}}}}
	var out bytes.Buffer
	flat, err := l.WriteRaw(&out, memFiles{"u": user}.open, "out.bin")
	if err != nil {
		t.Fatal(err)
	}
	r := mustReader(t, l, memFiles{"u": user})
	want := make([]byte, 13*cd.RawSectorSize)
	if err := r.ReadRaw(0, want); err != nil || !bytes.Equal(out.Bytes(), want) {
		t.Fatalf("WriteRaw and ReadRaw differ (%v)", err)
	}
	r2 := mustReader(t, flat, memFiles{"out.bin": out.Bytes()})
	got := make([]byte, 13*cd.RawSectorSize)
	if err := r2.ReadRaw(0, got); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("the written layout reads differently (%v)", err)
	}
}
