package identify

import (
	"errors"
	"fmt"
	"io"
	"sort"
)

// SectorSize is the size of a CD/DVD/BD data sector (ECMA-119 §6.1.2,
// ECMA-130 user data of a Mode 1 sector): the unit of sizes in verdicts.
const SectorSize = 2048

// DefaultScanLimit is how far into the medium Identify searches for an ISO
// 9660 volume descriptor set that is not at sector 16 (Options.ScanLimit).
const DefaultScanLimit = 8 << 20

// Options tune Identify. The zero value is the sensible default.
type Options struct {
	// SectorOffset is the disc address (in 2048-byte sectors) of the
	// medium's first sector, for an image of one later session copied on
	// its own: the addresses its ISO 9660 or High Sierra volume records
	// count from the start of the disc. It is isolyzer's --offset (and
	// cd-info's / isoinfo's -N): the implied size becomes
	// (volume space size - SectorOffset) × block size. When it is 0 and
	// the root directory is not where the volume says, Identify looks for
	// it and reports the offset it detects (Report.SectorOffsetDetected).
	SectorOffset int64
	// ScanLimit bounds the search for "CD001" at 2048-byte multiples when
	// sector 16 holds no volume descriptor: 0 means DefaultScanLimit
	// bytes, a negative value turns the search off.
	ScanLimit int64

	// nested is set when probing inside a partition: no scanning, no
	// session detection.
	nested bool
}

// Type names a kind of structure. The values are part of the JSON schema.
type Type string

// The structures Identify reports.
const (
	TypeISO9660       Type = "iso9660"               // ECMA-119 Primary Volume Descriptor
	TypeJoliet        Type = "joliet"                // ECMA-119 SVD with a Joliet escape sequence
	TypeSupplementary Type = "iso9660-supplementary" // other SVDs and ISO 9660:1999 enhanced VDs
	TypeElTorito      Type = "el-torito"             // El Torito Boot Record and its catalog
	TypeHighSierra    Type = "high-sierra"           // High Sierra Standard File Structure VD
	TypeUDF           Type = "udf"                   // ECMA-167 / OSTA UDF volume
	TypeHFS           Type = "hfs"                   // HFS Master Directory Block
	TypeHFSPlus       Type = "hfs+"                  // HFS Plus volume header ("H+")
	TypeHFSX          Type = "hfsx"                  // HFSX volume header ("HX")
	TypeAPM           Type = "apple-partition-map"   // Apple Partition Map (with its Driver Descriptor Record)
	TypeMBR           Type = "mbr"                   // MBR partition table
	TypeGPT           Type = "gpt"                   // GUID Partition Table
)

// Structure is one structure found on the medium. Exactly one of the
// detail pointers is set, the one for its Type (Joliet, the other
// supplementary descriptors and High Sierra use ISO9660; HFS+ and HFSX use
// HFSPlus).
type Structure struct {
	Type Type `json:"type"`
	// Offset is the byte offset in the medium where the structure was
	// found (for a volume, its descriptor: ISO 9660's PVD at 32768, HFS's
	// MDB at 1024, ...).
	Offset int64 `json:"offset"`
	// ImpliedSize is the size of the medium this structure says it needs:
	// the byte offset where the volume (or partition table) it describes
	// ends. 0 when it implies none (a Joliet SVD repeats the PVD's size;
	// El Torito lies inside the ISO 9660 volume).
	ImpliedSize int64 `json:"implied_size"`
	// Container names the partition holding the structure ("MBR
	// partition 1", "GPT partition 2", "Apple partition 2"), "" when it is
	// not inside one.
	Container string `json:"container,omitempty"`
	// Label is the volume or partition table's name, if it records one.
	Label string `json:"label,omitempty"`
	// Notes are problems and remarks: checksum mismatches, fields that
	// disagree, parts beyond the end of the medium.
	Notes []string `json:"notes,omitempty"`

	ISO9660  *ISO9660Volume `json:"iso9660,omitempty"`
	ElTorito *ElTorito      `json:"el_torito,omitempty"`
	UDF      *UDFVolume     `json:"udf,omitempty"`
	HFS      *HFSVolume     `json:"hfs,omitempty"`
	HFSPlus  *HFSPlusVolume `json:"hfsplus,omitempty"`
	APM      *APM           `json:"apm,omitempty"`
	MBR      *MBR           `json:"mbr,omitempty"`
	GPT      *GPT           `json:"gpt,omitempty"`
}

