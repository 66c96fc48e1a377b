package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"spindle/disc"
	"spindle/mmc"
	"spindle/scsi/sgio"
)

// driveNodes lists the CD/DVD/BD block devices of this machine.
func driveNodes() []string {
	m, _ := filepath.Glob("/dev/sr[0-9]*")
	sort.Slice(m, func(i, j int) bool {
		a, _ := strconv.Atoi(strings.TrimPrefix(m[i], "/dev/sr"))
		b, _ := strconv.Atoi(strings.TrimPrefix(m[j], "/dev/sr"))
		return a < b
	})
	return m
}

// resolveDrive turns what the user named (a path, a /dev/disk/by-id name,
// or an index into "spindle drives") into a device path.
func resolveDrive(name string) (string, error) {
	if name == "" {
		nodes := driveNodes()
		if len(nodes) == 0 {
			return "", usageError{errors.New("no optical drive found (/dev/sr*); name one with --drive")}
		}
		return nodes[0], nil
	}
	if i, err := strconv.Atoi(name); err == nil {
		nodes := driveNodes()
		if i < 0 || i >= len(nodes) {
			return "", usageError{fmt.Errorf("--drive %d: there are %d drives (spindle drives lists them)", i, len(nodes))}
		}
		return nodes[i], nil
	}
	if !strings.Contains(name, "/") {
		if _, err := os.Stat(filepath.Join("/dev/disk/by-id", name)); err == nil {
			return filepath.Join("/dev/disk/by-id", name), nil
		}
		return filepath.Join("/dev", name), nil
	}
	return name, nil
}

// mountedAt says where a device is mounted, from /proc/mounts.
func mountedAt(dev string) string {
	real, err := filepath.EvalSymlinks(dev)
	if err != nil {
		real = dev
	}
	f, err := os.Open("/proc/mounts")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) >= 2 && (fs[0] == dev || fs[0] == real) {
			return fs[1]
		}
	}
	return ""
}

type driveJSON struct {
	Path      string   `json:"path"`
	Vendor    string   `json:"vendor"`
	Product   string   `json:"product"`
	Revision  string   `json:"revision"`
	Profile   string   `json:"current_profile,omitempty"`
	Profiles  []string `json:"profiles,omitempty"`
	Disc      bool     `json:"disc"`
	MountedAt string   `json:"mounted_at,omitempty"`
	Error     string   `json:"error,omitempty"`
}

// withDrive resolves the drive the user named, opens it and calls fn.
func withDrive(name string, fn func(d *mmc.Drive, path string) error) error {
	path, err := resolveDrive(name)
	if err != nil {
		return err
	}
	d, dev, err := openDrive(path)
	if err != nil {
		return err
	}
	defer dev.Close()
	return fn(d, path)
}

