package iscsi

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"

	"spindle/scsi"
)

const (
	// maxTransfer bounds the data of one command: a larger Expected Data
	// Transfer Length is refused with CHECK CONDITION before anything is
	// allocated. Linux sends at most max_sectors_kb (1280 KiB by
	// default) per command.
	maxTransfer = 16 << 20
	// maxSense bounds the sense data sent (SPC-4 4.5.1: 252 bytes).
	maxSense = 252

	opReportLUNs = 0xa0
)

// task is one SCSI command of a connection, from its SCSI Command PDU to
// its response.
type task struct {
	conn *conn
	unit *unit // nil for the commands the target answers itself
	itt  uint32
	lun  [8]byte
	cdb  []byte
	dir  scsi.Direction
	edtl uint32 // Expected Data Transfer Length
	data []byte // data-out received so far

	ctx    context.Context // cancelled by an abort or the end of the connection
	cancel context.CancelFunc
	done   chan struct{} // closed when the task has ended

	// Reader only: the data-out sequence (RFC 7143 section 4.2.2.3).
	submitted bool   // handed to the unit
	ttt       uint32 // Target Transfer Tag of the outstanding R2T
	r2tSN     uint32 // R2Ts sent; also ExpDataSN of the response
	burstLen  uint32 // bytes the outstanding R2T asked for
	burstGot  uint32 // bytes of the burst received
	dataSN    uint32 // DataSN expected next within the burst
	seqErr    bool   // a DataSN was out of order: the task fails

	// Guarded by conn.mu.
	aborted  bool
	finished bool
}

// command handles a SCSI Command PDU (RFC 7143 section 11.3).
func (c *conn) command(p *pdu) error {
	if !c.acceptCmdSN(p) {
		return nil
	}
	fl := p.flags()
	itt := p.itt()
	if fl&flagFinal == 0 {
		// F=0 announces unsolicited Data-Out PDUs, which InitialR2T=Yes
		// forbids (section 13.10).
		c.reject(p, rejectProtocol)
		return protoErr("SCSI Command with unsolicited Data-Out (InitialR2T=Yes)")
	}
	if itt == reservedTag {
		c.reject(p, rejectInvalidField)
		return nil
	}
	cdb, bidi, err := p.cdb()
	if err != nil {
		c.reject(p, rejectProtocol)
		return err
	}
	c.mu.Lock()
	dup, n := c.tasks[itt] != nil, len(c.tasks)
	c.mu.Unlock()
	if dup {
		c.reject(p, rejectInvalidField)
		return nil
	}
	if n >= maxTasks {
		c.reject(p, rejectProtocol)
		return protoErr("more than %d tasks outstanding", maxTasks)
	}
	edtl := p.u32(20)
	read, write := fl&flagRead != 0, fl&flagWrite != 0
	if imm := len(p.data); imm > 0 && (!write || !c.p.immediateData || imm > c.p.firstBurst || uint32(imm) > edtl) {
		c.reject(p, rejectProtocol)
		return protoErr("%d bytes of immediate data not allowed (W=%v ImmediateData=%v FirstBurstLength=%d EDTL=%d)",
			imm, write, c.p.immediateData, c.p.firstBurst, edtl)
	}
	tk := &task{conn: c, itt: itt, lun: p.lun(), cdb: cdb, edtl: edtl}
	// The direction follows R and W even when EDTL is 0, so that a
	// Transport can report what the command wanted to move (overflow).
	switch {
	case read:
		tk.dir = scsi.FromDevice
	case write:
		tk.dir = scsi.ToDevice
	}

	// What the target answers itself: REPORT LUNS from its list of
	// units, every command to an absent unit, and what no Transport can
	// carry.
	lun, ok := decodeLUN(tk.lun)
	var u *unit
	if ok {
		u = c.t.unitAt(lun)
	}
	switch {
	case read && write || bidi:
		c.answer(tk, checkCondition(edtl, scsi.KeyIllegalRequest, 0x24, 0x00)) // no bidirectional commands
		return nil
	case edtl > maxTransfer:
		c.answer(tk, checkCondition(edtl, scsi.KeyIllegalRequest, 0x24, 0x00))
		return nil
	case cdb[0] == opReportLUNs:
		c.answer(tk, c.reportLUNs(cdb, edtl, tk.dir))
		return nil
	case u == nil:
		c.answer(tk, absentUnit(cdb, edtl, tk.dir))
		return nil
	}

	tk.unit = u
	tk.ctx, tk.cancel = context.WithCancel(c.ctx)
	tk.done = make(chan struct{})
	c.mu.Lock()
	c.tasks[itt] = tk
	c.mu.Unlock()
	if tk.dir == scsi.ToDevice {
		tk.data = make([]byte, 0, min(edtl, 1<<20))
		tk.data = append(tk.data, p.data...)
		if uint32(len(tk.data)) < edtl {
			c.sendR2T(tk)
			return nil
		}
	}
	tk.submitted = true
	u.submit(tk)
	return nil
}

