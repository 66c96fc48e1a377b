package identify

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Isolyzer is what isolyzer 1.4 (KBNLresearch/isolyzer, whose XML schema
// is isolyzer-v-1-0.xsd) reports for the same medium, worked out its way
// so that its figures and flags are the ones it prints:
//
//   - ISO 9660 only when "CD001" is at bytes 32769 and 34817, High Sierra
//     when "CDROM" is at byte 32777; their size is (volume space size -
//     sector offset) × logical block size, from the big-endian halves.
//   - HFS and HFS Plus at byte 1024 only: allocation blocks × their size.
//   - An Apple partition map: the Driver Descriptor Record's block count ×
//     block size, whatever the map's own block size.
//   - UDF: (partition start + partition length) × logical block size,
//     which leaves out the descriptors after the partition.
//
// SizeExpected is the largest of these. Where Identify knows better (the
// anchor or alternate MDB at the true end of a UDF or HFS volume, an Apple
// map whose block size differs from its Driver Descriptor Record's, a
// volume descriptor cut short), Report.Verdict and this differ.
type Isolyzer struct {
	SectorOffset            int64   `json:"sector_offset"`
	ContainsKnownFileSystem bool    `json:"contains_known_file_system"`
	SizeExpected            int64   `json:"size_expected"`
	SizeActual              int64   `json:"size_actual"`
	SizeDifference          int64   `json:"size_difference"`
	SizeDifferenceSectors   float64 `json:"size_difference_sectors"`
	SizeAsExpected          bool    `json:"size_as_expected"`
	SmallerThanExpected     bool    `json:"smaller_than_expected"`
	// FileSystems are the TYPE attributes of its fileSystem elements:
	// "ISO 9660", "High Sierra", "HFS", "HFS+", "MFS", "Unknown" (an
	// Apple map without an HFS partition), "UDF".
	FileSystems []string `json:"file_systems"`

	elems []*xmlElem // the <fileSystems> children
}

// isolyzerMissing is the value isolyzer gives a number that lies (partly)
// beyond the end of the file.
const isolyzerMissing = -9999

// Bounds on isolyzer's loops, which otherwise run to the end of the file.
const (
	izMaxDescriptors = 1 << 16
	izMaxUDF         = 4096
	izMaxAPM         = maxAPMEntries
)

// izData is a slice of the file as isolyzer takes it: cut short at the end
// of the file, with numbers that do not fit reading as isolyzerMissing.
type izData []byte

func (d izData) num(off, n int, big bool) int64 {
	if off < 0 || off+n > len(d) {
		return isolyzerMissing
	}
	b := d[off : off+n]
	switch {
	case n == 1:
		return int64(b[0])
	case n == 2 && big:
		return int64(binary.BigEndian.Uint16(b))
	case n == 2:
		return int64(binary.LittleEndian.Uint16(b))
	case big:
		return int64(binary.BigEndian.Uint32(b))
	}
	return int64(binary.LittleEndian.Uint32(b))
}

// text decodes as isolyzer does: UTF-8 with invalid bytes dropped, then
// control and other "C" category characters removed and white space
// trimmed.
func (d izData) text(off, n int) string {
	if off < 0 || off >= len(d) {
		return ""
	}
	b := d[off:min(len(d), off+n)]
	var sb strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if r == utf8.RuneError && size <= 1 {
			continue
		}
		if unicode.In(r, unicode.C) && r != '\t' && r != '\n' && r != '\r' {
			continue
		}
		sb.WriteRune(r)
	}
	return strings.TrimSpace(sb.String())
}

// decDate is isolyzer's rendering of a dec-datetime: "2022/04/07,
// 20:31:13" ("0/00/00, 00:00:00" for zeros), "" when not digits.
func (d izData) decDate(off int) string {
	var v [6]int
	for i, w := range []int{4, 2, 2, 2, 2, 2} {
		s := d.text(off, w)
		n, err := strconv.Atoi(s)
		if err != nil {
			return ""
		}
		v[i] = n
		off += w
	}
	if _, err := strconv.Atoi(d.text(off, 2)); err != nil { // the hundredths must be digits too
		return ""
	}
	return fmt.Sprintf("%d/%02d/%02d, %02d:%02d:%02d", v[0], v[1], v[2], v[3], v[4], v[5])
}

