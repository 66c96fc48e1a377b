package identify

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// needTool skips the test when the peer tool is missing, except under
// CI=true, where .ci/run installs it and its absence is a failure.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed (CI=true: .ci/run must install it)", name)
		}
		t.Skipf("%s not installed", name)
	}
}

func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, out)
	}
	return out
}

// sourceTree makes a small tree to master: some data, a boot image.
func sourceTree(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tree")
	files := map[string][]byte{
		"readme.txt":   []byte("spindle identify test\n"),
		"data/big.bin": bytes.Repeat([]byte("0123456789abcdef"), 9000),
		"boot.img":     make([]byte, 2048),
	}
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func types(r *Report) []Type {
	var ts []Type
	for _, s := range r.Structures {
		ts = append(ts, s.Type)
	}
	return ts
}

func find(r *Report, t Type) *Structure {
	for i := range r.Structures {
		if r.Structures[i].Type == t {
			return &r.Structures[i]
		}
	}
	return nil
}

// TestMadeImages identifies images xorriso and genisoimage make.
func TestMadeImages(t *testing.T) {
	tree := sourceTree(t)
	efi := filepath.Join(t.TempDir(), "efi.img")
	if err := os.WriteFile(efi, make([]byte, 300000), 0o644); err != nil {
		t.Fatal(err)
	}
	// An isohybrid MBR template: xorriso takes any 432 bytes of boot code
	// and writes the partition table itself (isolinux's isohdpfx.bin
	// would add real boot code; the table is the same).
	mbrTemplate := filepath.Join(t.TempDir(), "isohdp.bin")
	if err := os.WriteFile(mbrTemplate, make([]byte, 432), 0o644); err != nil {
		t.Fatal(err)
	}
	// With -isohybrid-apm-hfsplus libisofs wants a template that begins
	// as isohdpfx.bin does (xor bp,bp and NOPs), which it turns into the
	// Driver Descriptor Record.
	apmTemplate := filepath.Join(t.TempDir(), "isohdpfx.bin")
	if err := os.WriteFile(apmTemplate, append(append([]byte{0x33, 0xED}, bytes.Repeat([]byte{0x90}, 30)...), make([]byte, 400)...), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		tool  string
		args  []string
		types []Type
		from  Type
		check func(t *testing.T, r *Report)
	}{
		{name: "xorriso", tool: "xorriso", args: []string{"-as", "mkisofs"},
			types: []Type{TypeISO9660}, from: TypeISO9660},
		{name: "xorriso_joliet", tool: "xorriso", args: []string{"-as", "mkisofs", "-J"},
			types: []Type{TypeISO9660, TypeJoliet}, from: TypeISO9660,
			check: func(t *testing.T, r *Report) {
				if j := find(r, TypeJoliet); j.ISO9660.JolietLevel != 3 || j.ImpliedSize != r.Size {
					t.Errorf("Joliet level %d, implied size %d", j.ISO9660.JolietLevel, j.ImpliedSize)
				}
			}},
		{name: "xorriso_partition_offset", tool: "xorriso", args: []string{"-as", "mkisofs", "-partition_offset", "16"},
			types: []Type{TypeMBR, TypeISO9660, TypeISO9660}, from: TypeISO9660,
			check: func(t *testing.T, r *Report) {
				mbr := find(r, TypeMBR).MBR
				if len(mbr.Partitions) != 1 || mbr.Partitions[0].Start != 64 || mbr.Partitions[0].Contains != "ISO 9660" {
					t.Errorf("MBR partitions %+v, want one from sector 64 holding ISO 9660", mbr.Partitions)
				}
				in := r.Structures[2]
				if in.Container != "MBR partition 1" || in.Offset != 32768+32768 || in.ImpliedSize != r.Size {
					t.Errorf("partition's volume: %+v", in)
				}
			}},
		{name: "xorriso_eltorito", tool: "xorriso", args: []string{"-as", "mkisofs", "-b", "boot.img", "-no-emul-boot", "-boot-load-size", "4"},
			types: []Type{TypeISO9660, TypeElTorito}, from: TypeISO9660,
			check: func(t *testing.T, r *Report) {
				e := find(r, TypeElTorito).ElTorito
				if e.CatalogError != "" || len(e.Entries) != 1 {
					t.Fatalf("El Torito %+v", e)
				}
				if b := e.Entries[0]; !b.Bootable || b.Platform != "x86" || b.Emulation != "no emulation" || b.SectorCount != 4 || b.LoadRBA == 0 {
					t.Errorf("boot entry %+v", b)
				}
			}},
		{name: "xorriso_isohybrid", tool: "xorriso", args: []string{"-as", "mkisofs", "-isohybrid-mbr", mbrTemplate, "-b", "boot.img", "-no-emul-boot"},
			types: []Type{TypeMBR, TypeISO9660, TypeElTorito}, from: TypeISO9660,
			check: func(t *testing.T, r *Report) {
				mbr := find(r, TypeMBR)
				p := mbr.MBR.Partitions
				if len(p) != 1 || p[0].Start != 0 || !p[0].Bootable || mbr.ImpliedSize != r.Size {
					t.Errorf("isohybrid MBR %+v implies %d", p, mbr.ImpliedSize)
				}
			}},
		{name: "xorriso_gpt", tool: "xorriso", args: []string{"-as", "mkisofs", "-append_partition", "2", "0xef", efi, "-appended_part_as_gpt"},
			types: []Type{TypeMBR, TypeGPT, TypeISO9660}, from: TypeGPT,
			check: func(t *testing.T, r *Report) {
				g := find(r, TypeGPT).GPT
				if !g.HeaderCRCOK || !g.EntriesCRCOK || !g.BackupPresent || g.SectorSize != 512 {
					t.Errorf("GPT %+v", g)
				}
				if !slices.ContainsFunc(g.Partitions, func(p GPTPartition) bool { return p.TypeName == "EFI System" && p.LastLBA-p.FirstLBA+1 == 588 }) {
					t.Errorf("no 588-sector EFI System partition in %+v", g.Partitions)
				}
				if iso := find(r, TypeISO9660); iso.ImpliedSize >= r.Size {
					t.Errorf("the ISO volume (%d) should end before the appended partition", iso.ImpliedSize)
				}
			}},
		// libisofs's -hfsplus writes a Driver Descriptor Record that is
		// also x86 code ("ER", then a jump where sbBlkCount belongs): its
		// block count is no device size.
		{name: "xorriso_hfsplus", tool: "xorriso", args: []string{"-as", "mkisofs", "-hfsplus"},
			types: []Type{TypeAPM, TypeISO9660, TypeHFSPlus}, from: TypeISO9660,
			check: func(t *testing.T, r *Report) {
				a := find(r, TypeAPM)
				if a.ImpliedSize != r.Size || !slices.ContainsFunc(a.APM.Partitions, func(p APMPartition) bool { return p.Contains == "HFS Plus" }) {
					t.Errorf("APM %+v implies %d", a.APM, a.ImpliedSize)
				}
			}},
		{name: "xorriso_hfsplus_isohybrid", tool: "xorriso", args: []string{"-as", "mkisofs", "-isohybrid-mbr", mbrTemplate, "-b", "boot.img", "-no-emul-boot", "-hfsplus"},
			types: []Type{TypeMBR, TypeAPM, TypeISO9660, TypeElTorito, TypeHFSPlus}, from: TypeISO9660},
		{name: "xorriso_isohybrid_apm", tool: "xorriso", args: []string{"-as", "mkisofs", "-isohybrid-mbr", apmTemplate, "-b", "boot.img", "-no-emul-boot",
			"-eltorito-alt-boot", "-e", "boot.img", "-no-emul-boot", "-isohybrid-gpt-basdat", "-isohybrid-apm-hfsplus"},
			types: []Type{TypeMBR, TypeGPT, TypeAPM, TypeISO9660, TypeElTorito}, from: TypeISO9660},
		{name: "genisoimage_hfs", tool: "genisoimage", args: []string{"-quiet", "-hfs"},
			types: []Type{TypeHFS, TypeISO9660}, from: TypeISO9660,
			check: func(t *testing.T, r *Report) {
				h := find(r, TypeHFS)
				if h.HFS.VolumeName == "" || h.HFS.AlternateMDB == 0 || h.ImpliedSize > r.Size {
					t.Errorf("HFS %+v implies %d", h.HFS, h.ImpliedSize)
				}
			}},
		{name: "genisoimage_hfs_part", tool: "genisoimage", args: []string{"-quiet", "-hfs", "-part"},
			types: []Type{TypeAPM, TypeHFS, TypeISO9660}, from: TypeISO9660,
			check: func(t *testing.T, r *Report) {
				a := find(r, TypeAPM).APM
				if a.BlockSize != 512 || len(a.Partitions) != 2 || a.Partitions[1].Type != "Apple_HFS" || a.Partitions[1].Contains != "HFS" {
					t.Errorf("APM %+v", a)
				}
				if h := find(r, TypeHFS); h.Container != "Apple partition 2" || h.Offset != int64(a.Partitions[1].Start)*512+1024 {
					t.Errorf("HFS in %q at %d", h.Container, h.Offset)
				}
			}},
		{name: "genisoimage_udf", tool: "genisoimage", args: []string{"-quiet", "-udf"},
			types: []Type{TypeISO9660, TypeUDF}, from: TypeISO9660,
			check: func(t *testing.T, r *Report) {
				u := find(r, TypeUDF)
				last := r.Size/SectorSize - 1
				if !slices.Equal(u.UDF.Anchors, []int64{256, last}) || u.ImpliedSize != r.Size || len(u.UDF.Partitions) != 1 {
					t.Errorf("UDF anchors %v (want 256, %d), implied %d, partitions %+v", u.UDF.Anchors, last, u.ImpliedSize, u.UDF.Partitions)
				}
				if u.UDF.Revision != "1.02" || u.UDF.Domain != "*OSTA UDF Compliant" || u.UDF.IntegrityType != "close" {
					t.Errorf("UDF %+v", u.UDF)
				}
			}},
		{name: "genisoimage_hfs_udf_joliet", tool: "genisoimage", args: []string{"-quiet", "-J", "-hfs", "-part", "-udf"},
			types: []Type{TypeAPM, TypeHFS, TypeISO9660, TypeJoliet, TypeUDF}, from: TypeISO9660},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			needTool(t, c.tool)
			out := filepath.Join(t.TempDir(), "out.iso")
			args := append(slices.Clone(c.args), "-o", out, tree)
			cmd := exec.Command(c.tool, args...)
			cmd.Dir = tree
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s %q: %v\n%s", c.tool, args, err, b)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			r := identifyBytes(t, b, nil)
			if got := types(r); !slices.Equal(got, c.types) {
				t.Errorf("structures %q, want %q", got, c.types)
			}
			if r.Verdict.Status != Complete || r.ExpectedFrom != c.from {
				t.Errorf("verdict %s (%s) from %s, want complete from %s", r.Verdict.Status, r.Verdict.Text, r.ExpectedFrom, c.from)
			}
			if c.check != nil {
				c.check(t, r)
			}
			// The same image cut short by 50 sectors and padded by 7.
			cut := identifyBytes(t, b[:len(b)-50*SectorSize], nil)
			if cut.Verdict.Status != Truncated || cut.Verdict.Text != "truncated by 50 sectors" {
				t.Errorf("cut by 50 sectors: %s %q", cut.Verdict.Status, cut.Verdict.Text)
			}
			pad := identifyBytes(t, append(slices.Clone(b), make([]byte, 7*SectorSize)...), nil)
			if pad.Verdict.Status != Padded || pad.Verdict.Text != "padded by 7 sectors" || pad.Padding != "zeros" {
				t.Errorf("padded by 7 sectors: %s %q %s", pad.Verdict.Status, pad.Verdict.Text, pad.Padding)
			}
		})
	}
}

