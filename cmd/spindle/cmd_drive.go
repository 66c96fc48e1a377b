package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"spindle/disc"
	"spindle/mmc"
	"spindle/scsi"
	"spindle/scsi/sgio"
)

// driveEnv is where the CLI finds drives: the sysfs tree and the device
// directory (a fake pair in tests).
type driveEnv struct{ sys, dev string }

var hostDrives = driveEnv{sys: "/sys", dev: "/dev"}

// driveNode is one optical drive as the system names it.
type driveNode struct {
	Path    string   // the node commands open: /dev/srN, or /dev/sgN without the sr driver
	Generic string   // the SCSI generic node (/dev/sgN), if any
	ByID    []string // its names in /dev/disk/by-id
	HCTL    string
}

// drives lists the optical drives (SCSI units of type 5, whatever the
// bus: SCSI, SATA/ATAPI through libata, USB) with their block and SCSI
// generic nodes, in the kernel's host:channel:target:lun order, from
// sysfs; without sysfs, the /dev/sr* nodes.
func (e driveEnv) drives() []driveNode {
	units, err := sgio.Units(e.sys)
	if err != nil {
		m, _ := filepath.Glob(filepath.Join(e.dev, "sr[0-9]*"))
		sort.Slice(m, func(i, j int) bool {
			a, _ := strconv.Atoi(strings.TrimPrefix(filepath.Base(m[i]), "sr"))
			b, _ := strconv.Atoi(strings.TrimPrefix(filepath.Base(m[j]), "sr"))
			return a < b
		})
		var out []driveNode
		for _, p := range m {
			out = append(out, driveNode{Path: p, ByID: e.byID(p)})
		}
		return out
	}
	var out []driveNode
	for _, u := range units {
		if u.Type != int(scsi.TypeMMC) {
			continue
		}
		n := driveNode{HCTL: u.HCTL, Path: e.node(u.Block)}
		if u.Generic != "" {
			n.Generic = e.node(u.Generic)
		}
		if n.Path == "" {
			n.Path = n.Generic
		}
		n.ByID = e.byID(n.Path)
		if n.Generic != n.Path {
			n.ByID = append(n.ByID, e.byID(n.Generic)...)
		}
		out = append(out, n)
	}
	return out
}

// node maps a kernel node name (/dev/sr0) into e.dev.
func (e driveEnv) node(p string) string {
	if p == "" {
		return ""
	}
	return filepath.Join(e.dev, filepath.Base(p))
}

// byID lists the /dev/disk/by-id names that lead to node.
func (e driveEnv) byID(node string) []string {
	dir := filepath.Join(e.dev, "disk", "by-id")
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, en := range ents {
		t, err := os.Readlink(filepath.Join(dir, en.Name()))
		if err != nil {
			continue
		}
		if !filepath.IsAbs(t) {
			t = filepath.Join(dir, t)
		}
		if filepath.Clean(t) == node {
			out = append(out, en.Name())
		}
	}
	return out
}

// resolve turns what the user named into a device path: "" is the first
// drive, a number an index into "spindle drives", a name without a slash
// one of /dev/disk/by-id or else of /dev (sr0, sg1, cdrom), and anything
// else a path (/dev/sg0, /dev/vda, /dev/disk/by-id/...), used as given.
func (e driveEnv) resolve(name string) (string, error) {
	if name == "" {
		nodes := e.drives()
		if len(nodes) == 0 {
			return "", usageError{errors.New("no optical drive found (/dev/sr*, /dev/sg*); name one with --drive")}
		}
		return nodes[0].Path, nil
	}
	if i, err := strconv.Atoi(name); err == nil {
		nodes := e.drives()
		if i < 0 || i >= len(nodes) {
			return "", usageError{fmt.Errorf("--drive %d: there are %d drives (spindle drives lists them)", i, len(nodes))}
		}
		return nodes[i].Path, nil
	}
	if !strings.Contains(name, "/") {
		if p := filepath.Join(e.dev, "disk", "by-id", name); exists(p) {
			return p, nil
		}
		return filepath.Join(e.dev, name), nil
	}
	return name, nil
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// blockNode is the block device of the drive that path names (its sr
// node for an sg node or a by-id name), or path itself when sysfs does
// not know it: the node that mounts and /proc/mounts name.
func (e driveEnv) blockNode(path string) string {
	if u, err := sgio.FindUnit(e.sys, path); err == nil && u.Block != "" {
		return e.node(u.Block)
	}
	return path
}

// mountedAt says where the disc in the drive that path names is mounted,
// from /proc/mounts.
func (e driveEnv) mountedAt(path string) string {
	f, err := os.Open("/proc/mounts")
	if err != nil {
		return ""
	}
	defer f.Close()
	return mountPoint(f, path, e.blockNode(path))
}

// mountPoint finds in a mounts table (/proc/mounts) where one of the
// given device nodes, or what they link to, is mounted.
func mountPoint(r io.Reader, nodes ...string) string {
	names := map[string]bool{}
	for _, n := range nodes {
		names[n] = true
		if real, err := filepath.EvalSymlinks(n); err == nil {
			names[real] = true
		}
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) >= 2 && names[fs[0]] {
			return fs[1]
		}
	}
	return ""
}

