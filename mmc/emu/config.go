package emu

import (
	"slices"
	"sync"

	"spindle/cd"
	"spindle/mmc"
)

// profiles are the profiles this drive supports, in the order of the
// profile list (MMC-6: highest-capability first within a family is not
// required; the list names each once).
var profiles = []mmc.Profile{
	mmc.ProfileBDRE, mmc.ProfileBDRSeq, mmc.ProfileBDROM,
	mmc.ProfileDVDPlusR, mmc.ProfileDVDPlusRW, mmc.ProfileDVDRWSeq, mmc.ProfileDVDRWOverw,
	mmc.ProfileDVDR, mmc.ProfileDVDROM, mmc.ProfileCDRW, mmc.ProfileCDR, mmc.ProfileCDROM,
}

// currentProfile is the profile of the medium in the drive, 0 without one.
func (d *Drive) currentProfile() mmc.Profile {
	if d.medium == nil || d.trayOpen {
		return mmc.ProfileNone
	}
	m := d.medium
	if m.st.Kind == DVDRW && m.st.Formatted {
		return mmc.ProfileDVDRWOverw
	}
	return m.st.Kind.Profile()
}

// feature is one feature descriptor with the profiles it is current for.
type feature struct {
	code    mmc.Feature
	version byte
	// current reports whether the feature is current for profile p.
	current func(p mmc.Profile) bool
	data    func(d *Drive, p mmc.Profile) []byte
}

func isOneOf(ps ...mmc.Profile) func(mmc.Profile) bool {
	return func(p mmc.Profile) bool { return slices.Contains(ps, p) }
}

func always(p mmc.Profile) bool { return p != mmc.ProfileNone }

var (
	cdProfiles  = []mmc.Profile{mmc.ProfileCDROM, mmc.ProfileCDR, mmc.ProfileCDRW}
	dvdProfiles = []mmc.Profile{mmc.ProfileDVDROM, mmc.ProfileDVDR, mmc.ProfileDVDRWSeq, mmc.ProfileDVDRWOverw, mmc.ProfileDVDPlusR, mmc.ProfileDVDPlusRW}
	bdProfiles  = []mmc.Profile{mmc.ProfileBDROM, mmc.ProfileBDRSeq, mmc.ProfileBDRE}
)

// features is the drive's feature list (MMC-6 clause 5, the feature
// descriptors), in ascending code order as GET CONFIGURATION returns them.
// It is made on first use (sync.Once, which is static data, unlike
// sync.OnceValue): its closures would otherwise be built at the start of
// every program that links the emulator.
var (
	featuresOnce sync.Once
	featureTab   []feature
)

func features() []feature {
	featuresOnce.Do(func() { featureTab = buildFeatures() })
	return featureTab
}