// TestSessions makes an image of a later session (xorriso -C) and checks
// the three ways it can sit in a file.
func TestSessions(t *testing.T) {
	needTool(t, "xorriso")
	tree := sourceTree(t)
	out := filepath.Join(t.TempDir(), "sess.iso")
	run(t, "xorriso", "-as", "mkisofs", "-C", "0,5000", "-o", out, tree)
	sess, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	pvd := vdsFirst * SectorSize
	vss := int64(binary.LittleEndian.Uint32(sess[pvd+80:]))
	if vss*SectorSize != int64(len(sess)) {
		t.Fatalf("xorriso's session: volume space size %d for %d bytes", vss, len(sess))
	}

	t.Run("alone", func(t *testing.T) {
		// The session on its own, its volume space size its own size:
		// the offset is detected from where the root directory is.
		r := identifyBytes(t, sess, nil)
		if r.Verdict.Status != Complete || r.SectorOffset != 5000 || !r.SectorOffsetDetected {
			t.Errorf("verdict %q, sector offset %d (detected %v)", r.Verdict.Text, r.SectorOffset, r.SectorOffsetDetected)
		}
	})
	t.Run("alone_absolute", func(t *testing.T) {
		// A grown volume's PVD counts every session (ECMA-119 §6.2.1):
		// then the size is (volume space size - offset) blocks, as isolyzer
		// computes it with --offset.
		b := slices.Clone(sess)
		binary.LittleEndian.PutUint32(b[pvd+80:], uint32(vss+5000))
		binary.BigEndian.PutUint32(b[pvd+84:], uint32(vss+5000))
		r := identifyBytes(t, b, nil)
		if r.Verdict.Status != Complete || r.SectorOffset != 5000 || r.Expected != int64(len(b)) {
			t.Errorf("detected: verdict %q, offset %d, expected %d", r.Verdict.Text, r.SectorOffset, r.Expected)
		}
		r = identifyBytes(t, b, &Options{SectorOffset: 5000})
		if r.Verdict.Status != Complete || r.SectorOffsetDetected || !r.Isolyzer.SizeAsExpected || r.Isolyzer.SectorOffset != 5000 {
			t.Errorf("given: verdict %q, isolyzer %+v", r.Verdict.Text, r.Isolyzer)
		}
		cut := identifyBytes(t, b[:len(b)-10*SectorSize], nil)
		if cut.Verdict.Text != "truncated by 10 sectors" {
			t.Errorf("cut: %q", cut.Verdict.Text)
		}
	})
	t.Run("whole_disc", func(t *testing.T) {
		// After 5000 empty sectors, as a whole-disc image has it: found by
		// scanning, addresses from the start of the medium.
		b := append(make([]byte, 5000*SectorSize), sess...)
		if r := identifyBytes(t, b, nil); r.Verdict.Status != Unknown {
			t.Errorf("beyond the default scan limit: %q", r.Verdict.Text)
		}
		r := identifyBytes(t, b, &Options{ScanLimit: 16 << 20})
		iso := find(r, TypeISO9660)
		if r.Verdict.Status != Complete || iso == nil || iso.Offset != 5016*SectorSize || iso.ISO9660.VolumeStart != 0 {
			t.Fatalf("verdict %q, %+v", r.Verdict.Text, iso)
		}
	})
	t.Run("embedded", func(t *testing.T) {
		// The plain image 100 sectors into the medium: addresses from
		// there.
		plain := filepath.Join(t.TempDir(), "plain.iso")
		run(t, "xorriso", "-as", "mkisofs", "-o", plain, tree)
		p, err := os.ReadFile(plain)
		if err != nil {
			t.Fatal(err)
		}
		b := append(make([]byte, 100*SectorSize), p...)
		r := identifyBytes(t, b, nil)
		iso := find(r, TypeISO9660)
		if r.Verdict.Status != Complete || iso == nil || iso.ISO9660.VolumeStart != 100 {
			t.Fatalf("verdict %q, %+v", r.Verdict.Text, iso)
		}
		if r.Isolyzer.ContainsKnownFileSystem {
			t.Errorf("isolyzer looks at sector 16 only: %+v", r.Isolyzer)
		}
	})
}

// TestCutFixtures cuts isolyzer's single-file-system images short.
func TestCutFixtures(t *testing.T) {
	for _, c := range []struct {
		name   string
		cut    int64 // sectors
		status Status
	}{
		{"iso9660", 50, Truncated},
		{"hfs", 50, Truncated},
		{"hfsplus", 50, Truncated},
		{"udf", 50, Truncated}, // the anchor at 256 is gone
		{"udf", 1, Complete},   // the last anchor is gone: the reserve sequence still reaches the new end
		{"iso9660_udf_hfs", 1, Truncated},
	} {
		b := fixture(t, c.name)
		b = b[:int64(len(b))-c.cut*SectorSize]
		r := identifyBytes(t, b, nil)
		if r.Verdict.Status != c.status {
			t.Errorf("%s cut by %d sectors: %s (%s)", c.name, c.cut, r.Verdict.Status, r.Verdict.Text)
		}
	}
}
