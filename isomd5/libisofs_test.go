package isomd5_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"spindle/iso9660"
	"spindle/isomd5"
)

// xorrisoImage makes an image with libisofs checksums.
func xorrisoImage(t testing.TB, kind string) string {
	t.Helper()
	src := makeTree(t, 300)
	out := filepath.Join(t.TempDir(), kind+".iso")
	switch kind {
	case "outdev": // session at block 32, relocated superblock at 0
		runTool(t, "xorriso", "-md5", "on", "-outdev", out, "-map", src, "/")
	case "susp112": // AAIP announced by ER, entries separated by ES
		runTool(t, "xorriso", "-md5", "on", "-compliance", "aaip_susp_1_10_off", "-outdev", out, "-map", src, "/")
	case "mkisofs": // one session at block 0, Joliet too
		runTool(t, "xorriso", "-as", "mkisofs", "--md5", "-R", "-J", "-o", out, src)
	case "appended": // two sessions
		runTool(t, "xorriso", "-md5", "on", "-outdev", out, "-map", src, "/")
		more := t.TempDir()
		if err := os.WriteFile(filepath.Join(more, "second.txt"), []byte("second session\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		runTool(t, "xorriso", "-md5", "on", "-dev", out, "-map", more, "/more")
	default:
		t.Fatalf("unknown image kind %q", kind)
	}
	return out
}

func checkLibisofs(t testing.TB, path string) *isomd5.LibisofsResult {
	t.Helper()
	f, size := openImage(t, path)
	res, err := isomd5.CheckLibisofs(context.Background(), f, size, 0)
	if err != nil {
		t.Fatalf("CheckLibisofs %s: %v", filepath.Base(path), err)
	}
	return res
}

// xorrisoVerdict asks xorriso what it thinks of an image's files
// (-check_md5_r): "match", "mismatch", "refused" (it will not load a
// tree whose tags do not match) or "no array" (it found the checksum
// array damaged); and whether the session tags match (-check_media).
func xorrisoVerdict(t testing.TB, path string) (files string, tags bool) {
	t.Helper()
	out, _ := toolResult(t, "", "xorriso", "-md5", "on", "-indev", path, "-check_md5_r", "FAILURE", "/", "--")
	switch {
	case strings.Contains(out, "Checksum mismatch in System Area, Volume Descriptors, or directory tree"):
		return "refused", false
	case strings.Contains(out, "File contents and their MD5 checksums match."):
		files = "match"
	case strings.Contains(out, "MD5 MISMATCH"):
		files = "mismatch"
	case strings.Contains(out, "MD5 checksum array appears damaged"):
		files = "no array"
	default:
		t.Fatalf("xorriso -check_md5_r: no verdict\n%s", tail(out))
	}
	out, _ = toolResult(t, "", "xorriso", "-md5", "on", "-indev", path, "-check_media", "--")
	if !strings.Contains(out, "MD5 tag range") {
		t.Fatalf("xorriso -check_media: no MD5 tag ranges\n%s", tail(out))
	}
	return files, !strings.Contains(out, "md5_mismatch")
}

func describe(r *isomd5.LibisofsResult) string {
	var b strings.Builder
	if r.Relocated != nil {
		b.WriteString("relocated: " + r.Relocated.Problem + "\n")
	}
	for _, s := range r.Sessions {
		b.WriteString("session: " + s.Problem + "\n")
		for _, t := range s.Tags {
			b.WriteString("  " + t.Tag.Kind.String() + ": " + t.Problem + "\n")
		}
	}
	for _, p := range r.Problems {
		b.WriteString("problem: " + p + "\n")
	}
	for _, f := range r.Files {
		if !f.OK {
			b.WriteString("file " + f.Path + ": " + f.Problem + "\n")
		}
	}
	return b.String()
}

func TestCheckLibisofsXorriso(t *testing.T) {
	needTool(t, "xorriso")
	for _, tc := range []struct {
		kind     string
		sessions int
		reloc    bool
		files    int
	}{
		{"outdev", 1, true, 7},
		{"susp112", 1, true, 7},
		{"mkisofs", 1, false, 7},
		{"appended", 2, true, 8},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			img := xorrisoImage(t, tc.kind)
			res := checkLibisofs(t, img)
			if !res.OK || !res.Found {
				t.Fatalf("not OK:\n%s", describe(res))
			}
			if len(res.Sessions) != tc.sessions || (res.Relocated != nil) != tc.reloc {
				t.Errorf("%d sessions, relocated %v; want %d, %v", len(res.Sessions), res.Relocated != nil, tc.sessions, tc.reloc)
			}
			for _, s := range res.Sessions {
				if len(s.Tags) != 3 {
					t.Errorf("session at %d: %d tags", s.Start, len(s.Tags))
				}
			}
			if len(res.Files) != tc.files || res.Unindexed != 0 {
				t.Errorf("%d files checked, %d without index; want %d", len(res.Files), res.Unindexed, tc.files)
			}
			if res.Area == nil || res.Area.Count != uint32(tc.files)+2 || !res.ArrayOK {
				t.Errorf("area %+v, array OK %v", res.Area, res.ArrayOK)
			}
			if files, tags := xorrisoVerdict(t, img); files != "match" || !tags {
				t.Errorf("xorriso disagrees: files %s, tags %v", files, tags)
			}
		})
	}
}