// sendR2T asks for the next burst of a task's data-out: at most
// MaxBurstLength bytes, one R2T at a time (MaxOutstandingR2T=1; RFC 7143
// section 11.8).
func (c *conn) sendR2T(tk *task) {
	off := uint32(len(tk.data))
	n := min(tk.edtl-off, uint32(c.p.maxBurst))
	tk.ttt = c.newTTT()
	tk.burstLen, tk.burstGot = n, 0
	tk.dataSN = 0
	r := new(pdu)
	r.bhs[0] = opR2T
	r.bhs[1] = flagFinal
	copy(r.bhs[8:16], tk.lun[:])
	r.put32(16, tk.itt)
	r.put32(20, tk.ttt)
	r.put32(36, tk.r2tSN)
	r.put32(40, off)
	r.put32(44, n)
	tk.r2tSN++
	c.enqueue(outItem{kind: outPeek, p: r})
}

// dataOut takes a SCSI Data-Out PDU (RFC 7143 section 11.7) answering an
// R2T. With DataPDUInOrder=Yes and DataSequenceInOrder=Yes the data must
// arrive in order, numbered from DataSN 0 within each burst (section
// 4.2.2.3), the last PDU of the burst with F set.
//
// A DataSN out of order means a PDU went missing (section 7, Sequence
// Errors); at ErrorRecoveryLevel 0 the target cannot ask for it again, so
// it ends the task, once the burst is over, with CHECK CONDITION and
// ABORTED COMMAND, PROTOCOL SERVICE CRC ERROR (section 7, Digest Errors),
// and the session goes on. Any other inconsistency is a protocol
// error that ends the connection.
func (c *conn) dataOut(p *pdu) error {
	itt, ttt := p.itt(), p.u32(20)
	if ttt == reservedTag {
		c.reject(p, rejectProtocol)
		return protoErr("unsolicited Data-Out (InitialR2T=Yes)")
	}
	c.mu.Lock()
	tk := c.tasks[itt]
	c.mu.Unlock()
	if tk == nil {
		return nil // for a task aborted meanwhile
	}
	if tk.submitted || ttt != tk.ttt {
		c.reject(p, rejectProtocol)
		return protoErr("Data-Out for ITT %08x with TTT %08x, which no R2T outstanding has", itt, ttt)
	}
	n := uint32(len(p.data))
	if n > tk.burstLen-tk.burstGot {
		c.reject(p, rejectProtocol)
		return protoErr("Data-Out of %d bytes overruns the R2T for %d bytes, %d of which arrived", n, tk.burstLen, tk.burstGot)
	}
	tk.burstGot += n
	final := p.flags()&flagFinal != 0
	if sn := p.u32(36); sn != tk.dataSN {
		tk.seqErr = true
	}
	if tk.seqErr {
		if final {
			c.endTask(tk, checkCondition(tk.edtl, scsi.KeyAbortedCommand, 0x47, 0x05))
		}
		return nil
	}
	if off := p.u32(40); off != uint32(len(tk.data)) {
		c.reject(p, rejectProtocol)
		return protoErr("Data-Out buffer offset %d, expected %d", off, len(tk.data))
	}
	tk.data = append(tk.data, p.data...)
	tk.dataSN++
	if full := tk.burstGot == tk.burstLen; final != full {
		c.reject(p, rejectProtocol)
		return protoErr("Data-Out F bit %v after %d bytes of a burst of %d", final, tk.burstGot, tk.burstLen)
	}
	if !final {
		return nil
	}
	if uint32(len(tk.data)) < tk.edtl {
		c.sendR2T(tk)
		return nil
	}
	tk.submitted = true
	tk.unit.submit(tk)
	return nil
}

