package scsi

import (
	"bytes"
	"testing"
)

// TestCDBs checks every builder byte for byte against the CDB layouts of
// the standards. Several rows are the exact CDBs QEMU's emulated drive was
// measured with.
func TestCDBs(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want []byte
	}{
		// SPC-4 6.47: opcode 00h, bytes 1-4 reserved, CONTROL.
		{"TEST UNIT READY", TestUnitReadyCDB(), []byte{0x00, 0, 0, 0, 0, 0}},
		// SPC-4 6.39: DESC byte 1 bit 0; ALLOCATION LENGTH byte 4.
		{"REQUEST SENSE 18", RequestSenseCDB(false, 18), []byte{0x03, 0, 0, 0, 0x12, 0}},
		{"REQUEST SENSE desc", RequestSenseCDB(true, 252), []byte{0x03, 0x01, 0, 0, 0xFC, 0}},
		// SPC-4 6.6.1: EVPD byte 1 bit 0; PAGE CODE byte 2;
		// ALLOCATION LENGTH bytes 3-4, big-endian.
		{"INQUIRY standard", InquiryCDB(false, 0, 0x60), []byte{0x12, 0, 0, 0, 0x60, 0}},
		{"INQUIRY VPD 00h", InquiryCDB(true, 0x00, 0xFF), []byte{0x12, 0x01, 0x00, 0, 0xFF, 0}},
		{"INQUIRY VPD 83h", InquiryCDB(true, 0x83, 0xFF), []byte{0x12, 0x01, 0x83, 0, 0xFF, 0}},
		{"INQUIRY VPD 80h long", InquiryCDB(true, 0x80, 0x1234), []byte{0x12, 0x01, 0x80, 0x12, 0x34, 0}},
		// SPC-4 6.14: LLBAA byte 1 bit 4, DBD bit 3; PC byte 2
		// bits 7-6, PAGE CODE bits 5-0; SUBPAGE CODE byte 3; ALLOCATION
		// LENGTH bytes 7-8.
		{"MODE SENSE(10) 2Ah", ModeSense10CDB(PageCurrent, 0x2A, 0, true, false, 0x400),
			[]byte{0x5A, 0x08, 0x2A, 0, 0, 0, 0, 0x04, 0x00, 0}},
		{"MODE SENSE(10) all changeable", ModeSense10CDB(PageChangeable, AllPages, 0xFF, false, true, 0xFFFF),
			[]byte{0x5A, 0x10, 0x7F, 0xFF, 0, 0, 0, 0xFF, 0xFF, 0}},
		{"MODE SENSE(10) saved", ModeSense10CDB(PageSaved, 0x05, 0, false, false, 0x3C),
			[]byte{0x5A, 0, 0xC5, 0, 0, 0, 0, 0x00, 0x3C, 0}},
		{"MODE SENSE(10) default", ModeSense10CDB(PageDefault, 0x0E, 0, false, false, 8),
			[]byte{0x5A, 0, 0x8E, 0, 0, 0, 0, 0, 8, 0}},
		// SPC-4 6.12: PF byte 1 bit 4, SP bit 0; PARAMETER LIST
		// LENGTH bytes 7-8.
		{"MODE SELECT(10) PF", ModeSelect10CDB(true, false, 0x3C), []byte{0x55, 0x10, 0, 0, 0, 0, 0, 0, 0x3C, 0}},
		{"MODE SELECT(10) PF SP", ModeSelect10CDB(true, true, 0x0102), []byte{0x55, 0x11, 0, 0, 0, 0, 0, 0x01, 0x02, 0}},
		// SBC-3 and MMC-6, START STOP UNIT: IMMED byte 1 bit 0; LOEJ byte 4
		// bit 1, START bit 0.
		{"START STOP UNIT start", StartStopUnitCDB(Start, false), []byte{0x1B, 0, 0, 0, 0x01, 0}},
		{"START STOP UNIT stop", StartStopUnitCDB(Stop, false), []byte{0x1B, 0, 0, 0, 0x00, 0}},
		{"START STOP UNIT eject", StartStopUnitCDB(Eject, false), []byte{0x1B, 0, 0, 0, 0x02, 0}},
		{"START STOP UNIT load immed", StartStopUnitCDB(Load, true), []byte{0x1B, 0x01, 0, 0, 0x03, 0}},
		// SBC-3 and MMC-6, PREVENT ALLOW MEDIUM REMOVAL (SPC-4 leaves the
		// command to the device-type standards): PREVENT byte 4 bits 1-0.
		{"PREVENT", PreventAllowCDB(PreventRemoval), []byte{0x1E, 0, 0, 0, 0x01, 0}},
		{"ALLOW", PreventAllowCDB(AllowRemoval), []byte{0x1E, 0, 0, 0, 0x00, 0}},
		{"PREVENT persistent", PreventAllowCDB(PreventRemovalPersistent), []byte{0x1E, 0, 0, 0, 0x03, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !bytes.Equal(tt.got, tt.want) {
				t.Errorf("got  % x\nwant % x", tt.got, tt.want)
			}
		})
	}
}