// fileExtent returns the byte offset of a file's data in an image.
func fileExtent(t testing.TB, path string, session int64, name string) int64 {
	t.Helper()
	f, size := openImage(t, path)
	im, err := iso9660.Open(f, size, &iso9660.ReadOptions{SessionStart: session})
	if err != nil {
		t.Fatal(err)
	}
	st, err := im.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	return int64(st.Sys().(*iso9660.FileInfo).Extents[0].LBA) * 2048
}

func xorByte(t testing.TB, path string, off int64, mask byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := []byte{0}
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= mask
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

func TestCheckLibisofsDamage(t *testing.T) {
	needTool(t, "xorriso")
	for _, kind := range []string{"mkisofs", "outdev"} {
		t.Run(kind, func(t *testing.T) {
			img := xorrisoImage(t, kind)
			good := checkLibisofs(t, img)
			sess := int64(good.TreeSession)
			tags := good.Sessions[len(good.Sessions)-1].Tags
			treeTag, sessTag := int64(tags[1].Block), int64(tags[2].Block)
			pvd := make([]byte, 2048)
			f, _ := openImage(t, img)
			if _, err := f.ReadAt(pvd, (sess+16)*2048); err != nil {
				t.Fatal(err)
			}
			root := int64(binary.LittleEndian.Uint32(pvd[158:]))
			for _, c := range []struct {
				name     string
				off      int64
				mask     byte
				tree     bool // tree tag still OK
				file     string
				xorFiles string // xorriso's -check_md5_r verdict
			}{
				// A file's data: its MD5 and the session's fail.
				{"file byte", fileExtent(t, img, sess, "sub/deeper/big.bin") + 1000, 0xff, true, "/sub/deeper/big.bin", "mismatch"},
				// The seconds of the root's "." record: the tree fails,
				// the files do not.
				{"directory byte", root*2048 + 23, 1, false, "", "refused"},
				// The checksum array's last entry.
				{"array byte", int64(good.Area.End)*2048 + int64(good.Area.Count-1)*16, 0xff, true, "", "no array"},
			} {
				t.Run(c.name, func(t *testing.T) {
					bad := filepath.Join(t.TempDir(), "bad.iso")
					copyFile(t, img, bad)
					xorByte(t, bad, c.off, c.mask)
					res := checkLibisofs(t, bad)
					if res.OK {
						t.Fatalf("damage not found")
					}
					tags := res.Sessions[len(res.Sessions)-1].Tags
					if len(tags) != 3 || !tags[0].OK || tags[1].OK != c.tree || tags[2].OK {
						t.Errorf("tags:\n%s", describe(res))
					}
					for _, fc := range res.Files {
						if fc.OK != (fc.Path != c.file) {
							t.Errorf("file %s: OK %v (%s)", fc.Path, fc.OK, fc.Problem)
						}
					}
					if res.ArrayOK {
						t.Errorf("array OK after damage to the session")
					}
					files, tagsOK := xorrisoVerdict(t, bad)
					if files != c.xorFiles || tagsOK {
						t.Errorf("xorriso: files %s, tags %v; want files %s, tags false", files, tagsOK, c.xorFiles)
					}
				})
			}
			t.Run("tag text", func(t *testing.T) {
				bad := filepath.Join(t.TempDir(), "bad.iso")
				copyFile(t, img, bad)
				xorByte(t, bad, treeTag*2048+3, 0x20) // "libisofs" -> "liBisofs": no tree tag
				res := checkLibisofs(t, bad)
				s := res.Sessions[len(res.Sessions)-1]
				if res.OK || s.OK || len(s.Tags) != 1 || !strings.Contains(s.Problem, "libisofs_tree_checksum_tag_v1") {
					t.Errorf("renamed tree tag:\n%s", describe(res))
				}
				copyFile(t, img, bad)
				// A decimal digit of md5= (XOR 1 keeps it a digit): the
				// tag still parses, its self= MD5 fails.
				blk := make([]byte, 2048)
				if _, err := f.ReadAt(blk, sessTag*2048); err != nil {
					t.Fatal(err)
				}
				i := bytes.Index(blk, []byte("md5=")) + 4
				for blk[i] > '9' {
					i++
				}
				xorByte(t, bad, sessTag*2048+int64(i), 0x01)
				res = checkLibisofs(t, bad)
				s = res.Sessions[len(res.Sessions)-1]
				if res.OK || len(s.Tags) != 3 || !strings.Contains(s.Tags[2].Problem, "self=") {
					t.Errorf("damaged session tag:\n%s", describe(res))
				}
			})
		})
	}
}

func TestCheckLibisofsAbsent(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		img  func(t *testing.T) []byte
	}{
		{"empty", func(*testing.T) []byte { return nil }},
		{"zeros", func(*testing.T) []byte { return make([]byte, 100*2048) }},
		{"no checksums", func(*testing.T) []byte { return syntheticImage(100, 0) }},
		{"genisoimage", func(t *testing.T) []byte {
			b, err := os.ReadFile(genImage(t, 10))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := tc.img(t)
			res, err := isomd5.CheckLibisofs(ctx, bytes.NewReader(img), int64(len(img)), 0)
			if err != nil || res.Found || res.OK {
				t.Errorf("got %+v, %v; want nothing found", res, err)
			}
		})
	}
}

