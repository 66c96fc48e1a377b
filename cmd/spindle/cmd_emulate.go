package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"spindle/cd"
	"spindle/mmc/emu"
	"spindle/scsi"
	"spindle/scsi/iscsi"
)

// emuPrefix names an emulated drive holding the virtual disc kept in a
// directory: --drive emu:DIR.
const emuPrefix = "emu:"

// openEmu opens the emulated drive of spec ("emu:DIR") for one command.
func openEmu(spec string) (scsi.Transport, io.Closer, error) {
	dir := strings.TrimPrefix(spec, emuPrefix)
	if dir == "" {
		return nil, nil, usageError{errors.New("--drive emu:DIR: name the directory of the virtual disc")}
	}
	m, err := emu.OpenDir(dir)
	if err != nil {
		return nil, nil, err
	}
	d := emu.New(emu.Config{})
	d.Insert(m)
	d.Settle()
	return d, m, nil
}

func newEmulateCmd() *cobra.Command {
	var (
		dir, media, image, listen, logFile string
		createOnly, allowRemote            bool
		readOffset, notReady, loseAfter    int
		unreadable, retry, c2, slow        []string
		writeFail                          int64
	)
	c := &cobra.Command{
		Use:   "emulate --media KIND|--image IMAGE [--dir DIR] [--listen ADDR]",
		Short: "Serve an emulated CD/DVD/BD writer over iSCSI, or create a virtual disc",
		Long: `Emulate an optical drive holding a virtual disc, and serve it as an iSCSI
target so that a virtual machine (QEMU: -drive file=iscsi://...,if=none,id=d
-device scsi-generic,drive=d) sees a real CD/DVD/BD writer, /dev/srN, that
burning programs (wodim, cdrskin, xorriso, cdrdao) can use.

The disc is blank media of --media KIND (cd-r, cd-rw, dvd-r, dvd-rw, dvd+r,
dvd+rw, bd-r, bd-re), or a pressed disc reading --image IMAGE: an ISO
(--media cd-rom, dvd-rom or bd-rom, default cd-rom), or a CUE sheet or
cdrdao TOC file with its BIN/WAV files (a CD-ROM with audio and data tracks
and several sessions, read in place). With --dir the disc lives in that
directory and outlasts the command: later runs, and every drive command
given --drive emu:DIR, see what was burned on it. Without --dir it lives in
memory until the command ends.

Faults make the drive fail as worn discs and drives do: --unreadable blocks
fail every read (MEDIUM ERROR 11h), --retry START[+N]:K blocks read only on
the K-th attempt, --c2 flags audio sectors with C2 errors, --slow
START[+N]:DURATION delays reads, --not-ready N answers the first N commands
after loading NOT READY, --write-fail LBA fails the write covering LBA, and
--lose-after N makes the disc vanish after N commands. Addresses are LBAs.

The target listens on loopback only unless --allow-remote is given. It
prints the iscsi:// URL of the drive and serves until interrupted.
With --create-only it just creates the disc in DIR and exits.

` + exitCodesHelp,
		Example: `  spindle emulate --dir blank-cdr --media cd-r --create-only
  spindle disc-info --drive emu:blank-cdr
  spindle emulate --dir blank-cdr --listen 127.0.0.1:3260
  spindle emulate --image backup.iso --listen 127.0.0.1:3261
  spindle emulate --image album.cue --read-offset 6 --c2 1200+3
  spindle emulate --image scratched.iso --unreadable 5000+32 --retry 9000:3`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			m, err := emulatedMedium(dir, media, image)
			if err != nil {
				return err
			}
			defer m.Close()
			out := c.OutOrStdout()
			if createOnly {
				if dir == "" {
					return usageError{errors.New("--create-only needs --dir")}
				}
				_, err := fmt.Fprintf(out, "%s: %v in %s\n", "created", m.Kind(), dir)
				return err
			}
			cfg := emu.Config{ReadOffset: readOffset}
			if err := faultFlags(&cfg.Faults, unreadable, retry, c2, slow); err != nil {
				return usageError{err}
			}
			cfg.Faults.BecomingReady = notReady
			cfg.Faults.LoseMediumAfter = loseAfter
			if c.Flags().Changed("write-fail") {
				a := cd.LBA(writeFail)
				cfg.Faults.WriteFailAt = &a
			}
			var logW io.Writer
			if logFile != "" {
				f, err := os.Create(logFile)
				if err != nil {
					return err
				}
				defer f.Close()
				logW = f
				cfg.Log = func(e emu.Entry) { fmt.Fprintln(f, e) }
			}
			d := emu.New(cfg)
			d.Insert(m)
			host, _, err := net.SplitHostPort(listen)
			if err != nil {
				return usageError{fmt.Errorf("--listen %q: %w", listen, err)}
			}
			if ip := net.ParseIP(host); !allowRemote && (ip == nil && host != "localhost" || ip != nil && !ip.IsLoopback()) {
				return usageError{fmt.Errorf("--listen %s is not a loopback address; add --allow-remote to serve other machines", listen)}
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return err
			}
			t := &iscsi.Target{Name: "iqn.2025-01.org.spindle:emu", Alias: "spindle emulated " + m.Kind().String(), LUNs: []scsi.Transport{d}}
			if logW != nil {
				t.Log = iscsi.TextLog(logW, iscsi.LevelInfo)
			}
			// main catches SIGINT and SIGTERM for this command.
			ctx := c.Context()
			fmt.Fprintf(out, "%s\n", t.URL(ln.Addr().String(), 0))
			fmt.Fprintf(c.ErrOrStderr(), "spindle: emulating a %v drive; interrupt to stop\n", m.Kind())
			err = t.Serve(ctx, ln)
			if errors.Is(err, context.Canceled) || ctx.Err() != nil {
				return nil
			}
			return err
		},
	}
	fl := c.Flags()
	fl.StringVar(&dir, "dir", "", "directory holding the virtual disc (created if it holds none)")
	fl.StringVar(&media, "media", "", "kind of disc: cd-r, cd-rw, dvd-r, dvd-rw, dvd+r, dvd+rw, bd-r, bd-re; cd-rom, dvd-rom, bd-rom with --image")
	fl.StringVar(&image, "image", "", "make a pressed disc reading this ISO image")
	fl.StringVar(&listen, "listen", "127.0.0.1:3260", "address of the iSCSI target")
	fl.BoolVar(&allowRemote, "allow-remote", false, "allow a --listen address other than loopback")
	fl.BoolVar(&createOnly, "create-only", false, "create the disc in --dir and exit")
	fl.StringVar(&logFile, "log", "", "write every command the drive executes to this file")
	fl.IntVar(&readOffset, "read-offset", 0, "CD-DA read offset of the drive, in samples")
	stringsVarP(fl, &unreadable, "unreadable", "", "blocks START[+COUNT] this drive cannot read (repeatable)")
	stringsVarP(fl, &retry, "retry", "", "blocks START[+COUNT]:K that read only on the K-th attempt (repeatable)")
	stringsVarP(fl, &c2, "c2", "", "audio sectors START[+COUNT] read with C2 errors (repeatable)")
	stringsVarP(fl, &slow, "slow", "", "blocks START[+COUNT]:DURATION slow to read, e.g. 100+50:20ms (repeatable)")
	fl.IntVar(&notReady, "not-ready", 0, "answer this many commands after loading NOT READY, becoming ready")
	fl.IntVar(&loseAfter, "lose-after", 0, "lose the disc after this many commands")
	fl.Int64Var(&writeFail, "write-fail", 0, "fail the write covering this LBA with a write error")
	return c
}

