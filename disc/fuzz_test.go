package disc

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"spindle/cd"
)

// FuzzWaveData: any bytes as a WAVE file give an offset inside the file or
// an error, never a panic or a long loop.
func FuzzWaveData(f *testing.F) {
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00" + string(make([]byte, 16)) + "data\x04\x00\x00\x00abcd"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVELIST\xff\xff\xff\xff"))
	f.Add([]byte("RIFF"))
	f.Fuzz(func(t *testing.T, b []byte) {
		off, err := waveData(bytes.NewReader(b))
		if err == nil && (off < 12 || off > int64(len(b))) {
			t.Fatalf("data at %d in a file of %d bytes", off, len(b))
		}
	})
}

// FuzzReader: a track of any mode, storage, sector size and offset over
// any file content reads without a panic, sector errors are SectorErrors,
// and ReadUser gives the user data of the sectors ReadRaw gives.
func FuzzReader(f *testing.F) {
	f.Add(uint8(Mode1), uint8(StoreRaw), uint16(2352), uint16(0), uint8(0), uint8(4), []byte("data"))
	f.Add(uint8(Mode2Form2), uint8(StoreMode2), uint16(2336), uint16(7), uint8(2), uint8(3), bytes.Repeat([]byte{0xAB}, 6000))
	f.Add(uint8(Audio), uint8(StoreRaw), uint16(2448), uint16(0), uint8(1), uint8(2), make([]byte, 5000))
	f.Fuzz(func(t *testing.T, mode, storage uint8, size, offset uint16, pregap, sectors uint8, file []byte) {
		m := Mode(mode % 7)
		seg := Segment{File: "f", Offset: int64(offset), Sectors: cd.Frames(sectors % 8), Storage: Storage(storage % 3),
			SectorSize: int(size%3000) + 1, SwapBytes: mode&0x80 != 0}
		if seg.SectorSize >= cd.SubchannelSize && mode&0x40 != 0 {
			seg.SubChannel = cd.SubchannelSize
		}
		pg := cd.Frames(pregap % 4)
		l := &Layout{MCN: "0123456789012", Sessions: []Session{{Number: 1, Tracks: []Track{{Number: 1, Mode: m, ISRC: "USABC9900001",
			Pregap: pg, Start: cd.LBA(pg), Length: 8, TAO: mode&0x20 != 0,
			Data: []Segment{{Sectors: pg, Storage: seg.Storage, SectorSize: seg.SectorSize}, seg}}}}}}
		r, err := NewReader(l, func(string) (io.ReaderAt, error) { return bytes.NewReader(file), nil })
		if err != nil {
			return
		}
		defer r.Close()
		from, to := userRange(m)
		us := m.UserSize()
		for lba := cd.LBA(-2); lba < cd.LBA(pg)+8+3; lba++ {
			raw := make([]byte, cd.RawSectorSize)
			errRaw := r.ReadRaw(lba, raw)
			var se *SectorError
			if errRaw != nil && !errors.As(errRaw, &se) {
				t.Fatalf("sector %d: %v is not a SectorError", lba, errRaw)
			}
			sub := make([]byte, cd.SubchannelSize)
			if err := r.SubChannel(lba, sub); err != nil && !errors.As(err, &se) {
				t.Fatalf("sub-channel %d: %v", lba, err)
			}
			user := make([]byte, us)
			errUser := r.ReadUser(lba, user)
			if errRaw == nil && errUser == nil && !bytes.Equal(user, raw[from:to]) {
				t.Fatalf("sector %d: ReadUser differs from ReadRaw's user data", lba)
			}
		}
		var out bytes.Buffer
		if _, err := l.WriteRaw(&out, func(string) (io.ReaderAt, error) { return bytes.NewReader(file), nil }, "x"); err == nil &&
			out.Len() != int(pg+8)*cd.RawSectorSize {
			t.Fatalf("WriteRaw wrote %d bytes", out.Len())
		}
	})
}