// endTask ends a task that never reached its unit with the response r.
func (c *conn) endTask(tk *task, r response) {
	c.mu.Lock()
	defer c.mu.Unlock()
	drop := tk.aborted || c.closed
	c.finishLocked(tk)
	if !drop {
		c.enqueueLocked(outItem{kind: outTask, tk: tk, resp: r})
	}
}

// Task management function codes (RFC 7143 section 11.5.1) and responses
// (section 11.6.1).
const (
	tmfAbortTask    = 1
	tmfAbortTaskSet = 2
	tmfClearTaskSet = 3
	tmfLUReset      = 5
	tmfWarmReset    = 6
	tmfColdReset    = 7
	tmfReassign     = 8

	tmfComplete     = 0
	tmfNoTask       = 1
	tmfNoLUN        = 2
	tmfNoReassign   = 4
	tmfNotSupported = 5
)

// errColdReset ends the connection after a TARGET COLD RESET was
// answered (section 11.5.1).
var errColdReset = errors.New("iscsi: target cold reset")

// taskMgmt handles a Task Management Function Request (RFC 7143 section
// 11.5). The aborting functions end the tasks of this session only:
// those not yet running are dropped, running ones have their context
// cancelled, and the response follows once they have returned. Aborted
// tasks get no response of their own.
func (c *conn) taskMgmt(p *pdu) error {
	if !c.acceptCmdSN(p) {
		return nil
	}
	fn := p.flags() & 0x7f
	var u *unit
	if n, ok := decodeLUN(p.lun()); ok {
		u = c.t.unitAt(n)
	}
	resp := byte(tmfComplete)
	var match func(*task) bool
	switch fn {
	case tmfAbortTask:
		c.mu.Lock()
		ref := c.tasks[p.u32(20)]
		c.mu.Unlock()
		if ref == nil {
			resp = tmfNoTask
		} else {
			match = func(tk *task) bool { return tk == ref }
		}
	case tmfAbortTaskSet, tmfClearTaskSet, tmfLUReset:
		if u == nil {
			resp = tmfNoLUN
		} else {
			match = func(tk *task) bool { return tk.unit == u }
		}
	case tmfWarmReset, tmfColdReset:
		match = func(*task) bool { return true }
	case tmfReassign:
		resp = tmfNoReassign
	default:
		resp = tmfNotSupported
	}
	r := new(pdu)
	r.bhs[0] = opTaskMgmtResp
	r.bhs[1] = flagFinal
	r.bhs[2] = resp
	r.put32(16, p.itt())
	var running []chan struct{}
	if match != nil {
		running = c.abortTasks(match)
	}
	if len(running) == 0 || fn == tmfColdReset {
		c.enqueue(outItem{kind: outStatus, p: r})
	} else {
		c.waiters.Add(1)
		go func() {
			defer c.waiters.Done()
			for _, done := range running {
				<-done
			}
			c.enqueue(outItem{kind: outStatus, p: r})
		}()
	}
	if fn == tmfColdReset {
		return errColdReset
	}
	return nil
}

// abortTasks ends the tasks that match: a task not yet running ends at
// once, a running one is cancelled and its response suppressed. It
// returns the done channels of the running ones. Called by the reader, or
// after it ended.
func (c *conn) abortTasks(match func(*task) bool) []chan struct{} {
	c.mu.Lock()
	var list []*task
	for _, tk := range c.tasks {
		if match(tk) {
			tk.aborted = true
			list = append(list, tk)
		}
	}
	c.mu.Unlock()
	var running []chan struct{}
	for _, tk := range list {
		if !tk.submitted || tk.unit.remove(tk) {
			c.mu.Lock()
			c.finishLocked(tk)
			c.mu.Unlock()
		} else {
			tk.cancel()
			running = append(running, tk.done)
		}
	}
	return running
}

