package cd

import "testing"

func TestMSFConversions(t *testing.T) {
	tests := []struct {
		name string
		lba  LBA
		msf  MSF
	}{
		{"lba0", 0, MSF{0, 2, 0}},
		{"lead-in", -150, MSF{0, 0, 0}},
		{"one minute", 4350, MSF{1, 0, 0}},
		{"74 min", 332850, MSF{74, 0, 0}},
		{"frame 74", 74 - 150, MSF{0, 0, 74}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.lba.MSF()
			if err != nil || got != tc.msf {
				t.Fatalf("LBA(%d).MSF() = %v, %v; want %v", tc.lba, got, err, tc.msf)
			}
			if back := tc.msf.LBA(); back != tc.lba {
				t.Fatalf("MSF(%v).LBA() = %d; want %d", tc.msf, back, tc.lba)
			}
			p, err := ParseMSF(tc.msf.String())
			if err != nil || p != tc.msf {
				t.Fatalf("ParseMSF(%q) = %v, %v", tc.msf.String(), p, err)
			}
		})
	}
}

func TestMSFErrors(t *testing.T) {
	for _, s := range []string{"", "1:2", "00:60:00", "00:00:75", "-1:00:00", "00:00:00x", "256:00:00"} {
		if _, err := ParseMSF(s); err == nil {
			t.Errorf("ParseMSF(%q) succeeded", s)
		}
	}
	if _, err := LBA(-151).MSF(); err == nil {
		t.Error("LBA(-151).MSF() succeeded")
	}
}

func TestSectorsFor(t *testing.T) {
	if got := SectorsFor(0, DataSectorSize); got != 0 {
		t.Errorf("SectorsFor(0) = %d", got)
	}
	if got := SectorsFor(2049, DataSectorSize); got != 2 {
		t.Errorf("SectorsFor(2049) = %d", got)
	}
	if got := Frames(3).Bytes(RawSectorSize); got != 3*2352 {
		t.Errorf("Bytes = %d", got)
	}
}

func FuzzParseMSF(f *testing.F) {
	for _, s := range []string{"00:02:00", "74:59:74", "1:2:3", "99:99:99", "", "00:00:00x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMSF(s)
		if err != nil {
			return
		}
		if !m.Valid() {
			t.Fatalf("ParseMSF(%q) = %v: invalid MSF accepted", s, m)
		}
		back, err := ParseMSF(m.String())
		if err != nil || back != m {
			t.Fatalf("round trip of %q: %v, %v", s, back, err)
		}
		if f2, err := MSFFromFrames(m.Frames()); err != nil || f2 != m {
			t.Fatalf("frames round trip of %v: %v, %v", m, f2, err)
		}
	})
}