// faultFlags parses the fault flags into f.
func faultFlags(f *emu.Faults, unreadable, retry, c2, slow []string) error {
	for _, u := range unreadable {
		e, err := parseExtent(u)
		if err != nil {
			return fmt.Errorf("--unreadable %q: %w", u, err)
		}
		f.Unreadable = append(f.Unreadable, e)
	}
	for _, u := range c2 {
		e, err := parseExtent(u)
		if err != nil {
			return fmt.Errorf("--c2 %q: %w", u, err)
		}
		f.C2 = append(f.C2, e)
	}
	for _, u := range retry {
		ext, k, ok := strings.Cut(u, ":")
		e, err := parseExtent(ext)
		n, nerr := strconv.Atoi(k)
		if !ok || err != nil || nerr != nil || n < 2 {
			return fmt.Errorf("--retry %q: want START[+COUNT]:K with K ≥ 2", u)
		}
		f.Retry = append(f.Retry, emu.RetryFault{Extent: e, Attempts: n})
	}
	for _, u := range slow {
		ext, dur, ok := strings.Cut(u, ":")
		e, err := parseExtent(ext)
		d, derr := time.ParseDuration(dur)
		if !ok || err != nil || derr != nil || d <= 0 || d > time.Minute {
			return fmt.Errorf("--slow %q: want START[+COUNT]:DURATION, a duration up to 1m", u)
		}
		f.Slow = append(f.Slow, emu.SlowFault{Extent: e, Delay: d})
	}
	return nil
}

