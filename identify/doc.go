// Package identify tells what an optical-media image file (or device)
// holds and whether it is whole: the job of disktype and isolyzer.
//
// Identify looks for these structures, each where its specification puts
// it, and reports where it found each one, what it records, and the size
// of the image it implies:
//
//   - ISO 9660 (ECMA-119): the volume descriptor set from sector 16 — the
//     Primary Volume Descriptor (§8.4; volume space size × logical block
//     size is the size of the volume), Joliet Supplementary Volume
//     Descriptors (§8.5 with the Joliet escape sequences), and the El
//     Torito Boot Record (El Torito 1.0 §2.0) with its boot catalog. A
//     volume that does not start at sector 0 of the file (a later session,
//     a volume inside a partition) is found by scanning for "CD001"; an
//     image that starts at a later session's first sector is recognised
//     by where its root directory is (or given with Options.SectorOffset,
//     isolyzer's --offset).
//   - High Sierra (the 1986 CDROM Working Paper): "CDROM" at byte 9 of
//     sector 16, the Standard File Structure Volume Descriptor.
//   - UDF (ECMA-167 / OSTA UDF): the Volume Recognition Sequence (2/8.3,
//     BEA01, NSR02/NSR03, TEA01) from byte 32768, the Anchor Volume
//     Descriptor Pointers at sectors 256, N-256 and N-1 (3/8.4.2.1) with
//     their descriptor tags checked (checksum, CRC and location, 3/7.2),
//     the Main Volume Descriptor Sequence (Partition, Logical Volume
//     Descriptors) and the Logical Volume Integrity Descriptor.
//   - HFS (Inside Macintosh: Files, the Master Directory Block, "BD" at
//     byte 1024), HFS Plus and HFSX (Apple TN1150, "H+" / "HX" at byte
//     1024), also inside Apple partitions and HFS wrappers.
//   - Apple Partition Map (Inside Macintosh: Devices: the Driver
//     Descriptor Record "ER" at byte 0 and "PM" entries in the blocks that
//     follow).
//   - MBR partition tables (55 AA at byte 510) and GPT (UEFI 2.10 §5.3:
//     "EFI PART" at LBA 1, header and entry array CRC-32 checked).
//
// Hybrids are reported as all of their parts: isohybrid (MBR + ISO 9660),
// ISO 9660 + HFS, the UDF Bridge (ISO 9660 + UDF), and so on.
//
// The Verdict compares the actual size with the largest size any structure
// implies: "complete", "truncated" (smaller than expected: data is
// missing) or "padded" (larger: often harmless, e.g. the run-out sectors a
// CD recorder adds). Report.Isolyzer gives isolyzer 1.4's own figures for
// the same file, computed its way, and WriteIsolyzerXML writes them in its
// XML schema, so existing isolyzer pipelines keep working.
//
// Every length and count read from the medium is bounded before it is
// used, and Identify reads a bounded amount of data whatever the input:
// it never fails because of what the medium contains, only when reading
// it fails (a *ReadError).
package identify