func buildFeatures() []feature {
	return []feature{
		{mmc.FeatureProfileList, 0, func(mmc.Profile) bool { return true }, func(d *Drive, cur mmc.Profile) []byte {
			var b []byte
			for _, p := range profiles {
				e := []byte{byte(p >> 8), byte(p), 0, 0}
				if p == cur {
					e[2] = 1
				}
				b = append(b, e...)
			}
			return b
		}},
		// Core: physical interface standard 1 (SCSI family), DBE.
		{mmc.FeatureCore, 2, func(mmc.Profile) bool { return true }, fixed(0, 0, 0, 1, 0x01, 0, 0, 0)},
		// Morphing: asynchronous GESN not supported, OCEvent.
		{mmc.FeatureMorphing, 1, func(mmc.Profile) bool { return true }, fixed(0x02, 0, 0, 0)},
		// Removable medium: tray loading mechanism (001b), eject, lock.
		{mmc.FeatureRemovableMedium, 2, func(mmc.Profile) bool { return true }, fixed(0x29, 0, 0, 0)},
		// Random readable: logical block size 2048, blocking per medium.
		{mmc.FeatureRandomReadable, 0, always, func(d *Drive, p mmc.Profile) []byte {
			b := []byte{0, 0, 0x08, 0, 0, 1, 0, 0}
			switch {
			case slices.Contains(dvdProfiles, p):
				b[5] = 16
			case slices.Contains(bdProfiles, p):
				b[5] = 32
			}
			return b
		}},
		{mmc.FeatureMultiRead, 0, isOneOf(cdProfiles...), nil},
		// CD read: CD-TEXT and C2 error pointers, digital audio play.
		{mmc.FeatureCDRead, 2, isOneOf(cdProfiles...), fixed(0x03, 0, 0, 0)},
		{mmc.FeatureDVDRead, 1, isOneOf(dvdProfiles...), fixed(0x01, 0, 0x01, 0)},
		// Random writable: last LBA, block size 2048, blocking, PP.
		{mmc.FeatureRandomWritable, 0, isOneOf(mmc.ProfileDVDPlusRW, mmc.ProfileBDRE, mmc.ProfileDVDRWOverw), func(d *Drive, p mmc.Profile) []byte {
			b := make([]byte, 12)
			if d.medium != nil {
				put32(b, uint32(d.medium.st.Capacity-1))
			}
			put32(b[4:], cd.DataSectorSize)
			put16(b[8:], 16)
			return b
		}},
		// Incremental streaming writable: data block types 0 (raw), 8 (Mode
		// 1), 10–13 (XA); buffer under-run free; link sizes 7 (CD) and
		// 16 (DVD).
		{mmc.FeatureIncremental, 1, isOneOf(mmc.ProfileCDR, mmc.ProfileCDRW, mmc.ProfileDVDR, mmc.ProfileDVDRWSeq, mmc.ProfileDVDPlusR, mmc.ProfileBDRSeq),
			fixed(0x3D, 0x01, 0x01, 2, 7, 16, 0, 0)},
		{mmc.FeatureFormattable, 1, isOneOf(mmc.ProfileDVDPlusRW, mmc.ProfileBDRE, mmc.ProfileDVDRWSeq, mmc.ProfileDVDRWOverw), fixed(0, 0, 0, 0, 0, 0, 0, 0)},
		// Defect management (0024h) is not modelled; restricted overwrite:
		{mmc.FeatureRestrictedOverw, 0, isOneOf(mmc.ProfileDVDRWOverw), nil},
		// DVD+RW (002Ah): write supported, quick start.
		{0x002A, 1, isOneOf(mmc.ProfileDVDPlusRW), fixed(1, 0, 0, 0)},
		// DVD+R (002Bh): write supported.
		{0x002B, 0, isOneOf(mmc.ProfileDVDPlusR), fixed(1, 0, 0, 0)},
		// CD track at once: R-W raw and pack, test write, CD-RW, R-W
		// sub-code; data block types 0, 8, 10–13.
		{mmc.FeatureCDTAO, 2, isOneOf(mmc.ProfileCDR, mmc.ProfileCDRW), fixed(0x5F, 0, 0x3D, 0x01)},
		// CD mastering (session at once and raw): SAO, raw MS, raw, test
		// write, CD-RW, R-W; maximum cue sheet length.
		{mmc.FeatureCDMastering, 1, isOneOf(mmc.ProfileCDR, mmc.ProfileCDRW), fixed(0x7F, 0x00, 0x10, 0x00)},
		// DVD-R/-RW write: BUF, test write, DVD-RW.
		{mmc.FeatureDVDRWrite, 1, isOneOf(mmc.ProfileDVDR, mmc.ProfileDVDRWSeq), fixed(0x46, 0, 0, 0)},
		// BD read (0040h): after 4 reserved bytes, the version bit maps of
		// classes 0–3 of BD-RE, then of BD-R, then of BD-ROM, two bytes each;
		// class 0 versions 1–3 (bits 1–3) of each.
		{mmc.FeatureBDRead, 1, isOneOf(bdProfiles...), func(*Drive, mmc.Profile) []byte {
			b := make([]byte, 4+3*8)
			for _, i := range []int{4, 12, 20} {
				b[i+1] = 0x0E
			}
			return b
		}},
		// BD write (0041h): SVNR, 3 reserved bytes, then the class 0–3 bit
		// maps of BD-RE and of BD-R.
		{mmc.FeatureBDWrite, 2, isOneOf(mmc.ProfileBDRSeq, mmc.ProfileBDRE), func(*Drive, mmc.Profile) []byte {
			b := make([]byte, 4+2*8)
			b[0] = 0x01 // SVNR
			b[5], b[13] = 0x0E, 0x0E
			return b
		}},
		{mmc.FeaturePowerManagement, 0, func(mmc.Profile) bool { return true }, nil},
		// Timeout: group 3.
		{mmc.FeatureTimeout, 1, func(mmc.Profile) bool { return true }, fixed(0, 0, 0, 0)},
		// Real-time streaming: SET STREAMING, GET PERFORMANCE write speed,
		// read buffer capacity block.
		{mmc.FeatureRealTimeStream, 4, always, fixed(0x1F, 0, 0, 0)},
		{mmc.FeatureDriveSerial, 0, func(mmc.Profile) bool { return true }, func(d *Drive, _ mmc.Profile) []byte {
			s := []byte(d.cfg.Serial)
			for len(s)%4 != 0 {
				s = append(s, ' ')
			}
			return s
		}},
	}
}

func fixed(b ...byte) func(*Drive, mmc.Profile) []byte {
	return func(*Drive, mmc.Profile) []byte { return slices.Clone(b) }
}

// getConfiguration answers GET CONFIGURATION (46h): RT 0 all features
// from the starting feature, 1 the current ones, 2 only that one.
func getConfiguration(d *Drive, r *request) ([]byte, error) {
	rt := r.cdb[1] & 3
	sfn := mmc.Feature(be16(r.cdb[2:]))
	if rt == 3 {
		return nil, errInvalidField
	}
	cur := d.currentProfile()
	b := make([]byte, 8)
	put16(b[6:], int(cur))
	for _, f := range features() {
		isCur := f.current(cur)
		switch {
		case rt == 2 && f.code != sfn, f.code < sfn:
			continue
		case rt == 1 && !isCur:
			continue
		}
		var data []byte
		if f.data != nil {
			data = f.data(d, cur)
		}
		h := []byte{byte(f.code >> 8), byte(f.code), f.version << 2, byte(len(data))}
		if isCur {
			h[2] |= 1
		}
		if f.code <= mmc.FeatureRemovableMedium {
			h[2] |= 2 // persistent
		}
		b = append(b, h...)
		b = append(b, data...)
	}
	put32(b, uint32(len(b)-4))
	return b, nil
}

