package archtest

import (
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// formatPkgs are the packages that describe formats; they may use only
// each other and the standard library, never devices, the CLI or unsafe.
// One exception, checked file by file in TestUnsafeConfined: the host-file
// system calls of iso9660's tree builder (hostsys*.go), which pass reused
// NUL-terminated buffers to the kernel instead of a fresh copy of every
// path (a third of all allocation when mastering many small files). Those
// files parse nothing from a medium.
var formatPkgs = []string{"spindle/cd", "spindle/disc", "spindle/iso9660", "spindle/identify",
	"spindle/cue", "spindle/toc", "spindle/mapfile", "spindle/isocheck", "spindle/isomd5"}

func isFormat(p string) bool {
	for _, f := range formatPkgs {
		if p == f || strings.HasPrefix(p, f+"/") {
			return true
		}
	}
	return false
}

// standIns replace standard library packages whose package init or size
// cost every command start-up memory. They import only the standard
// library, and any package may use them as it would the standard library.
var standIns = []string{"spindle/internal/md5", "spindle/internal/inflate", "spindle/internal/minijson"}

func isStandIn(p string) bool {
	for _, s := range standIns {
		if p == s {
			return true
		}
	}
	return false
}

func TestDependencyDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "spindle/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg, imports := f[0], f[1:]
		for _, imp := range imports {
			switch {
			case isStandIn(pkg) && strings.Contains(strings.SplitN(imp, "/", 2)[0], "."), isStandIn(pkg) && strings.HasPrefix(imp, "spindle/"):
				t.Errorf("standard library stand-in %s imports %s", pkg, imp)
			case isStandIn(imp):
			case strings.HasPrefix(imp, "spindle/cmd"):
				t.Errorf("%s imports the CLI %s", pkg, imp)
			case strings.HasPrefix(imp, "spindle/internal/") && !strings.HasPrefix(pkg, "spindle/cmd/") && !strings.HasPrefix(pkg, "spindle/internal/"):
				t.Errorf("%s imports CLI plumbing %s", pkg, imp)
			case isFormat(pkg) && (imp == "unsafe" && pkg != "spindle/iso9660" || imp == "golang.org/x/sys/unix" || strings.HasPrefix(imp, "spindle/") && !isFormat(imp)):
				t.Errorf("format package %s imports %s", pkg, imp)
			case strings.HasPrefix(pkg, "spindle/scsi") && strings.HasPrefix(imp, "spindle/mmc"):
				t.Errorf("transport package %s imports %s: mmc is built on scsi, not the other way", pkg, imp)
			case (strings.HasPrefix(pkg, "spindle/scsi") || strings.HasPrefix(pkg, "spindle/mmc")) &&
				(strings.HasPrefix(imp, "spindle/rescue") || strings.HasPrefix(imp, "spindle/rip") || strings.HasPrefix(imp, "spindle/burn")):
				t.Errorf("device package %s imports workflow %s", pkg, imp)
			}
		}
	}
}

// TestUnsafeConfined checks that within the format packages only the
// host system call files import unsafe.
func TestUnsafeConfined(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.Dir}}{{range .GoFiles}} {{.}}{{end}}`, "spindle/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	fset := token.NewFileSet()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		dir, files := f[0], f[1:]
		for _, name := range files {
			af, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				if imp.Path.Value == `"unsafe"` && !strings.HasPrefix(name, "hostsys") && !strings.Contains(dir, string(filepath.Separator)+"sgio") {
					t.Errorf("%s imports unsafe: only the host system call files (hostsys*.go) and the SG_IO transport may", filepath.Join(dir, name))
				}
			}
		}
	}
}

// TestNoHeavyStandardPackages keeps out of the binary the standard library
// packages that the stand-ins replace: their package inits (crypto's
// FIPS 140 module of a couple of dozen packages, above all) run in every
// command and cost start-up memory, about 0.16 MB for crypto/sha256.
func TestNoHeavyStandardPackages(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "spindle/cmd/spindle").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "crypto/") || p == "crypto" || strings.HasPrefix(p, "compress/") || p == "encoding/json" {
			t.Errorf("the binary links %s: use a stand-in (%s)", p, strings.Join(standIns, ", "))
		}
	}
}
