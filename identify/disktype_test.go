package identify

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// detections is what disktype and Identify agree to compare: the file
// systems and partition maps found and the sizes they record.
type detections map[string][]int64

func (d detections) add(kind string, n int64) { d[kind] = append(d[kind], n) }

func (d detections) String() string {
	var keys []string
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		v := slices.Clone(d[k])
		slices.Sort(v)
		fmt.Fprintf(&b, "%s %v; ", k, v)
	}
	return b.String()
}

var (
	dtHeader = regexp.MustCompile(`^\s*(ISO9660 file system|UDF file system|HFS file system|HFS Plus file system|Apple partition map, (\d+) entries|GPT partition map, (\d+) entries)`)
	dtSize   = regexp.MustCompile(`^\s*(Data|Volume|Disk) size .*\((\d+) bytes`)
)

// parseDisktype reads disktype's report: each header line, and the size
// line that follows it (ISO 9660's data size, HFS's volume size —
// allocation blocks only —, GPT's disk size).
func parseDisktype(out string) detections {
	d := detections{}
	last := ""
	for _, line := range strings.Split(out, "\n") {
		if m := dtHeader.FindStringSubmatch(line); m != nil {
			switch {
			case strings.HasPrefix(m[1], "ISO9660"):
				last = "iso9660"
			case strings.HasPrefix(m[1], "UDF"):
				last = ""
				d.add("udf", 0)
			case strings.HasPrefix(m[1], "HFS Plus"):
				last = "hfs+"
			case strings.HasPrefix(m[1], "HFS"):
				last = "hfs"
			case strings.HasPrefix(m[1], "Apple"):
				n, _ := strconv.ParseInt(m[2], 10, 64)
				d.add("apm entries", n)
				last = ""
			case strings.HasPrefix(m[1], "GPT"):
				n, _ := strconv.ParseInt(m[3], 10, 64)
				d.add("gpt entries", n)
				last = "gpt"
			}
			continue
		}
		if m := dtSize.FindStringSubmatch(line); m != nil && last != "" {
			n, _ := strconv.ParseInt(m[2], 10, 64)
			d.add(last, n)
			last = ""
		}
	}
	return d
}

// ours is the same from a Report.
func ours(r *Report) detections {
	d := detections{}
	for _, s := range r.Structures {
		switch s.Type {
		case TypeISO9660:
			if s.Offset+SectorSize <= r.Size { // disktype needs the whole descriptor
				d.add("iso9660", int64(s.ISO9660.VolumeSpaceSize)*int64(s.ISO9660.LogicalBlockSize))
			}
		case TypeUDF:
			d.add("udf", 0)
		case TypeHFS:
			d.add("hfs", int64(s.HFS.AllocationBlocks)*int64(s.HFS.AllocationBlockSize))
		case TypeHFSPlus, TypeHFSX:
			d.add("hfs+", int64(s.HFSPlus.TotalBlocks)*int64(s.HFSPlus.BlockSize))
		case TypeAPM:
			d.add("apm entries", int64(len(s.APM.Partitions)))
		case TypeGPT:
			d.add("gpt entries", int64(s.GPT.EntryCount))
			d.add("gpt", s.ImpliedSize)
		}
	}
	return d
}

// TestDisktype runs disktype on the fixtures and on images xorriso and
// genisoimage make, and checks that Identify finds the same file systems
// and partition maps with the same recorded sizes. (disktype does not
// report an MBR whose boot code it does not know, so MBRs are left out.)
func TestDisktype(t *testing.T) {
	needTool(t, "disktype")
	dir := t.TempDir()
	var images []string
	fixtures, err := filepath.Glob(filepath.Join(isoDir(t), "*.iso.gz"))
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("no fixtures (%v)", err)
	}
	for _, f := range fixtures {
		name := strings.TrimSuffix(filepath.Base(f), ".iso.gz")
		p := filepath.Join(dir, name+".iso")
		if err := os.WriteFile(p, fixture(t, name), 0o644); err != nil {
			t.Fatal(err)
		}
		images = append(images, p)
	}
	tree := sourceTree(t)
	efi := filepath.Join(dir, "efi.img")
	if err := os.WriteFile(efi, make([]byte, 300000), 0o644); err != nil {
		t.Fatal(err)
	}
	made := []struct {
		name string
		args []string
	}{
		{"xorriso_partition_offset", []string{"xorriso", "-as", "mkisofs", "-partition_offset", "16"}},
		{"xorriso_gpt", []string{"xorriso", "-as", "mkisofs", "-append_partition", "2", "0xef", efi, "-appended_part_as_gpt"}},
		{"genisoimage_hfs_part_udf", []string{"genisoimage", "-quiet", "-hfs", "-part", "-udf"}},
	}
	for _, m := range made {
		if _, err := exec.LookPath(m.args[0]); err != nil {
			needTool(t, m.args[0]) // fails under CI, else skips the lot
		}
		p := filepath.Join(dir, m.name+".iso")
		run(t, m.args[0], append(slices.Clone(m.args[1:]), "-o", p, tree)...)
		images = append(images, p)
	}
	for _, p := range images {
		t.Run(filepath.Base(p), func(t *testing.T) {
			out, err := exec.Command("disktype", p).CombinedOutput()
			if err != nil {
				t.Fatalf("disktype: %v\n%s", err, out)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			want, got := parseDisktype(string(out)).String(), ours(identifyBytes(t, b, nil)).String()
			if got != want {
				t.Errorf("identify: %s\ndisktype: %s\n%s", got, want, out)
			}
		})
	}
}
