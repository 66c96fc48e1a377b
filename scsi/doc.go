// Package scsi is the transport-neutral part of talking to a SCSI device:
// the Command a host sends, the Transport interface that carries it (SG_IO
// on Linux, an emulated drive in tests), sense data decoding, and the
// primary commands (SPC-4) every optical drive answers: INQUIRY with its
// vital product data pages, TEST UNIT READY, REQUEST SENSE, MODE SENSE(10)
// and MODE SELECT(10), START STOP UNIT and PREVENT ALLOW MEDIUM REMOVAL.
// Multimedia commands (MMC-6) live in package mmc, on top of this one.
//
// Each command has three layers: a CDB builder (InquiryCDB), a response
// parser (ParseInquiry), both pure functions, and a convenience function
// that runs the command over a Transport and checks its status (Inquiry).
//
// # Lengths
//
// Never trust a transfer length: parse the length fields. Many transports
// report no residual count at all — QEMU's emulated drives and its iSCSI
// pass-through zero-pad every data-in transfer to the allocation length,
// and USB bridges are known to lie — so a response is always bounded by the
// length field it carries (ADDITIONAL LENGTH, PAGE LENGTH, MODE DATA
// LENGTH) and by the bytes actually in the buffer, whichever is smaller.
// Result.Transferred is informational only.
//
// # Errors
//
// A Transport returns an error only when the command could not be
// delivered or completed (host or driver failure, timeout, cancellation).
// A command that reached the device and ended in CHECK CONDITION is a
// Result with Status CheckCondition and sense bytes; CheckStatus turns it
// into a *SenseError, which matches the category sentinels with errors.Is:
//
//	err := scsi.TestUnitReady(ctx, t)
//	switch {
//	case errors.Is(err, scsi.ErrNoMedium): // 3A/xx: tray open or empty
//	case errors.Is(err, scsi.ErrNotReady): // 04/xx: spinning up, busy
//	}
//
// Sense data in both the fixed (70h/71h) and the descriptor (72h/73h)
// formats is decoded by ParseSense; ASCText names an additional sense code
// from the SPC-4 and MMC-6 tables.
//
// Clause numbers in comments are those of SPC-4 revision 37; START STOP
// UNIT and PREVENT ALLOW MEDIUM REMOVAL are cited from SBC-3 and MMC-6,
// which define them for disks and optical drives.
package scsi
