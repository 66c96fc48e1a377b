package mmc

// Page control values of MODE SENSE(10).
const (
	PageCurrent    = 0
	PageChangeable = 1
	PageDefault    = 2
	PageSaved      = 3
)

// PageCapabilities is the code of the CD/DVD capabilities and mechanical
// status mode page (2Ah, defined in MMC-3; MMC-4 moved it to its annex of
// legacy specifications, and drives still answer it).
const PageCapabilities = 0x2A

// ModeSense10 builds the 10-byte MODE SENSE(10) CDB (5Ah; MMC-6 §6.12,
// which refers to SPC-3 for the fields) with DBD set (no block
// descriptors, as MMC drives have none): page code, page control (0..3)
// and subpage.
func ModeSense10(page, pc, subpage uint8, alloc uint16) [10]byte {
	var c [10]byte
	c[0] = OpModeSense10
	c[1] = 0x08
	c[2] = pc<<6 | page&0x3F
	c[3] = subpage
	put16(c[7:], alloc)
	return c
}

// ModePage finds mode page code in the response of MODE SENSE(10): after
// the 8-byte header and any block descriptors, within the mode data
// length. It returns the page, its 2-byte header included, bounded by its
// page length.
func ModePage(b []byte, code uint8) ([]byte, error) {
	const s = "MODE SENSE(10)"
	b, err := response(s, b, 2, 8)
	if err != nil {
		return nil, err
	}
	off := 8 + be16(b[6:8])
	for off < len(b) {
		if off+2 > len(b) {
			return nil, formatErr(s, off, "page header cut short")
		}
		n := 2 + int(b[off+1])
		if off+n > len(b) {
			return nil, formatErr(s, off+1, "page %02Xh length %d beyond the mode data", b[off]&0x3F, n-2)
		}
		if b[off]&0x3F == code&0x3F {
			return b[off : off+n : off+n], nil
		}
		off += n
	}
	return nil, formatErr(s, off, "page %02Xh not present", code)
}

// WriteSpeed is a write speed performance descriptor of page 2Ah.
type WriteSpeed struct {
	RotationControl uint8 // 0: CLV, 1: CAV
	KBps            uint16
}

// Capabilities is the CD/DVD capabilities and mechanical status page
// (2Ah). Speeds are in kB/s (1000 bytes per second; 1x CD is 176 kB/s);
// fields beyond the page length the drive returned stay zero.
type Capabilities struct {
	ReadCDR, ReadCDRW, Method2              bool
	ReadDVDROM, ReadDVDR, ReadDVDRAM        bool
	WriteCDR, WriteCDRW, TestWrite          bool
	WriteDVDR, WriteDVDRAM                  bool
	AudioPlay, Composite, DigitalPort1      bool
	DigitalPort2, Mode2Form1, Mode2Form2    bool
	MultiSession, BufferUnderrunProtection  bool
	CDDACommands, CDDAAccurate, RWSupported bool
	RWDeinterleaved, C2Pointers, ISRC, UPC  bool
	ReadBarCode                             bool
	Lock, LockState, PreventJumper, Eject   bool
	LoadingMechanism                        uint8 // 0 caddy, 1 tray, 2 pop-up, 4 changer (individual), 5 changer (magazine)
	SeparateVolume, SeparateMute            bool
	MaxReadSpeed, CurrentReadSpeed          uint16 // obsolete in later MMC; often still filled
	VolumeLevels                            uint16
	BufferKB                                uint16
	MaxWriteSpeed, CurrentWriteSpeed        uint16 // obsolete fields
	CopyManagementRevision                  uint16
	RotationControl                         uint8
	SelectedWriteSpeed                      uint16
	WriteSpeeds                             []WriteSpeed
}

// ParseCapabilities decodes page 2Ah from the response of MODE SENSE(10).
func ParseCapabilities(b []byte) (*Capabilities, error) {
	p, err := ModePage(b, PageCapabilities)
	if err != nil {
		return nil, err
	}
	if len(p) < 14 {
		return nil, formatErr("mode page 2Ah", 1, "page length %d, want at least 12", len(p)-2)
	}
	var q [32]byte
	copy(q[:], p)
	bit := func(i int, m byte) bool { return q[i]&m != 0 }
	c := &Capabilities{
		ReadCDR: bit(2, 0x01), ReadCDRW: bit(2, 0x02), Method2: bit(2, 0x04),
		ReadDVDROM: bit(2, 0x08), ReadDVDR: bit(2, 0x10), ReadDVDRAM: bit(2, 0x20),
		WriteCDR: bit(3, 0x01), WriteCDRW: bit(3, 0x02), TestWrite: bit(3, 0x04),
		WriteDVDR: bit(3, 0x10), WriteDVDRAM: bit(3, 0x20),
		AudioPlay: bit(4, 0x01), Composite: bit(4, 0x02), DigitalPort1: bit(4, 0x04),
		DigitalPort2: bit(4, 0x08), Mode2Form1: bit(4, 0x10), Mode2Form2: bit(4, 0x20),
		MultiSession: bit(4, 0x40), BufferUnderrunProtection: bit(4, 0x80),
		CDDACommands: bit(5, 0x01), CDDAAccurate: bit(5, 0x02), RWSupported: bit(5, 0x04),
		RWDeinterleaved: bit(5, 0x08), C2Pointers: bit(5, 0x10), ISRC: bit(5, 0x20),
		UPC: bit(5, 0x40), ReadBarCode: bit(5, 0x80),
		Lock: bit(6, 0x01), LockState: bit(6, 0x02), PreventJumper: bit(6, 0x04), Eject: bit(6, 0x08),
		LoadingMechanism: q[6] >> 5,
		SeparateVolume:   bit(7, 0x01), SeparateMute: bit(7, 0x02),
		MaxReadSpeed:           uint16(be16(q[8:])),
		VolumeLevels:           uint16(be16(q[10:])),
		BufferKB:               uint16(be16(q[12:])),
		CurrentReadSpeed:       uint16(be16(q[14:])),
		MaxWriteSpeed:          uint16(be16(q[18:])),
		CurrentWriteSpeed:      uint16(be16(q[20:])),
		CopyManagementRevision: uint16(be16(q[22:])),
		RotationControl:        q[27] & 3,
		SelectedWriteSpeed:     uint16(be16(q[28:])),
	}
	if len(p) >= 32 {
		n := be16(q[30:])
		for i := range n {
			off := 32 + 4*i
			if off+4 > len(p) {
				break // the count claims more than the page holds
			}
			c.WriteSpeeds = append(c.WriteSpeeds, WriteSpeed{RotationControl: p[off+1] & 7, KBps: uint16(be16(p[off+2:]))})
		}
	}
	return c, nil
}
