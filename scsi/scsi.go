package scsi

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Direction is the direction of a command's data transfer, named from the
// host's side.
type Direction int

const (
	None       Direction = iota // no data phase
	FromDevice                  // data-in: the device fills Command.Data
	ToDevice                    // data-out: the device reads Command.Data
)

func (d Direction) String() string {
	switch d {
	case None:
		return "none"
	case FromDevice:
		return "from-device"
	case ToDevice:
		return "to-device"
	}
	return fmt.Sprintf("Direction(%d)", int(d))
}

// Command is one SCSI command as a host sends it.
type Command struct {
	CDB       []byte    // command descriptor block, 6 to 16 bytes
	Direction Direction // direction of the data transfer
	// Data is the data buffer: filled by the device for FromDevice, read
	// by it for ToDevice, nil for None. Its length is the transfer length
	// the host asks for; the CDB's allocation or parameter list length
	// must agree with it.
	Data []byte
	// Timeout bounds the command; zero means the transport's default. A
	// context deadline, when earlier, wins.
	Timeout time.Duration
}

// TransferUnknown is Result.Transferred when the transport cannot tell how
// many bytes moved.
const TransferUnknown = -1

// Result is how a command that reached the device ended.
type Result struct {
	Status Status // SAM-5 status byte
	// Sense is the sense data returned with CHECK CONDITION (autosense),
	// as many bytes as the transport delivered; parse it with ParseSense.
	Sense []byte
	// Transferred is the number of data bytes the transport says moved,
	// or TransferUnknown. Transports that report no residual (QEMU, many
	// USB bridges) claim the whole buffer: never trust it, parse the
	// length fields of the response instead.
	Transferred int
}

// Transport carries commands to one device. Do sends c, waits for it to
// finish and reports how it ended. It returns a non-nil error only when
// the command could not be delivered or completed (host or driver error,
// timeout, cancelled context); a command the device rejected is a Result
// with a non-GOOD Status and a nil error (see CheckStatus).
// Implementations must be safe for use by one goroutine at a time; callers
// serialise commands to a device.
type Transport interface {
	Do(ctx context.Context, c *Command) (Result, error)
}

// Status is the status byte a command ends with (SAM-5).
type Status byte

// Status codes (SAM-5).
const (
	StatusGood                Status = 0x00
	StatusCheckCondition      Status = 0x02
	StatusConditionMet        Status = 0x04
	StatusBusy                Status = 0x08
	StatusReservationConflict Status = 0x18
	StatusTaskSetFull         Status = 0x28
	StatusACAActive           Status = 0x30
	StatusTaskAborted         Status = 0x40
)

func (s Status) String() string {
	switch s {
	case StatusGood:
		return "GOOD"
	case StatusCheckCondition:
		return "CHECK CONDITION"
	case StatusConditionMet:
		return "CONDITION MET"
	case StatusBusy:
		return "BUSY"
	case StatusReservationConflict:
		return "RESERVATION CONFLICT"
	case StatusTaskSetFull:
		return "TASK SET FULL"
	case StatusACAActive:
		return "ACA ACTIVE"
	case StatusTaskAborted:
		return "TASK ABORTED"
	}
	return fmt.Sprintf("status %02Xh", byte(s))
}

// ErrBusy matches a StatusError for BUSY and TASK SET FULL: the device
// cannot take the command now; retrying later may work.
var ErrBusy = errors.New("scsi: device busy")

// ErrNoSense matches a StatusError for CHECK CONDITION without usable
// sense data.
var ErrNoSense = errors.New("scsi: check condition without sense data")

// StatusError is a command that ended with a status other than GOOD or
// CONDITION MET and whose sense data, if any, could not be decoded.
type StatusError struct {
	Status Status
	Sense  []byte // the sense bytes as delivered, possibly empty or malformed
}

func (e *StatusError) Error() string {
	if e.Status == StatusCheckCondition {
		if len(e.Sense) == 0 {
			return "status CHECK CONDITION without sense data"
		}
		return fmt.Sprintf("status CHECK CONDITION with undecodable sense data % x", e.Sense)
	}
	return "status " + e.Status.String()
}

// Is reports whether e belongs to the category target (ErrBusy, ErrNoSense).
func (e *StatusError) Is(target error) bool {
	switch target {
	case ErrBusy:
		return e.Status == StatusBusy || e.Status == StatusTaskSetFull
	case ErrNoSense:
		return e.Status == StatusCheckCondition
	}
	return false
}

// CheckStatus turns a Result into an error: nil for GOOD and CONDITION
// MET, a *SenseError for CHECK CONDITION with decodable sense data, and a
// *StatusError otherwise. A SenseError is returned even for the sense keys
// NO SENSE and RECOVERED ERROR: the caller that asked for them decides
// whether they are failures.
func CheckStatus(res Result) error {
	switch res.Status {
	case StatusGood, StatusConditionMet:
		return nil
	case StatusCheckCondition:
		s, err := ParseSense(res.Sense)
		if err != nil {
			return &StatusError{Status: res.Status, Sense: res.Sense}
		}
		return &SenseError{Sense: s}
	}
	return &StatusError{Status: res.Status, Sense: res.Sense}
}

// run sends c over t and checks its status. The error names the command.
func run(ctx context.Context, t Transport, name string, c *Command) error {
	res, err := t.Do(ctx, c)
	if err == nil {
		err = CheckStatus(res)
	}
	if err != nil {
		return fmt.Errorf("scsi: %s: %w", name, err)
	}
	return nil
}
