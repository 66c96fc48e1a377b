package cd

import (
	"os"
	"path/filepath"
	"testing"
)

// fixture reads a file of the shared test data (other projects' test
// suites), skipping when it is absent locally and failing under CI.
func fixture(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "shared", "testdata", rel))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("fixture: %v", err)
		}
		t.Skipf("fixture absent: %v", err)
	}
	return b
}
