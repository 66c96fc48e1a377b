package scsi

import (
	"context"
	"fmt"
)

// TestUnitReadyCDB builds a TEST UNIT READY CDB (SPC-4 6.47):
// the operation code and five zero bytes.
func TestUnitReadyCDB() []byte { return []byte{OpTestUnitReady, 0, 0, 0, 0, 0} }

// TestUnitReady asks whether the device is ready: nil when it is, an
// error matching ErrNoMedium (3A/xx) or ErrNotReady (04/xx) otherwise, or
// ErrUnitAttention for a pending medium change or reset, which the next
// command no longer reports.
func TestUnitReady(ctx context.Context, t Transport) error {
	return run(ctx, t, "TEST UNIT READY", &Command{CDB: TestUnitReadyCDB(), Direction: None})
}

// RequestSenseCDB builds a REQUEST SENSE CDB (SPC-4 6.39): DESC
// byte 1 bit 0 asks for descriptor format sense, ALLOCATION LENGTH byte 4.
func RequestSenseCDB(desc bool, alloc byte) []byte {
	cdb := []byte{OpRequestSense, 0, 0, 0, alloc, 0}
	if desc {
		cdb[1] = 0x01
	}
	return cdb
}

// RequestSense reads the device's current sense data in fixed format,
// as polling for the progress of an immediate command (Sense.Progress)
// needs. Some ATAPI devices return stale sense from an earlier error.
func RequestSense(ctx context.Context, t Transport) (Sense, error) {
	buf := make([]byte, maxSense)
	c := &Command{CDB: RequestSenseCDB(false, maxSense), Direction: FromDevice, Data: buf}
	if err := run(ctx, t, "REQUEST SENSE", c); err != nil {
		return Sense{}, err
	}
	s, err := ParseSense(buf)
	if err != nil {
		return Sense{}, fmt.Errorf("scsi: REQUEST SENSE: %w", err)
	}
	return s, nil
}

// StartStop is the action of START STOP UNIT: the LOEJ and START bits
// (START STOP UNIT in SBC-3 and MMC-6).
type StartStop byte

// Start stop actions.
const (
	Stop  StartStop = 0x0 // stop the disc
	Start StartStop = 0x1 // spin up and make ready
	Eject StartStop = 0x2 // stop and open the tray (LOEJ)
	Load  StartStop = 0x3 // close the tray and spin up (LOEJ, START)
)

func (a StartStop) String() string {
	switch a {
	case Stop:
		return "stop"
	case Start:
		return "start"
	case Eject:
		return "eject"
	case Load:
		return "load"
	}
	return fmt.Sprintf("StartStop(%d)", byte(a))
}

// StartStopUnitCDB builds a START STOP UNIT CDB (SBC-3 and
// MMC-6): IMMED byte 1 bit 0, POWER CONDITION zero (the LOEJ and
// START bits apply), LOEJ byte 4 bit 1, START byte 4 bit 0.
func StartStopUnitCDB(a StartStop, immed bool) []byte {
	cdb := []byte{OpStartStopUnit, 0, 0, 0, byte(a) & 0x03, 0}
	if immed {
		cdb[1] = 0x01
	}
	return cdb
}

// StartStopUnit starts, stops, ejects or loads the medium. With immed the
// device reports GOOD before the operation completes; poll TestUnitReady.
// A prevented eject fails with ILLEGAL REQUEST 53/02.
func StartStopUnit(ctx context.Context, t Transport, a StartStop, immed bool) error {
	return run(ctx, t, "START STOP UNIT ("+a.String()+")",
		&Command{CDB: StartStopUnitCDB(a, immed), Direction: None})
}

// Removal is the PREVENT field of PREVENT ALLOW MEDIUM REMOVAL. SPC-4
// leaves the command to the device-type standards: SBC-3 defines 00b and
// 01b, MMC-6 names bit 1 Persistent and bit 0 Prevent.
type Removal byte

// Removal values.
const (
	AllowRemoval             Removal = 0x0
	PreventRemoval           Removal = 0x1
	AllowRemovalPersistent   Removal = 0x2
	PreventRemovalPersistent Removal = 0x3
)

// PreventAllowCDB builds a PREVENT ALLOW MEDIUM REMOVAL CDB (SBC-3,
// MMC-6): PREVENT in byte 4 bits 1-0.
func PreventAllowCDB(r Removal) []byte {
	return []byte{OpPreventAllowRemoval, 0, 0, 0, byte(r) & 0x03, 0}
}

// PreventAllowMediumRemoval locks (PreventRemoval) or unlocks
// (AllowRemoval) the tray.
func PreventAllowMediumRemoval(ctx context.Context, t Transport, r Removal) error {
	return run(ctx, t, "PREVENT ALLOW MEDIUM REMOVAL", &Command{CDB: PreventAllowCDB(r), Direction: None})
}
