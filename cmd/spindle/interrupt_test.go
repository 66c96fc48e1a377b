package main

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// Armed, the first SIGINT cancels the command's context (and catching
// stops); arming twice is harmless, and a context not made by
// withInterrupts is left alone.
func TestArmInterrupts(t *testing.T) {
	armInterrupts(context.Background())
	ctx := withInterrupts(context.Background())
	armInterrupts(ctx)
	armInterrupts(ctx)
	if ctx.Err() != nil {
		t.Fatal("context cancelled before any signal")
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGINT did not cancel the armed context")
	}
	if code := exitCode(ctx, ctx.Err()); code != exitInterrupted {
		t.Errorf("exit code %d after an interrupt, want %d", code, exitInterrupted)
	}
}
