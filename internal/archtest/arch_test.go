package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

// formatPkgs are the packages that describe formats; they may use only
// each other and the standard library, never devices, the CLI or unsafe.
var formatPkgs = []string{"spindle/cd", "spindle/disc", "spindle/iso9660", "spindle/identify",
	"spindle/cue", "spindle/toc", "spindle/mapfile"}

func isFormat(p string) bool {
	for _, f := range formatPkgs {
		if p == f || strings.HasPrefix(p, f+"/") {
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
			case strings.HasPrefix(imp, "spindle/cmd"):
				t.Errorf("%s imports the CLI %s", pkg, imp)
			case strings.HasPrefix(imp, "spindle/internal/") && !strings.HasPrefix(pkg, "spindle/cmd/") && !strings.HasPrefix(pkg, "spindle/internal/"):
				t.Errorf("%s imports CLI plumbing %s", pkg, imp)
			case isFormat(pkg) && (imp == "unsafe" || imp == "golang.org/x/sys/unix" || strings.HasPrefix(imp, "spindle/") && !isFormat(imp)):
				t.Errorf("format package %s imports %s", pkg, imp)
			case (strings.HasPrefix(pkg, "spindle/scsi") || strings.HasPrefix(pkg, "spindle/mmc")) &&
				(strings.HasPrefix(imp, "spindle/rescue") || strings.HasPrefix(imp, "spindle/rip") || strings.HasPrefix(imp, "spindle/burn")):
				t.Errorf("device package %s imports workflow %s", pkg, imp)
			}
		}
	}
}
