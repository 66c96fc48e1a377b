package scsi

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// SenseKey is the 4-bit sense key (SPC-4 4.5.6).
type SenseKey byte

// Sense keys (SPC-4 4.5.6).
const (
	KeyNoSense        SenseKey = 0x0
	KeyRecoveredError SenseKey = 0x1
	KeyNotReady       SenseKey = 0x2
	KeyMediumError    SenseKey = 0x3
	KeyHardwareError  SenseKey = 0x4
	KeyIllegalRequest SenseKey = 0x5
	KeyUnitAttention  SenseKey = 0x6
	KeyDataProtect    SenseKey = 0x7
	KeyBlankCheck     SenseKey = 0x8
	KeyVendorSpecific SenseKey = 0x9
	KeyCopyAborted    SenseKey = 0xA
	KeyAbortedCommand SenseKey = 0xB
	KeyVolumeOverflow SenseKey = 0xD
	KeyMiscompare     SenseKey = 0xE
	KeyCompleted      SenseKey = 0xF
)

var keyNames = [16]string{
	"NO SENSE", "RECOVERED ERROR", "NOT READY", "MEDIUM ERROR",
	"HARDWARE ERROR", "ILLEGAL REQUEST", "UNIT ATTENTION", "DATA PROTECT",
	"BLANK CHECK", "VENDOR SPECIFIC", "COPY ABORTED", "ABORTED COMMAND",
	"sense key Ch", "VOLUME OVERFLOW", "MISCOMPARE", "COMPLETED",
}

func (k SenseKey) String() string {
	if k < 16 {
		return keyNames[k]
	}
	return fmt.Sprintf("sense key %02Xh", byte(k))
}

// Sense is decoded sense data, from either format.
type Sense struct {
	ResponseCode byte // 70h, 71h (fixed) or 72h, 73h (descriptor)
	Descriptor   bool // descriptor format (72h/73h)
	Deferred     bool // error of an earlier command (71h/73h), not this one
	Key          SenseKey
	ASC, ASCQ    byte // additional sense code and qualifier
	// Valid reports that Info holds the INFORMATION field: in fixed format
	// the VALID bit, in descriptor format an information descriptor with
	// its VALID bit set. For a read error it is usually the failing LBA.
	Valid       bool
	Info        uint64
	CommandInfo uint64 // COMMAND-SPECIFIC INFORMATION field
	Filemark    bool
	EOM         bool // end of medium
	ILI         bool // incorrect length indicator
	FRU         byte // field replaceable unit code
	// SKSV reports that SenseKeySpecific holds the three sense-key
	// specific bytes (SPC-4 4.5.2.4; byte 15 in fixed format): a field pointer for ILLEGAL REQUEST,
	// a progress indication for NOT READY and NO SENSE, a retry count for
	// errors.
	SKSV             bool
	SenseKeySpecific [3]byte
}

// maxSense bounds the sense data looked at: SPC-4 limits the additional
// sense length to 244 bytes (252 in total).
const maxSense = 252

// ErrSenseFormat is returned by ParseSense for data that is not sense data
// in a known format.
var ErrSenseFormat = errors.New("scsi: malformed sense data")

// ParseSense decodes sense data in the fixed (SPC-4 4.5.3) or descriptor
// (SPC-4 4.5.2) format. The data is bounded by its ADDITIONAL SENSE LENGTH
// and by len(b); fields beyond a short buffer read as zero, since devices
// commonly return fewer bytes than the format defines (18 is usual, 8 or
// 14 occur). At least the sense key must be present.
func ParseSense(b []byte) (Sense, error) {
	if len(b) > maxSense {
		b = b[:maxSense]
	}
	if len(b) == 0 {
		return Sense{}, fmt.Errorf("%w: empty", ErrSenseFormat)
	}
	s := Sense{ResponseCode: b[0] & 0x7f}
	switch s.ResponseCode {
	case 0x70, 0x71:
		s.Deferred = s.ResponseCode == 0x71
		return parseFixedSense(s, b)
	case 0x72, 0x73:
		s.Descriptor = true
		s.Deferred = s.ResponseCode == 0x73
		return parseDescriptorSense(s, b)
	}
	return Sense{}, fmt.Errorf("%w: response code %02Xh at byte 0", ErrSenseFormat, b[0]&0x7f)
}

