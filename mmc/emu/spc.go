package emu

import (
	"spindle/scsi"
)

// The SPC commands of an MMC device (SPC-4 clause 6; MMC-6 lists which of
// them an MMC logical unit implements).

func padID(s string, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	copy(b, s)
	return b
}

// inquiry answers INQUIRY (12h): standard data, or the VPD pages 00h,
// 80h and 83h. VPD 00h must be answered even though many real drives do
// not: QEMU's iSCSI block driver reads it when it opens the LUN and gives
// up if it fails.
func inquiry(d *Drive, r *request) ([]byte, error) {
	evpd := r.cdb[1]&1 != 0
	page := r.cdb[2]
	if !evpd {
		if page != 0 {
			return nil, errInvalidField
		}
		b := make([]byte, 96)
		b[0] = byte(scsi.TypeMMC)
		b[1] = 0x80 // removable medium
		b[2] = 0x06 // SPC-4
		b[3] = 0x02 // response data format 2
		b[4] = byte(len(b) - 5)
		copy(b[8:16], padID(d.cfg.Vendor, 8))
		copy(b[16:32], padID(d.cfg.Product, 16))
		copy(b[32:36], padID(d.cfg.Revision, 4))
		// Version descriptors: MMC-6 (04E3h... ) and SPC-4 (0460h).
		put16(b[58:], 0x0460)
		put16(b[60:], 0x04E3)
		return b, nil
	}
	switch page {
	case 0x00:
		return []byte{byte(scsi.TypeMMC), 0x00, 0x00, 3, 0x00, 0x80, 0x83}, nil
	case 0x80:
		sn := []byte(d.cfg.Serial)
		return append([]byte{byte(scsi.TypeMMC), 0x80, 0x00, byte(len(sn))}, sn...), nil
	case 0x83:
		// One designator: T10 vendor ID based, ASCII (SPC-4 §7.8.6).
		id := append(padID(d.cfg.Vendor, 8), []byte(d.cfg.Product+" "+d.cfg.Serial)...)
		desc := append([]byte{0x02, 0x01, 0x00, byte(len(id))}, id...)
		b := []byte{byte(scsi.TypeMMC), 0x83, 0, 0}
		put16(b[2:], len(desc))
		return append(b, desc...), nil
	}
	return nil, errInvalidField
}

func testUnitReady(d *Drive, r *request) ([]byte, error) { return nil, nil }

// requestSense returns the sense of the last command, or a pending unit
// attention, or no sense (SPC-4 §6.39).
func requestSense(d *Drive, r *request) ([]byte, error) {
	s := d.last
	if len(d.attention) > 0 {
		s = d.attention[0]
		d.attention = d.attention[1:]
	} else if d.medium == nil {
		s = *errNoMedium
		if d.trayOpen {
			s = *errNoMediumOpen
		}
	}
	d.last = senseData{}
	return s.bytes(), nil
}

// startStop answers START STOP UNIT (1Bh): LoEj with Start=0 ejects
// (opens the tray), with Start=1 loads.
func startStop(d *Drive, r *request) ([]byte, error) {
	loej, start := r.cdb[4]&0x02 != 0, r.cdb[4]&0x01 != 0
	if !loej {
		return nil, nil
	}
	if !start {
		if d.locked {
			return nil, errRemovalLocked
		}
		if !d.trayOpen {
			d.trayOpen = true
			if d.medium != nil {
				d.mediaEvent = 3
			}
		}
		return nil, nil
	}
	if d.trayOpen {
		d.trayOpen = false
		if d.medium != nil {
			d.changed()
		}
	}
	return nil, nil
}

func preventAllow(d *Drive, r *request) ([]byte, error) {
	d.locked = r.cdb[4]&0x01 != 0
	return nil, nil
}

// Mode pages (MMC-6 clause 7).
const (
	pageErrorRecovery = 0x01
	pageWriteParams   = 0x05
	pageCaching       = 0x08
	pageCapabilities  = 0x2A
	pageAll           = 0x3F
)

// modePage returns page code in the page control pc (0 current, 1
// changeable, 2 default), or nil if the drive has no such page.
func (d *Drive) modePage(code, pc byte) []byte {
	switch code {
	case pageErrorRecovery:
		p := []byte{pageErrorRecovery, 0x0A, 0, 5, 0, 0, 0, 0, 5, 0, 0, 0}
		if pc == 1 {
			clear(p[2:])
		}
		return p
	case pageWriteParams:
		switch pc {
		case 1:
			return writeParamsChangeable()
		case 2:
			w := defaultWriteParams()
			return w.page()
		}
		return d.wp.page()
	case pageCaching:
		p := []byte{pageCaching, 0x0A, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0}
		if pc == 1 {
			clear(p[2:])
		}
		return p
	case pageCapabilities:
		p := d.capabilities()
		if pc == 1 {
			clear(p[2:])
		}
		return p
	}
	return nil
}