// izField says where isolyzer reads one element's value.
type izField struct {
	name string
	kind byte // 'b' byte, 'H'/'I' big-endian 16/32, 'h'/'i' little-endian 16/32, 's' swapped 32 (little-endian), 't' text, 'd' dec-datetime
	off  int
	n    int // text length
}

func (d izData) element(name string, fs []izField) (*xmlElem, bool) {
	e := &xmlElem{name: name}
	for _, f := range fs {
		var v string
		switch f.kind {
		case 'b':
			v = strconv.FormatInt(d.num(f.off, 1, true), 10)
		case 'H':
			v = strconv.FormatInt(d.num(f.off, 2, true), 10)
		case 'I':
			v = strconv.FormatInt(d.num(f.off, 4, true), 10)
		case 'h':
			v = strconv.FormatInt(d.num(f.off, 2, false), 10)
		case 'i':
			v = strconv.FormatInt(d.num(f.off, 4, false), 10)
		case 's':
			// isolyzer byte-swaps a big-endian read, and fails the whole
			// descriptor when the bytes are not there.
			n := d.num(f.off, 4, false)
			if n == isolyzerMissing {
				return nil, false
			}
			v = strconv.FormatInt(n, 10)
		case 't':
			v = d.text(f.off, f.n)
		case 'd':
			v = d.decDate(f.off)
		}
		e.kids = append(e.kids, &xmlElem{name: f.name, text: v})
	}
	return e, true
}

func (e *xmlElem) num(name string) int64 {
	for _, k := range e.kids {
		if k.name == name {
			n, _ := strconv.ParseInt(k.text, 10, 64)
			return n
		}
	}
	return 0
}

func (e *xmlElem) str(name string) string {
	for _, k := range e.kids {
		if k.name == name {
			return k.text
		}
	}
	return ""
}

