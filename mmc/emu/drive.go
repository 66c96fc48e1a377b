package emu

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	"spindle/cd"
	"spindle/scsi"
)

// Config describes an emulated drive: its identity and the faults it
// shows. The zero value is a well-behaved writer of every kind of medium.
type Config struct {
	// Vendor (8 characters), Product (16) and Revision (4) are the
	// INQUIRY identity; Serial is VPD page 80h.
	Vendor, Product, Revision, Serial string
	// ReadOffset shifts CD-DA reads by this many stereo samples, as real
	// drives do (positive: the drive returns samples from later on the
	// disc; AccurateRip's offset convention).
	ReadOffset int
	// Faults are injected failures.
	Faults Faults
	// Log, when set, receives every command after it completed.
	Log func(Entry)
}

// Faults are failures the drive shows on demand. Addresses are LBAs.
type Faults struct {
	// Unreadable blocks fail every read on this drive with MEDIUM ERROR,
	// unrecovered read error (11h/00h); other drives may read them (a
	// disc the first drive of seed 000 could not read).
	Unreadable []Extent
	// Retry blocks fail their first Attempts-1 reads and then read.
	Retry []RetryFault
	// C2 marks audio sectors read with C2 error pointers set (and their
	// samples damaged) without a CHECK CONDITION, as drives do.
	C2 []Extent
	// Slow regions take Delay per block read.
	Slow []SlowFault
	// BecomingReady is how many commands after a disc is inserted are
	// answered NOT READY, becoming ready (04h/01h).
	BecomingReady int
	// WriteFailAt, when non-nil, makes a write covering that address fail
	// with MEDIUM ERROR, write error (0Ch/00h).
	WriteFailAt *cd.LBA
	// LoseMediumAfter, when positive, makes the medium vanish (NOT READY,
	// medium not present) after that many commands.
	LoseMediumAfter int
}

// RetryFault is a run of blocks that read only on a later attempt.
type RetryFault struct {
	Extent
	Attempts int
}

// SlowFault is a run of blocks that are slow to read.
type SlowFault struct {
	Extent
	Delay time.Duration
}

// Entry is one command of the command log.
type Entry struct {
	CDB     []byte `json:"cdb"`
	DataOut int    `json:"out,omitempty"` // bytes of data-out
	// Data is the data-out itself for parameter lists (MODE SELECT, SEND
	// CUE SHEET, FORMAT UNIT, ...); WRITE's blocks are not kept.
	Data   []byte      `json:"data,omitempty"`
	DataIn int         `json:"in,omitempty"` // bytes of data-in returned
	Status scsi.Status `json:"status,omitempty"`
	// Sense key, ASC and ASCQ when Status is CHECK CONDITION.
	Key  scsi.SenseKey `json:"key,omitempty"`
	ASC  byte          `json:"asc,omitempty"`
	ASCQ byte          `json:"ascq,omitempty"`
}

// maxLoggedData bounds the data-out an Entry keeps.
const maxLoggedData = 64 << 10

func (e Entry) String() string {
	s := fmt.Sprintf("% x", e.CDB)
	if e.Status != scsi.StatusGood {
		return fmt.Sprintf("%s -> %v %v %02X/%02X", s, e.Status, e.Key, e.ASC, e.ASCQ)
	}
	return fmt.Sprintf("%s -> GOOD in=%d out=%d", s, e.DataIn, e.DataOut)
}

// Drive is an emulated MMC drive. It is a scsi.Transport: every command
// of package mmc works against it as against a real drive. A Drive is safe
// for concurrent use; commands are executed one at a time.
type Drive struct {
	mu  sync.Mutex
	cfg Config

	medium   *Medium
	trayOpen bool
	locked   bool // PREVENT MEDIUM REMOVAL

	// pending unit attention conditions, reported once each (SPC-4 §5.16).
	attention []senseData
	// last is the sense of the last command, for REQUEST SENSE.
	last senseData
	// events queued for GET EVENT STATUS NOTIFICATION (media class).
	mediaEvent byte
	// notReady counts commands still to answer "becoming ready".
	notReady int
	commands int
	attempts map[cd.LBA]int

	wp writeParams
	// sao is the session being written at once after SEND CUE SHEET.
	sao *sao
	// speeds in kB/s set by SET CD SPEED / SET STREAMING.
	readSpeed, writeSpeed int
}

// New returns a drive with no disc in it, tray closed.
func New(cfg Config) *Drive {
	if cfg.Vendor == "" {
		cfg.Vendor = "SPINDLE"
	}
	if cfg.Product == "" {
		cfg.Product = "EMULATED BURNER"
	}
	if cfg.Revision == "" {
		cfg.Revision = "1.0"
	}
	if cfg.Serial == "" {
		cfg.Serial = "EMU0000001"
	}
	d := &Drive{cfg: cfg, attempts: map[cd.LBA]int{}}
	d.wp = defaultWriteParams()
	// A drive reports a power-on reset to the first command (SPC-4
	// §5.16, ASC 29h).
	d.attention = append(d.attention, senseData{key: scsi.KeyUnitAttention, asc: 0x29, ascq: 0x00})
	return d
}

