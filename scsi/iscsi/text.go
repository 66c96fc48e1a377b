package iscsi

import (
	"strconv"
	"strings"
)

// Text data: key=value pairs, each ended by a NUL byte (RFC 7143 section
// 6.1).

const (
	maxKeyLen   = 63      // RFC 7143 section 6.1
	maxValueLen = 255     // "unless specified otherwise" (section 6.1); no key an initiator sends is longer
	maxTextLen  = 1 << 16 // bound on a text spread over several PDUs with C set
)

type pair struct{ key, value string }

// parseText splits a text data segment into its key=value pairs. A final
// pair without its NUL is accepted. Keys must use the characters of RFC
// 7143 section 6.1 and appear at most once (section 6.2).
func parseText(b []byte) ([]pair, error) {
	s := string(b)
	s = strings.TrimSuffix(s, "\x00")
	if s == "" {
		return nil, nil
	}
	var out []pair
	seen := map[string]bool{}
	for _, kv := range strings.Split(s, "\x00") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, protoErr("text %q is not key=value", clip(kv))
		}
		if k == "" || len(k) > maxKeyLen || !validKey(k) {
			return nil, protoErr("invalid text key %q", clip(k))
		}
		if len(v) > maxValueLen {
			return nil, protoErr("value of %s is %d bytes long, more than %d", k, len(v), maxValueLen)
		}
		if seen[k] {
			return nil, protoErr("text key %s given twice", k)
		}
		seen[k] = true
		out = append(out, pair{k, v})
	}
	return out, nil
}

