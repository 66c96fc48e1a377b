package isocheck_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"spindle/isocheck"
)

// isoDir is ../shared/testdata/iso beside the checkout: images from
// isolyzer's and libarchive's test suites. Without it the test is skipped,
// except under CI=true, where its absence is a failure.
func isoDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "testdata", "iso")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("fixtures missing: %v", err)
		}
		t.Skipf("fixtures missing: %v", err)
	}
	return dir
}

func fixture(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFixtures checks every fixture: no panic, and the verdict below. The
// fixtures with errors are damaged on purpose (truncated, fuzzed, hostile)
// or wrong in a way the source project's tests name.
func TestFixtures(t *testing.T) {
	// want: "" no errors; "not iso" ErrNotISO; otherwise a text one
	// error message contains.
	want := map[string]string{
		"hfs": "not iso", "hfsplus": "not iso", "udf": "not iso",
		"iso9660_nopvd": "not iso", // cut before the volume descriptors
		// The Roxio ECC image records a volume space size that leaves
		// its files outside the volume (isolyzer's test: "smaller than
		// expected").
		"iso9660_roxioecc": "beyond the volume space",
		"iso9660_trunc":    "truncated",
		"test_fuzz_1":      "used twice",
		// Hostile images from libarchive's tests.
		"test_read_format_iso_joliet_utf16be_overflow": "path table",
		"test_read_format_iso_rockridge_ce_loop":       "continuation area loop",
		"test_read_format_iso_rockridge_zf_overflow":   "data length 0",
		"test_read_format_iso_zisofs_overflow":         "first entry is not the root",
	}
	files, err := filepath.Glob(filepath.Join(isoDir(t), "*.iso.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures (%v)", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".iso.gz")
		t.Run(name, func(t *testing.T) {
			b := fixture(t, f)
			start := time.Now()
			r, err := isocheck.Check(context.Background(), bytes.NewReader(b), int64(len(b)), nil)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			w := want[name]
			switch {
			case w == "not iso":
				if !errors.Is(err, isocheck.ErrNotISO) {
					t.Errorf("err %v, want ErrNotISO", err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			logProblems(t, r)
			if w == "" {
				if !r.OK() {
					t.Errorf("%d errors, want none", r.Errors)
				}
				return
			}
			if !hasProblem(r, isocheck.Error, "", w) {
				t.Errorf("no error saying %q", w)
			}
			if name == "iso9660_trunc" && (!r.Truncated || r.MissingBytes != int64(r.Blocks)*isocheck.BlockSize-int64(len(b))) {
				t.Errorf("Truncated %v, MissingBytes %d", r.Truncated, r.MissingBytes)
			}
		})
	}
}