// isSheet reports whether name is a CUE sheet or cdrdao TOC file.
func isSheet(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".cue", ".toc":
		return true
	}
	return false
}

// emulatedMedium opens the disc in dir, or creates it from --media or
// --image (in dir, or in memory without one).
func emulatedMedium(dir, media, image string) (*emu.Medium, error) {
	if image != "" && isSheet(image) {
		if dir != "" {
			return nil, usageError{fmt.Errorf("--image %s is served in place from its files; drop --dir", image)}
		}
		if media != "" && media != "cd-rom" {
			return nil, usageError{fmt.Errorf("--image %s is a CD: drop --media %s", image, media)}
		}
		l, base, err := readLayout(image)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", image, err)
		}
		m, err := emu.NewPressedLayout(l, openBacking(base))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", image, err)
		}
		return m, nil
	}
	if dir != "" {
		m, err := emu.OpenDir(dir)
		if err == nil {
			if media != "" || image != "" {
				m.Close()
				return nil, usageError{fmt.Errorf("%s already holds a %v disc; drop --media/--image or use another --dir", dir, m.Kind())}
			}
			return m, nil
		}
		if !errors.Is(err, emu.ErrNoMediumDir) {
			return nil, err
		}
	}
	if media == "" && image == "" {
		return nil, usageError{errors.New("name the disc: --media KIND or --image IMAGE")}
	}
	var k emu.Kind
	if media != "" {
		var err error
		if k, err = emu.ParseKind(media); err != nil {
			return nil, usageError{err}
		}
	}
	if image != "" {
		if k == 0 {
			k = emu.CDROM
		}
		if dir != "" {
			return emu.CreatePressedDir(dir, k, image)
		}
		f, err := os.Open(image)
		if err != nil {
			return nil, err
		}
		fi, err := f.Stat()
		if err != nil {
			return nil, err
		}
		return emu.NewPressed(k, f, fi.Size())
	}
	if dir != "" {
		return emu.CreateDir(dir, k)
	}
	return emu.NewBlank(k)
}

// parseExtent parses START or START+COUNT (blocks).
func parseExtent(s string) (emu.Extent, error) {
	var start, n int64
	n = 1
	a, b, plus := strings.Cut(s, "+")
	if _, err := fmt.Sscan(a, &start); err != nil {
		return emu.Extent{}, err
	}
	if plus {
		if _, err := fmt.Sscan(b, &n); err != nil {
			return emu.Extent{}, err
		}
	}
	if start < 0 || n <= 0 {
		return emu.Extent{}, errors.New("want START[+COUNT] with START ≥ 0 and COUNT ≥ 1")
	}
	return emu.Extent{Start: cd.LBA(start), Length: cd.Frames(n)}, nil
}
