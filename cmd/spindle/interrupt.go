package main

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// interrupts turns SIGINT and SIGTERM into the cancellation of the context
// commands run under, so that they stop cleanly: remove partial outputs,
// save a rescue map, leave a drive in a known state.
//
// Catching a signal costs a goroutine and a thread that waits for it for
// the whole run, and the code and tables behind them (measurable in the
// peak RSS of a master run over large files). A command that has nothing
// to clean up needs none of that: the default action of both signals ends
// the process. So catching is armed by main for every command but master,
// and by master itself only once it has something to clean up (it writes
// into an existing image, or its output needs a name before it is
// complete; see fileout.WriteWith).
type interrupts struct {
	once   sync.Once
	cancel context.CancelFunc
}

type interruptsKey struct{}

// withInterrupts returns a context that is cancelled by SIGINT or SIGTERM
// once armInterrupts has been called on it.
func withInterrupts(parent context.Context) context.Context {
	ctx, cancel := context.WithCancel(parent)
	return context.WithValue(ctx, interruptsKey{}, &interrupts{cancel: cancel})
}

// armInterrupts starts catching SIGINT and SIGTERM for ctx (made by
// withInterrupts; other contexts are left alone). The first signal
// cancels ctx; catching then stops, so a second one ends the process at
// once, as it would a command that ignores the cancellation.
func armInterrupts(ctx context.Context) {
	in, _ := ctx.Value(interruptsKey{}).(*interrupts)
	if in == nil {
		return
	}
	in.once.Do(func() {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
		go func() {
			<-ch
			signal.Stop(ch)
			in.cancel()
		}()
	})
}
