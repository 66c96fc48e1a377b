package mmctest_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"reflect"
	"testing"

	"spindle/cd"
	"spindle/disc"
	"spindle/mmc"
	"spindle/mmc/emu"
	"spindle/mmc/mmctest"
)

// randomImage is blocks 2048-byte blocks of reproducible noise.
func randomImage(blocks int) []byte {
	b := make([]byte, blocks*cd.DataSectorSize)
	r := rand.New(rand.NewPCG(5, 6))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// emuCapabilities is what the emulated drive reports, whatever disc it
// holds but the current profile: a writer of every medium it models
// (package emu's feature list and page 2Ah), with the four write speeds
// its GET PERFORMANCE gives for a disc (48x, 32x, 16x, 8x of 176 kB/s).
func emuCapabilities(current mmc.Profile) *mmc.DriveCapabilities {
	return &mmc.DriveCapabilities{
		Configured: true, Current: current,
		Profiles: []mmc.Profile{mmc.ProfileBDRE, mmc.ProfileBDRSeq, mmc.ProfileBDROM, mmc.ProfileDVDPlusR, mmc.ProfileDVDPlusRW,
			mmc.ProfileDVDRWSeq, mmc.ProfileDVDRWOverw, mmc.ProfileDVDR, mmc.ProfileDVDROM, mmc.ProfileCDRW, mmc.ProfileCDR, mmc.ProfileCDROM},
		Read:  []string{"CD", "DVD", "BD"},
		Write: []string{"CD-R", "CD-RW", "DVD-R", "DVD-RW", "DVD+R", "DVD+RW", "BD-R", "BD-RE"},
		TAO:   true, SAO: true, Raw: true, TestWrite: true, BUF: true, C2Pointers: true, CDText: true, WriteCDText: true,
		BufferKB: 4096, MaxReadKBps: 8448, WriteKBps: []uint32{8448, 5632, 2816, 1408},
	}
}

// TestEmu runs the suite in-process against the emulated drive, with no
// quirk declared: holding a pressed CD-ROM, a pressed DVD-ROM (no full
// TOC, no sub-channel), and a CD-ROM pressed from a layout with a media
// catalog number. The drive's capabilities are checked whole.
func TestEmu(t *testing.T) {
	img := randomImage(1000)
	const mcn = "4006381333931"
	for _, c := range []struct {
		name    string
		medium  func() (*emu.Medium, error)
		mcn     string
		profile mmc.Profile
	}{
		{"CD-ROM", func() (*emu.Medium, error) {
			return emu.NewPressed(emu.CDROM, bytes.NewReader(img), int64(len(img)))
		}, "", mmc.ProfileCDROM},
		{"DVD-ROM", func() (*emu.Medium, error) {
			return emu.NewPressed(emu.DVDROM, bytes.NewReader(img), int64(len(img)))
		}, "", mmc.ProfileDVDROM},
		{"CD-ROM with MCN", func() (*emu.Medium, error) {
			l := &disc.Layout{MCN: mcn, Sessions: []disc.Session{{Number: 1, LeadOut: 1000, Tracks: []disc.Track{
				{Number: 1, Mode: disc.Mode1, Start: 0, Length: 1000,
					Data: []disc.Segment{{File: "disc.iso", Sectors: 1000, Storage: disc.StoreUser, SectorSize: cd.DataSectorSize}}},
			}}}}
			return emu.NewPressedLayout(l, func(string) (io.ReaderAt, error) { return bytes.NewReader(img), nil })
		}, mcn, mmc.ProfileCDROM},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := c.medium()
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			d := emu.New(emu.Config{})
			d.Insert(m)
			mmctest.Run(t, d, mmctest.Disc{Image: img, MCN: c.mcn})

			got, err := mmc.NewDrive(d).Capabilities(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if want := emuCapabilities(c.profile); !reflect.DeepEqual(got, want) {
				t.Errorf("capabilities:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestParseQuirks(t *testing.T) {
	q, err := mmctest.ParseQuirks(" NoResidual, NoSubChannel ,,")
	if err != nil || !reflect.DeepEqual(q, []mmctest.Quirk{mmctest.NoResidual, mmctest.NoSubChannel}) {
		t.Errorf("got %q, %v", q, err)
	}
	if q, err := mmctest.ParseQuirks(""); err != nil || len(q) != 0 {
		t.Errorf("empty: %q, %v", q, err)
	}
	if _, err := mmctest.ParseQuirks("NoResidual,no residual on data-in"); err == nil {
		t.Error("a quirk's description taken for its name")
	}
}