// TestFormatTagXorriso re-formats every tag of xorriso's images: the
// blocks must be identical.
func TestFormatTagXorriso(t *testing.T) {
	needTool(t, "xorriso")
	for _, kind := range []string{"mkisofs", "appended"} {
		img, err := os.ReadFile(xorrisoImage(t, kind))
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[isomd5.TagKind]int{}
		for off := 0; off+2048 <= len(img); off += 2048 {
			blk := img[off : off+2048]
			tag, err := isomd5.ParseTag(blk)
			if errors.Is(err, isomd5.ErrNoTag) {
				continue
			}
			if err != nil {
				t.Fatalf("%s block %d: %v", kind, off/2048, err)
			}
			kinds[tag.Kind]++
			if got := isomd5.FormatTag(tag); !bytes.Equal(got[:], blk) {
				t.Errorf("%s block %d:\nxorriso %q\nours    %q", kind, off/2048, bytes.TrimRight(blk, "\x00"), bytes.TrimRight(got[:], "\x00"))
			}
		}
		t.Logf("%s: tags %v", kind, kinds)
		if kinds[isomd5.TagSuperblock] == 0 || kinds[isomd5.TagTree] == 0 || kinds[isomd5.TagSession] == 0 {
			t.Errorf("%s: tags %v", kind, kinds)
		}
	}
}

// TestWriterPiecesXorriso plays a writer over xorriso's image: the
// session's bytes go through SessionSum, and at every place a tag or the
// array goes, the pieces built here must equal what xorriso wrote.
func TestWriterPiecesXorriso(t *testing.T) {
	needTool(t, "xorriso")
	for _, kind := range []string{"mkisofs", "outdev", "susp112"} {
		t.Run(kind, func(t *testing.T) {
			path := xorrisoImage(t, kind)
			res := checkLibisofs(t, path)
			img, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if kind == "susp112" && !bytes.Contains(img, isomd5.ERAAIP()) {
				t.Errorf("ERAAIP() not found in the image")
			}
			s := res.Sessions[len(res.Sessions)-1]
			area := res.Area
			arr := isomd5.NewChecksumArray(area.Count - 2)
			for _, f := range res.Files {
				if err := arr.Set(f.Index, f.Expected); err != nil {
					t.Fatal(err)
				}
			}
			if got := arr.Area(s.Start, area.End); got != *area {
				t.Errorf("Area: %+v, xorriso %+v", got, *area)
			}
			sum := isomd5.NewSessionSum(s.Start)
			block := func(b uint32) []byte { return img[int64(b)*2048 : int64(b+1)*2048] }
			feed := func(from, to uint32) {
				sum.Write(img[int64(from)*2048 : int64(to)*2048])
			}
			at := s.Start
			for i, tc := range s.Tags {
				feed(at, tc.Block)
				at = tc.Block
				if tc.Tag.Kind == isomd5.TagSession {
					// The array sits right before the session tag.
					arrStart := tc.Block - arr.Blocks()
					if arrStart != area.End {
						t.Errorf("array at %d, isofs.ca END %d", arrStart, area.End)
					}
					sum2 := isomd5.NewSessionSum(s.Start)
					sum2.Write(img[int64(s.Start)*2048 : int64(arrStart)*2048])
					enc := arr.Encode(sum2.Sum())
					if !bytes.Equal(enc, img[int64(arrStart)*2048:int64(tc.Block)*2048]) {
						t.Errorf("checksum array differs")
					}
				}
				next := uint32(0)
				if i+1 < len(s.Tags) {
					next = s.Tags[i+1].Block
				}
				got, err := sum.Tag(tc.Tag.Kind, next)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got[:], block(tc.Block)) {
					t.Errorf("%s:\nxorriso %q\nours    %q", tc.Tag.Kind, bytes.TrimRight(block(tc.Block), "\x00"), bytes.TrimRight(got[:], "\x00"))
				}
				sum.Write(got[:])
				at++
			}
		})
	}
}
