package emu

import (
	"spindle/cd"
)

// commands is the drive's command set, by operation code (SPC-4 and
// MMC-6). Anything else is answered ILLEGAL REQUEST, invalid command
// operation code (20h/00h). An array rather than a map so that it is
// static data, not work at program start.
var commands = [256]handler{
	0x00: {fn: testUnitReady, size: 6},
	0x03: {fn: requestSense, size: 6, noMedium: true, noAttend: true},
	0x04: {fn: formatUnit, size: 6, mutates: true},
	0x12: {fn: inquiry, size: 6, noMedium: true, noAttend: true},
	0x15: {fn: modeSelect, size: 6, noMedium: true},
	0x1A: {fn: modeSense, size: 6, noMedium: true},
	0x1B: {fn: startStop, size: 6, noMedium: true},
	0x1E: {fn: preventAllow, size: 6, noMedium: true},
	0x23: {fn: readFormatCapacities, size: 10},
	0x25: {fn: readCapacity, size: 10},
	0x28: {fn: read, size: 10},
	0x2A: {fn: write, size: 10, mutates: true},
	0x2B: {fn: seek, size: 10},
	0x35: {fn: synchronizeCache, size: 10, mutates: true},
	0x42: {fn: readSubChannel, size: 10},
	0x43: {fn: readTOC, size: 10},
	0x46: {fn: getConfiguration, size: 10, noMedium: true, noAttend: true},
	0x4A: {fn: getEventStatus, size: 10, noMedium: true, noAttend: true},
	0x51: {fn: readDiscInfo, size: 10},
	0x52: {fn: readTrackInfo, size: 10},
	0x53: {fn: reserveTrack, size: 10, mutates: true},
	0x54: {fn: sendOPC, size: 10},
	0x55: {fn: modeSelect, size: 10, noMedium: true},
	0x5A: {fn: modeSense, size: 10, noMedium: true},
	0x5B: {fn: closeTrackSession, size: 10, mutates: true},
	0x5C: {fn: readBufferCapacity, size: 10, noMedium: true},
	0x5D: {fn: sendCueSheet, size: 10},
	0x9E: {fn: readCapacity16, size: 16},
	0xA1: {fn: blank, size: 12, mutates: true},
	0xA8: {fn: read, size: 12},
	0xAA: {fn: write, size: 12, mutates: true},
	0xAC: {fn: getPerformance, size: 12},
	0xAD: {fn: readDiscStructure, size: 12},
	0xB6: {fn: setStreaming, size: 12, noMedium: true},
	0xBB: {fn: setCDSpeed, size: 12, noMedium: true},
	0xBD: {fn: mechanismStatus, size: 12, noMedium: true},
	0xBE: {fn: readCD, size: 12},
}

// seek answers SEEK(10) (2Bh): any address of the medium.
func seek(d *Drive, r *request) ([]byte, error) {
	a := cd.LBA(int32(be32(r.cdb[2:])))
	if a < 0 || a >= cd.LBA(d.medium.st.Capacity) {
		return nil, errLBARange
	}
	return nil, nil
}