// Name is the structure's name for people ("ISO 9660 primary volume
// descriptor").
func (s *Structure) Name() string {
	switch s.Type {
	case TypeISO9660:
		return "ISO 9660 primary volume descriptor"
	case TypeJoliet:
		return "Joliet supplementary volume descriptor"
	case TypeSupplementary:
		if s.ISO9660 != nil && s.ISO9660.Version == 2 {
			return "ISO 9660:1999 enhanced volume descriptor"
		}
		return "ISO 9660 supplementary volume descriptor"
	case TypeElTorito:
		return "El Torito boot record"
	case TypeHighSierra:
		return "High Sierra standard file structure volume descriptor"
	case TypeUDF:
		return "UDF volume"
	case TypeHFS:
		return "HFS master directory block"
	case TypeHFSPlus:
		return "HFS Plus volume header"
	case TypeHFSX:
		return "HFSX volume header"
	case TypeAPM:
		return "Apple partition map"
	case TypeMBR:
		return "MBR partition table"
	case TypeGPT:
		return "GPT partition table"
	}
	return string(s.Type)
}

func (s *Structure) note(format string, args ...any) {
	s.Notes = append(s.Notes, fmt.Sprintf(format, args...))
}

// Status is the outcome of comparing the actual size with the expected one.
type Status string

// The verdicts. The values are part of the JSON schema.
const (
	// Complete: the medium is exactly as large as its structures say.
	Complete Status = "complete"
	// Truncated: smaller than expected (isolyzer's smallerThanExpected):
	// data is missing.
	Truncated Status = "truncated"
	// Padded: larger than expected: bytes follow the last structure's end,
	// often harmless (run-out sectors, alignment, ECC data some writers
	// append).
	Padded Status = "padded"
	// Unknown: no structure that implies a size was found.
	Unknown Status = "unknown"
)

// Verdict is the outcome of comparing Report.Size with Report.Expected.
type Verdict struct {
	Status Status `json:"status"`
	// Difference is actual minus expected size in bytes: negative when
	// truncated, positive when padded.
	Difference int64 `json:"difference"`
	// Text says it for people: "complete", "truncated by 50 sectors",
	// "padded by 1024 bytes", "no known file system".
	Text string `json:"text"`
}

// Report is what Identify found.
type Report struct {
	// Size is the actual size of the medium in bytes.
	Size int64 `json:"size"`
	// SectorOffset is the session start used for ISO 9660 and High
	// Sierra sizes: Options.SectorOffset, or the one detected.
	SectorOffset int64 `json:"sector_offset"`
	// SectorOffsetDetected is set when SectorOffset was found from where
	// the root directory is rather than given.
	SectorOffsetDetected bool `json:"sector_offset_detected,omitempty"`
	// Structures are in the order of their offsets.
	Structures []Structure `json:"structures"`
	// Expected is the largest ImpliedSize; ExpectedFrom is the Type of the
	// structure that implies it.
	Expected     int64   `json:"expected_size"`
	ExpectedFrom Type    `json:"expected_from,omitempty"`
	Verdict      Verdict `json:"verdict"`
	// Padding says, for a padded medium, what the bytes after Expected
	// are: "zeros", "data" (not all zero), or "unchecked" (more than
	// 16 MiB of them).
	Padding string `json:"padding,omitempty"`
	// Isolyzer is isolyzer 1.4's verdict on the same medium, computed its
	// way (see isolyzer.go): what its <tests> element says.
	Isolyzer Isolyzer `json:"isolyzer"`
}

// ErrSize is returned for a negative size.
var ErrSize = errors.New("identify: negative size")

// ReadError reports a failure reading the medium (other than reading past
// its end, which Identify treats as the end of the medium).
type ReadError struct {
	Offset int64 // byte offset of the failed read
	Err    error
}

func (e *ReadError) Error() string {
	return fmt.Sprintf("identify: reading at byte %d: %v", e.Offset, e.Err)
}

func (e *ReadError) Unwrap() error { return e.Err }

// Identify reads the structures of the medium r of the given size and
// judges its size. It returns an error only when a read fails (a
// *ReadError) or size is negative: whatever the medium contains is
// reported, not refused.
func Identify(r io.ReaderAt, size int64, opt *Options) (*Report, error) {
	if size < 0 {
		return nil, ErrSize
	}
	var o Options
	if opt != nil {
		o = *opt
	}
	if o.ScanLimit == 0 {
		o.ScanLimit = DefaultScanLimit
	}
	m := &medium{r: r, size: size}
	rep := &Report{Size: size, SectorOffset: o.SectorOffset}

	var ss []Structure
	ss = append(ss, probeISO(m, &o, rep)...)
	ss = append(ss, probeUDF(m)...)
	ss = append(ss, probeApple(m)...)
	ss = append(ss, probePC(m)...)
	// sort.SliceStable rather than slices.SortStableFunc here and for
	// other short lists of structs: each struct type would get a sorting
	// routine of its own compiled in, and binary size is start-up memory.
	sort.SliceStable(ss, func(i, j int) bool { return ss[i].Offset < ss[j].Offset })
	rep.Structures = ss
	for i := range ss {
		// On a tie a file system is named rather than a partition table.
		n := ss[i].ImpliedSize
		if n > rep.Expected || n == rep.Expected && n > 0 && isTable(rep.ExpectedFrom) && !isTable(ss[i].Type) {
			rep.Expected, rep.ExpectedFrom = n, ss[i].Type
		}
	}
	rep.Verdict = verdict(size, rep.Expected)
	if rep.Verdict.Status == Padded {
		rep.Padding = padding(m, rep.Expected)
	}
	rep.Isolyzer = isolyzerView(m, o.SectorOffset)
	if m.err != nil {
		return nil, m.err
	}
	return rep, nil
}