// getEventStatus answers GET EVENT STATUS NOTIFICATION (4Ah), polled
// only: the operational change and media classes (MMC-6). A media event
// is reported once.
func getEventStatus(d *Drive, r *request) ([]byte, error) {
	if r.cdb[1]&1 == 0 {
		return nil, errInvalidField // asynchronous operation is not supported
	}
	req := r.cdb[4]
	const supported = 0x02 | 0x10 // operational change, media
	b := make([]byte, 8)
	b[3] = supported
	if req&0x10 == 0 {
		// Only classes we do not report: "no event available".
		put16(b, 2)
		b[2] = 0x80
		return b[:4], nil
	}
	put16(b, 6)
	b[2] = 4 // media class
	b[4] = d.mediaEvent
	d.mediaEvent = 0
	if d.trayOpen {
		b[5] |= 0x01
	}
	if d.medium != nil && !d.trayOpen {
		b[5] |= 0x02
	}
	return b, nil
}

// getPerformance answers GET PERFORMANCE (ACh): type 00h (performance
// descriptors for the whole medium) and 03h (write speed descriptors).
func getPerformance(d *Drive, r *request) ([]byte, error) {
	typ := r.cdb[10]
	max := be16(r.cdb[8:])
	end := uint32(0)
	if d.medium != nil {
		end = uint32(d.medium.st.Capacity)
	}
	rate := uint32(maxReadCD)
	switch typ {
	case 0x00:
		b := make([]byte, 8, 24)
		e := make([]byte, 16)
		put32(e[4:], rate)
		put32(e[8:], end)
		put32(e[12:], rate)
		if max > 0 {
			b = append(b, e...)
		}
		put32(b, uint32(len(b)-4))
		return b, nil
	case 0x03:
		speeds := []int{48, 32, 16, 8}
		b := make([]byte, 8)
		for i, x := range speeds {
			if i >= max {
				break
			}
			e := make([]byte, 16)
			put32(e[4:], end)
			put32(e[8:], uint32(x*speedCD1x))
			put32(e[12:], uint32(x*speedCD1x))
			b = append(b, e...)
		}
		put32(b, uint32(len(b)-4))
		return b, nil
	}
	return nil, errInvalidField
}

// setCDSpeed answers SET CD SPEED (BBh): FFFFh means the maximum.
func setCDSpeed(d *Drive, r *request) ([]byte, error) {
	rs, ws := be16(r.cdb[2:]), be16(r.cdb[4:])
	if rs == 0xFFFF || rs > maxReadCD {
		rs = maxReadCD
	}
	if ws == 0xFFFF || ws > maxWrite {
		ws = maxWrite
	}
	d.readSpeed, d.writeSpeed = rs, ws
	return nil, nil
}

// setStreaming answers SET STREAMING (B6h) with a performance descriptor;
// the speeds it asks for are accepted as they are.
func setStreaming(d *Drive, r *request) ([]byte, error) {
	if len(r.out) != 0 && len(r.out) < 28 {
		return nil, errParamLength
	}
	return nil, nil
}

// mechanismStatus answers MECHANISM STATUS (BDh): no changer, door state.
func mechanismStatus(d *Drive, r *request) ([]byte, error) {
	b := make([]byte, 8)
	if d.trayOpen {
		b[1] = 0x10
	}
	return b, nil
}

// readDiscStructure answers READ DISC STRUCTURE (ADh) format 00h
// (physical format information) for DVD and BD media, and FFh (the list
// of formats); CDs have no disc structures (30h/02h cannot read medium,
// incompatible format... drives use 30h/00h).
func readDiscStructure(d *Drive, r *request) ([]byte, error) {
	format := r.cdb[7]
	if d.medium == nil {
		return nil, errNoMedium
	}
	k := d.medium.st.Kind
	if format == 0xFF {
		b := make([]byte, 8)
		put16(b, 6)
		b[4], b[5] = 0x00, 0x40
		put16(b[6:], 2052)
		return b, nil
	}
	if k.IsCD() || format != 0 {
		return nil, errIncompatible
	}
	b := make([]byte, 4+2048)
	put16(b, len(b)-2)
	cat := byte(0x00) // DVD-ROM
	switch k {
	case DVDR:
		cat = 0x20
	case DVDRW:
		cat = 0x30
	case DVDPlusRW:
		cat = 0x90
	case DVDPlusR:
		cat = 0xA0
	}
	b[4] = cat | 0x05 // part version
	b[5] = 0x0F       // 120 mm, maximum rate not specified
	b[6] = 0x01       // one layer, parallel track path, embossed user data
	b[7] = 0x10       // 0.267 µm/bit, 0.74 µm track pitch
	put32(b[8:], 0x030000)
	put32(b[12:], uint32(0x030000+d.medium.st.Capacity-1))
	return b, nil
}