// complete takes the outcome of a task from its unit and queues the
// response, unless the task was aborted or the connection is closing.
func (c *conn) complete(tk *task, r response) { c.endTask(tk, r) }

func (c *conn) finishLocked(tk *task) {
	if tk.finished {
		return
	}
	tk.finished = true
	delete(c.tasks, tk.itt)
	tk.cancel()
	close(tk.done)
}

// answer queues the response to a command the target answers itself.
func (c *conn) answer(tk *task, r response) {
	c.enqueue(outItem{kind: outTask, tk: tk, resp: r})
}

// response is how a command ended, as the writer sends it.
type response struct {
	data     []byte // the Data-In payload
	status   scsi.Status
	sense    []byte
	failure  bool   // the Transport failed: iSCSI response 01h, Target Failure
	flags    byte   // flagUnder or flagOverflow
	residual uint32 // with flags (RFC 7143 section 11.4.5)
}

// responseFor turns the outcome of a Transport's Do into a response. The
// data moved is Result.Transferred (the whole buffer when unknown) and the
// residual is its difference from the Expected Data Transfer Length (RFC
// 7143 section 11.4.5.2). A Transport that knows the command would have
// moved more than the buffer holds may say so by a Transferred beyond
// len(c.Data): the target reports that as overflow.
func responseFor(edtl uint32, c *scsi.Command, res scsi.Result, err error) response {
	if err != nil {
		return response{failure: true}
	}
	r := response{status: res.Status, sense: res.Sense}
	if len(r.sense) > maxSense {
		r.sense = r.sense[:maxSense]
	}
	moved := uint64(0)
	if c.Direction != scsi.None {
		moved = uint64(len(c.Data))
		if res.Transferred >= 0 {
			moved = uint64(res.Transferred)
		}
	}
	switch {
	case moved > uint64(edtl):
		r.flags = flagOverflow
		r.residual = uint32(min(moved-uint64(edtl), 1<<32-1))
		moved = uint64(len(c.Data))
	case moved < uint64(edtl):
		r.flags = flagUnder
		r.residual = edtl - uint32(moved)
	}
	if c.Direction == scsi.FromDevice {
		r.data = c.Data[:min(moved, uint64(len(c.Data)))]
	}
	return r
}

// statusInData reports whether a response may be carried by the last
// Data-In PDU (S bit): only with data, without sense, and for a status
// that is not an exception (RFC 7143 section 11.7.3).
func (r *response) statusInData() bool {
	if r.failure || len(r.data) == 0 || len(r.sense) > 0 {
		return false
	}
	switch r.status {
	case scsi.StatusGood, scsi.StatusConditionMet, 0x10, 0x14: // and the two INTERMEDIATE statuses
		return true
	}
	return false
}

// writeTask writes a task's Data-In PDUs, each at most the initiator's
// MaxRecvDataSegmentLength, F set at the end of every MaxBurstLength
// sequence (RFC 7143 section 11.7), then its status: in the last Data-In
// when allowed, else in a SCSI Response (section 11.4) whose data segment
// holds the sense data after a 2-byte length (section 11.4.7).
func (c *conn) writeTask(w *bufio.Writer, tk *task, r *response, exp, max uint32) error {
	inData := r.statusInData()
	n := len(r.data)
	var dataSN uint32
	burst := c.p.maxBurst
	var h pdu
	for off := 0; off < n; {
		seg := min(n-off, c.p.peerMaxRecv, burst)
		last := off+seg == n
		burst -= seg
		h = pdu{}
		h.bhs[0] = opDataIn
		if last || burst == 0 {
			h.bhs[1] = flagFinal
			burst = c.p.maxBurst
		}
		h.put32(16, tk.itt)
		h.put32(20, reservedTag)
		if last && inData {
			h.bhs[1] |= flagStatus | r.flags
			h.bhs[3] = byte(r.status)
			h.put32(24, c.statSN)
			c.statSN++
			h.put32(44, r.residual)
		}
		h.put32(28, exp)
		h.put32(32, max)
		h.put32(36, dataSN)
		h.put32(40, uint32(off))
		h.data = r.data[off : off+seg]
		if err := writePDU(w, &h); err != nil {
			return err
		}
		dataSN++
		off += seg
	}
	if inData {
		return nil
	}
	h = pdu{}
	h.bhs[0] = opSCSIResp
	h.bhs[1] = flagFinal
	if r.failure {
		h.bhs[2] = 0x01 // Target Failure
	} else {
		h.bhs[1] |= r.flags
		h.bhs[3] = byte(r.status)
		h.put32(44, r.residual)
	}
	h.put32(16, tk.itt)
	h.put32(24, c.statSN)
	c.statSN++
	h.put32(28, exp)
	h.put32(32, max)
	if tk.dir == scsi.ToDevice {
		h.put32(36, tk.r2tSN) // ExpDataSN: R2Ts sent (section 11.4.8)
	} else {
		h.put32(36, dataSN) // ExpDataSN: Data-In PDUs sent
	}
	if len(r.sense) > 0 {
		h.data = make([]byte, 2+len(r.sense))
		binary.BigEndian.PutUint16(h.data, uint16(len(r.sense)))
		copy(h.data[2:], r.sense)
	}
	return writePDU(w, &h)
}

