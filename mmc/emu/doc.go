// Package emu is Spindle's emulated optical drive: a scsi.Transport that
// answers the SPC and MMC-6 commands of a CD/DVD/BD writer from virtual
// media, so every command of package mmc, and every program that talks to
// a drive, can run without hardware.
//
// A Drive holds at most one Medium. Media are pressed (CD-ROM, DVD-ROM,
// BD-ROM made from an image) or recordable (CD-R, CD-RW, DVD-R, DVD-RW,
// DVD+R, DVD+RW, BD-R, BD-RE, blank when new, with the capacities of real
// media). Recording follows the states MMC-6 describes: a blank disc has
// one empty session holding the invisible track; WRITE appends at its next
// writable address; CLOSE TRACK completes it and opens the next; CLOSE
// SESSION gives the session a lead-out and, unless the disc is finalized,
// opens another; DVD+RW and BD-RE are formatted and then written at
// random; CD-RW and DVD-RW are blanked.
//
// Where real drives differ, the emulator follows one documented behaviour:
//
//   - A CD track written at once ends with two run-out blocks that belong
//     to the track (its size includes them, as cdrecord reports) and
//     cannot be read (MEDIUM ERROR 11h/00h); the next track's user data
//     begins 150 blocks later (link, run-in and pre-gap).
//   - A CD session's lead-out begins at the end of its last track; the next
//     session's first track starts 11,400 blocks later after the first
//     session and 6,900 after later ones (lead-out 6,750 or 2,250, lead-in
//     4,500, pre-gap 150), which is what cdrecord -msinfo prints.
//   - On DVD±R and BD-R, tracks start on ECC block boundaries (16 blocks,
//     32 on BD) and a closed session is followed by a fixed gap of 12,288
//     blocks before the next; real media vary here.
//   - READ TOC reports complete tracks only; the invisible track is seen
//     through READ TRACK INFORMATION and READ DISC INFORMATION.
//   - Every drive answers INQUIRY VPD 00h and READ CAPACITY even with a
//     blank disc (address 0), because QEMU's iSCSI client requires it.
//   - Residuals are reported truthfully: Result.Transferred is the number
//     of bytes the command produced.
//
// Faults are injected per drive (Config.Faults): unreadable blocks, blocks
// that read on the Nth attempt, C2 errors, slow regions, a NOT READY
// period after loading, lost media and write failures; Config.Log receives
// every command.
package emu