// Insert puts m into the drive and closes the tray. The next commands see
// a medium change (UNIT ATTENTION 28h/00h, a NewMedia event).
func (d *Drive) Insert(m *Medium) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.medium = m
	d.trayOpen = false
	d.changed()
}

func (d *Drive) changed() {
	d.attention = append(d.attention, senseData{key: scsi.KeyUnitAttention, asc: 0x28, ascq: 0x00})
	d.mediaEvent = 2 // NewMedia
	d.notReady = d.cfg.Faults.BecomingReady
	d.sao = nil
}

// Remove takes the medium out of the drive (tray open) and returns it.
func (d *Drive) Remove() *Medium {
	d.mu.Lock()
	defer d.mu.Unlock()
	m := d.medium
	d.medium = nil
	d.trayOpen = true
	d.mediaEvent = 3 // MediaRemoval
	return m
}

// Medium returns the medium in the drive, or nil.
func (d *Drive) Medium() *Medium {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.medium
}

// senseData is a CHECK CONDITION to report.
type senseData struct {
	key       scsi.SenseKey
	asc, ascq byte
	info      uint32
	infoValid bool
	// progress (0..65535) in the sense-key specific field, for NOT READY
	// long operations.
	progress *uint16
}

func (s *senseData) Error() string {
	return fmt.Sprintf("%v %02X/%02X", s.key, s.asc, s.ascq)
}

// bytes encodes fixed-format sense data (SPC-4 §4.5.3).
func (s senseData) bytes() []byte {
	b := make([]byte, 18)
	b[0] = 0x70
	if s.infoValid {
		b[0] |= 0x80
		binary.BigEndian.PutUint32(b[3:], s.info)
	}
	b[2] = byte(s.key)
	b[7] = 10
	b[12], b[13] = s.asc, s.ascq
	if s.progress != nil {
		b[15] = 0x80
		binary.BigEndian.PutUint16(b[16:], *s.progress)
	}
	return b
}

func check(key scsi.SenseKey, asc, ascq byte) *senseData {
	return &senseData{key: key, asc: asc, ascq: ascq}
}

// Frequent conditions, as composite literals (static data; calls of check
// would run at program start).
var (
	errInvalidOpcode = &senseData{key: scsi.KeyIllegalRequest, asc: 0x20, ascq: 0x00}
	errInvalidField  = &senseData{key: scsi.KeyIllegalRequest, asc: 0x24, ascq: 0x00}
	errParamList     = &senseData{key: scsi.KeyIllegalRequest, asc: 0x26, ascq: 0x00}
	errLBARange      = &senseData{key: scsi.KeyIllegalRequest, asc: 0x21, ascq: 0x00}
	errNoMedium      = &senseData{key: scsi.KeyNotReady, asc: 0x3A, ascq: 0x00}
	errNoMediumOpen  = &senseData{key: scsi.KeyNotReady, asc: 0x3A, ascq: 0x02}
	errIncompatible  = &senseData{key: scsi.KeyIllegalRequest, asc: 0x30, ascq: 0x00} // incompatible medium installed
	errInvalidMode   = &senseData{key: scsi.KeyIllegalRequest, asc: 0x64, ascq: 0x00} // illegal mode for this track
	errInvalidAddr   = &senseData{key: scsi.KeyIllegalRequest, asc: 0x21, ascq: 0x02} // invalid address for write
	errWriteProtect  = &senseData{key: scsi.KeyDataProtect, asc: 0x27, ascq: 0x00}
	errReadError     = &senseData{key: scsi.KeyMediumError, asc: 0x11, ascq: 0x00}
	errWriteError    = &senseData{key: scsi.KeyMediumError, asc: 0x0C, ascq: 0x00}
	errBecomingReady = &senseData{key: scsi.KeyNotReady, asc: 0x04, ascq: 0x01}
	errRemovalLocked = &senseData{key: scsi.KeyIllegalRequest, asc: 0x53, ascq: 0x02} // medium removal prevented
	errEmptyClose    = &senseData{key: scsi.KeyIllegalRequest, asc: 0x72, ascq: 0x00} // session fixation error
	errParamLength   = &senseData{key: scsi.KeyIllegalRequest, asc: 0x1A, ascq: 0x00}
)

// request is one command as a handler sees it.
type request struct {
	ctx   context.Context
	cdb   []byte
	out   []byte // data-out
	alloc int    // room for data-in
}

// handler executes one command: it returns the data-in bytes (which the
// drive cuts to the allocation length) or a CHECK CONDITION.
type handler struct {
	fn func(d *Drive, r *request) ([]byte, error)
	// size is the CDB length the command has.
	size int
	// flags
	noMedium bool // runs without a medium (INQUIRY, ...)
	noAttend bool // not held up by a pending UNIT ATTENTION
	// mutates: the command changes the medium's recording state, which
	// is saved when it succeeds (WRITE marks the state dirty instead, and
	// the next state-changing command or SYNCHRONIZE CACHE saves it).
	mutates bool
}

