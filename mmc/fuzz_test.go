package mmc

import "testing"

// Every parser must return an error or a value for any input, never panic,
// and allocate in proportion to the bytes it was given.

func seed(f *testing.F, vs ...[]byte) {
	for _, v := range vs {
		f.Add(v)
		f.Add(pad(v, len(v)+64))
		if len(v) > 3 {
			f.Add(v[:len(v)/2])
		}
	}
}

func FuzzParseTOC(f *testing.F) {
	seed(f, vecTOC0LBA, vecTOC0MSF, vecTOC0Audio, qemuTOC0MSF, qemuFullTOC, vecATIP)
	f.Fuzz(func(t *testing.T, b []byte) {
		// The shape check that detects drives reading only the SFF-8020
		// format field promises what ParseTOC accepts.
		if IsFormattedTOC(b) {
			if _, err := ParseTOC(b, false); err != nil {
				t.Fatalf("IsFormattedTOC, but ParseTOC: %v", err)
			}
		}
		for _, msf := range []bool{false, true} {
			toc, err := ParseTOC(b, msf)
			if err != nil {
				continue
			}
			if len(toc.Entries) > 100 {
				t.Fatalf("%d entries", len(toc.Entries))
			}
			if l, err := toc.Layout(); err == nil && l.Validate() != nil {
				t.Fatal("Layout returned an invalid layout")
			}
		}
	})
}

func FuzzParseSessionInfo(f *testing.F) {
	seed(f, vecSessionInfo)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseSessionInfo(b, false)
		_, _ = ParseSessionInfo(b, true)
	})
}

func FuzzParseFullTOC(f *testing.F) {
	seed(f, vecFullTOC1, vecFullTOC2)
	f.Fuzz(func(t *testing.T, b []byte) {
		ft, err := ParseFullTOC(b)
		if err != nil {
			return
		}
		if len(ft.Entries)*fullTOCDescriptorSz > len(b) {
			t.Fatalf("%d entries from %d bytes", len(ft.Entries), len(b))
		}
		_, _ = ft.Sessions()
		if l, err := ft.Layout(); err == nil && l.Validate() != nil {
			t.Fatal("Layout returned an invalid layout")
		}
	})
}

func FuzzParseATIP(f *testing.F) {
	seed(f, vecATIP)
	f.Fuzz(func(t *testing.T, b []byte) {
		if a, err := ParseATIP(b); err == nil {
			_ = a.String()
		}
	})
}

func FuzzParseCDText(f *testing.F) {
	seed(f, vecCDText())
	f.Fuzz(func(t *testing.T, b []byte) {
		ct, err := ParseCDText(b)
		if err != nil {
			return
		}
		if len(ct.Packs)*cdTextPackSize > len(b) || len(ct.Blocks) > 8 {
			t.Fatalf("%d packs, %d blocks from %d bytes", len(ct.Packs), len(ct.Blocks), len(b))
		}
		for _, blk := range ct.Blocks {
			if len(blk.Tracks) > maxCDTrackNumber {
				t.Fatalf("%d tracks", len(blk.Tracks))
			}
		}
	})
}

func FuzzParseDiscInfo(f *testing.F) {
	seed(f, vecDiscInfoQEMU, vecDiscInfoRW)
	f.Fuzz(func(t *testing.T, b []byte) {
		if d, err := ParseDiscInfo(b); err == nil {
			_ = d.String()
			_, _ = d.CDLeadIn()
			_, _ = d.CDLastLeadOut()
		}
	})
}

func FuzzParseTrackInfo(f *testing.F) {
	seed(f, vecTrackInfo)
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseTrackInfo(b) })
}

func FuzzParseConfiguration(f *testing.F) {
	seed(f, vecConfig)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfiguration(b)
		if err != nil {
			return
		}
		if len(c.Features)*4 > len(b) || len(c.Profiles())*4 > len(b) {
			t.Fatalf("%d features from %d bytes", len(c.Features), len(b))
		}
		_ = c.CurrentProfile.String()
	})
}

func FuzzParseCapacity(f *testing.F) {
	seed(f, vecCapacity)
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseCapacity(b) })
}

func FuzzParseCapabilities(f *testing.F) {
	seed(f, vecCaps, vecCapsWriter)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCapabilities(b)
		if err == nil && len(c.WriteSpeeds)*4 > len(b) {
			t.Fatalf("%d write speeds from %d bytes", len(c.WriteSpeeds), len(b))
		}
	})
}

// FuzzDriveCapabilities feeds the same bytes as the answers of GET
// CONFIGURATION, MODE SENSE page 2Ah and GET PERFORMANCE type 03h: the
// capabilities name only known families and media, each once and in
// order, and list write speeds fastest first, without zero, only for a
// drive that writes.
func FuzzDriveCapabilities(f *testing.F) {
	seed(f, qemuConfig, qemuATAPIConfig, bdConfig, qemuCaps, bdCaps, vecCapsWriter, bdSpeeds)
	families := []string{FamilyCD, FamilyDVD, FamilyBD, FamilyHDDVD}
	media := []string{MediaCDR, MediaCDRW, MediaDVDR, MediaDVDRW, MediaDVDRDL, MediaDVDPlusR, MediaDVDPlusRW,
		MediaDVDPlusRDL, MediaDVDPlusRWDL, MediaDVDRAM, MediaBDR, MediaBDRE, MediaHDDVDR, MediaHDDVDRAM}
	// inOrder reports whether got is a subsequence of all.
	inOrder := func(got, all []string) bool {
		i := 0
		for _, g := range got {
			for i < len(all) && all[i] != g {
				i++
			}
			if i == len(all) {
				return false
			}
			i++
		}
		return true
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, _ := ParseConfiguration(b)
		page, _ := ParseCapabilities(b)
		speeds, _ := ParseWriteSpeeds(b)
		for _, p := range []*Capabilities{page, nil} {
			c := NewDriveCapabilities(cfg, p, speeds)
			if !inOrder(c.Read, families) || !inOrder(c.Write, media) {
				t.Fatalf("reads %q, writes %q", c.Read, c.Write)
			}
			if len(c.Profiles)*4 > len(b) || len(c.WriteKBps)*4 > len(b) {
				t.Fatalf("%d profiles, %d speeds from %d bytes", len(c.Profiles), len(c.WriteKBps), len(b))
			}
			if len(c.Write) == 0 && len(c.WriteKBps) != 0 {
				t.Fatalf("write speeds %v for a drive that writes nothing", c.WriteKBps)
			}
			for i, s := range c.WriteKBps {
				if s == 0 || i > 0 && s >= c.WriteKBps[i-1] {
					t.Fatalf("write speeds %v", c.WriteKBps)
				}
			}
		}
	})
}
