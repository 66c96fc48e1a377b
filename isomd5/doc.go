// Package isomd5 reads, verifies and writes the two kinds of MD5 checksums
// that mastering tools embed in ISO 9660 (ECMA-119) images.
//
// # isomd5sum (implantisomd5, checkisomd5)
//
// Fedora's implantisomd5 stores an MD5 of the image as text in the Application
// Use field of the primary volume descriptor (ECMA-119 §8.4.32: 512 bytes at
// byte 883 of the descriptor block), for example
//
//	ISO MD5SUM = 0123...cdef;SKIPSECTORS = 15;RHLISOSTATUS=0;FRAGMENT SUMS = 7c1a...;FRAGMENT COUNT = 20;THIS IS NOT THE SAME AS RUNNING MD5SUM ON THIS ISO!!
//
// padded with spaces. The MD5 covers the image from byte 0 up to the end of
// the volume space (the PVD's Volume Space Size, §8.4.8) less SKIPSECTORS
// blocks of 2048 bytes (burned CDs often cannot read their last blocks),
// with the 512 bytes of the Application Use field read as spaces. The
// fragment sums are checkpoints that let a checker stop early on a bad
// disc: the covered range is cut into FRAGMENT COUNT + 1 fragments, the data
// is hashed in chunks of 32 KiB, and at the end of the first chunk that
// starts in fragment k (k = 1 .. FRAGMENT COUNT) the running MD5 is
// finalized; 60/FRAGMENT COUNT characters of it are recorded at slot k, one
// per digest byte: the first digit of the byte in hexadecimal without a
// leading zero.
//
// [Implant] records such a checksum in a finished image (implantisomd5),
// [CheckImplanted] verifies one with the verdict of checkisomd5, and
// [ImplantHasher] computes the field while an image streams, for a writer
// that can seek back to patch it. [ParseAppUse] decodes the field.
//
// # libisofs checksums (xorriso -md5 on)
//
// libisofs (libisofs doc/checksums.txt) records MD5s in three ways:
//
//   - Checksum tags: one block of 2048 bytes each, holding one line of text
//     followed by zero bytes:
//     "libisofs_sb_checksum_tag_v1 pos=50 range_start=32 range_size=18 next=56 md5=... self=...\n".
//     md5= is the MD5 of the blocks range_start .. pos-1 (all bytes of the
//     session written before the tag, earlier tags included), self= the MD5
//     of the line up to the last digit of md5=. See [Tag], [ParseTag],
//     [FormatTag] and [SessionSum].
//   - The checksum array: N+2 MD5s of 16 bytes after the file data.
//     Entry 0 is the MD5 of the session from its first block up to the
//     array, entries 1 .. N the MD5s of the data files' contents, entry N+1
//     the MD5 of entries 0 .. N. See [ChecksumArray].
//   - AAIP attributes (AAIP 2.0, libisofs doc/susp_aaip_2_0.txt) in SUSP
//     "AL" entries of the Rock Ridge tree: "isofs.ca" on the root
//     directory's "." record gives the array's place ([ChecksumArea]),
//     "isofs.cx" on each data file its index in the array. See [Attr],
//     [EncodeAL], [DecodeAL] and [ERAAIP].
//
// [CheckLibisofs] verifies all of them.
//
// # Where a writer puts the libisofs pieces
//
// For one session starting at block S (0 for a plain image file), in the
// order xorriso -as mkisofs --md5 writes them, with [SessionSum] fed every
// byte from block S on:
//
//  1. Blocks S .. S+15: system area; S+16 ..: volume descriptors up to the
//     Volume Descriptor Set Terminator at block T.
//  2. Block T+1: the superblock tag, Kind [TagSuperblock], Pos T+1,
//     RangeStart S, RangeSize T+1-S, Next = position of the tree tag.
//  3. The ECMA-119 directory records with their Rock Ridge continuation
//     areas, then the ECMA-119 path tables (type L and M).
//     The root's "." record carries an AL entry chain with "isofs.ca"
//     (the ChecksumArea below; libisofs puts it in the root's
//     continuation area after the RRIP ER entry); every checksummed data
//     file's record carries an AL chain with "isofs.cx" (4-byte big-endian
//     index, 1 .. N; files sharing one extent, such as hard links, share
//     an index). xorriso by default writes no "AAIP_0200" ER entry
//     (AAIP's SUSP 1.10 compatibility mode); a writer that adds [ERAAIP]
//     to the root's continuation area must also separate RRIP and AAIP
//     entries with ES entries (SUSP 1.12 §5.6).
//  4. The block right after the last path table block: the tree tag,
//     Kind [TagTree], RangeStart S, Next = position of the session tag.
//     A Joliet tree (directories and path tables) comes after the tree
//     tag and is covered only by the session tag.
//  5. File data, in extent order. The MD5 of each file's content (its
//     size in bytes, not the padding of its last block) goes into the array.
//  6. The checksum array at block E (the "END" of isofs.ca):
//     ceil((N+2)/128) blocks, entries 0 .. N+1 and zeros after them.
//     Entry 0 is the MD5 of blocks S .. E-1.
//  7. Block E + array blocks: the session tag, Kind [TagSession],
//     RangeStart S, RangeSize = its Pos - S (it covers the array too).
//  8. Padding (xorriso adds 150 blocks), counted in the Volume Space Size.
//
// isofs.ca records START = S, END = E, COUNT = N+2, SIZE = 16, "MD5".
// An image made for overwritable media (xorriso -outdev on a new file) has
// its first session at block 32 and, at block 0, a copy of the latest
// session's descriptors followed by a [TagRelocatedSuperblock] tag at
// block 18 (RangeStart 0, Next = session_start of the latest session).
//
// Every length and count read from an image is bounded before it is used;
// damage is reported in the results, not by panics or hangs.
package isomd5
