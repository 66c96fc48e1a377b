package testtool_test

import (
	"testing"

	"spindle/internal/testtool"
)

func TestNeed(t *testing.T) {
	if p := testtool.Need(t, "go"); p == "" {
		t.Error("go not found by path")
	}
}