// Speeds in kB/s (1x CD is 176.4 kB/s, 1x DVD 1385 kB/s).
const (
	speedCD1x = 176
	maxReadCD = 48 * speedCD1x
	maxWrite  = 48 * speedCD1x
)

// capabilities is page 2Ah, the CD/DVD capabilities and mechanical status
// page, in its MMC-3 form with write speed descriptors: cdrecord, wodim
// and cdrdao still read their writer's abilities from it.
func (d *Drive) capabilities() []byte {
	speeds := []int{48, 40, 32, 24, 16, 8, 4}
	p := make([]byte, 32+4*len(speeds))
	p[0], p[1] = pageCapabilities, byte(len(p)-2)
	p[2] = 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x20 // reads CD-R, CD-RW, method 2, DVD-ROM, DVD-R, DVD-RAM
	p[3] = 0x01 | 0x02 | 0x04 | 0x10               // writes CD-R, CD-RW, test write, DVD-R
	p[4] = 0x01 | 0x10 | 0x20 | 0x40 | 0x80        // audio play, form 1, form 2, multi-session, BUF
	p[5] = 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x20 | 0x40
	p[6] = 0x01 | 0x08 | 1<<5 // lock, eject, tray
	if d.locked {
		p[6] |= 0x02
	}
	put16(p[8:], maxReadCD)
	put16(p[10:], 256)
	put16(p[12:], 4096) // buffer, KB
	rs := d.readSpeed
	if rs == 0 {
		rs = maxReadCD
	}
	put16(p[14:], rs)
	put16(p[18:], maxWrite)
	ws := d.writeSpeed
	if ws == 0 {
		ws = maxWrite
	}
	put16(p[20:], ws)
	put16(p[28:], ws)
	put16(p[30:], len(speeds))
	for i, x := range speeds {
		put16(p[32+4*i+2:], x*speedCD1x)
	}
	return p
}

// modeSense answers MODE SENSE(6) (1Ah) and MODE SENSE(10) (5Ah), without
// block descriptors (MMC devices have none).
func modeSense(d *Drive, r *request) ([]byte, error) {
	ten := r.cdb[0] == 0x5A
	pc, code := r.cdb[2]>>6, r.cdb[2]&0x3F
	if pc == 3 {
		return nil, check(scsi.KeyIllegalRequest, 0x39, 0x00) // saving parameters not supported
	}
	var pages []byte
	if code == pageAll {
		for _, c := range []byte{pageErrorRecovery, pageWriteParams, pageCaching, pageCapabilities} {
			pages = append(pages, d.modePage(c, pc)...)
		}
	} else {
		pages = d.modePage(code, pc)
		if pages == nil {
			return nil, errInvalidField
		}
	}
	if ten {
		h := make([]byte, 8)
		put16(h, len(pages)+6)
		return append(h, pages...), nil
	}
	if len(pages)+3 > 255 {
		return nil, errInvalidField
	}
	h := []byte{byte(len(pages) + 3), 0, 0, 0}
	return append(h, pages...), nil
}

// modeSelect answers MODE SELECT(10) (55h) and MODE SELECT(6) (15h): only
// the write parameters page changes anything; other pages are accepted
// as they are.
func modeSelect(d *Drive, r *request) ([]byte, error) {
	ten := r.cdb[0] == 0x55
	b := r.out
	hl := 4
	if ten {
		hl = 8
	}
	if len(b) < hl {
		return nil, errParamLength
	}
	bdl := int(b[3])
	if ten {
		bdl = be16(b[6:])
	}
	off := hl + bdl
	if off > len(b) {
		return nil, errParamList
	}
	for off < len(b) {
		if off+2 > len(b) {
			return nil, errParamList
		}
		code, n := b[off]&0x3F, int(b[off+1])
		if off+2+n > len(b) {
			return nil, errParamList
		}
		if code == pageWriteParams {
			if err := d.setWriteParams(b[off : off+2+n]); err != nil {
				return nil, err
			}
		} else if d.modePage(code, 0) == nil {
			return nil, errParamList
		}
		off += 2 + n
	}
	return nil, nil
}
