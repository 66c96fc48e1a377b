package iso9660_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"spindle/iso9660"
)

// rdToolImage runs a tool that writes an image to out, and reads it.
func rdToolImage(t *testing.T, out, tool string, args ...string) []byte {
	t.Helper()
	runTool(t, tool, args...)
	img, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// rdLax drops what a tool does not record from a scanned tree: owners and
// permissions (mkisofs -r rationalizes them), times.
func rdLax(m map[string]entry, perms, times bool) map[string]entry {
	out := make(map[string]entry, len(m))
	for p, e := range m {
		if !perms {
			e.Perm = 0
		}
		if !times {
			e.MTime = 0
		}
		out[p] = e
	}
	return out
}

// TestReadInterop reads images of makeTree's tree made by xorriso and
// genisoimage: what Rock Ridge records must be the source tree (names,
// types, modes, owners, times, link targets, contents, hard links), and
// fstest.TestFS must pass in each view.
func TestReadInterop(t *testing.T) {
	needTool(t, "xorriso")
	needTool(t, "genisoimage")
	src := filepath.Join(t.TempDir(), "src")
	makeTree(t, src)
	want := scan(t, src)
	// genisoimage 1.1.11 loops forever on symbolic links with long
	// targets.
	gsrc := reducedTree(t, "links/long350", "links/long1000")
	gwant := scan(t, gsrc)
	// xorriso compresses only files that shrink: add one.
	zsrc := reducedTree(t)
	text := bytes.Repeat([]byte("zisofs compresses this line well.\n"), 20000)
	if err := os.WriteFile(filepath.Join(zsrc, "compressible.txt"), text, 0o644); err != nil {
		t.Fatal(err)
	}
	zwant := scan(t, zsrc)
	out := t.TempDir()
	owners := os.Geteuid() == 0

	cases := []struct {
		name  string
		build func(t *testing.T) []byte
		want  map[string]entry
		opts  compareOpts
		lax   func(map[string]entry) map[string]entry
		check func(t *testing.T, im *iso9660.Image)
	}{
		{
			name: "xorriso -as mkisofs -R -J",
			build: func(t *testing.T) []byte {
				o := filepath.Join(out, "x.iso")
				return rdToolImage(t, o, "xorriso", "-as", "mkisofs", "-R", "-J", "-joliet-long", "-o", o, src)
			},
			want: want, opts: compareOpts{dirTimes: true, owners: owners, relocDir: true},
		},
		{
			name: "genisoimage -R -J",
			build: func(t *testing.T) []byte {
				o := filepath.Join(out, "g.iso")
				return rdToolImage(t, o, "genisoimage", "-quiet", "-R", "-J", "-joliet-long", "-o", o, gsrc)
			},
			want: gwant, opts: compareOpts{dirTimes: true, owners: owners},
		},
		{
			name: "genisoimage -r",
			build: func(t *testing.T) []byte {
				o := filepath.Join(out, "gr.iso")
				return rdToolImage(t, o, "genisoimage", "-quiet", "-r", "-o", o, gsrc)
			},
			want: gwant, opts: compareOpts{dirTimes: true},
			lax: func(m map[string]entry) map[string]entry { return rdLax(m, false, true) },
		},
		{
			name: "xorriso -zisofs",
			build: func(t *testing.T) []byte {
				o := filepath.Join(out, "z.iso")
				return rdToolImage(t, o, "xorriso", "-outdev", o, "-hardlinks", "on", "-map", zsrc, "/",
					"-zisofs", "level=6", "-set_filter_r", "--zisofs", "/", "--")
			},
			want: zwant, opts: compareOpts{dirTimes: true, owners: owners, relocDir: true},
			check: func(t *testing.T, im *iso9660.Image) {
				z := rdInfo(t, im, "compressible.txt").Zisofs
				if z == nil || z.Version != 1 || z.Size != int64(len(text)) || z.StoredSize >= z.Size/10 {
					t.Errorf("compressible.txt: zisofs %+v, want a compressed file of %d bytes", z, len(text))
				}
				rdCheckReadAt(t, im, "compressible.txt", text)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			img := tc.build(t)
			im := rdOpen(t, img, nil)
			got := rdScan(t, im)
			if e, ok := got["/rr_moved"]; ok && e.Type == "dir" {
				delete(got, "/rr_moved") // mkisofs's relocation directory
			}
			// The tools drop a trailing "/" of a link target, which
			// rrSL keeps.
			w := make(map[string]entry, len(tc.want))
			for p, e := range tc.want {
				if e.Type == "link" {
					e.Target = iso9660.PeerSLTarget(e.Target)
				}
				w[p] = e
			}
			if tc.lax != nil {
				w, got = tc.lax(w), tc.lax(got)
			}
			compareTrees(t, "reader", w, got, tc.opts)
			if tc.check != nil {
				tc.check(t, im)
			}
			for _, view := range []iso9660.NameView{iso9660.NamesAuto, iso9660.NamesJoliet, iso9660.NamesPlain} {
				im, err := iso9660.Open(bytes.NewReader(img), int64(len(img)), &iso9660.ReadOptions{Names: view})
				if err == nil {
					err = fstest.TestFS(rdResolvable{im}, "README")
				}
				if err != nil && !(view == iso9660.NamesJoliet && !strings.Contains(tc.name, "-J")) {
					t.Errorf("%v view: %v", view, err)
				}
			}
		})
	}
}

// TestReadSessions reads a session whose block addresses are those of a
// later place on a disc (genisoimage -C, as for the data session of a
// CD-Extra disc): on its own with Displacement, and behind a first
// session with SessionStart.
func TestReadSessions(t *testing.T) {
	needTool(t, "genisoimage")
	dir := t.TempDir()
	first, second := filepath.Join(dir, "one"), filepath.Join(dir, "two")
	for d, content := range map[string]string{first: "first session\n", second: "second session\n"} {
		if err := os.MkdirAll(filepath.Join(d, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "sub", "which.txt"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const start = 3000 // the second session's first block
	s1 := rdToolImage(t, filepath.Join(dir, "1.iso"), "genisoimage", "-quiet", "-R", "-o", filepath.Join(dir, "1.iso"), first)
	s2 := rdToolImage(t, filepath.Join(dir, "2.iso"), "genisoimage", "-quiet", "-R", "-C", "0,3000", "-o", filepath.Join(dir, "2.iso"), second)
	if len(s1) > start*iso9660.BlockSize {
		t.Fatalf("first session of %d bytes overlaps the second", len(s1))
	}
	disc := append(append(s1, make([]byte, start*iso9660.BlockSize-len(s1))...), s2...)

	read := func(img []byte, opt iso9660.ReadOptions, want string) {
		t.Helper()
		im, err := iso9660.Open(bytes.NewReader(img), int64(len(img)), &opt)
		if err != nil {
			t.Fatalf("Open(%+v): %v", opt, err)
		}
		b, err := fs.ReadFile(im, "sub/which.txt")
		if err != nil || string(b) != want {
			t.Errorf("%+v: sub/which.txt = %q, %v; want %q", opt, b, err, want)
		}
		if err := fstest.TestFS(im, "sub/which.txt"); err != nil {
			t.Errorf("%+v: %v", opt, err)
		}
	}
	read(s2, iso9660.ReadOptions{Displacement: start}, "second session\n")
	read(disc, iso9660.ReadOptions{SessionStart: start}, "second session\n")
	read(disc, iso9660.ReadOptions{}, "first session\n")
	// Without the displacement the second session's addresses point
	// past its end.
	if _, err := iso9660.Open(bytes.NewReader(s2), int64(len(s2)), nil); err == nil {
		t.Error("the displaced session opened without a displacement")
	}
}