func validKey(k string) bool {
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.', c == '-', c == '+', c == '@', c == '_':
		default:
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

func appendText(b []byte, pairs []pair) []byte {
	for _, p := range pairs {
		b = append(b, p.key...)
		b = append(b, '=')
		b = append(b, p.value...)
		b = append(b, 0)
	}
	return b
}

// parseNumber parses a numerical value: a decimal constant or a
// hexadecimal one with 0x (RFC 7143 section 6.1).
func parseNumber(v string) (uint64, bool) {
	if h, ok := strings.CutPrefix(strings.ToLower(v), "0x"); ok {
		n, err := strconv.ParseUint(h, 16, 64)
		return n, err == nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return n, err == nil
}

// Values this target proposes or accepts (RFC 7143 section 13).
const (
	// ourMaxRecvDataSegment is the MaxRecvDataSegmentLength this target
	// declares: the largest data segment it reads in the Full Feature
	// Phase (immediate data, Data-Out, NOP-Out ping data).
	ourMaxRecvDataSegment = 256 << 10
	// loginMaxRecvDataSegment is the default that applies during login
	// (section 13.12).
	loginMaxRecvDataSegment = 8192
	ourMaxBurst             = 1 << 20
	ourFirstBurst           = 256 << 10
	portalGroupTag          = 1
)

// params are the operational parameters of a session as negotiated.
type params struct {
	// peerMaxRecv is the initiator's MaxRecvDataSegmentLength: the
	// largest data segment this target may send it (section 13.12).
	peerMaxRecv   int
	maxBurst      int  // MaxBurstLength (13.13)
	firstBurst    int  // FirstBurstLength (13.14)
	immediateData bool // ImmediateData (13.11)
	// InitialR2T is always Yes: the target answers Yes whatever the
	// initiator offers (its result function is OR, section 13.10), so no
	// unsolicited Data-Out PDUs are allowed, only immediate data.
}

// defaultParams are the values that hold for keys nobody negotiated
// (RFC 7143 section 13).
func defaultParams() params {
	return params{peerMaxRecv: 8192, maxBurst: 262144, firstBurst: 65536, immediateData: true}
}

// loginInfo is what the leading login tells about the initiator and the
// session it wants.
type loginInfo struct {
	initiatorName string
	targetName    string
	sessionType   string // "Normal" (the default) or "Discovery"
	authOffered   bool
	authNone      bool // AuthMethod offered and None among its values
}

// negotiate answers the keys of one login or text request and records
// their outcome in p and li. It returns the answer pairs; keys that are
// declarations (InitiatorName, MaxRecvDataSegmentLength, ...) get no
// answer (RFC 7143 section 6.2).
func negotiate(in []pair, p *params, li *loginInfo) []pair {
	var out []pair
	answer := func(k, v string) { out = append(out, pair{k, v}) }
	for _, kv := range in {
		k, v := kv.key, kv.value
		switch k {
		case "InitiatorName":
			li.initiatorName = v
		case "TargetName":
			li.targetName = v
		case "SessionType":
			li.sessionType = v
		case "InitiatorAlias":
		case "AuthMethod": // section 12.1: a list, answered with the first value we accept
			li.authOffered = true
			if listHas(v, "None") {
				li.authNone = true
				answer(k, "None")
			} else {
				answer(k, "Reject")
			}
		case "HeaderDigest", "DataDigest": // section 13.1
			if listHas(v, "None") {
				answer(k, "None")
			} else {
				answer(k, "Reject")
			}
		case "MaxRecvDataSegmentLength": // section 13.12: declarative
			if n, ok := parseNumber(v); ok && n >= 512 && n <= maxDataSegment {
				p.peerMaxRecv = int(n)
			}
		case "MaxBurstLength": // section 13.13: numerical minimum
			if n, ok := numberIn(v, 512, maxDataSegment); ok {
				p.maxBurst = int(min(n, ourMaxBurst))
				answer(k, strconv.Itoa(p.maxBurst))
			} else {
				answer(k, "Reject")
			}
		case "FirstBurstLength": // section 13.14: numerical minimum
			if n, ok := numberIn(v, 512, maxDataSegment); ok {
				p.firstBurst = int(min(n, ourFirstBurst))
				answer(k, strconv.Itoa(p.firstBurst))
			} else {
				answer(k, "Reject")
			}
		case "InitialR2T": // section 13.10: Boolean OR
			answer(k, "Yes")
		case "ImmediateData": // section 13.11: Boolean AND
			p.immediateData = v == "Yes"
			answer(k, map[bool]string{true: "Yes", false: "No"}[p.immediateData])
		case "MaxConnections": // section 13.2: numerical minimum
			answer(k, "1")
		case "MaxOutstandingR2T": // section 13.17: numerical minimum
			answer(k, "1")
		case "DataPDUInOrder", "DataSequenceInOrder": // sections 13.18, 13.19: Boolean OR
			answer(k, "Yes")
		case "ErrorRecoveryLevel": // section 13.20: numerical minimum
			answer(k, "0")
		case "DefaultTime2Wait": // section 13.15: numerical maximum
			if n, ok := numberIn(v, 0, 3600); ok {
				answer(k, strconv.FormatUint(n, 10))
			} else {
				answer(k, "Reject")
			}
		case "DefaultTime2Retain": // section 13.16: numerical minimum; nothing is retained at ERL 0
			answer(k, "0")
		case "IFMarker", "OFMarker": // RFC 3720 markers, removed by RFC 7143: Boolean AND
			answer(k, "No")
		case "OFMarkInt", "IFMarkInt":
			answer(k, "Irrelevant")
		case "TaskReporting": // RFC 7143 section 13.23
			answer(k, "RFC3720")
		case "iSCSIProtocolLevel": // section 13.24 and RFC 7144: numerical minimum; RFC 7143 is level 1
			if n, ok := numberIn(v, 0, 31); ok {
				answer(k, strconv.FormatUint(min(n, 1), 10))
			} else {
				answer(k, "Reject")
			}
		default:
			answer(k, "NotUnderstood")
		}
	}
	return out
}

func numberIn(v string, lo, hi uint64) (uint64, bool) {
	n, ok := parseNumber(v)
	return n, ok && lo <= n && n <= hi
}

func listHas(list, v string) bool {
	for _, x := range strings.Split(list, ",") {
		if x == v {
			return true
		}
	}
	return false
}