// The elements isolyzer writes for each descriptor, with the offsets it
// reads them from (isolyzer-v-1-0.xsd names; the offsets are isolyzer's,
// including where they differ from the specifications, so that the XML
// matches its output).
var (
	izPVD = []izField{
		{"typeCode", 'b', 0, 0}, {"standardIdentifier", 't', 1, 5}, {"version", 'b', 6, 0},
		{"systemIdentifier", 't', 8, 32}, {"volumeIdentifier", 't', 40, 32},
		{"volumeSpaceSize", 'I', 84, 0}, {"volumeSetSize", 'H', 122, 0}, {"volumeSequenceNumber", 'H', 126, 0},
		{"logicalBlockSize", 'H', 130, 0}, {"pathTableSize", 'I', 136, 0},
		{"typeLPathTableLocation", 's', 140, 0}, {"optionalTypeLPathTableLocation", 's', 144, 0},
		{"typeMPathTableLocation", 'I', 148, 0}, {"optionalTypeMPathTableLocation", 'I', 152, 0},
		{"volumeSetIdentifier", 't', 190, 128}, {"publisherIdentifier", 't', 318, 128},
		{"dataPreparerIdentifier", 't', 446, 128}, {"applicationIdentifier", 't', 574, 128},
		{"copyrightFileIdentifier", 't', 702, 38}, {"abstractFileIdentifier", 't', 740, 36},
		{"bibliographicFileIdentifier", 't', 776, 37},
		{"volumeCreationDateAndTime", 'd', 813, 0}, {"volumeModificationDateAndTime", 'd', 830, 0},
		{"volumeExpirationDateAndTime", 'd', 847, 0}, {"volumeEffectiveDateAndTime", 'd', 864, 0},
		{"fileStructureVersion", 'b', 881, 0},
	}
	izSFSVD = []izField{
		{"volumeDescriptorLBN", 'I', 4, 0}, {"volumeDescriptorType", 'b', 8, 0},
		{"volumeStructureStandardIdentifier", 't', 9, 5}, {"volumeStructureStandardVersion", 'b', 14, 0},
		{"systemIdentifier", 't', 16, 32}, {"volumeIdentifier", 't', 48, 32},
		{"volumeSpaceSize", 'I', 92, 0}, {"volumeSetSize", 'H', 130, 0}, {"volumeSetSequenceNumber", 'H', 134, 0},
		{"logicalBlockSize", 'H', 138, 0}, {"pathTableSize", 'I', 144, 0},
		{"firstMandatoryPathTableLocation", 's', 148, 0}, {"optionalPathTableLocation", 's', 152, 0},
		{"optionalPathTableLocation", 's', 156, 0}, {"optionalPathTableLocation", 's', 160, 0},
		{"secondMandatoryPathTableLocation", 's', 164, 0}, {"optionalPathTableLocation", 's', 168, 0},
		{"optionalPathTableLocation", 's', 172, 0}, {"optionalPathTableLocation", 's', 176, 0},
		{"volumeSetIdentifier", 't', 214, 128}, {"publisherIdentifier", 't', 342, 128},
		{"dataPreparerIdentifier", 't', 470, 128}, {"applicationIdentifier", 't', 598, 128},
		{"copyrightFileIdentifier", 't', 726, 32}, {"abstractFileIdentifier", 't', 758, 32},
		{"volumeCreationDateAndTime", 'd', 790, 0}, {"volumeModificationDateAndTime", 'd', 806, 0},
		{"volumeExpirationDateAndTime", 'd', 822, 0}, {"volumeEffectiveDateAndTime", 'd', 838, 0},
		{"fileStructureStandardVersion", 'b', 854, 0},
	}
	izZeroBlock = []izField{
		{"signature", 't', 0, 2}, {"blockSize", 'H', 2, 0}, {"blockCount", 'I', 4, 0},
		{"deviceType", 'H', 8, 0}, {"deviceID", 'H', 10, 0}, {"driverData", 'I', 12, 0},
		{"driverDescriptorCount", 'H', 80, 0}, {"driverDescriptorBlockStart", 'I', 82, 0},
		{"driverDescriptorBlockCount", 'H', 86, 0}, {"driverDescriptorSystemType", 'H', 88, 0},
	}
	izPartitionMap = []izField{
		{"signature", 't', 0, 2}, {"numberOfPartitionEntries", 'I', 4, 0},
		{"partitionBlockStart", 'I', 8, 0}, {"partitionBlockCount", 'I', 12, 0},
		{"partitionName", 't', 16, 32}, {"partitionType", 't', 48, 32},
		{"partitionLogicalBlockStart", 'I', 80, 0}, {"partitionLogicalBlockCount", 'I', 84, 0},
		{"partitionFlags", 'I', 88, 0}, {"bootCodeBlockStart", 'I', 92, 0},
		{"bootCodeSizeInBytes", 'I', 96, 0}, {"bootCodeLoadAddress", 'I', 100, 0},
		{"bootCodeJumpAddress", 'I', 108, 0}, {"bootCodeChecksum", 'I', 116, 0},
		{"processorType", 't', 120, 16},
	}
	izHFSPlus = []izField{
		{"signature", 't', 0, 2}, {"version", 'H', 2, 0}, {"blockSize", 'I', 40, 0}, {"blockCount", 'I', 44, 0},
	}
	izLVD = []izField{
		{"tagIdentifier", 'h', 0, 0}, {"descriptorVersion", 'h', 2, 0}, {"tagSerialNumber", 'h', 6, 0},
		{"volumeSequenceNumber", 'i', 16, 0}, {"logicalVolumeIdentifier", 't', 85, 127},
		{"logicalBlockSize", 'i', 212, 0}, {"domainIdentifier", 't', 216, 32},
		{"mapTableLength", 'i', 264, 0}, {"numberOfPartitionMaps", 'i', 268, 0},
		{"implementationIdentifier", 't', 272, 32},
		{"integritySequenceExtentLength", 'i', 432, 0}, {"integritySequenceExtentLocation", 'i', 436, 0},
	}
	izPD = []izField{
		{"tagIdentifier", 'h', 0, 0}, {"descriptorVersion", 'h', 2, 0}, {"tagSerialNumber", 'h', 6, 0},
		{"volumeDescriptorSequenceNumber", 'i', 16, 0}, {"partitionNumber", 'h', 22, 0},
		{"accessType", 'i', 184, 0}, {"partitionStartingLocation", 'i', 188, 0}, {"partitionLength", 'i', 192, 0},
	}
)

