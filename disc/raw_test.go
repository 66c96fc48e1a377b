package disc

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"spindle/cd"
)

// WriteRaw builds raw sectors for data stored as user data and for
// generated zeros, copies and swaps audio, and finds a WAVE file's samples.
func TestWriteRaw(t *testing.T) {
	user := bytes.Repeat([]byte{7}, 10*cd.DataSectorSize)
	audio := bytes.Repeat([]byte{1, 2}, 5*cd.RawSectorSize/2)
	var wave bytes.Buffer
	wave.WriteString("RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00")
	wave.Write(make([]byte, 16))
	wave.WriteString("data\x00\x00\x00\x00")
	wave.Write(audio)
	files := map[string][]byte{"data.iso": user, "audio.raw": audio, "a.wav": wave.Bytes()}
	open := func(name string) (io.ReaderAt, error) {
		b, ok := files[name]
		if !ok {
			return nil, errors.New("no such file")
		}
		return bytes.NewReader(b), nil
	}
	l := &Layout{Sessions: []Session{{Number: 1, Tracks: []Track{
		{Number: 1, Mode: Mode1, Start: 0, Length: 12, Data: []Segment{
			{File: "data.iso", Sectors: 10, Storage: StoreUser, SectorSize: cd.DataSectorSize},
			{Sectors: 2, Storage: StoreUser, SectorSize: cd.DataSectorSize}}},
		{Number: 2, Mode: Audio, Start: 12, Length: 5, Data: []Segment{{File: "audio.raw", Sectors: 5, Storage: StoreRaw, SectorSize: cd.RawSectorSize, SwapBytes: true}}},
		{Number: 3, Mode: Audio, Start: 17, Length: 5, Data: []Segment{{File: "a.wav", Sectors: 5, Storage: StoreRaw, SectorSize: cd.RawSectorSize, Wave: true}}},
	}}}}
	var out bytes.Buffer
	flat, err := l.WriteRaw(&out, open, "out.bin")
	if err != nil {
		t.Fatal(err)
	}
	if out.Len() != 22*cd.RawSectorSize {
		t.Fatalf("%d bytes written", out.Len())
	}
	b := out.Bytes()
	for i := 0; i < 12; i++ {
		var sec [cd.RawSectorSize]byte
		copy(sec[:], b[i*cd.RawSectorSize:])
		if c := cd.CheckSector(&sec, cd.LBA(i)); !c.OK() || c.Mode != cd.Mode1 {
			t.Fatalf("sector %d: %+v", i, c)
		}
		if i < 10 && sec[16] != 7 || i >= 10 && sec[16] != 0 {
			t.Errorf("sector %d: user data %d", i, sec[16])
		}
	}
	if a := b[12*cd.RawSectorSize:]; a[0] != 2 || a[1] != 1 {
		t.Errorf("audio not swapped: % x", a[:4])
	}
	if w := b[17*cd.RawSectorSize:]; w[0] != 1 || w[1] != 2 {
		t.Errorf("WAVE samples: % x", w[:4])
	}
	if tr := flat.Tracks(); len(tr) != 3 || tr[1].Data[0].Offset != 12*cd.RawSectorSize || tr[2].Data[0].File != "out.bin" {
		t.Errorf("flat layout: %+v", flat)
	}
}