// checkCondition is a CHECK CONDITION response with fixed-format sense
// data (SPC-4 4.5.3) and nothing transferred.
func checkCondition(edtl uint32, key scsi.SenseKey, asc, ascq byte) response {
	r := response{status: scsi.StatusCheckCondition, sense: fixedSense(key, asc, ascq)}
	if edtl > 0 {
		r.flags, r.residual = flagUnder, edtl
	}
	return r
}

func fixedSense(key scsi.SenseKey, asc, ascq byte) []byte {
	s := make([]byte, 18)
	s[0] = 0x70
	s[2] = byte(key)
	s[7] = 10
	s[12], s[13] = asc, ascq
	return s
}

// dataResponse is a GOOD response with the data the target produced
// itself, truncated to the Expected Data Transfer Length.
func dataResponse(edtl uint32, dir scsi.Direction, data []byte) response {
	if dir != scsi.FromDevice {
		data = nil
	}
	data = data[:min(uint32(len(data)), edtl)]
	return responseFor(edtl, &scsi.Command{Direction: dir, Data: data}, scsi.Result{Transferred: len(data)}, nil)
}

// reportLUNs answers REPORT LUNS (SPC-4 6.33) from the target's units,
// whatever their Transports would say: the target decides which units
// exist.
func (c *conn) reportLUNs(cdb []byte, edtl uint32, dir scsi.Direction) response {
	if len(cdb) < 12 {
		return checkCondition(edtl, scsi.KeyIllegalRequest, 0x24, 0x00)
	}
	var list []byte
	switch cdb[2] { // SELECT REPORT
	case 0x00, 0x02: // all logical units (there are no well-known ones)
		for i, u := range c.t.units {
			if u != nil {
				l := encodeLUN(i)
				list = append(list, l[:]...)
			}
		}
	case 0x01: // well-known logical units only: none
	default:
		return checkCondition(edtl, scsi.KeyIllegalRequest, 0x24, 0x00)
	}
	data := make([]byte, 8, 8+len(list))
	binary.BigEndian.PutUint32(data, uint32(len(list)))
	data = append(data, list...)
	return dataResponse(edtl, dir, data)
}

// absentUnit answers a command to a logical unit the target does not
// have (SPC-4 4.6.5 / SAM-5 5.9.5): INQUIRY reports peripheral qualifier
// 011b, REQUEST SENSE returns LOGICAL UNIT NOT SUPPORTED as its data, and
// every other command ends with that sense.
func absentUnit(cdb []byte, edtl uint32, dir scsi.Direction) response {
	switch cdb[0] {
	case scsi.OpInquiry:
		if len(cdb) >= 6 && cdb[1]&1 == 0 {
			d := make([]byte, 36)
			d[0] = 0x7f // qualifier 011b: no unit here; type 1Fh
			d[2] = 0x06 // SPC-4
			d[3] = 0x02
			d[4] = 31
			return dataResponse(edtl, dir, d)
		}
	case scsi.OpRequestSense:
		return dataResponse(edtl, dir, fixedSense(scsi.KeyIllegalRequest, 0x25, 0x00))
	}
	return checkCondition(edtl, scsi.KeyIllegalRequest, 0x25, 0x00)
}
