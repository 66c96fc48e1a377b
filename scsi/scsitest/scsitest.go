// Package scsitest provides a scripted scsi.Transport for tests of code
// that sends SCSI commands: each step names the CDB it expects and the
// answer to give, and every command sent is logged.
package scsitest

import (
	"bytes"
	"context"
	"fmt"
	"sync"

	"spindle/scsi"
)

// Step is one scripted command and its answer.
type Step struct {
	// CDB is the CDB expected; nil accepts any.
	CDB []byte
	// Data is the data-in answer, copied into the command's buffer. The
	// rest of the buffer is zeroed, as QEMU and many bridges do.
	Data []byte
	// Status is the status to report; zero is GOOD.
	Status scsi.Status
	// Sense is the sense data reported with CHECK CONDITION.
	Sense []byte
	// Err, if set, is returned as a transport failure.
	Err error
}

// Call is one command as the Script received it.
type Call struct {
	CDB       []byte
	Direction scsi.Direction
	Len       int    // len(Command.Data)
	Out       []byte // copy of the data-out bytes
}

// Script is a Transport that answers from Steps in order. A command
// beyond the script, or one whose CDB differs from the step's, fails with
// a transport error. It is safe for concurrent use.
type Script struct {
	Steps []Step
	// ReportResidual makes Transferred the answer's length instead of the
	// whole buffer, as a transport with working residuals would.
	ReportResidual bool

	mu   sync.Mutex
	next int
	log  []Call
}

// Do implements scsi.Transport.
func (s *Script) Do(ctx context.Context, c *scsi.Command) (scsi.Result, error) {
	if err := ctx.Err(); err != nil {
		return scsi.Result{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	call := Call{CDB: bytes.Clone(c.CDB), Direction: c.Direction, Len: len(c.Data)}
	if c.Direction == scsi.ToDevice {
		call.Out = bytes.Clone(c.Data)
	}
	s.log = append(s.log, call)
	if s.next >= len(s.Steps) {
		return scsi.Result{}, fmt.Errorf("scsitest: unexpected command % x after %d scripted steps", c.CDB, len(s.Steps))
	}
	st := s.Steps[s.next]
	s.next++
	if st.CDB != nil && !bytes.Equal(st.CDB, c.CDB) {
		return scsi.Result{}, fmt.Errorf("scsitest: step %d: got CDB % x, want % x", s.next-1, c.CDB, st.CDB)
	}
	if st.Err != nil {
		return scsi.Result{}, st.Err
	}
	res := scsi.Result{Status: st.Status, Sense: bytes.Clone(st.Sense)}
	switch c.Direction {
	case scsi.FromDevice:
		n := copy(c.Data, st.Data)
		clear(c.Data[n:])
		res.Transferred = len(c.Data)
		if s.ReportResidual {
			res.Transferred = n
		}
	case scsi.ToDevice:
		res.Transferred = len(c.Data)
	}
	return res, nil
}

// Calls returns the commands received so far.
func (s *Script) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.log...)
}

// Remaining returns how many steps have not been used; a test usually
// checks it is zero at the end.
func (s *Script) Remaining() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.Steps) - s.next
}

// CheckCondition returns a step answering CHECK CONDITION with fixed
// format sense data for key, asc and ascq.
func CheckCondition(cdb []byte, key scsi.SenseKey, asc, ascq byte) Step {
	return Step{CDB: cdb, Status: scsi.StatusCheckCondition, Sense: FixedSense(key, asc, ascq)}
}

// FixedSense returns 18 bytes of current, fixed format sense data (SPC-4
// 4.5.3).
func FixedSense(key scsi.SenseKey, asc, ascq byte) []byte {
	b := make([]byte, 18)
	b[0] = 0x70
	b[2] = byte(key) & 0x0f
	b[7] = 10
	b[12], b[13] = asc, ascq
	return b
}