// izMDB is isolyzer's masterDirectoryBlock: signature, drNmAlBlks,
// drAlBlkSiz and the volume name.
func izMDB(d izData) *xmlElem {
	e, _ := d.element("masterDirectoryBlock", []izField{{"signature", 't', 0, 2}, {"blockCount", 'H', 18, 0}, {"blockSize", 'I', 20, 0}})
	name := ""
	if n := d.num(36, 1, true); n > 0 {
		name = d.text(37, int(n))
	}
	e.kids = append(e.kids, &xmlElem{name: "volumeName", text: name})
	return e
}

// izLVID is isolyzer's logicalVolumeIntegrityDescriptor.
func izLVID(d izData) *xmlElem {
	e, _ := d.element("logicalVolumeIntegrityDescriptor", []izField{
		{"tagIdentifier", 'h', 0, 0}, {"descriptorVersion", 'h', 2, 0}, {"tagSerialNumber", 'h', 6, 0}})
	ts := fmt.Sprintf("%d/%02d/%02d, %02d:%02d:%02d", d.num(18, 2, false), d.num(20, 1, false), d.num(21, 1, false),
		d.num(22, 1, false), d.num(23, 1, false), d.num(24, 1, false))
	e.kids = append(e.kids, &xmlElem{name: "timeStamp", text: ts})
	rest, _ := d.element("", []izField{
		{"integrityType", 'i', 28, 0}, {"numberOfPartitions", 'i', 72, 0}, {"lengthOfImplementationUse", 'i', 76, 0},
		{"freeSpaceTable", 'i', 80, 0}, {"sizeTable", 'i', 84, 0}})
	e.kids = append(e.kids, rest.kids...)
	return e
}