type driveJSON struct {
	Index        int               `json:"index"`
	Path         string            `json:"path"`
	Generic      string            `json:"generic,omitempty"`
	ByID         []string          `json:"by_id,omitempty"`
	HCTL         string            `json:"hctl,omitempty"`
	Vendor       string            `json:"vendor"`
	Product      string            `json:"product"`
	Revision     string            `json:"revision"`
	Profile      string            `json:"current_profile,omitempty"`
	Profiles     []string          `json:"profiles,omitempty"`
	Capabilities *capabilitiesJSON `json:"capabilities,omitempty"`
	Disc         bool              `json:"disc"`
	MountedAt    string            `json:"mounted_at,omitempty"`
	Error        string            `json:"error,omitempty"`
}

// capabilitiesJSON is what a drive reads and writes (mmc.DriveCapabilities).
type capabilitiesJSON struct {
	// Reads are disc families: CD, DVD, BD, HD DVD.
	Reads []string `json:"reads"`
	// Writes are media: CD-R, CD-RW, DVD-R, DVD-RW, DVD-R DL, DVD+R,
	// DVD+RW, DVD+R DL, DVD+RW DL, DVD-RAM, BD-R, BD-RE, HD DVD-R, HD
	// DVD-RAM; empty for a drive that only reads.
	Writes []string `json:"writes"`
	// WriteModes are the CD write types: TAO, SAO, raw.
	WriteModes []string `json:"write_modes,omitempty"`
	TestWrite  bool     `json:"test_write"`
	BUF        bool     `json:"buffer_underrun_protection"`
	C2         bool     `json:"c2_pointers"`
	CDText     bool     `json:"reads_cd_text"`
	WriteText  bool     `json:"writes_cd_text"`
	BufferKB   uint32   `json:"buffer_kb,omitempty"`
	// MaxReadKBps and WriteKBps are in kB/s (1000 bytes per second);
	// the write speeds are those for the disc in the drive when it says.
	MaxReadKBps uint32   `json:"max_read_kbps,omitempty"`
	WriteKBps   []uint32 `json:"write_kbps,omitempty"`
}

// newCapabilitiesJSON converts what the drive said; nil when it named no
// disc family it reads, which says nothing.
func newCapabilitiesJSON(c *mmc.DriveCapabilities) *capabilitiesJSON {
	if len(c.Read) == 0 {
		return nil
	}
	j := &capabilitiesJSON{Reads: c.Read, Writes: c.Write, TestWrite: c.TestWrite, BUF: c.BUF, C2: c.C2Pointers,
		CDText: c.CDText, WriteText: c.WriteCDText, BufferKB: c.BufferKB, MaxReadKBps: c.MaxReadKBps, WriteKBps: c.WriteKBps}
	if j.Writes == nil {
		j.Writes = []string{}
	}
	for _, m := range []struct {
		ok   bool
		name string
	}{{c.TAO, "TAO"}, {c.SAO, "SAO"}, {c.Raw, "raw"}} {
		if m.ok {
			j.WriteModes = append(j.WriteModes, m.name)
		}
	}
	return j
}

// readsWrites is the capabilities in a few words: "reads CD,DVD  writes
// CD-R,CD-RW" (writes none for a reader).
func (c *capabilitiesJSON) readsWrites() string {
	w := strings.Join(c.Writes, ",")
	if w == "" {
		w = "none"
	}
	return "reads " + strings.Join(c.Reads, ",") + "  writes " + w
}