// at returns b[i] or zero past the end.
func at(b []byte, i int) byte {
	if i < len(b) {
		return b[i]
	}
	return 0
}

// parseFixedSense decodes the fixed format (SPC-4 4.5.3).
func parseFixedSense(s Sense, b []byte) (Sense, error) {
	if len(b) < 3 {
		return Sense{}, fmt.Errorf("%w: fixed format: %d bytes, need at least 3", ErrSenseFormat, len(b))
	}
	if len(b) >= 8 {
		if n := 8 + int(b[7]); n < len(b) {
			b = b[:n]
		}
	}
	s.Valid = b[0]&0x80 != 0
	s.Filemark = b[2]&0x80 != 0
	s.EOM = b[2]&0x40 != 0
	s.ILI = b[2]&0x20 != 0
	s.Key = SenseKey(b[2] & 0x0f)
	s.Info = uint64(binary.BigEndian.Uint32([]byte{at(b, 3), at(b, 4), at(b, 5), at(b, 6)}))
	s.CommandInfo = uint64(binary.BigEndian.Uint32([]byte{at(b, 8), at(b, 9), at(b, 10), at(b, 11)}))
	s.ASC, s.ASCQ = at(b, 12), at(b, 13)
	s.FRU = at(b, 14)
	if len(b) >= 18 && b[15]&0x80 != 0 {
		s.SKSV = true
		s.SenseKeySpecific = [3]byte{b[15] & 0x7f, b[16], b[17]}
	}
	return s, nil
}

// parseDescriptorSense decodes the descriptor format (SPC-4 4.5.2)
// and the descriptors it knows: information, command-specific
// information, sense key specific, field replaceable unit, stream commands
// and block commands.
func parseDescriptorSense(s Sense, b []byte) (Sense, error) {
	if len(b) < 2 {
		return Sense{}, fmt.Errorf("%w: descriptor format: %d bytes, need at least 2", ErrSenseFormat, len(b))
	}
	s.Key = SenseKey(b[1] & 0x0f)
	s.ASC, s.ASCQ = at(b, 2), at(b, 3)
	if len(b) < 8 {
		return s, nil
	}
	end := 8 + int(b[7])
	if end > len(b) {
		end = len(b)
	}
	for off := 8; off+2 <= end; {
		typ, n := b[off], int(b[off+1])
		next := off + 2 + n
		if next > end {
			break // truncated descriptor: keep what came before it
		}
		d := b[off:next]
		switch typ {
		case 0x00: // information (4.5.2.2)
			if len(d) >= 12 {
				s.Valid = d[2]&0x80 != 0
				s.Info = binary.BigEndian.Uint64(d[4:12])
			}
		case 0x01: // command-specific information (4.5.2.3)
			if len(d) >= 12 {
				s.CommandInfo = binary.BigEndian.Uint64(d[4:12])
			}
		case 0x02: // sense key specific (4.5.2.4)
			if len(d) >= 7 && d[4]&0x80 != 0 {
				s.SKSV = true
				s.SenseKeySpecific = [3]byte{d[4] & 0x7f, d[5], d[6]}
			}
		case 0x03: // field replaceable unit (4.5.2.5)
			if len(d) >= 4 {
				s.FRU = d[3]
			}
		case 0x04: // stream commands (4.5.2.6 / SSC-4)
			if len(d) >= 4 {
				s.Filemark = d[3]&0x80 != 0
				s.EOM = d[3]&0x40 != 0
				s.ILI = d[3]&0x20 != 0
			}
		case 0x05: // block commands (defined by SBC-3)
			if len(d) >= 4 {
				s.ILI = d[3]&0x20 != 0
			}
		}
		off = next
	}
	return s, nil
}

