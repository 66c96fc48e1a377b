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
//   - A medium change (insertion, load) raises UNIT ATTENTION 28h/00h
//     (medium may have changed) once, after the power-on 29h/00h, and a
//     NewMedia event for GET EVENT STATUS NOTIFICATION; INQUIRY, REQUEST
//     SENSE, GET CONFIGURATION and GESN are not held up by a pending unit
//     attention. Closing a session, blanking and formatting raise the
//     NewMedia event but no unit attention, as drives do: the event is
//     what makes the Linux kernel read the new TOC and capacity, and
//     burning programs do not expect a unit attention in mid-sequence.
//
// # CD-TEXT
//
// A disc's CD-TEXT is the 18-byte packs of its lead-in (MMC-3 Annex J),
// which READ TOC format 5 returns after a 4-byte header. A pressed disc
// made from a layout (NewPressedLayout) carries the packs mmc.EncodeCDText
// makes of the layout's text: one block, ISO 8859-1, English, characters
// outside ISO 8859-1 as '?'. A CD-R or CD-RW gets CD-TEXT from a session
// written at once whose cue sheet gives the lead-in a data form with
// sub-channel (41h; C1h is taken alike): the lead-in entry's time is the
// lead-in start READ DISC INFORMATION reports (the ATIP's 97:26:66 on a
// blank disc) or 00:00:00, and the host writes from that start to the
// first track's pre-gap, 96 bytes of sub-channel a block, each byte one
// symbol with R–W in its low six bits, four packs a block, the packs
// repeated in cycles (as cdrdao and libburn write it). The emulator reads
// the packs back out of the symbols, keeps one of each block and sequence
// number with a correct CRC, and when the session is recorded stores them
// in block and sequence order; READ TOC format 5 returns them from then
// on, and they stay with the disc (moved to another drive, or saved in
// its directory). Where real drives differ, the emulator does this:
//
//   - A real drive records the R–W stream as sent, repeated cycles,
//     damaged packs and all, and its READ TOC format 5 returns what its
//     firmware makes of the lead-in (usually one cycle; some drives return
//     packs with bad CRCs, and many ATAPI drives do not answer format 5).
//     The emulator returns exactly one copy of each valid pack, whatever
//     the phase the host began the cycle at.
//   - Only the first session's CD-TEXT is kept: drives read CD-TEXT from
//     the first lead-in. A test write records none.
//   - No sub-channel is recorded: the lead-in cannot be read with READ CD,
//     and sub-channel sent with the blocks of tracks (cue sheet forms 40h
//     and C0h, or page 05h data block types 1 to 3 in track at once) is
//     dropped; reads synthesize P and Q and return R–W as zeros, so CD+G
//     graphics are not kept. The packed form (C0h) is read as the raw one:
//     CD-TEXT packs fill whole 24-symbol packs and are not interleaved.
//   - Page 05h accepts data block types 1 to 3 (raw with 16 or 96 bytes of
//     sub-channel) with every write type, as drives that write CD-TEXT do:
//     cdrdao asks for type 3 in session at once when it writes CD-TEXT, and
//     cdrecord probes types 2 and 3 to list SAO/R96P and SAO/R96R.
//
// What a writer advertises: GET CONFIGURATION reports feature 002Eh (CD
// Mastering) with its R-W bit set (R–W sub-channel in session at once),
// 002Dh (CD Track at Once) with R-W raw and pack, and 001Eh (CD Read)
// with CD-Text; mode page 2Ah has no bit for writing CD-TEXT. cdrdao 1.2.5
// and later turn CD-TEXT writing on from the R-W bit of 002Eh. cdrdao
// 1.2.4 (Debian 12) reads no capability: it writes CD-TEXT only with its
// driver option 0x10, from its table of known drives by INQUIRY identity
// or given as --driver generic-mmc:0x10, which users of the emulator (and
// of any drive not in that table) pass.
//
// Faults are injected per drive (Config.Faults): unreadable blocks, blocks
// that read on the Nth attempt, C2 errors, slow regions, a NOT READY
// period after loading, lost media and write failures; Config.Log receives
// every command.
package emu
