package iscsi

import (
	"context"
	"encoding/binary"
	"sync"
	"sync/atomic"

	"spindle/scsi"
)

// memDisk is a small SBC-3 disk in memory: the Transport the unit tests
// and libiscsi's test suite run against. It reports overflow as the
// target's convention asks: Transferred is what the CDB asked to move,
// even beyond the buffer (see responseFor).
type memDisk struct {
	blocks []byte

	// slowGate, if set, makes the vendor command C1h wait for it to be
	// closed or for its context; slowStarted is signalled as it starts.
	slowGate    chan struct{}
	slowStarted chan struct{}

	active  atomic.Int32
	overlap atomic.Bool // Do was entered while another Do ran

	mu   sync.Mutex
	cdbs [][]byte
	ctxs []context.Context
}

const diskBlock = 512

func newMemDisk(nblocks int) *memDisk {
	d := &memDisk{blocks: make([]byte, nblocks*diskBlock)}
	for i := range d.blocks {
		d.blocks[i] = byte(i * 7 / 5)
	}
	return d
}

func (d *memDisk) log() [][]byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([][]byte(nil), d.cdbs...)
}

func reply(c *scsi.Command, data []byte) (scsi.Result, error) {
	return scsi.Result{Transferred: copy(c.Data, data)}, nil
}

func check(key scsi.SenseKey, asc, ascq byte) (scsi.Result, error) {
	return scsi.Result{Status: scsi.StatusCheckCondition, Sense: fixedSense(key, asc, ascq)}, nil
}

func (d *memDisk) Do(ctx context.Context, c *scsi.Command) (scsi.Result, error) {
	if d.active.Add(1) > 1 {
		d.overlap.Store(true)
	}
	defer d.active.Add(-1)
	d.mu.Lock()
	d.cdbs = append(d.cdbs, append([]byte(nil), c.CDB...))
	d.ctxs = append(d.ctxs, ctx)
	d.mu.Unlock()

	cdb := c.CDB
	nblocks := uint64(len(d.blocks) / diskBlock)
	switch cdb[0] {
	case 0x00, 0x35, 0x91, 0x1b, 0x1e: // TEST UNIT READY, SYNCHRONIZE CACHE(10/16), START STOP, PREVENT ALLOW
		return scsi.Result{}, nil
	case 0x03: // REQUEST SENSE
		return reply(c, fixedSense(scsi.KeyNoSense, 0, 0))
	case 0x12: // INQUIRY
		return d.inquiry(c)
	case 0x25: // READ CAPACITY(10)
		b := make([]byte, 8)
		binary.BigEndian.PutUint32(b, uint32(nblocks-1))
		binary.BigEndian.PutUint32(b[4:], diskBlock)
		return reply(c, b)
	case 0x9e: // SERVICE ACTION IN(16)
		if cdb[1]&0x1f != 0x10 {
			return check(scsi.KeyIllegalRequest, 0x24, 0)
		}
		b := make([]byte, 32)
		binary.BigEndian.PutUint64(b, nblocks-1)
		binary.BigEndian.PutUint32(b[8:], diskBlock)
		return reply(c, b)
	case 0x1a: // MODE SENSE(6): a header, no pages
		return reply(c, []byte{3, 0, 0, 0})
	case 0x5a: // MODE SENSE(10)
		return reply(c, []byte{0, 6, 0, 0, 0, 0, 0, 0})
	case 0x28, 0xa8, 0x88, 0x2a, 0xaa, 0x8a, 0x2e, 0xae, 0x8e:
		return d.readWrite(c, nblocks)
	case 0xc1: // vendor: wait for slowGate
		if d.slowStarted != nil {
			d.slowStarted <- struct{}{}
		}
		select {
		case <-d.slowGate:
		case <-ctx.Done():
			return scsi.Result{}, ctx.Err()
		}
		return reply(c, []byte("slow"))
	case 0xc2: // vendor: fail in the transport
		return scsi.Result{}, context.DeadlineExceeded
	}
	return check(scsi.KeyIllegalRequest, 0x20, 0)
}

func (d *memDisk) inquiry(c *scsi.Command) (scsi.Result, error) {
	cdb := c.CDB
	if cdb[1]&1 == 0 {
		if cdb[2] != 0 {
			return check(scsi.KeyIllegalRequest, 0x24, 0)
		}
		b := make([]byte, 36)
		b[0] = 0x00 // direct access block device
		b[2] = 0x06
		b[3] = 0x02
		b[4] = 31
		copy(b[8:], "SPINDLE MEMDISK         0001")
		return reply(c, b)
	}
	switch cdb[2] {
	case 0x00:
		return reply(c, []byte{0, 0x00, 0, 4, 0x00, 0x80, 0x83, 0xb0})
	case 0x80:
		return reply(c, []byte{0, 0x80, 0, 4, '0', '0', '0', '1'})
	case 0x83:
		id := []byte("SPINDLE memdisk0")
		b := []byte{0, 0x83, 0, byte(4 + len(id)), 0x02, 0x01, 0x00, byte(len(id))}
		return reply(c, append(b, id...))
	case 0xb0:
		b := make([]byte, 64)
		b[1] = 0xb0
		b[3] = 0x3c
		binary.BigEndian.PutUint32(b[8:], 2048) // maximum transfer length in blocks
		return reply(c, b)
	}
	return check(scsi.KeyIllegalRequest, 0x24, 0)
}

// readWrite serves READ, WRITE and WRITE AND VERIFY (10/12/16). The
// transfer is what the CDB asks for, cut to the buffer; Transferred is
// the whole of what it asked for, which makes the target report overflow
// when the buffer is shorter.
func (d *memDisk) readWrite(c *scsi.Command, nblocks uint64) (scsi.Result, error) {
	cdb := c.CDB
	var lba, count uint64
	switch cdb[0] {
	case 0x28, 0x2a, 0x2e:
		lba, count = uint64(binary.BigEndian.Uint32(cdb[2:])), uint64(binary.BigEndian.Uint16(cdb[7:]))
	case 0xa8, 0xaa, 0xae:
		lba, count = uint64(binary.BigEndian.Uint32(cdb[2:])), uint64(binary.BigEndian.Uint32(cdb[6:]))
	default:
		lba, count = binary.BigEndian.Uint64(cdb[2:]), uint64(binary.BigEndian.Uint32(cdb[10:]))
	}
	if lba > nblocks || count > nblocks-lba {
		return check(scsi.KeyIllegalRequest, 0x21, 0)
	}
	want := int(count * diskBlock)
	disk := d.blocks[lba*diskBlock:]
	// A command whose iSCSI direction contradicts the CDB moves
	// nothing and ends GOOD, as libiscsi's Read10Invalid expects.
	switch cdb[0] {
	case 0x28, 0xa8, 0x88:
		if c.Direction != scsi.FromDevice {
			return scsi.Result{}, nil
		}
		copy(c.Data, disk[:want])
	default:
		if c.Direction != scsi.ToDevice {
			return scsi.Result{}, nil
		}
		copy(disk[:want], c.Data)
	}
	return scsi.Result{Transferred: want}, nil
}