// Progress returns the progress indication of a NOT READY or NO SENSE
// sense (SPC-4 4.5.2.4), for example during FORMAT UNIT, BLANK or an
// immediate CLOSE SESSION, as a fraction in [0, 1).
func (s Sense) Progress() (float64, bool) {
	if !s.SKSV || (s.Key != KeyNotReady && s.Key != KeyNoSense) {
		return 0, false
	}
	p := binary.BigEndian.Uint16(s.SenseKeySpecific[1:])
	return float64(p) / 65536, true
}

// FieldPointer returns the field pointer of an ILLEGAL REQUEST sense
// (SPC-4 4.5.2.4): the byte (and bit, when bitValid) of the CDB, or of
// the parameter list when inCDB is false, that the device rejected.
func (s Sense) FieldPointer() (field int, bit int, bitValid, inCDB, ok bool) {
	if !s.SKSV || s.Key != KeyIllegalRequest {
		return 0, 0, false, false, false
	}
	k := s.SenseKeySpecific
	inCDB = k[0]&0x40 != 0
	bitValid = k[0]&0x08 != 0
	bit = int(k[0] & 0x07)
	field = int(binary.BigEndian.Uint16(k[1:]))
	return field, bit, bitValid, inCDB, true
}

// Text describes the additional sense code and qualifier.
func (s Sense) Text() string { return ASCText(s.ASC, s.ASCQ) }

func (s Sense) String() string {
	var d string
	if s.Deferred {
		d = "deferred "
	}
	str := fmt.Sprintf("%s%v: %s (%02X/%02X)", d, s.Key, s.Text(), s.ASC, s.ASCQ)
	if s.Valid {
		str += fmt.Sprintf(" info %d", s.Info)
	}
	return str
}

// Category sentinels matched by a *SenseError with errors.Is.
var (
	ErrRecoveredError = errors.New("scsi: recovered error")    // key 1
	ErrNotReady       = errors.New("scsi: not ready")          // key 2
	ErrMediumError    = errors.New("scsi: medium error")       // key 3
	ErrHardwareError  = errors.New("scsi: hardware error")     // key 4
	ErrIllegalRequest = errors.New("scsi: illegal request")    // key 5
	ErrUnitAttention  = errors.New("scsi: unit attention")     // key 6
	ErrDataProtect    = errors.New("scsi: data protect")       // key 7
	ErrBlankCheck     = errors.New("scsi: blank check")        // key 8
	ErrAborted        = errors.New("scsi: aborted command")    // key Bh
	ErrMiscompare     = errors.New("scsi: miscompare")         // key Eh
	ErrNoMedium       = errors.New("scsi: medium not present") // ASC 3Ah, any key
)

// keyErr returns the category sentinel of a sense key, or nil (a switch,
// not a table: a table of these values would be filled at program start).
func keyErr(k SenseKey) error {
	switch k {
	case KeyRecoveredError:
		return ErrRecoveredError
	case KeyNotReady:
		return ErrNotReady
	case KeyMediumError:
		return ErrMediumError
	case KeyHardwareError:
		return ErrHardwareError
	case KeyIllegalRequest:
		return ErrIllegalRequest
	case KeyUnitAttention:
		return ErrUnitAttention
	case KeyDataProtect:
		return ErrDataProtect
	case KeyBlankCheck:
		return ErrBlankCheck
	case KeyAbortedCommand:
		return ErrAborted
	case KeyMiscompare:
		return ErrMiscompare
	}
	return nil
}

// SenseError is a command that ended in CHECK CONDITION, with its decoded
// sense data. errors.Is matches it against the sentinel of its sense key
// (ErrNotReady, ErrMediumError, ...) and, for ASC 3Ah, ErrNoMedium.
type SenseError struct {
	Sense
}

func (e *SenseError) Error() string { return "sense " + e.Sense.String() }

// Is reports whether e belongs to the category target.
func (e *SenseError) Is(target error) bool {
	if target == ErrNoMedium {
		return e.ASC == 0x3A
	}
	return target != nil && keyErr(e.Key) == target
}
