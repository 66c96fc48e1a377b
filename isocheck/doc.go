// Package isocheck verifies the structure of an ISO 9660 (ECMA-119)
// image: what isovfy does, and more.
//
// Check reads the raw structures itself, over an io.ReaderAt, and reports
// every problem it finds with the structure, path and byte offset
// concerned, instead of stopping at the first or tolerating it as a
// reader does:
//
//   - the volume descriptor set (ECMA-119 §8): a primary volume
//     descriptor and a terminator, standard identifiers and versions,
//     both-byte-order fields whose halves agree (§7.2.3, §7.3.3), a
//     2048-byte logical block size, dates; supplementary (Joliet)
//     descriptors likewise; an El Torito boot record, its catalog and the
//     load extents of its entries;
//   - truncation: an image shorter than its volume space size (§8.4.8),
//     and every directory, file, path table or continuation area that lies
//     beyond the end of the file or of the volume;
//   - every directory hierarchy, the primary one and each supplementary
//     one: record lengths, records that cross a block boundary (§6.8.1.1),
//     the '.' and '..' records (§6.8.2.2), identifiers (§7.5, §7.6; '/'
//     and NUL, or a name that reads as "." or "..", are errors), the order
//     of records (§9.3; in Joliet hierarchies also the code-unit order
//     libisofs and genisoimage use, see sortRule), file flags (§9.1.6),
//     multi-extent files (§6.5.1), directory loops and depth (§6.8.2.1);
//     an ISO 9660:1999 enhanced volume descriptor that records the
//     primary root directory and path tables is that same hierarchy, and
//     is not checked again;
//   - extents that overlap: two different files, or a file and a
//     directory, path table or descriptor, sharing bytes (§6.4). The same
//     extent recorded twice (hard links, identical files stored once, the
//     primary and Joliet names of one file) is not an overlap;
//   - the path tables (§6.9, §9.4): type L and type M readable, equal, in
//     order (§6.9.1), and matching the hierarchy entry by entry;
//   - the System Use Sharing Protocol (SUSP 1.12 §4, §5): the SP entry
//     and its check bytes, entry lengths, continuation areas (inside the
//     volume, of sane length, without loops), the ER entry; and Rock
//     Ridge (RRIP 1.12 §4.1): entry lengths, NM names and SL components.
//
// Problems are Errors (the image is damaged or violates the standard in
// a way that loses data for some reader) or Warnings (a departure common
// readers accept, such as lower-case primary names). Every length and
// count read from the image is bounded, so a hostile image is checked in
// bounded time and memory.
package isocheck