// speedsLine is the write speeds in kB/s, and in multiples of the 1x of
// the disc family when known (CD 176.4 kB/s, DVD 1385, BD 4495).
func speedsLine(kbps []uint32, family string) string {
	one := map[string]float64{mmc.FamilyCD: 176.4, mmc.FamilyDVD: 1385, mmc.FamilyBD: 4495}[family]
	var k, x []string
	for _, s := range kbps {
		k = append(k, strconv.FormatUint(uint64(s), 10))
		if one > 0 {
			x = append(x, fmt.Sprintf("%.0fx", float64(s)/one))
		}
	}
	line := strings.Join(k, ", ") + " kB/s"
	if len(x) > 0 {
		line += " (" + strings.Join(x, ", ") + ")"
	}
	return line
}

// withDrive resolves the drive the user named, opens it and calls fn
// with the path the user will recognise. "emu:DIR" names an emulated
// drive (spindle emulate).
func withDrive(name string, fn func(d *mmc.Drive, path string) error) error {
	if strings.HasPrefix(name, emuPrefix) {
		t, c, err := openEmu(name)
		if err != nil {
			return err
		}
		defer c.Close()
		return fn(mmc.NewDrive(t), name)
	}
	path, err := hostDrives.resolve(name)
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

func describeDrive(ctx context.Context, i int, n driveNode) driveJSON {
	j := driveJSON{Index: i, Path: n.Path, Generic: n.Generic, ByID: n.ByID, HCTL: n.HCTL, MountedAt: hostDrives.mountedAt(n.Path)}
	d, dev, err := openDrive(n.Path)
	if err != nil {
		j.Error = err.Error()
		return j
	}
	defer dev.Close()
	describe(ctx, d, &j)
	return j
}

// describe fills in what the drive says of itself: identity (INQUIRY),
// profiles and capabilities (GET CONFIGURATION, MODE SENSE page 2Ah,
// ...), and whether it holds a disc.
func describe(ctx context.Context, d *mmc.Drive, j *driveJSON) {
	id, err := d.Identity(ctx)
	if err != nil {
		j.Error = err.Error()
		return
	}
	j.Vendor, j.Product, j.Revision = id.Vendor, id.Product, id.Revision
	if c, err := d.Capabilities(ctx); err == nil {
		if c.Configured {
			j.Profile = c.Current.String()
		}
		for _, p := range c.Profiles {
			j.Profiles = append(j.Profiles, p.String())
		}
		j.Capabilities = newCapabilitiesJSON(c)
	}
	j.Disc = d.Ready(ctx) == nil
}

func newDrivesCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "drives",
		Short: "List the optical drives: index, paths, vendor, model, media read and written, disc, mount (like cdrecord -scanbus)",
		Long: `List the optical drives of this machine with what cdrecord -scanbus,
xorriso -devices and mount answer: the index, the device node (/dev/srN, or
/dev/sgN when the sr driver is not bound) and the drive's SCSI generic node
(/dev/sgN, found through sysfs), vendor, model and revision (INQUIRY), the
disc families it reads and the media it writes (GET CONFIGURATION, or MODE
SENSE page 2Ah for drives older than MMC-2: "reads CD,DVD,BD  writes
CD-R,CD-RW,DVD-R,DVD+R,DVD+RW,BD-R,BD-RE"; "writes none" for a reader), the
current profile, whether a disc is in, and where it is mounted.

A drive is named in the other commands (--drive) by its index in this list,
by either of its nodes (/dev/sr0, /dev/sg0, or sr0, sg0), by a name in
/dev/disk/by-id, or by the path of any other node whose driver takes SG_IO
(a drive passed into a virtual machine may be /dev/vda).

--json prints an array of objects: index, path, generic, by_id, hctl,
vendor, product, revision, current_profile, profiles, capabilities {reads,
writes, write_modes (TAO, SAO, raw), test_write, buffer_underrun_protection,
c2_pointers, reads_cd_text, writes_cd_text, buffer_kb, max_read_kbps,
write_kbps (kB/s, fastest first)}, disc, mounted_at and error (the fields
that do not apply are left out).

` + exitCodesHelp,
		Example: `  spindle drives
  spindle drives --json | jq '.[] | select(.disc)'`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			out := []driveJSON{}
			for i, n := range hostDrives.drives() {
				out = append(out, describeDrive(c.Context(), i, n))
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), out)
			}
			if len(out) == 0 {
				fmt.Fprintln(c.OutOrStdout(), "no optical drives (/dev/sr*, /dev/sg*)")
				return nil
			}
			for _, d := range out {
				fmt.Fprintln(c.OutOrStdout(), driveLine(d))
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// driveLine is a drive's line in the listing: index, nodes, identity,
// disc and mount.
func driveLine(d driveJSON) string {
	generic := d.Generic
	if generic == "" || generic == d.Path {
		generic = "-"
	}
	line := fmt.Sprintf("%d  %-10s %-9s %-8s %-16s %-4s", d.Index, d.Path, generic, d.Vendor, d.Product, d.Revision)
	if d.Capabilities != nil && d.Error == "" {
		line += "  " + d.Capabilities.readsWrites()
	}
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
	return line
}

type trackJSON struct {
	Number  int    `json:"number"`
	Session int    `json:"session"`
	Mode    string `json:"mode"`
	Start   int32  `json:"start"`
	Length  int64  `json:"length"`
	ISRC    string `json:"isrc,omitempty"`
}

type discInfoJSON struct {
	Drive string `json:"drive"`
	// Capabilities are the drive's; its write speeds are those it
	// offers for this disc.
	Capabilities *capabilitiesJSON `json:"drive_capabilities,omitempty"`
	Profile      string            `json:"profile,omitempty"`
	Status       string            `json:"status,omitempty"`
	Erasable     bool              `json:"erasable"`
	Blocks       int64             `json:"blocks"`
	Class        string            `json:"class"`
	// MCN is the media catalog number (UPC/EAN) of the Q sub-channel.
	MCN      string      `json:"mcn,omitempty"`
	Sessions int         `json:"sessions"`
	Tracks   []trackJSON `json:"tracks"`
	LeadOut  int32       `json:"lead_out"`
	// FreeBlocks is the room left on a blank or appendable disc.
	FreeBlocks int64        `json:"free_blocks,omitempty"`
	MSInfo     string       `json:"msinfo,omitempty"`
	ATIP       *atipJSON    `json:"atip,omitempty"`
	CDText     []cdTextJSON `json:"cd_text,omitempty"`
	// family is the disc's family (CD, DVD, BD), for the speeds in x.
	family string
}

// atipJSON is the ATIP of a recordable CD (READ TOC format 4). The codes
// (disc sub-type, writing power, reference speed) are the Orange Book's,
// as the drive reports them; A1..A3 are hex, present when valid.
type atipJSON struct {
	DiscType       string `json:"disc_type"` // CD-R or CD-RW
	DiscSubType    int    `json:"disc_sub_type"`
	LeadIn         int32  `json:"lead_in_start"` // LBA, negative
	LeadInMSF      string `json:"lead_in_start_msf"`
	LastLeadOut    int32  `json:"last_lead_out"` // LBA: the disc's capacity
	LastLeadOutMSF string `json:"last_lead_out_msf"`
	WritingPower   int    `json:"writing_power"`
	ReferenceSpeed int    `json:"reference_speed"`
	Unrestricted   bool   `json:"unrestricted_use"`
	DDCD           bool   `json:"ddcd,omitempty"`
	A1             string `json:"a1,omitempty"`
	A2             string `json:"a2,omitempty"`
	A3             string `json:"a3,omitempty"`
}

func newATIPJSON(a *mmc.ATIP) *atipJSON {
	j := &atipJSON{
		DiscType: "CD-R", DiscSubType: int(a.DiscSubType),
		LeadIn: int32(a.LeadInStart), LeadInMSF: a.LeadInMSF.String(),
		LastLeadOut: int32(a.LastLeadOut), LastLeadOutMSF: a.LastLeadOutMSF.String(),
		WritingPower: int(a.WritingPower), ReferenceSpeed: int(a.ReferenceSpeed),
		Unrestricted: a.URU, DDCD: a.DDCD,
	}
	if a.Erasable {
		j.DiscType = "CD-RW"
	}
	if a.A1Valid {
		j.A1 = fmt.Sprintf("%x", a.A1)
	}
	if a.A2Valid {
		j.A2 = fmt.Sprintf("%x", a.A2)
	}
	if a.A3Valid {
		j.A3 = fmt.Sprintf("%x", a.A3)
	}
	return j
}

// cdTextJSON is one CD-TEXT block (one language; READ TOC format 5).
type cdTextJSON struct {
	Block         int             `json:"block"`
	Language      int             `json:"language"`       // the CD-TEXT language code (09h English, ...)
	CharacterCode string          `json:"character_code"` // ISO 8859-1, ASCII, MS-JIS, ...
	Disc          textJSON        `json:"disc"`
	Tracks        []trackTextJSON `json:"tracks,omitempty"`
}

type textJSON struct {
	Title      string            `json:"title,omitempty"`
	Performer  string            `json:"performer,omitempty"`
	Songwriter string            `json:"songwriter,omitempty"`
	Composer   string            `json:"composer,omitempty"`
	Arranger   string            `json:"arranger,omitempty"`
	Message    string            `json:"message,omitempty"`
	ISRC       string            `json:"isrc,omitempty"`
	UPC        string            `json:"upc,omitempty"`
	Extra      map[string]string `json:"extra,omitempty"`
}

type trackTextJSON struct {
	Number int `json:"number"`
	textJSON
}

func newTextJSON(t disc.Text) textJSON {
	return textJSON{t.Title, t.Performer, t.Songwriter, t.Composer, t.Arranger, t.Message, t.ISRC, t.UPC, t.Extra}
}

func charCodeName(c uint8) string {
	switch c {
	case mmc.CharISO8859_1:
		return "ISO 8859-1"
	case mmc.CharASCII:
		return "ASCII"
	case mmc.CharMSJIS:
		return "MS-JIS"
	case mmc.CharKorean:
		return "Korean"
	case mmc.CharMandarin:
		return "Mandarin"
	}
	return fmt.Sprintf("%02Xh", c)
}

func newCDTextJSON(ct *mmc.CDText) []cdTextJSON {
	var out []cdTextJSON
	for _, b := range ct.Blocks {
		j := cdTextJSON{Block: int(b.Number), Language: int(b.Language), CharacterCode: charCodeName(b.CharCode), Disc: newTextJSON(b.Disc)}
		nums := make([]int, 0, len(b.Tracks))
		for n := range b.Tracks {
			nums = append(nums, n)
		}
		sort.Ints(nums)
		for _, n := range nums {
			j.Tracks = append(j.Tracks, trackTextJSON{n, newTextJSON(b.Tracks[n])})
		}
		out = append(out, j)
	}
	return out
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
		Short:   "Show the disc in a drive: media, status, sessions, tracks, MCN, ISRC, ATIP, CD-TEXT (like xorriso -toc, cd-info)",
		Long: `Show what the disc in a drive holds, as xorriso -toc, cdrecord -toc -atip
-minfo and cd-info print it: what the drive reads and writes (as spindle
drives lists it) and the write speeds it offers for the disc, the media
profile, its status (empty, incomplete = appendable, complete = closed), its
size, the disc class (audio, data, mixed mode, enhanced CD-Extra,
multi-session, blank), the media catalog number (MCN), every session's
tracks with their mode, start block, length and ISRC, the free space and
multi-session information of a blank or appendable disc, the ATIP of a CD-R
or CD-RW (disc type, start of the lead-in, which identifies the
manufacturer, last possible start of the lead-out, which is the capacity,
and the Orange Book codes for writing power and speed), and the CD-TEXT of
an audio CD. What the drive or disc does not provide is left out.

The drive is named as in spindle drives: index, /dev/srN, /dev/sgN, a
/dev/disk/by-id name, or another node's path; the default is the first.

--json prints one object: drive, drive_capabilities (as in spindle drives
--json), profile, status, erasable, blocks, class, mcn, sessions, tracks
[{number, session, mode, start, length, isrc}], lead_out, free_blocks,
msinfo, atip {disc_type, disc_sub_type, lead_in_start, lead_in_start_msf,
last_lead_out, last_lead_out_msf, writing_power, reference_speed,
unrestricted_use, ddcd, a1, a2, a3} and cd_text [{block, language,
character_code, disc {title, performer, songwriter, composer, arranger,
message, isrc, upc, extra}, tracks [{number, title, ...}]}].

` + exitCodesHelp,
		Example: `  spindle disc-info
  spindle toc --drive /dev/sr1 --json
  spindle disc-info --drive /dev/sg0`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withDrive(drive, func(d *mmc.Drive, path string) error { return discInfo(c, d, path, asJSON) })
		},
	}
	c.Flags().StringVar(&drive, "drive", "", "the drive: `PATH`, index, sr0/sg0 or /dev/disk/by-id name (default: the first)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// collectDiscInfo asks the drive everything disc-info shows. Only the
// layout is required, except on a blank disc, which has none; what the
// drive does not answer is left out.
func collectDiscInfo(ctx context.Context, d *mmc.Drive, path string) (discInfoJSON, error) {
	if err := d.Ready(ctx); err != nil {
		return discInfoJSON{}, err
	}
	j := discInfoJSON{Drive: path, Tracks: []trackJSON{}}
	if c, err := d.Capabilities(ctx); err == nil {
		if c.Configured {
			j.Profile, j.family = c.Current.String(), c.Current.Family()
		}
		j.Capabilities = newCapabilitiesJSON(c)
	}
	blank := false
	if di, err := d.DiscInfo(ctx); err == nil {
		j.Status, j.Erasable = di.Status.String(), di.Erasable
		blank = di.Status == mmc.DiscEmpty
	}
	if capa, err := d.Capacity(ctx); err == nil && !blank {
		j.Blocks = int64(capa.LastLBA) + 1 // a blank disc may claim one
	}
	l, err := d.Layout(ctx)
	switch {
	case err == nil:
		j.Class, j.Sessions, j.MCN = discClass(l), len(l.Sessions), l.MCN
		for _, s := range l.Sessions {
			for _, t := range s.Tracks {
				j.Tracks = append(j.Tracks, trackJSON{t.Number, s.Number, t.Mode.String(), int32(t.Start), int64(t.Length), t.ISRC})
			}
			j.LeadOut = int32(s.LeadOut)
		}
	case blank:
		j.Class = "blank"
	default:
		return discInfoJSON{}, err
	}
	if ms, err := d.MSInfo(ctx); err == nil {
		j.MSInfo, j.FreeBlocks = ms.String(), int64(ms.Free)
	}
	if a, err := d.ATIP(ctx); err == nil {
		j.ATIP = newATIPJSON(a)
	}
	if ct, err := d.CDText(ctx); err == nil {
		j.CDText = newCDTextJSON(ct)
	}
	return j, nil
}

func discInfo(c *cobra.Command, d *mmc.Drive, path string, asJSON bool) error {
	j, err := collectDiscInfo(c.Context(), d, path)
	if err != nil {
		return fmt.Errorf("disc-info %s: %w", path, err)
	}
	if asJSON {
		return writeJSON(c.OutOrStdout(), j)
	}
	return writeDiscInfo(c.OutOrStdout(), j)
}

// writeDiscInfo prints disc-info for people: a field per line.
func writeDiscInfo(out io.Writer, j discInfoJSON) error {
	w := &fieldWriter{w: out}
	w.field("Drive", j.Drive)
	if c := j.Capabilities; c != nil {
		w.field("Drive capabilities", c.readsWrites())
		if len(c.WriteKBps) > 0 {
			w.field("Write speeds", speedsLine(c.WriteKBps, j.family))
		}
	}
	w.field("Media", j.Profile)
	if j.Status != "" {
		w.field("Status", j.Status)
	}
	w.field("Size", fmt.Sprintf("%d blocks", j.Blocks))
	w.field("Disc class", j.Class)
	if j.MCN != "" {
		w.field("MCN", j.MCN)
	}
	w.field("Sessions", strconv.Itoa(j.Sessions))
	for _, t := range j.Tracks {
		v := fmt.Sprintf("session %d, %s, start %d, %d blocks", t.Session, t.Mode, t.Start, t.Length)
		if t.ISRC != "" {
			v += ", ISRC " + t.ISRC
		}
		w.field(fmt.Sprintf("Track %d", t.Number), v)
	}
	if j.Sessions > 0 {
		w.field("Lead-out", strconv.Itoa(int(j.LeadOut)))
	}
	if j.FreeBlocks > 0 {
		w.field("Free", fmt.Sprintf("%d blocks", j.FreeBlocks))
	}
	if j.MSInfo != "" {
		w.field("msinfo", j.MSInfo)
	}
	if a := j.ATIP; a != nil {
		w.field("ATIP disc type", fmt.Sprintf("%s, sub-type %d", a.DiscType, a.DiscSubType))
		w.field("ATIP lead-in start", fmt.Sprintf("%s (%d)", a.LeadInMSF, a.LeadIn))
		w.field("ATIP last lead-out", fmt.Sprintf("%s (%d)", a.LastLeadOutMSF, a.LastLeadOut))
		codes := fmt.Sprintf("writing power %d, reference speed %d", a.WritingPower, a.ReferenceSpeed)
		if !a.Unrestricted {
			codes += ", restricted use"
		}
		for _, v := range []struct{ n, v string }{{"A1", a.A1}, {"A2", a.A2}, {"A3", a.A3}} {
			if v.v != "" {
				codes += ", " + v.n + " " + v.v
			}
		}
		w.field("ATIP codes", codes)
	}
	for _, b := range j.CDText {
		w.field(fmt.Sprintf("CD-TEXT block %d", b.Block), fmt.Sprintf("language %02Xh, %s", b.Language, b.CharacterCode))
		if s := textLine(b.Disc); s != "" {
			w.field("  Disc", s)
		}
		for _, t := range b.Tracks {
			if s := textLine(t.textJSON); s != "" {
				w.field(fmt.Sprintf("  Track %d", t.Number), s)
			}
		}
	}
	return w.err
}

// textLine joins the fields of a CD-TEXT entry that are set, named.
func textLine(t textJSON) string {
	var parts []string
	for _, f := range []struct{ n, v string }{
		{"title", t.Title}, {"performer", t.Performer}, {"songwriter", t.Songwriter}, {"composer", t.Composer},
		{"arranger", t.Arranger}, {"message", t.Message}, {"ISRC", t.ISRC}, {"UPC", t.UPC},
	} {
		if f.v != "" {
			parts = append(parts, fmt.Sprintf("%s %q", f.n, f.v))
		}
	}
	keys := make([]string, 0, len(t.Extra))
	for k := range t.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %q", strings.ToLower(k), t.Extra[k]))
	}
	return strings.Join(parts, ", ")
}