func isTable(t Type) bool { return t == TypeAPM || t == TypeMBR || t == TypeGPT }

func verdict(size, expected int64) Verdict {
	v := Verdict{Difference: size - expected}
	switch {
	case expected == 0:
		v.Status, v.Text = Unknown, "no known file system"
	case size == expected:
		v.Status, v.Text = Complete, "complete"
	case size < expected:
		v.Status, v.Text = Truncated, "truncated by "+amount(expected-size)
	default:
		v.Status, v.Text = Padded, "padded by "+amount(size-expected)
	}
	return v
}

// amount says n bytes in sectors when it is a whole number of them.
func amount(n int64) string {
	if n%SectorSize == 0 {
		if n == SectorSize {
			return "1 sector"
		}
		return fmt.Sprintf("%d sectors", n/SectorSize)
	}
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

// maxPaddingCheck bounds how much padding Identify reads to tell zeros
// from data.
const maxPaddingCheck = 16 << 20

func padding(m *medium, from int64) string {
	if m.size-from > maxPaddingCheck {
		return "unchecked"
	}
	buf := make([]byte, 64<<10)
	for off := from; off < m.size; {
		n := int(min(int64(len(buf)), m.size-off))
		b := m.read(off, n)
		if b == nil {
			return "unchecked"
		}
		for _, c := range b {
			if c != 0 {
				return "data"
			}
		}
		off += int64(n)
	}
	return "zeros"
}

// medium reads bounded pieces of the input and remembers the first read
// error. Every read is at most maxRead bytes.
type medium struct {
	r    io.ReaderAt
	size int64
	err  error
}

const maxRead = 1 << 20

// read returns the n bytes at off, or nil when they are not all within the
// medium (or reading fails: then m.err is set).
func (m *medium) read(off int64, n int) []byte {
	if off < 0 || n < 0 || n > maxRead || off > m.size || int64(n) > m.size-off || m.err != nil {
		return nil
	}
	b := make([]byte, n)
	k, err := m.r.ReadAt(b, off)
	if k == n {
		return b
	}
	if err != nil && err != io.EOF {
		m.err = &ReadError{Offset: off, Err: err}
	}
	return nil
}

// sub returns the medium from base on, for probing a partition. Its
// read error, if any, is carried back by (*medium).adopt.
func (m *medium) sub(base int64) *medium {
	if base < 0 || base >= m.size {
		return &medium{r: m.r}
	}
	return &medium{r: io.NewSectionReader(m.r, base, m.size-base), size: m.size - base}
}

// adopt moves structures found in the sub-medium at base into m's
// coordinates, marks them as inside container, and keeps its read error.
func (m *medium) adopt(sub *medium, base int64, container string, ss []Structure) []Structure {
	var re *ReadError
	if m.err == nil && errors.As(sub.err, &re) {
		m.err = &ReadError{Offset: re.Offset + base, Err: re.Err}
	}
	for i := range ss {
		ss[i].Offset += base
		if ss[i].ImpliedSize > 0 {
			ss[i].ImpliedSize += base
		}
		ss[i].Container = container
	}
	return ss
}

// maxContainers bounds how many distinct partitions are probed for
// volumes (a hostile map can name thousands).
const maxContainers = 16

// containers probes partitions once each, at most maxContainers of them.
type containers map[int64]bool

// probe finds the volumes at the start of a partition: ISO 9660 (at its
// sector 16), HFS, HFS Plus.
func (seen containers) probe(m *medium, base int64, container string) []Structure {
	if base <= 0 || base >= m.size || seen[base] || len(seen) >= maxContainers {
		return nil
	}
	seen[base] = true
	sub := m.sub(base)
	var out []Structure
	if hasPVDAt(sub, 0) {
		out = append(out, probeISO(sub, &Options{ScanLimit: -1, nested: true}, &Report{})...)
	}
	out = append(out, probeHFS(sub)...)
	return m.adopt(sub, base, container, out)
}

// partial returns up to n bytes at off: fewer where the medium ends.
func (m *medium) partial(off int64, n int) []byte {
	if off < 0 || off >= m.size {
		return nil
	}
	return m.read(off, int(min(int64(n), m.size-off)))
}

// has reports whether the n bytes at off equal s.
func (m *medium) has(off int64, s string) bool {
	b := m.read(off, len(s))
	return b != nil && string(b) == s
}
