package iscsi

import (
	"context"
	"encoding/binary"
	"time"

	"spindle/scsi"
)

// cdrom is a minimal read-only CD-ROM drive (device type 5) with a disc
// of one data track: just what QEMU's iSCSI driver and the guest kernel's
// sr driver need to take it for a CD-ROM and read it. The emulated drive
// of mmc/emu will replace it. Everything it does not know ends with
// ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE (20/00).
type cdrom struct {
	image []byte // whole 2048-byte blocks
	// slow is how long the vendor command C1h takes: a stand-in for a
	// long BLANK or FORMAT UNIT.
	slow time.Duration
}

const cdBlock = 2048

func (d *cdrom) blocks() uint32 { return uint32(len(d.image) / cdBlock) }

func (d *cdrom) Do(ctx context.Context, c *scsi.Command) (scsi.Result, error) {
	cdb := c.CDB
	switch cdb[0] {
	case 0x00, 0x1b, 0x1e: // TEST UNIT READY, START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL
		return scsi.Result{}, nil
	case 0x03: // REQUEST SENSE
		return reply(c, fixedSense(scsi.KeyNoSense, 0, 0))
	case 0x12: // INQUIRY
		return d.inquiry(c)
	case 0x25: // READ CAPACITY(10): QEMU needs it GOOD at open (QEMU-MMC.md section 4)
		b := make([]byte, 8)
		binary.BigEndian.PutUint32(b, d.blocks()-1)
		binary.BigEndian.PutUint32(b[4:], cdBlock)
		return reply(c, b)
	case 0x9e: // READ CAPACITY(16), for iscsi-readcapacity16
		if cdb[1]&0x1f != 0x10 {
			return check(scsi.KeyIllegalRequest, 0x24, 0)
		}
		b := make([]byte, 32)
		binary.BigEndian.PutUint64(b, uint64(d.blocks())-1)
		binary.BigEndian.PutUint32(b[8:], cdBlock)
		return reply(c, b)
	case 0x28, 0xa8: // READ(10), READ(12)
		lba := binary.BigEndian.Uint32(cdb[2:])
		n := uint32(binary.BigEndian.Uint16(cdb[7:]))
		if cdb[0] == 0xa8 {
			n = binary.BigEndian.Uint32(cdb[6:])
		}
		if lba > d.blocks() || n > d.blocks()-lba {
			return check(scsi.KeyIllegalRequest, 0x21, 0)
		}
		return scsi.Result{Transferred: copy(c.Data, d.image[lba*cdBlock:][:n*cdBlock])}, nil
	case 0x46: // GET CONFIGURATION: the profile list, CD-ROM current
		return reply(c, []byte{0, 0, 0, 16, 0, 0, 0x00, 0x08, // header: current profile 0008h
			0x00, 0x00, 0x03, 0x04, 0x00, 0x08, 0x01, 0x00}) // feature 0000h: profile 0008h, current
	case 0x43: // READ TOC/PMA/ATIP
		return d.readTOC(c)
	case 0x4a: // GET EVENT STATUS NOTIFICATION
		if cdb[1]&1 == 0 {
			return check(scsi.KeyIllegalRequest, 0x24, 0) // polled only
		}
		if cdb[4]&0x10 == 0 {
			return reply(c, []byte{0, 2, 0x80, 0x10}) // no requested class supported
		}
		return reply(c, []byte{0, 6, 0x04, 0x10, 0x00, 0x02, 0, 0}) // media: no change, present
	case 0x1a, 0x5a: // MODE SENSE(6), MODE SENSE(10): no pages
		return check(scsi.KeyIllegalRequest, 0x24, 0)
	case 0xc1:
		select {
		case <-time.After(d.slow):
			return scsi.Result{}, nil
		case <-ctx.Done():
			return scsi.Result{}, ctx.Err()
		}
	}
	return check(scsi.KeyIllegalRequest, 0x20, 0)
}

func (d *cdrom) inquiry(c *scsi.Command) (scsi.Result, error) {
	cdb := c.CDB
	if cdb[1]&1 == 0 {
		if cdb[2] != 0 {
			return check(scsi.KeyIllegalRequest, 0x24, 0)
		}
		b := make([]byte, 36)
		b[0] = 0x05 // CD/DVD device
		b[1] = 0x80 // removable
		b[2] = 0x05
		b[3] = 0x02 // response data format 2
		b[4] = 31
		copy(b[8:], "SPINDLE TEST CD-ROM     0001")
		return reply(c, b)
	}
	switch cdb[2] {
	case 0x00: // supported pages: QEMU needs it GOOD
		return reply(c, []byte{0x05, 0x00, 0, 2, 0x00, 0x83})
	case 0x83: // device identification: one T10 vendor ID designator
		id := []byte("SPINDLE test-cdrom")
		b := []byte{0x05, 0x83, 0, byte(4 + len(id)), 0x02, 0x01, 0x00, byte(len(id))}
		return reply(c, append(b, id...))
	}
	return check(scsi.KeyIllegalRequest, 0x24, 0)
}

// readTOC answers format 0 (the TOC) for the one track.
func (d *cdrom) readTOC(c *scsi.Command) (scsi.Result, error) {
	cdb := c.CDB
	format := cdb[2] & 0x0f
	if format == 0 {
		format = cdb[9] >> 6 // the SFF-8020 place
	}
	if format != 0 {
		return check(scsi.KeyIllegalRequest, 0x24, 0)
	}
	msf := cdb[1]&0x02 != 0
	addr := func(lba uint32) []byte {
		if msf {
			f := lba + 150
			return []byte{0, byte(f / 75 / 60), byte(f / 75 % 60), byte(f % 75)}
		}
		return binary.BigEndian.AppendUint32(nil, lba)
	}
	b := []byte{0, 0, 1, 1}
	switch start := cdb[6]; {
	case start <= 1:
		b = append(b, 0, 0x14, 1, 0)
		b = append(b, addr(0)...)
		fallthrough
	case start == 0xaa:
		b = append(b, 0, 0x14, 0xaa, 0)
		b = append(b, addr(d.blocks())...)
	default:
		return check(scsi.KeyIllegalRequest, 0x24, 0)
	}
	binary.BigEndian.PutUint16(b, uint16(len(b)-2))
	return reply(c, b)
}
