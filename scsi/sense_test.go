package scsi

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseSense(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want Sense
	}{
		{
			// QEMU scsi-cd's REQUEST SENSE after a GOOD command: 14 bytes.
			name: "qemu no sense",
			in:   []byte{0x70, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0, 0},
			want: Sense{ResponseCode: 0x70},
		},
		{
			// QEMU ide-cd's stale sense: VALID set, ILLEGAL REQUEST 4B/00.
			name: "atapi stale",
			in:   []byte{0xf0, 0, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x4b, 0},
			want: Sense{ResponseCode: 0x70, Valid: true, Key: KeyIllegalRequest, ASC: 0x4B},
		},
		{
			name: "fixed read error with LBA",
			in:   []byte{0xf0, 0, 0x03, 0x00, 0x01, 0x23, 0x45, 0x0a, 0xde, 0xad, 0xbe, 0xef, 0x11, 0x05, 0x07, 0x80, 0x00, 0x03},
			want: Sense{ResponseCode: 0x70, Valid: true, Key: KeyMediumError, Info: 0x12345,
				CommandInfo: 0xdeadbeef, ASC: 0x11, ASCQ: 0x05, FRU: 7, SKSV: true, SenseKeySpecific: [3]byte{0, 0, 3}},
		},
		{
			name: "fixed deferred flags",
			in:   []byte{0x71, 0, 0xe4, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x44, 0, 0, 0, 0, 0},
			want: Sense{ResponseCode: 0x71, Deferred: true, Filemark: true, EOM: true, ILI: true, Key: KeyHardwareError, ASC: 0x44},
		},
		{
			name: "fixed short, 3 bytes",
			in:   []byte{0x70, 0, 0x06},
			want: Sense{ResponseCode: 0x70, Key: KeyUnitAttention},
		},
		{
			// ADDITIONAL SENSE LENGTH 4: ASC and ASCQ at 12-13 are not
			// part of the data even though the buffer (zero-padded by a
			// transport) holds bytes there.
			name: "fixed bounded by additional length",
			in:   []byte{0x70, 0, 0x02, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0x3a, 0x01, 0, 0, 0, 0},
			want: Sense{ResponseCode: 0x70, Key: KeyNotReady},
		},
		{
			name: "fixed progress",
			in:   []byte{0x70, 0, 0x02, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x04, 0x04, 0, 0x80, 0x80, 0x00},
			want: Sense{ResponseCode: 0x70, Key: KeyNotReady, ASC: 0x04, ASCQ: 0x04, SKSV: true, SenseKeySpecific: [3]byte{0, 0x80, 0}},
		},
		{
			name: "descriptor header only",
			in:   []byte{0x72, 0x06, 0x28, 0x00, 0, 0, 0, 0},
			want: Sense{ResponseCode: 0x72, Descriptor: true, Key: KeyUnitAttention, ASC: 0x28},
		},
		{
			name: "descriptor 4 bytes",
			in:   []byte{0x73, 0x02, 0x3a, 0x02},
			want: Sense{ResponseCode: 0x73, Descriptor: true, Deferred: true, Key: KeyNotReady, ASC: 0x3A, ASCQ: 2},
		},
		{
			name: "descriptor with descriptors",
			in: []byte{0x72, 0x03, 0x11, 0x00, 0, 0, 0, 40,
				0x00, 0x0a, 0x80, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00, // information: valid, 0x10000
				0x01, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x09, // command-specific
				0x02, 0x06, 0, 0, 0x80, 0x00, 0x05, 0, // sense key specific
				0x03, 0x02, 0, 0x42, // FRU
				0x04, 0x02, 0, 0x20, // stream: ILI
			},
			want: Sense{ResponseCode: 0x72, Descriptor: true, Key: KeyMediumError, ASC: 0x11, Valid: true,
				Info: 0x10000, CommandInfo: 9, SKSV: true, SenseKeySpecific: [3]byte{0, 0, 5}, FRU: 0x42, ILI: true},
		},
		{
			name: "descriptor truncated descriptor ignored",
			in:   []byte{0x72, 0x05, 0x24, 0x00, 0, 0, 0, 12, 0x03, 0x02, 0, 0x07, 0x00, 0x0a, 0x80, 0, 0, 0, 0, 0},
			want: Sense{ResponseCode: 0x72, Descriptor: true, Key: KeyIllegalRequest, ASC: 0x24, FRU: 7},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSense(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseSenseErrors(t *testing.T) {
	for name, in := range map[string][]byte{
		"empty":            nil,
		"response code 0":  make([]byte, 18),
		"response code 7F": {0x7f, 0, 0},
		"fixed 2 bytes":    {0x70, 0},
		"descriptor 1":     {0x72},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseSense(in); !errors.Is(err, ErrSenseFormat) {
				t.Errorf("err = %v, want ErrSenseFormat", err)
			}
		})
	}
}

func TestSenseHelpers(t *testing.T) {
	s, _ := ParseSense([]byte{0x70, 0, 0x02, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x04, 0x07, 0, 0x80, 0x40, 0x00})
	if p, ok := s.Progress(); !ok || p != 0.25 {
		t.Errorf("Progress = %v, %v; want 0.25, true", p, ok)
	}
	if _, _, _, _, ok := s.FieldPointer(); ok {
		t.Error("FieldPointer ok for NOT READY")
	}
	// ILLEGAL REQUEST 24/00, field pointer: C/D set, BPV set, bit 5, byte 2.
	s, _ = ParseSense([]byte{0x70, 0, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x24, 0x00, 0, 0xcd, 0x00, 0x02})
	field, bit, bitValid, inCDB, ok := s.FieldPointer()
	if !ok || field != 2 || bit != 5 || !bitValid || !inCDB {
		t.Errorf("FieldPointer = %d %d %v %v %v", field, bit, bitValid, inCDB, ok)
	}
	if _, ok := s.Progress(); ok {
		t.Error("Progress ok for ILLEGAL REQUEST")
	}
	if got, want := s.String(), "ILLEGAL REQUEST: invalid field in CDB (24/00)"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	s = Sense{Deferred: true, Key: KeyMediumError, ASC: 0x11, Valid: true, Info: 1234}
	if got, want := s.String(), "deferred MEDIUM ERROR: unrecovered read error (11/00) info 1234"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

func TestASCText(t *testing.T) {
	tests := []struct {
		asc, ascq byte
		want      string
	}{
		{0x3A, 0x00, "medium not present"},
		{0x3A, 0x02, "medium not present - tray open"},
		{0x04, 0x01, "logical unit is in process of becoming ready"},
		{0x28, 0x00, "not ready to ready change, medium may have changed"},
		{0x29, 0x00, "power on, reset, or bus device reset occurred"},
		{0x24, 0x00, "invalid field in CDB"},
		{0x20, 0x00, "invalid command operation code"},
		{0x21, 0x00, "logical block address out of range"},
		{0x11, 0x05, "L-EC uncorrectable error"},
		{0x64, 0x00, "illegal mode for this track"},
		{0x30, 0x00, "incompatible medium installed"},
		{0x72, 0x03, "session fixation error - incomplete track in session"},
		{0x73, 0x02, "power calibration area is full"},
		{0x40, 0x85, "diagnostic failure on component 85h"},
		{0x4D, 0x07, "tagged overlapped commands (task tag 07h)"},
		{0x80, 0x01, "vendor specific ASC 80h ASCQ 01h"},
		{0x3A, 0x90, "vendor specific ASC 3Ah ASCQ 90h"},
		{0x7E, 0x00, "ASC 7Eh ASCQ 00h"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%02X/%02X", tt.asc, tt.ascq), func(t *testing.T) {
			if got := ASCText(tt.asc, tt.ascq); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	for i, e := range ascTable {
		if e.text == "" || strings.TrimSpace(e.text) != e.text {
			t.Errorf("%04X: bad text %q", e.code, e.text)
		}
		// ASCText searches the table: it must be in strictly ascending
		// order (which also rules out a code listed twice).
		if i > 0 && ascTable[i-1].code >= e.code {
			t.Errorf("%04X listed after %04X", e.code, ascTable[i-1].code)
		}
	}
}

func TestSenseErrorIs(t *testing.T) {
	all := []error{ErrRecoveredError, ErrNotReady, ErrMediumError, ErrHardwareError, ErrIllegalRequest,
		ErrUnitAttention, ErrDataProtect, ErrBlankCheck, ErrAborted, ErrMiscompare, ErrNoMedium}
	tests := []struct {
		name      string
		key       SenseKey
		asc, ascq byte
		want      []error
	}{
		{"no medium", KeyNotReady, 0x3A, 0x02, []error{ErrNotReady, ErrNoMedium}},
		{"becoming ready", KeyNotReady, 0x04, 0x01, []error{ErrNotReady}},
		{"read error", KeyMediumError, 0x11, 0x00, []error{ErrMediumError}},
		{"hardware", KeyHardwareError, 0x44, 0x00, []error{ErrHardwareError}},
		{"illegal", KeyIllegalRequest, 0x24, 0x00, []error{ErrIllegalRequest}},
		{"medium changed", KeyUnitAttention, 0x28, 0x00, []error{ErrUnitAttention}},
		{"write protected", KeyDataProtect, 0x27, 0x00, []error{ErrDataProtect}},
		{"blank", KeyBlankCheck, 0x00, 0x00, []error{ErrBlankCheck}},
		{"aborted", KeyAbortedCommand, 0x47, 0x00, []error{ErrAborted}},
		{"recovered", KeyRecoveredError, 0x18, 0x01, []error{ErrRecoveredError}},
		{"miscompare", KeyMiscompare, 0x1D, 0x00, []error{ErrMiscompare}},
		{"no sense", KeyNoSense, 0x00, 0x00, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := fmt.Errorf("wrapped: %w", &SenseError{Sense{Key: tt.key, ASC: tt.asc, ASCQ: tt.ascq}})
			for _, target := range all {
				want := false
				for _, w := range tt.want {
					want = want || w == target
				}
				if got := errors.Is(err, target); got != want {
					t.Errorf("errors.Is(%v) = %v, want %v", target, got, want)
				}
			}
			var se *SenseError
			if !errors.As(err, &se) || se.Key != tt.key {
				t.Errorf("errors.As: %v", se)
			}
		})
	}
}

func TestCheckStatus(t *testing.T) {
	sense := []byte{0x70, 0, 0x02, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x3a, 0x00, 0, 0, 0, 0}
	tests := []struct {
		name string
		res  Result
		is   []error
		nil_ bool
	}{
		{"good", Result{Status: StatusGood}, nil, true},
		{"condition met", Result{Status: StatusConditionMet}, nil, true},
		{"check", Result{Status: StatusCheckCondition, Sense: sense}, []error{ErrNotReady, ErrNoMedium}, false},
		{"check without sense", Result{Status: StatusCheckCondition}, []error{ErrNoSense}, false},
		{"check with junk", Result{Status: StatusCheckCondition, Sense: []byte{1, 2, 3}}, []error{ErrNoSense}, false},
		{"busy", Result{Status: StatusBusy}, []error{ErrBusy}, false},
		{"task set full", Result{Status: StatusTaskSetFull}, []error{ErrBusy}, false},
		{"reservation conflict", Result{Status: StatusReservationConflict}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckStatus(tt.res)
			if (err == nil) != tt.nil_ {
				t.Fatalf("err = %v", err)
			}
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("%v is not %v", err, target)
				}
			}
			if err != nil && err.Error() == "" {
				t.Error("empty message")
			}
		})
	}
	if got, want := CheckStatus(Result{Status: StatusCheckCondition, Sense: sense}).Error(),
		"sense NOT READY: medium not present (3A/00)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
