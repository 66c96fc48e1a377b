// Package mmc builds the command descriptor blocks (CDBs) of the SCSI
// Multi-Media Commands (MMC-6, T10/1836-D) that Spindle sends to optical
// drives, and parses the data the drives return.
//
// Builders return the CDB as a fixed-size byte array, byte for byte as the
// standard lays it out; parsers take the data-in bytes of a command and
// return decoded structures. Nothing here does I/O: a transport sends the
// CDB and hands the response to the parser.
//
// Parsers never trust the transfer length. Drives, USB bridges and emulators
// often return the whole allocation length zero-padded and report no
// residual, so every parser reads the length fields inside the response,
// bounds them by the bytes actually present, and ignores what follows. A
// response whose own length field claims more than was transferred (the
// allocation length was too small) is reported with an error wrapping
// ErrTruncated, so that the caller can retry with a larger allocation; any
// other inconsistency is an error wrapping ErrFormat. Both are *FormatError
// values naming the structure and the byte offset.
//
// Covered commands: READ TOC/PMA/ATIP (43h) formats 0, 1, 2, 4 and 5 (with a
// converter from formats 0 and 2 to disc.Layout and a CD-TEXT decoder),
// READ DISC INFORMATION (51h), READ TRACK INFORMATION (52h), GET
// CONFIGURATION (46h), READ CAPACITY (25h), READ(10) (28h), READ(12) (A8h),
// READ CD (BEh) and MODE SENSE(10) (5Ah) with the capabilities page 2Ah, and
// the multi-session information that cdrecord -msinfo prints.
//
// Drive sends these commands over a scsi.Transport and copes with what
// drives measurably do: an ATAPI drive that reads the READ TOC/PMA/ATIP
// format only from the SFF-8020 field of the control byte (QEMU's ide-cd)
// answers formats 1 to 5 with a formatted TOC; Drive recognises the shape
// (IsFormattedTOC), asks formats 1 and 2 again the legacy way
// (ReadTOCLegacy), and reports ATIP and CD-TEXT, which that field cannot
// name, as ErrUnsupported, as it does for drives that reject them. Its
// Layout carries the media catalog number and the ISRCs of audio tracks
// from READ SUB-CHANNEL (42h), left empty when the drive fails that
// command (QEMU's do). Its Capabilities say which disc families the drive
// reads and which media it writes, how (TAO, SAO, raw, test write, BUF)
// and how fast: from GET CONFIGURATION's profile list and write features
// (NewDriveCapabilities), from MODE SENSE page 2Ah for drives older than
// MMC-2, and from GET PERFORMANCE (ACh) type 03h for the write speeds.
//
// Clause numbers cite MMC-6 (T10/1836-D revision 2g) where they were
// checked against it: READ DISC INFORMATION §6.21, READ TOC/PMA/ATIP §6.25,
// READ TRACK INFORMATION §6.26, MODE SENSE(10) §6.12, the features §5.3.
// The others cite MMC-5 (T10/1675-D), whose numbering differs by one in
// places: GET CONFIGURATION §6.6, READ(10) §6.15, READ(12) §6.16, READ
// CAPACITY §6.19, READ CD §6.20. Every command is also named with its
// operation code.
//
// CD addresses in MSF form are absolute times; they convert to LBAs as MMC
// specifies (LBA = frames − 150, and for minutes 90 and above, the lead-in,
// LBA = frames − 450150, a negative address).
package mmc