// Do executes c (scsi.Transport). It never returns a transport error for
// a command it understands or rejects; the outcome is in the Result.
func (d *Drive) Do(ctx context.Context, c *scsi.Command) (scsi.Result, error) {
	if len(c.CDB) == 0 {
		return scsi.Result{}, fmt.Errorf("emu: empty CDB")
	}
	if err := ctx.Err(); err != nil {
		return scsi.Result{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []byte
	alloc := 0
	switch c.Direction {
	case scsi.ToDevice:
		out = c.Data
	case scsi.FromDevice:
		alloc = len(c.Data)
	}
	data, err := d.exec(&request{ctx: ctx, cdb: c.CDB, out: out, alloc: alloc})
	res := scsi.Result{Status: scsi.StatusGood}
	e := Entry{CDB: append([]byte(nil), c.CDB...), DataOut: len(out)}
	if op := c.CDB[0]; len(out) > 0 && len(out) <= maxLoggedData && op != 0x2A && op != 0xAA {
		e.Data = append([]byte(nil), out...)
	}
	var sd *senseData
	if err != nil {
		var ok bool
		if sd, ok = err.(*senseData); !ok {
			// An internal failure (the backing store): report it as a
			// hardware error so the host sees a failed command.
			sd = &senseData{key: scsi.KeyHardwareError, asc: 0x44, ascq: 0x00}
		}
	}
	if sd != nil {
		res.Status = scsi.StatusCheckCondition
		res.Sense = sd.bytes()
		d.last = *sd
		e.Status, e.Key, e.ASC, e.ASCQ = res.Status, sd.key, sd.asc, sd.ascq
	} else {
		d.last = senseData{}
		if c.Direction == scsi.FromDevice {
			n := copy(c.Data, data)
			res.Transferred = n
			e.DataIn = n
		} else {
			res.Transferred = len(out)
		}
	}
	if d.cfg.Log != nil {
		d.cfg.Log(e)
	}
	return res, nil
}

// exec runs one command under the drive's lock.
func (d *Drive) exec(r *request) ([]byte, error) {
	h := commands[r.cdb[0]]
	if h.fn == nil {
		return nil, errInvalidOpcode
	}
	if len(r.cdb) < h.size {
		return nil, errInvalidField
	}
	d.commands++
	if n := d.cfg.Faults.LoseMediumAfter; n > 0 && d.commands > n && d.medium != nil {
		d.medium = nil
		d.mediaEvent = 3
	}
	// Unit attention first: every command but INQUIRY, REQUEST SENSE,
	// GET CONFIGURATION and GET EVENT STATUS NOTIFICATION reports a
	// pending condition instead of running (SPC-4 §5.16; MMC-6 on GET
	// CONFIGURATION and GESN).
	if !h.noAttend && len(d.attention) > 0 {
		a := d.attention[0]
		d.attention = d.attention[1:]
		return nil, &a
	}
	if !h.noMedium {
		if d.medium == nil || d.trayOpen {
			if d.trayOpen {
				return nil, errNoMediumOpen
			}
			return nil, errNoMedium
		}
		if d.notReady > 0 {
			d.notReady--
			return nil, errBecomingReady
		}
	}
	if d.medium != nil {
		// The medium's state belongs to the drive it is in while a
		// command runs.
		m := d.medium
		m.mu.Lock()
		defer m.mu.Unlock()
		data, err := h.fn(d, r)
		if err == nil && h.mutates {
			if r.cdb[0] == 0x2A || r.cdb[0] == 0xAA {
				m.dirty = true
			} else if err = m.save(); err == nil {
				m.dirty = false
			}
		}
		return data, err
	}
	return h.fn(d, r)
}

// be16/be32/put helpers.
func be16(b []byte) int    { return int(binary.BigEndian.Uint16(b)) }
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }
func be24(b []byte) int    { return int(b[0])<<16 | int(b[1])<<8 | int(b[2]) }

func put16(b []byte, v int)    { binary.BigEndian.PutUint16(b, uint16(v)) }
func put32(b []byte, v uint32) { binary.BigEndian.PutUint32(b, v) }

// addr encodes an address for a response: as LBA, or as 00h M S F when
// msf is set (CD only; MMC-6 READ TOC and READ SUB-CHANNEL with MSF=1).
func addr(b []byte, a cd.LBA, msf bool) {
	if !msf {
		put32(b, uint32(int32(a)))
		return
	}
	m := lbaMSF(a)
	b[0], b[1], b[2], b[3] = 0, m.M, m.S, m.F
}

// lbaMSF converts an address to MSF, mapping the lead-in's negative
// addresses to minutes 90 and above as MMC specifies.
func lbaMSF(a cd.LBA) cd.MSF {
	f := int64(a) + int64(cd.MSFOffset)
	if f < 0 {
		f = int64(a) + 450150 // the lead-in: minutes 90 to 99
	}
	m, err := cd.MSFFromFrames(cd.Frames(f))
	if err != nil {
		return cd.MSF{M: 0xFF, S: 0xFF, F: 0xFF}
	}
	return m
}

// Settle drops the pending unit attentions (power-on, medium change) as
// if a host had already seen them: for a drive that one command opens
// and uses at once.
func (d *Drive) Settle() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.attention = nil
	d.mediaEvent = 0
}