// isolyzerView does what isolyzer 1.4's processImage does, with its
// unbounded loops bounded.
func isolyzerView(m *medium, offset int64) Isolyzer {
	at := func(off int64, n int) izData { return izData(m.partial(off, n)) }
	is := func(off int64, s string) bool { return off >= 0 && m.has(off, s) }

	isoSig := is(32769, "CD001") && is(34817, "CD001")
	hsfSig := is(32777, "CDROM")
	zero := is(0, "ER")
	appleBS := int64(512)
	if zero {
		appleBS = at(0, 4).num(2, 2, true)
	}
	pmOffsets := []int64{512, 1024, 1536, 2048, appleBS}
	slices.Sort(pmOffsets)
	pmOffsets = slices.Compact(pmOffsets)
	pm, pmOff := false, int64(0)
	for _, o := range pmOffsets {
		if is(o, "PM") {
			pm, pmOff, appleBS = true, o, o
			break
		}
	}
	mdb, hfsPlusHdr, appleFS := false, false, ""
	switch string(at(1024, 2)) {
	case "BD":
		mdb, appleFS = true, "HFS"
	case "\xd2\xd7":
		mdb, appleFS = true, "MFS"
	case "H+", "HX":
		hfsPlusHdr, appleFS = true, "HFS+"
	}
	var fsApple *xmlElem
	if pm || mdb || hfsPlusHdr {
		fsApple = &xmlElem{name: "fileSystem"}
	}
	var zeroInfo *xmlElem
	if zero && fsApple != nil {
		zeroInfo, _ = at(0, 512).element("appleZeroBlock", izZeroBlock)
		fsApple.kids = append(fsApple.kids, zeroInfo)
	}
	if pm {
		var types []string
		count := int64(1)
		for i := int64(0); i < min(count, izMaxAPM); i++ {
			off := pmOff + i*appleBS
			if off >= m.size {
				break
			}
			e, _ := at(off, int(appleBS)).element("applePartitionMap", izPartitionMap)
			if i == 0 {
				count = e.num("numberOfPartitionEntries")
			}
			t := e.str("partitionType")
			types = append(types, t)
			fsApple.kids = append(fsApple.kids, e)
			if t == "Apple_HFS" {
				hfs := appleBS*e.num("partitionBlockStart") + 1024
				fsApple.kids = append(fsApple.kids, izMDB(at(hfs, 512)))
			}
		}
		switch {
		case slices.Contains(types, "Apple_MFS"):
			appleFS = "MFS"
		case slices.Contains(types, "Apple_HFS"):
			appleFS = "HFS"
		case slices.Contains(types, "Apple_HFSX"):
			appleFS = "HFS+"
		default:
			appleFS = "Unknown"
		}
	}
	var hfsPlusInfo, mdbInfo *xmlElem
	if hfsPlusHdr {
		hfsPlusInfo, _ = at(1024, 512).element("hfsPlusVolumeheader", izHFSPlus)
		fsApple.kids = append(fsApple.kids, hfsPlusInfo)
	}
	if mdb {
		mdbInfo = izMDB(at(1024, 512))
		fsApple.kids = append(fsApple.kids, mdbInfo)
	}

	// The ISO 9660 and High Sierra descriptor sets; isolyzer shares the
	// descriptor type between the two loops.
	vdType := int64(-1)
	pos := int64(32768)
	var fsISO, fsHSF, pvdInfo, sfsInfo *xmlElem
	if isoSig {
		fsISO = &xmlElem{name: "fileSystem"}
		for i := 0; vdType != 255 && vdType != isolyzerMissing && i < izMaxDescriptors; i++ {
			d := at(pos, SectorSize)
			vdType = d.num(0, 1, true)
			if vdType == 1 {
				if e, ok := d.element("primaryVolumeDescriptor", izPVD); ok {
					fsISO.kids = append(fsISO.kids, e)
					pvdInfo = e
				} else {
					pvdInfo = nil
				}
			}
			pos += SectorSize
		}
	}
	if hsfSig {
		fsHSF = &xmlElem{name: "fileSystem"}
		for i := 0; vdType != 255 && vdType != isolyzerMissing && i < izMaxDescriptors; i++ {
			d := at(pos, SectorSize)
			vdType = d.num(8, 1, true)
			if vdType == 1 {
				if e, ok := d.element("standardFileStructureVolumeDescriptor", izSFSVD); ok {
					fsHSF.kids = append(fsHSF.kids, e)
					sfsInfo = e
				} else {
					sfsInfo = nil
				}
			}
			pos += SectorSize
		}
	}

	// UDF: the extended descriptors after that set, then the anchor at
	// 256 and the main descriptor sequence.
	udfIDs := 0
	for id, i := "CD001", 0; i < izMaxDescriptors; i++ {
		switch id {
		case "CD001", "BEA01", "NSR02", "NSR03", "BOOT2", "TEA01":
		default:
			i = izMaxDescriptors
			continue
		}
		id = at(pos, 6).text(1, 5)
		if id != "CD001" && slices.Contains([]string{"BEA01", "NSR02", "NSR03", "BOOT2", "TEA01"}, id) {
			udfIDs++
		}
		pos += SectorSize
	}
	var fsUDF, lvdInfo, pdInfo *xmlElem
	lvid := false
	if udfIDs > 0 {
		fsUDF = &xmlElem{name: "fileSystem"}
		avdp := at(256*SectorSize, 512)
		tag := avdp.num(0, 2, false)
		pos = SectorSize * avdp.num(20, 4, false)
		for i := 0; tag != tagTD && tag != isolyzerMissing && i < izMaxUDF; i++ {
			d := at(pos, SectorSize)
			if pos < 0 {
				d = nil
			}
			tag = d.num(0, 2, false)
			switch tag {
			case tagLVD:
				lvdInfo, _ = d.element("logicalVolumeDescriptor", izLVD)
				fsUDF.kids = append(fsUDF.kids, lvdInfo)
				loc := SectorSize * lvdInfo.num("integritySequenceExtentLocation")
				var ld izData
				if loc >= 0 {
					ld = at(loc, SectorSize)
				}
				fsUDF.kids = append(fsUDF.kids, izLVID(ld))
				lvid = true
			case tagPD:
				pdInfo, _ = d.element("partitionDescriptor", izPD)
				fsUDF.kids = append(fsUDF.kids, pdInfo)
			}
			pos += SectorSize
		}
	}

	z := Isolyzer{SectorOffset: offset, SizeActual: m.size}
	add := func(e *xmlElem, typ string) {
		if e != nil {
			e.attrs = [][2]string{{"TYPE", typ}}
			z.elems = append(z.elems, e)
			z.FileSystems = append(z.FileSystems, typ)
		}
	}
	add(fsISO, "ISO 9660")
	add(fsHSF, "High Sierra")
	add(fsApple, appleFS)
	add(fsUDF, "UDF")
	z.ContainsKnownFileSystem = len(z.elems) > 0

	var sizes []int64
	if pvdInfo != nil {
		sizes = append(sizes, (pvdInfo.num("volumeSpaceSize")-offset)*pvdInfo.num("logicalBlockSize"))
	}
	if sfsInfo != nil {
		sizes = append(sizes, (sfsInfo.num("volumeSpaceSize")-offset)*sfsInfo.num("logicalBlockSize"))
	}
	if pm && zeroInfo != nil {
		sizes = append(sizes, zeroInfo.num("blockCount")*zeroInfo.num("blockSize"))
	}
	if mdbInfo != nil {
		sizes = append(sizes, mdbInfo.num("blockCount")*mdbInfo.num("blockSize"))
	}
	if hfsPlusInfo != nil {
		sizes = append(sizes, hfsPlusInfo.num("blockCount")*hfsPlusInfo.num("blockSize"))
	}
	if lvdInfo != nil && lvid && pdInfo != nil {
		sizes = append(sizes, (pdInfo.num("partitionLength")+pdInfo.num("partitionStartingLocation"))*lvdInfo.num("logicalBlockSize"))
	}
	for _, s := range sizes {
		z.SizeExpected = max(z.SizeExpected, s)
	}
	z.SizeDifference = z.SizeActual - z.SizeExpected
	z.SizeDifferenceSectors = float64(z.SizeDifference) / SectorSize
	switch {
	case z.SizeDifference == 0 && z.SizeExpected != 0:
		z.SizeAsExpected = true
	case z.SizeDifference > 0:
	default:
		z.SmallerThanExpected = true
	}
	return z
}

