package iscsi_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net"
	"os"
	"os/signal"

	"spindle/scsi"
	"spindle/scsi/iscsi"
)

// ready is a Transport whose unit answers every command GOOD with no data.
type ready struct{}

func (ready) Do(ctx context.Context, c *scsi.Command) (scsi.Result, error) {
	return scsi.Result{Transferred: 0}, ctx.Err()
}

// The URL QEMU takes for a unit: attach it with
//
//	-drive file=URL,if=none,id=d0,format=raw -device scsi-generic,drive=d0
func ExampleTarget_URL() {
	t := &iscsi.Target{Name: "iqn.2025-01.org.example:drive", LUNs: []scsi.Transport{ready{}}}
	fmt.Println(t.URL("127.0.0.1:3260", 0))
	fmt.Println(t.URL("0.0.0.0:3260", 0)) // a wildcard address becomes loopback
	// Output:
	// iscsi://127.0.0.1:3260/iqn.2025-01.org.example:drive/0
	// iscsi://127.0.0.1:3260/iqn.2025-01.org.example:drive/0
}

// Serving a unit as `spindle emulate` serves the emulated drive: on
// loopback only, until interrupted.
func ExampleTarget_Serve() {
	t := &iscsi.Target{Name: "iqn.2025-01.org.example:drive", LUNs: []scsi.Transport{ready{}}}
	ln, err := net.Listen("tcp", "127.0.0.1:3260")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("serving", t.URL(ln.Addr().String(), 0))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := t.Serve(ctx, ln); err != nil {
		log.Fatal(err)
	}
}

// A target's events can go to a log/slog logger through a small adapter
// (the levels have slog's values).
func ExampleLogFunc() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the output stable
			}
			return a
		},
	}))
	t := &iscsi.Target{Name: "iqn.2025-01.org.example:disk"}
	t.Log = func(level iscsi.Level, msg string, kv ...any) {
		logger.Log(context.Background(), slog.Level(level), msg, kv...)
	}
	t.Log(iscsi.LevelInfo, "iscsi: logged in", "initiator", "iqn.2025-01.org.example:host")
	// Output:
	// level=INFO msg="iscsi: logged in" initiator=iqn.2025-01.org.example:host
}