type msinfoJSON struct {
	Drive            string `json:"drive"`
	LastSessionStart int32  `json:"last_session_start"`
	NextWritable     int32  `json:"next_writable"`
	FreeBlocks       int64  `json:"free_blocks"`
}

func newMsinfoCmd() *cobra.Command {
	var drive string
	var asJSON bool
	c := &cobra.Command{
		Use:   "msinfo",
		Short: "Print the last,next session pair for master -C (like cdrecord -msinfo)",
		Long: `Print where the last session of an appendable disc starts and where the
next one will start, as cdrecord -msinfo prints them for mkisofs -C (0 and
the first writable block on a blank disc):

  spindle master -R -o next.iso -C $(spindle msinfo) -M /dev/sr0 new/

--json prints {drive, last_session_start, next_writable, free_blocks}.

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
				if asJSON {
					return writeJSON(c.OutOrStdout(), msinfoJSON{path, int32(ms.LastSessionStart), int32(ms.NextWritable), int64(ms.Free)})
				}
				fmt.Fprintln(c.OutOrStdout(), ms.String())
				return nil
			})
		},
	}
	c.Flags().StringVar(&drive, "drive", "", "the drive: `PATH`, index, sr0/sg0 or /dev/disk/by-id name (default: the first)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

type trayJSON struct {
	Drive string `json:"drive"`
	Tray  string `json:"tray"` // "open" after eject, "closed" after load
}

func newTrayCmd(eject bool) *cobra.Command {
	var drive string
	var asJSON bool
	use, short, tray := "load", "Close the drive's tray", "closed"
	if eject {
		use, short, tray = "eject", "Open the drive's tray", "open"
	}
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + ` (START STOP UNIT). eject refuses while the disc is mounted,
whichever node names the drive. --json prints {drive, tray}.

` + exitCodesHelp,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withDrive(drive, func(d *mmc.Drive, path string) error {
				if at := hostDrives.mountedAt(path); at != "" && eject {
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
				if asJSON {
					return writeJSON(c.OutOrStdout(), trayJSON{path, tray})
				}
				return nil
			})
		},
	}
	c.Flags().StringVar(&drive, "drive", "", "the drive: `PATH`, index, sr0/sg0 or /dev/disk/by-id name (default: the first)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}