// FileInfo is what isolyzer's fileInfo element says of a file: what an
// io.ReaderAt does not know.
type FileInfo struct {
	Name    string    // base name
	Path    string    // absolute path
	Size    int64     // in bytes
	ModTime time.Time // printed in local time, as ctime(3) does
}

// XMLImage is one image element of an isolyzer document: the file and
// the Report on it, or the error that kept it from being read.
type XMLImage struct {
	File   FileInfo
	Report *Report
	Err    error
}

// Namespace and schema of isolyzer's XML (isolyzer-v-1-0.xsd).
const (
	IsolyzerNamespace = "http://kb.nl/ns/isolyzer/v1/"
	isolyzerSchema    = "https://raw.githubusercontent.com/KBNLresearch/isolyzer/main/xsd/isolyzer-v-1-0.xsd"
)

// WriteIsolyzerXML writes an isolyzer XML document (schema
// isolyzer-v-1-0.xsd) for the images, laid out as isolyzer 1.4 lays it
// out (four-space indentation, empty elements as <name/>), with toolName
// and toolVersion in its toolInfo element. For the elements it shares
// with isolyzer the output is isolyzer's, value for value: Report.Isolyzer
// is computed isolyzer's way.
func WriteIsolyzerXML(w io.Writer, toolName, toolVersion string, images []XMLImage) error {
	root := &xmlElem{name: "isolyzer", attrs: [][2]string{
		{"xmlns", IsolyzerNamespace},
		{"xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"},
		{"xsi:schemaLocation", IsolyzerNamespace + " " + isolyzerSchema},
	}}
	root.kids = append(root.kids, &xmlElem{name: "toolInfo", kids: []*xmlElem{
		{name: "toolName", text: toolName}, {name: "toolVersion", text: toolVersion}}})
	for _, im := range images {
		root.kids = append(root.kids, imageElem(im))
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("<?xml version=\"1.0\" ?>\n")
	root.write(bw, 0)
	return bw.Flush()
}

func imageElem(im XMLImage) *xmlElem {
	tf := func(b bool) string {
		if b {
			return "True"
		}
		return "False"
	}
	num := func(n int64) string { return strconv.FormatInt(n, 10) }
	e := &xmlElem{name: "image"}
	e.kids = append(e.kids, &xmlElem{name: "fileInfo", kids: []*xmlElem{
		{name: "fileName", text: im.File.Name},
		{name: "filePath", text: im.File.Path},
		{name: "fileSizeInBytes", text: num(im.File.Size)},
		{name: "fileLastModified", text: im.File.ModTime.Local().Format(time.ANSIC)},
	}})
	status := &xmlElem{name: "statusInfo", kids: []*xmlElem{{name: "success", text: tf(im.Report != nil)}}}
	if im.Report == nil {
		msg := "I/O error (cannot open file)"
		if im.Err != nil {
			msg = im.Err.Error()
		}
		status.kids = append(status.kids, &xmlElem{name: "failureMessage", text: msg})
	}
	e.kids = append(e.kids, status)
	if im.Report == nil {
		return e
	}
	z := im.Report.Isolyzer
	e.kids = append(e.kids, &xmlElem{name: "sectorOffset", text: num(z.SectorOffset)})
	e.kids = append(e.kids, &xmlElem{name: "tests", kids: []*xmlElem{
		{name: "containsKnownFileSystem", text: tf(z.ContainsKnownFileSystem)},
		{name: "sizeExpected", text: num(z.SizeExpected)},
		{name: "sizeActual", text: num(z.SizeActual)},
		{name: "sizeDifference", text: num(z.SizeDifference)},
		{name: "sizeDifferenceSectors", text: pyFloat(z.SizeDifferenceSectors)},
		{name: "sizeAsExpected", text: tf(z.SizeAsExpected)},
		{name: "smallerThanExpected", text: tf(z.SmallerThanExpected)},
	}})
	e.kids = append(e.kids, &xmlElem{name: "fileSystems", kids: z.elems})
	return e
}

// pyFloat formats a float as Python's repr does for the values isolyzer
// prints: the shortest form that reads back, with ".0" on whole numbers.
func pyFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

// xmlElem is an element of the isolyzer document.
type xmlElem struct {
	name  string
	attrs [][2]string
	text  string
	kids  []*xmlElem
}

func (e *xmlElem) write(w *bufio.Writer, depth int) {
	ind := strings.Repeat("    ", depth)
	w.WriteString(ind + "<" + e.name)
	for _, a := range e.attrs {
		w.WriteString(" " + a[0] + "=\"" + xmlEscape(a[1]) + "\"")
	}
	switch {
	case len(e.kids) == 0 && e.text == "":
		w.WriteString("/>\n")
	case len(e.kids) == 0:
		w.WriteString(">" + xmlEscape(e.text) + "</" + e.name + ">\n")
	default:
		w.WriteString(">\n")
		for _, k := range e.kids {
			k.write(w, depth+1)
		}
		w.WriteString(ind + "</" + e.name + ">\n")
	}
}

// xmlEscape escapes as Python's minidom does.
func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", "\"", "&quot;", ">", "&gt;").Replace(s)
}
