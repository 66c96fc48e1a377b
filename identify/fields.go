package identify

import (
	"fmt"
	"strings"
)

// Field is one fact about a structure, for people.
type Field struct {
	Name  string
	Value string
}

// Fields lists what the structure records, for display: name and value
// pairs in a fixed order, the implied size and the notes last. Empty
// values are left out.
func (s *Structure) Fields() []Field {
	var fs []Field
	if s.Container != "" {
		fs = append(fs, Field{"In", s.Container})
	}
	add := func(name, format string, args ...any) {
		v := fmt.Sprintf(format, args...)
		if strings.TrimSpace(v) != "" {
			fs = append(fs, Field{name, v})
		}
	}
	switch {
	case s.ISO9660 != nil:
		v := s.ISO9660
		add("Volume id", "%s", v.VolumeID)
		add("System id", "%s", v.SystemID)
		add("Volume set id", "%s", v.VolumeSetID)
		add("Publisher id", "%s", v.Publisher)
		add("Data preparer id", "%s", v.Preparer)
		add("Application id", "%s", v.Application)
		add("Created", "%s", v.Created)
		add("Modified", "%s", v.Modified)
		if v.JolietLevel > 0 {
			add("Joliet level", "%d", v.JolietLevel)
		}
		// Fields past the end of a descriptor the medium cuts short are
		// not shown: where each ends in ECMA-119 §8.4 and, 8 to 24 bytes
		// further on, in High Sierra.
		vssEnd, setEnd, bsEnd, rootEnd := 88, 128, 132, 190
		if s.Type == TypeHighSierra {
			vssEnd, setEnd, bsEnd, rootEnd = 96, 136, 140, 214
		}
		switch {
		case v.Have >= bsEnd:
			add("Volume space size", "%d blocks of %d bytes", v.VolumeSpaceSize, v.LogicalBlockSize)
		case v.Have >= vssEnd:
			add("Volume space size", "%d blocks (the block size is cut off)", v.VolumeSpaceSize)
		}
		if v.Have >= setEnd {
			add("Volume set", "volume %d of %d", v.VolumeSequenceNumber, v.VolumeSetSize)
		}
		if v.Have >= rootEnd {
			add("Root directory", "block %d", v.RootLBA)
		}
		if v.VolumeStart != 0 {
			add("Volume starts", "at sector %d of the medium", v.VolumeStart)
		}
	case s.ElTorito != nil:
		e := s.ElTorito
		add("Boot catalog", "block %d", e.CatalogLBA)
		for i, b := range e.Entries {
			boot := "not bootable"
			if b.Bootable {
				boot = "bootable"
			}
			add(fmt.Sprintf("Boot entry %d", i+1), "%s, %s, %s, %d sectors of 512 bytes at block %d", b.Platform, b.Emulation, boot, b.SectorCount, b.LoadRBA)
		}
		add("Catalog error", "%s", e.CatalogError)
	case s.UDF != nil:
		u := s.UDF
		add("Recognition sequence", "%s", strings.Join(u.Recognition, " "))
		add("Sector size", "%d bytes", u.SectorSize)
		add("Anchors", "%s", joinInts(u.Anchors))
		add("Volume id", "%s", u.VolumeID)
		add("Logical volume id", "%s", u.LogicalVolumeID)
		add("Volume set id", "%s", u.VolumeSetID)
		if u.Domain != "" {
			add("Domain", "%s (UDF %s)", u.Domain, u.Revision)
		}
		add("Implementation", "%s", u.Implementation)
		if u.MainVDS.Length > 0 {
			add("Main VDS", "%s", extentText(u.MainVDS, int64(u.SectorSize)))
			add("Reserve VDS", "%s", extentText(u.ReserveVDS, int64(u.SectorSize)))
		}
		for _, p := range u.Partitions {
			add(fmt.Sprintf("Partition %d", p.Number), "%d sectors from %d, %s, %s", p.Length, p.Start, p.AccessType, p.Contents)
		}
		if u.Integrity.Length > 0 {
			add("Integrity sequence", "%s, %s, recorded %s", extentText(u.Integrity, int64(u.SectorSize)), u.IntegrityType, u.Recorded)
		}
	case s.HFS != nil:
		h := s.HFS
		add("Volume name", "%s", h.VolumeName)
		add("Created", "%s", h.Created)
		add("Allocation blocks", "%d of %d bytes from sector %d (%d free)", h.AllocationBlocks, h.AllocationBlockSize, h.FirstAllocationBlock, h.FreeBlocks)
		if h.AlternateMDB > 0 {
			add("Alternate MDB", "byte %d", h.AlternateMDB)
		}
		if h.Embedded != "" {
			add("Embedded volume", "HFS Plus (an HFS wrapper)")
		}
	case s.HFSPlus != nil:
		h := s.HFSPlus
		if h.Wrapped {
			add("Wrapper", "inside an HFS wrapper")
		}
		add("Signature", "%s version %d", h.Signature, h.Version)
		add("Last mounted by", "%s", h.LastMountedVersion)
		add("Created", "%s", h.Created)
		add("Allocation blocks", "%d of %d bytes (%d free)", h.TotalBlocks, h.BlockSize, h.FreeBlocks)
	case s.APM != nil:
		a := s.APM
		add("Block size", "%d bytes", a.BlockSize)
		if a.DeviceBlockSize != 0 {
			add("Device", "%d blocks of %d bytes", a.DeviceBlocks, a.DeviceBlockSize)
		}
		for _, p := range a.Partitions {
			add(fmt.Sprintf("Partition %d", p.Index), "%s %q, %d blocks from %d%s", p.Type, p.Name, p.Blocks, p.Start, contains(p.Contains))
		}
	case s.MBR != nil:
		mb := s.MBR
		if mb.DiskSignature != 0 {
			add("Disk signature", "%08x", mb.DiskSignature)
		}
		for _, p := range mb.Partitions {
			boot := ""
			if p.Bootable {
				boot = ", bootable"
			}
			name := ""
			if p.TypeName != "" {
				name = " (" + p.TypeName + ")"
			}
			add(fmt.Sprintf("Partition %d", p.Index), "type %02Xh%s%s, %d sectors from %d%s", p.Type, name, boot, p.Sectors, p.Start, contains(p.Contains))
		}
	case s.GPT != nil:
		g := s.GPT
		add("Sector size", "%d bytes", g.SectorSize)
		add("Revision", "%s", g.Revision)
		add("Disk GUID", "%s", g.DiskGUID)
		add("Header CRC-32", "%s", okText(g.HeaderCRCOK))
		add("Entries CRC-32", "%s", okText(g.EntriesCRCOK))
		backup := "missing"
		if g.BackupPresent {
			backup = "present"
		}
		add("Backup header", "LBA %d, %s", g.BackupLBA, backup)
		add("Usable LBAs", "%d to %d", g.FirstUsable, g.LastUsable)
		for _, p := range g.Partitions {
			typ := p.TypeGUID
			if p.TypeName != "" {
				typ = p.TypeName
			}
			add(fmt.Sprintf("Partition %d", p.Index), "%s %q, LBA %d to %d%s", typ, p.Name, p.FirstLBA, p.LastLBA, contains(p.Contains))
		}
	}
	if s.ImpliedSize > 0 {
		add("Implied size", "%s", sizeText(s.ImpliedSize))
	}
	for _, n := range s.Notes {
		add("Note", "%s", n)
	}
	return fs
}

// sizeText says a size in bytes and, when whole, in 2048-byte sectors.
func sizeText(n int64) string {
	if n%SectorSize == 0 {
		return fmt.Sprintf("%d bytes (%d sectors)", n, n/SectorSize)
	}
	return fmt.Sprintf("%d bytes", n)
}

func extentText(e Extent, ss int64) string {
	if e.Length == 0 {
		return "none"
	}
	return fmt.Sprintf("sectors %d to %d", e.Location, e.end(ss)-1)
}

func joinInts(v []int64) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

func contains(c string) string {
	if c == "" {
		return ""
	}
	return ", holds " + c
}

func okText(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISMATCH"
}