func openDrive(path string) (*mmc.Drive, *sgio.Device, error) {
	dev, err := sgio.Open(path, &sgio.Options{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	return mmc.NewDrive(dev), dev, nil
}

func describeDrive(ctx context.Context, path string) driveJSON {
	j := driveJSON{Path: path, MountedAt: mountedAt(path)}
	d, dev, err := openDrive(path)
	if err != nil {
		j.Error = err.Error()
		return j
	}
	defer dev.Close()
	id, err := d.Identity(ctx)
	if err != nil {
		j.Error = err.Error()
		return j
	}
	j.Vendor, j.Product, j.Revision = id.Vendor, id.Product, id.Revision
	if c, err := d.Configuration(ctx); err == nil {
		j.Profile = c.CurrentProfile.String()
		for _, p := range c.Profiles() {
			j.Profiles = append(j.Profiles, p.Profile.String())
		}
	}
	j.Disc = d.Ready(ctx) == nil
	return j
}

func newDrivesCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "drives",
		Short: "List the optical drives: path, vendor, model, profiles, disc, mount (like cdrecord -scanbus)",
		Long: `List the optical drives of this machine (/dev/sr*) with what cdrecord
-scanbus, xorriso -devices and mount answer: the device path, vendor, model
and revision (INQUIRY), the current profile and the media the drive can
handle (GET CONFIGURATION), whether a disc is in, and where it is mounted.
A drive is named in other commands by its path, its /dev/disk/by-id name or
its index in this list.

` + exitCodesHelp,
		Example: `  spindle drives
  spindle drives --json | jq '.[] | select(.disc)'`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			var out []driveJSON
			for _, p := range driveNodes() {
				out = append(out, describeDrive(c.Context(), p))
			}
			if asJSON {
				if out == nil {
					out = []driveJSON{}
				}
				return writeJSON(c.OutOrStdout(), out)
			}
			if len(out) == 0 {
				fmt.Fprintln(c.OutOrStdout(), "no optical drives (/dev/sr*)")
				return nil
			}
			for i, d := range out {
				line := fmt.Sprintf("%d  %-10s %-8s %-16s %-4s", i, d.Path, d.Vendor, d.Product, d.Revision)
				switch {
				case d.Error != "":
					line += "  " + d.Error
				case d.Disc:
					line += "  disc: " + d.Profile
				default:
					line += "  no disc"
				}
				if d.MountedAt != "" {
					line += "  mounted on " + d.MountedAt
				}
				fmt.Fprintln(c.OutOrStdout(), line)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

type trackJSON struct {
	Number  int    `json:"number"`
	Session int    `json:"session"`
	Mode    string `json:"mode"`
	Start   int32  `json:"start"`
	Length  int64  `json:"length"`
}

type discInfoJSON struct {
	Drive    string      `json:"drive"`
	Profile  string      `json:"profile,omitempty"`
	Status   string      `json:"status,omitempty"`
	Erasable bool        `json:"erasable"`
	Blocks   int64       `json:"blocks"`
	Class    string      `json:"class"`
	Sessions int         `json:"sessions"`
	Tracks   []trackJSON `json:"tracks"`
	LeadOut  int32       `json:"lead_out"`
	MSInfo   string      `json:"msinfo,omitempty"`
}

// discClass names the kind of disc a layout is (seed 000's categories).
func discClass(l *disc.Layout) string {
	var audio, data int
	for _, t := range l.Tracks() {
		if t.Mode == disc.Audio {
			audio++
		} else {
			data++
		}
	}
	switch {
	case len(l.Sessions) > 1 && audio > 0 && data > 0 && l.Sessions[0].Tracks[0].Mode == disc.Audio:
		return "enhanced (CD-Extra)"
	case len(l.Sessions) > 1:
		return "multi-session"
	case audio > 0 && data > 0:
		return "mixed mode"
	case audio > 0:
		return "audio"
	}
	return "data"
}

func newDiscInfoCmd() *cobra.Command {
	var drive string
	var asJSON bool
	c := &cobra.Command{
		Use:     "disc-info",
		Aliases: []string{"toc"},
		Short:   "Show the disc in a drive: media, status, sessions and tracks (like xorriso -toc, cd-info)",
		Long: `Show what the disc in a drive holds, as xorriso -toc, cdrecord -toc -minfo
and cd-info print it: the media profile, its status (blank, appendable,
closed), its size, the disc class (audio, data, mixed mode, enhanced
CD-Extra, multi-session), and every session's tracks with their mode, start
block and length, and the multi-session information of an appendable disc.

` + exitCodesHelp,
		Example: `  spindle disc-info
  spindle toc --drive /dev/sr1 --json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withDrive(drive, func(d *mmc.Drive, path string) error { return discInfo(c, d, path, asJSON) })
		},
	}
	c.Flags().StringVar(&drive, "drive", "", "the drive: `PATH`, /dev/disk/by-id name or index (default: the first)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func discInfo(c *cobra.Command, d *mmc.Drive, path string, asJSON bool) error {
	ctx := c.Context()
	if err := d.Ready(ctx); err != nil {
		return fmt.Errorf("disc-info %s: %w", path, err)
	}
	j := discInfoJSON{Drive: path, Tracks: []trackJSON{}}
	if cf, err := d.Configuration(ctx); err == nil {
		j.Profile = cf.CurrentProfile.String()
	}
	if di, err := d.DiscInfo(ctx); err == nil {
		j.Status, j.Erasable = di.Status.String(), di.Erasable
	}
	if capa, err := d.Capacity(ctx); err == nil {
		j.Blocks = int64(capa.LastLBA) + 1
	}
	l, err := d.Layout(ctx)
	if err != nil {
		return fmt.Errorf("disc-info %s: %w", path, err)
	}
	j.Class, j.Sessions = discClass(l), len(l.Sessions)
	for _, s := range l.Sessions {
		for _, t := range s.Tracks {
			j.Tracks = append(j.Tracks, trackJSON{t.Number, s.Number, t.Mode.String(), int32(t.Start), int64(t.Length)})
		}
		j.LeadOut = int32(s.LeadOut)
	}
	if ms, err := d.MSInfo(ctx); err == nil {
		j.MSInfo = ms.String()
	}
	if asJSON {
		return writeJSON(c.OutOrStdout(), j)
	}
	w := &fieldWriter{w: c.OutOrStdout()}
	w.field("Drive", path)
	w.field("Media", j.Profile)
	if j.Status != "" {
		w.field("Status", j.Status)
	}
	w.field("Size", fmt.Sprintf("%d blocks", j.Blocks))
	w.field("Disc class", j.Class)
	w.field("Sessions", strconv.Itoa(j.Sessions))
	for _, t := range j.Tracks {
		w.field(fmt.Sprintf("Track %d", t.Number), fmt.Sprintf("session %d, %s, start %d, %d blocks", t.Session, t.Mode, t.Start, t.Length))
	}
	w.field("Lead-out", strconv.Itoa(int(j.LeadOut)))
	if j.MSInfo != "" {
		w.field("msinfo", j.MSInfo)
	}
	return w.err
}

func newMsinfoCmd() *cobra.Command {
	var drive string
	c := &cobra.Command{
		Use:   "msinfo",
		Short: "Print the last,next session pair for master -C (like cdrecord -msinfo)",
		Long: `Print where the last session of an appendable disc starts and where the
next one will start, as cdrecord -msinfo prints them for mkisofs -C:

  spindle master -R -o next.iso -C $(spindle msinfo) -M /dev/sr0 new/

` + exitCodesHelp,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withDrive(drive, func(d *mmc.Drive, path string) error {
				if err := d.Ready(c.Context()); err != nil {
					return fmt.Errorf("msinfo %s: %w", path, err)
				}
				ms, err := d.MSInfo(c.Context())
				if err != nil {
					return fmt.Errorf("msinfo %s: %w", path, err)
				}
				fmt.Fprintln(c.OutOrStdout(), ms.String())
				return nil
			})
		},
	}
	c.Flags().StringVar(&drive, "drive", "", "the drive: `PATH`, /dev/disk/by-id name or index (default: the first)")
	return c
}

func newTrayCmd(eject bool) *cobra.Command {
	var drive string
	use, short := "load", "Close the drive's tray"
	if eject {
		use, short = "eject", "Open the drive's tray"
	}
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withDrive(drive, func(d *mmc.Drive, path string) error {
				if at := mountedAt(path); at != "" && eject {
					return fmt.Errorf("eject %s: the disc is mounted on %s; umount it first", path, at)
				}
				var err error
				if eject {
					err = d.Eject(c.Context())
				} else {
					err = d.Load(c.Context())
				}
				if err != nil {
					return fmt.Errorf("%s %s: %w", use, path, err)
				}
				return nil
			})
		},
	}
	c.Flags().StringVar(&drive, "drive", "", "the drive: `PATH`, /dev/disk/by-id name or index (default: the first)")
	return c
}
