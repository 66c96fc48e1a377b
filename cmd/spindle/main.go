// Command spindle masters, burns, images, rescues, rips, inspects, verifies
// and converts optical media (CD, DVD, BD) and their image files.
package main

import (
	// First of all packages to initialize: see its documentation.
	_ "a.invalid/stackinit"

	"context"
	"fmt"
	"os"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	// The collector's pacing (gcgov.go); GOGC or GOMEMLIMIT in the
	// environment still win.
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		governGC()
	}
	// master catches signals only when it has something to clean up
	// (interrupt.go).
	ctx := withInterrupts(context.Background())
	if len(os.Args) < 2 || os.Args[1] != "master" {
		armInterrupts(ctx)
	}
	os.Exit(run(ctx, os.Args[1:]))
}

// run executes one command line and returns the process exit status.
func run(ctx context.Context, args []string) int {
	root := newRootCmdFor(args)
	args, err := mkisofsArgs(root, args)
	if err == nil {
		root.SetArgs(args)
		err = root.ExecuteContext(ctx)
	}
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(os.Stderr, "spindle:", err)
	return exitCode(ctx, err)
}
