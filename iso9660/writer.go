package iso9660

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"spindle/internal/md5"
	"spindle/iso9660/eltorito"
	"spindle/isomd5"
)

// RockRidge selects whether and how Rock Ridge attributes are recorded.
type RockRidge int

const (
	// NoRockRidge writes only ISO 9660 (and Joliet) names.
	NoRockRidge RockRidge = iota
	// RockRidgeKeep records owners and modes as they are (mkisofs -R).
	RockRidgeKeep
	// RockRidgeRationalize records uid/gid 0 and read-only, world-readable
	// modes (mkisofs -r): useful values for whoever mounts the disc.
	RockRidgeRationalize
)

// AttributeOverride replaces owners and modes in the Rock Ridge attributes
// (RRIP §4.1.1 PX) of every file, after the rules of RockRidgeRationalize,
// as mkisofs's -uid, -gid, -file-mode and -dir-mode do. Only the fields
// named in Set apply.
type AttributeOverride struct {
	Set      OverrideFields
	UID, GID uint32
	// FileMode and DirMode give the permission bits, with the set-id and
	// sticky bits, of regular files and of directories.
	FileMode, DirMode fs.FileMode
}

// OverrideFields names the fields of an AttributeOverride that apply.
type OverrideFields uint8

const (
	OverrideUID OverrideFields = 1 << iota
	OverrideGID
	OverrideFileMode
	OverrideDirMode
)

// permBits are the bits of a mode that AttributeOverride replaces.
const permBits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

func (a *AttributeOverride) apply(n *Node) {
	if a.Set&OverrideUID != 0 {
		n.UID = a.UID
	}
	if a.Set&OverrideGID != 0 {
		n.GID = a.GID
	}
	switch {
	case n.Mode.IsRegular() && a.Set&OverrideFileMode != 0:
		n.Mode = n.Mode&^permBits | a.FileMode&permBits
	case n.IsDir() && a.Set&OverrideDirMode != 0:
		n.Mode = n.Mode&^permBits | a.DirMode&permBits
	}
}

// VolumeInfo holds the identifiers and dates of the volume descriptors
// (ECMA-119 §8.4). Empty fields get defaults.
type VolumeInfo struct {
	SystemID    string // default "LINUX"
	VolumeID    string // default "CDROM"
	VolumeSetID string
	Publisher   string
	Preparer    string
	Application string // default "SPINDLE"
	// File identifiers of files in the root directory (ECMA-119 §8.4.29-31).
	CopyrightFile, AbstractFile, BibliographicFile string
	// Zero Created and Modified mean the writer's Now. Zero Expiration and
	// Effective are written as "not specified".
	Created, Modified, Expiration, Effective time.Time
}

// BootEntry is one El Torito boot entry. The first entry is the default.
type BootEntry struct {
	// Image is the image path of the boot file (it must be in the tree).
	Image    string
	Platform eltorito.Platform
	// Emulation is NoEmulation, HardDisk or a floppy type. With Floppy set,
	// the floppy type is chosen from the file's size.
	Emulation eltorito.Emulation
	Floppy    bool
	// LoadSegment 0 means the BIOS default (0x7C0).
	LoadSegment uint16
	// LoadSize is the number of 512-byte sectors to load in no-emulation
	// mode; 0 loads the whole file (mkisofs's default).
	LoadSize uint16
	// InfoTable patches the 56-byte boot information table into bytes
	// 8..63 of the boot file as it is written (the source is not changed).
	InfoTable bool
	// NotBootable marks the entry as not bootable (mkisofs -no-boot).
	NotBootable bool
	// HybridPartition, with Options.HybridMBR, also records the boot
	// image as a partition, so that UEFI firmware boots an EFI image from
	// a USB stick or hard disk: an MBR partition of type EFh and a GUID
	// partition table (GPT) beside the MBR, as xorriso
	// -isohybrid-gpt-basdat writes them (see hybrid.go).
	HybridPartition bool
}

// Options configures an image. The zero value writes level 1 ISO 9660
// names without extensions.
type Options struct {
	Names      ISONameOptions
	RockRidge  RockRidge
	RRVersion  RRVersion
	Joliet     bool
	JolietLong bool
	Volume     VolumeInfo
	// Boot entries (El Torito). BootCatalog is the image path of the boot
	// catalog; empty hides it (it then has no directory entry).
	Boot        []BootEntry
	BootCatalog string
	// CatalogHide hides the named boot catalog as Node.Hide does (the
	// catalog is still written and found through the boot record).
	CatalogHide HideFlags
	// NoPad leaves out the 150 blocks of zeros at the end of the image
	// that mkisofs and xorriso add so that read-ahead past the last file
	// never hits the unreadable run-out of a TAO track.
	NoPad bool
	// SessionStart is the block address where the image being written will
	// begin (mkisofs -C's second number): every address in it is offset by
	// that much, and the output holds only the new session. Zero for a
	// single-session image.
	SessionStart uint32
	// Growable lays the session out as libisofs does for image files and
	// overwritable media that grow by appending sessions: the session's own
	// volume descriptors record its size, and the volume's size (from
	// block 0 to the session's end) goes into the copy that
	// Writer.Superblock returns for block 16. Without SessionStart a
	// growable image's first session starts at block 32, behind 64 KiB
	// left for that copy.
	Growable bool
	// Now is the time recorded as the volume's creation and modification
	// time; zero means time.Now().
	Now time.Time
	// ClampTimes makes the image reproducible: file times later than Now
	// are set to Now, and access and change times equal modification times
	// (reading a tree changes its access times).
	ClampTimes bool
	// SortWeight, if set, orders the file data: files of higher weight are
	// written first, nearer the start of the disc where reading is
	// fastest (a live system's boot files, say); equal weights keep the
	// order of the primary hierarchy (mkisofs -sort). It does not change
	// the order of directory entries.
	SortWeight func(*Node) int32
	// NoDeepRelocation keeps directories deeper than eight levels where
	// they are instead of relocating them with Rock Ridge (mkisofs -D).
	// The primary hierarchy then breaks ECMA-119 §6.8.2.1, as it does
	// without Rock Ridge: Linux, xorriso and libarchive read it, strict
	// readers may not.
	NoDeepRelocation bool
	// Attributes replaces the owners and modes that Rock Ridge records
	// for every file (mkisofs -uid, -gid, -file-mode, -dir-mode).
	Attributes AttributeOverride
	// TransTable adds a TRANS.TBL file to every directory that maps its
	// ISO 9660 names to the original names (mkisofs -T), for readers that
	// see neither Rock Ridge nor Joliet.
	TransTable bool
	// MD5 records MD5 checksums the way libisofs does (xorriso -md5 on;
	// libisofs doc/checksums.txt): checksum tags after the volume
	// descriptors, after the directory trees and at the end of the
	// session, and, with Rock Ridge, a checksum array after the file data
	// that the root's AAIP attribute "isofs.ca" locates and each data
	// file's "isofs.cx" indexes. Without SessionStart the image is laid
	// out as a growable one (Growable) whose 64 KiB head WriteTo writes
	// too, and WriteTo computes the isomd5sum checksum (implantisomd5)
	// that ImplantAppUse returns for the head's copy of the primary
	// volume descriptor, outside the libisofs checksums (see md5.go).
	MD5 bool
	// NoImplant leaves out the isomd5sum computation of MD5, for output
	// that cannot be patched once written (a pipe).
	NoImplant bool
	// HybridMBR makes an isohybrid image, which also boots from a USB
	// stick or hard disk through a PC BIOS (xorriso -isohybrid-mbr; see
	// hybrid.go). It is an MBR template of 432 to 512 bytes, such as
	// Syslinux's isohdpfx.bin: its first 432 bytes of boot code go into
	// block 0 with the first boot image's address and a partition table,
	// and the image is padded to a whole MiB. The first boot entry must be
	// an x86 no-emulation one (ISOLINUX, with InfoTable); not with
	// SessionStart, Growable or MD5.
	HybridMBR []byte
	// Progress, if set, is called as data is written.
	Progress func(written, total int64)
}

// maxExtent is the largest extent of a multi-extent file: the largest
// multiple of the block size that fits the 32-bit data length field
// (ECMA-119 §9.1.4, §6.5.1: a file may be recorded in several extents).
const maxExtent = 0xFFFFF800

// padBlocks is the zero padding written after the last file.
const padBlocks = 150

// maxDepth is the deepest directory level ECMA-119 §6.8.2.1 allows,
// counting the root as level 1.
const maxDepth = 8

// Writer lays an image out and writes it. The layout is computed by
// NewWriter, so Size is known before anything is written.
type Writer struct {
	dirBuf     []byte // scratch for encoding directories
	superblock bool   // encoding the descriptors for Superblock
	opt        Options
	tree       *Tree
	warn       func(error)
	primary    *wtree
	joliet     *wtree
	files      []*Node // data-bearing nodes in the order their data is written
	hybridPad  uint32  // blocks padding an isohybrid image to a whole cylinder
	nodes      int     // distinct nodes in the tree (hard links count once)
	boot       []bootPlan
	catalog    *Node // catalog node when it has a name, else nil
	// hidPrimary is set when a node is hidden from the primary
	// hierarchy: layout then finds its data a place of its own.
	hidPrimary bool
	catLBA     uint32
	catSize    uint32

	descriptors int // number of volume descriptors incl. terminator
	dataLBA     uint32
	total       uint32 // volume space size in blocks
	rrMoved     *Node
	trans       map[*Node][]byte // TRANS.TBL nodes and their contents
	md5         *md5Plan         // nil unless Options.MD5
	// head makes WriteTo write the 64 KiB head of a growable image (16
	// blocks of zeros and the Superblock copy) before the session.
	head    bool
	written bool
}

type bootPlan struct {
	entry BootEntry
	node  *Node
	emu   eltorito.Emulation
	count uint16
	sys   uint8
}

// NewWriter lays out an image of t. Changes made to t afterwards are not
// reflected.
func NewWriter(t *Tree, opt *Options) (*Writer, error) {
	w := &Writer{tree: t, warn: t.Warn}
	if opt != nil {
		w.opt = *opt
	}
	if w.warn == nil {
		w.warn = func(error) {}
	}
	if w.opt.Now.IsZero() {
		w.opt.Now = time.Now()
	}
	if w.opt.MD5 && w.opt.SessionStart == 0 {
		// See md5.go: the session's checksums must not cover the
		// descriptor that carries the isomd5sum text.
		w.opt.Growable, w.head = true, true
	}
	if w.opt.Growable && w.opt.SessionStart == 0 {
		w.opt.SessionStart = growableFirstSession
	}
	v := &w.opt.Volume
	if v.SystemID == "" {
		v.SystemID = "LINUX"
	}
	if v.VolumeID == "" {
		v.VolumeID = "CDROM"
	}
	if v.Application == "" {
		v.Application = "SPINDLE"
	}
	if v.Created.IsZero() {
		v.Created = w.opt.Now
	}
	if v.Modified.IsZero() {
		v.Modified = w.opt.Now
	}
	if err := w.addCatalog(); err != nil {
		return nil, err
	}
	if w.opt.TransTable {
		w.addTransTables(w.tree.root)
	}
	if err := w.prepareNodes(); err != nil {
		return nil, err
	}
	if err := w.planBoot(); err != nil {
		return nil, err
	}
	if err := w.checkHybrid(); err != nil {
		return nil, err
	}
	// The Joliet hierarchy reads the tree only, so (for trees large enough
	// to pay for a goroutine) it is built on another core while the
	// primary one is (naming and sorting tens of thousands
	// of entries is most of the layout's time). TRANS.TBL files get their
	// size from the primary names, so with them the builds take turns.
	var (
		err      error
		jerr     error
		jolietCh chan struct{}
	)
	if w.opt.Joliet && !w.opt.TransTable && w.nodes >= parallelNodes {
		jolietCh = make(chan struct{})
		go func() {
			defer close(jolietCh)
			w.joliet, jerr = w.buildJoliet()
		}()
	}
	w.primary, err = w.buildPrimary()
	if jolietCh != nil {
		<-jolietCh
	}
	if err != nil {
		return nil, err
	}
	if jerr != nil {
		return nil, jerr
	}
	w.fillTransTables()
	if w.opt.Joliet && jolietCh == nil {
		if w.joliet, err = w.buildJoliet(); err != nil {
			return nil, err
		}
	}
	if w.opt.MD5 {
		w.planMD5()
	}
	if err := w.layout(); err != nil {
		return nil, err
	}
	return w, nil
}

// Size returns the size of the image in bytes.
func (w *Writer) Size() int64 { return int64(w.Blocks()) * BlockSize }

// Blocks returns the size of the image in 2048-byte blocks (what
// mkisofs -print-size reports).
func (w *Writer) Blocks() uint32 { return w.total + w.opt.SessionStart - w.outStart() }

// outStart is the block at which WriteTo's output begins: the session's
// start, or 0 when WriteTo writes the head before it.
func (w *Writer) outStart() uint32 {
	if w.head {
		return 0
	}
	return w.opt.SessionStart
}

// prepareNodes applies the attribute policy (rationalized modes, clamped
// times), drops what the chosen format cannot hold and resolves hard links.
func (w *Writer) prepareNodes() error {
	var serial uint32
	links := map[[2]uint64]*Node{}
	// hidden is set below a node hidden from the primary hierarchy: a
	// hard link's count (RRIP §4.1.1 PX) takes only the names Rock Ridge
	// shows there.
	var visit func(n *Node, hidden bool) error
	visit = func(n *Node, hidden bool) error {
		if n.Hide&HidePrimary != 0 {
			w.hidPrimary = true
			hidden = true
		}
		shown := uint32(1)
		if hidden {
			shown = 0
		}
		serial++
		n.serial = serial
		n.first, n.nlink = nil, shown
		if w.opt.ClampTimes {
			if n.ModTime.After(w.opt.Now) {
				n.ModTime = w.opt.Now
			}
			n.AccessTime, n.ChangeTime = n.ModTime, n.ModTime
		}
		if w.opt.RockRidge == RockRidgeRationalize {
			rationalize(n)
		}
		if w.opt.Attributes.Set != 0 {
			w.opt.Attributes.apply(n)
		}
		if n.linkKey != ([2]uint64{}) && n.Mode.IsRegular() {
			if f := links[n.linkKey]; f != nil {
				n.first = f
				n.serial = f.serial
				serial--
				f.nlink += shown
			} else {
				links[n.linkKey] = n
			}
		}
		if !n.IsDir() {
			return nil
		}
		kept := n.children[:0]
		for _, c := range n.children {
			special := !c.IsDir() && !c.Mode.IsRegular() && c.Mode&fs.ModeSymlink == 0
			if w.opt.RockRidge == NoRockRidge && (special || c.Mode&fs.ModeSymlink != 0) {
				w.warn(&PathError{Path: c.Source(), Err: fmt.Errorf("%s left out: only Rock Ridge can record it (use -R or -r)", FileKind(c.Mode))})
				continue
			}
			kept = append(kept, c)
		}
		n.children = kept
		for _, c := range n.children {
			if err := visit(c, hidden); err != nil {
				return err
			}
		}
		return nil
	}
	err := visit(w.tree.root, false)
	w.nodes = int(serial)
	return err
}

// parallelNodes is the tree size from which the Joliet hierarchy is built
// beside the primary one: below it a goroutine costs more than it saves.
const parallelNodes = 1024

// FileKind names a file's type in words ("symbolic link", "named pipe",
// "character device", ...) for messages about files that a format or a
// destination cannot hold.
func FileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	}
	return "file"
}

// rationalize applies mkisofs -r's rules: owner root, all read bits, all
// execute bits if any is set, no write bits, no set-id or sticky bits.
func rationalize(n *Node) {
	n.UID, n.GID = 0, 0
	perm := n.Mode.Perm() | 0o444
	if perm&0o111 != 0 {
		perm |= 0o111
	}
	perm &^= 0o222
	n.Mode = n.Mode&fs.ModeType | perm
}

func (w *Writer) planBoot() error {
	if len(w.opt.Boot) == 0 {
		return nil
	}
	for i, e := range w.opt.Boot {
		n, err := w.lookup(e.Image)
		if err != nil {
			return fmt.Errorf("boot image %d: %w", i+1, err)
		}
		if !n.Mode.IsRegular() {
			return &PathError{Path: e.Image, Err: errors.New("boot image is not a regular file")}
		}
		if n.first != nil {
			n = n.first // a hard link: the data is the first name's
		}
		p := bootPlan{entry: e, node: n, emu: e.Emulation}
		switch {
		case e.Floppy:
			if p.emu, err = eltorito.EmulationForSize(n.Size); err != nil {
				return &PathError{Path: e.Image, Err: fmt.Errorf("floppy emulation: %w (use -no-emul-boot or -hard-disk-boot)", err)}
			}
			p.count = 1
		case e.Emulation == eltorito.HardDisk:
			mbr, err := readHead(n, 512)
			if err != nil {
				return &PathError{Path: e.Image, Err: err}
			}
			if p.sys, err = eltorito.HardDiskSystemType(mbr); err != nil {
				return &PathError{Path: e.Image, Err: fmt.Errorf("hard-disk emulation: %w", err)}
			}
			p.count = 1
		default:
			p.count = e.LoadSize
			if p.count == 0 {
				p.count = eltorito.NoEmulationSectorCount(n.Size)
			}
		}
		if e.InfoTable && n.Size > 64<<20 {
			return &PathError{Path: e.Image, Err: errors.New("boot image too large for a boot information table (over 64 MiB)")}
		}
		w.boot = append(w.boot, p)
	}
	return nil
}

// transName is the name mkisofs -T gives its translation tables.
const transName = "TRANS.TBL"

// addTransTables gives every directory below n a TRANS.TBL whose content
// is filled in once the ISO 9660 names are known. A directory that already
// has a file of that name keeps it.
func (w *Writer) addTransTables(n *Node) {
	if w.trans == nil {
		w.trans = map[*Node][]byte{}
	}
	for _, c := range n.children {
		if c.IsDir() && c.Hide&HidePrimary == 0 {
			w.addTransTables(c)
		}
	}
	if n.child(transName) != nil {
		return
	}
	t := &Node{Name: transName, Mode: 0o444, ModTime: n.ModTime, AccessTime: n.ModTime, ChangeTime: n.ModTime,
		src: n.Path() + "/" + transName + " (translation table)"}
	t.open = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(w.trans[t])), nil }
	w.trans[t] = nil
	n.add(t)
}

// fillTransTables writes the translation tables: one line per entry, its
// type (F file, D directory, L link, B/C device, P pipe, S socket), its
// ISO 9660 name, a tab and its original name (and a tab and the target for
// links), in the order of the directory.
func (w *Writer) fillTransTables() {
	if w.trans == nil {
		return
	}
	for _, d := range w.primary.dirs {
		if d.node == nil {
			continue
		}
		t := d.node.child(transName)
		if _, ours := w.trans[t]; !ours {
			continue
		}
		width := 0
		for _, r := range d.recs {
			width = max(width, len(r.ident))
		}
		var b bytes.Buffer
		for _, r := range d.recs {
			if r.kind == recSelf || r.kind == recParent || r.node == t || r.part > 0 {
				continue
			}
			typ := byte('F')
			m := r.node.Mode
			switch {
			case r.kind != recFile:
				typ = 'D'
			case m&fs.ModeSymlink != 0:
				typ = 'L'
			case m&fs.ModeCharDevice != 0:
				typ = 'C'
			case m&fs.ModeDevice != 0:
				typ = 'B'
			case m&fs.ModeNamedPipe != 0:
				typ = 'P'
			case m&fs.ModeSocket != 0:
				typ = 'S'
			}
			fmt.Fprintf(&b, "%c %-*s\t%s", typ, width, r.ident, r.node.Name)
			if typ == 'L' {
				fmt.Fprintf(&b, "\t%s", r.node.Target)
			}
			b.WriteByte('\n')
		}
		w.trans[t] = b.Bytes()
		t.Size = int64(b.Len())
	}
}

// addCatalog sizes the boot catalog and, when it is named, gives it a
// directory entry. A catalog of one block holds the validation entry and 63
// further entries; section headers take one each (El Torito §2).
func (w *Writer) addCatalog() error {
	if len(w.opt.Boot) == 0 {
		return nil
	}
	w.catSize = BlockSize * uint32((len(w.opt.Boot)*2+1)*32/BlockSize+1)
	if w.opt.BootCatalog == "" {
		return nil
	}
	if err := w.tree.AddFile(w.opt.BootCatalog, FileSpec{Mode: 0o444, Size: int64(w.catSize), ModTime: w.opt.Now,
		Open: func() (io.ReadCloser, error) { return nil, errors.New("boot catalog is written by the image writer") }}); err != nil {
		return fmt.Errorf("boot catalog: %w", err)
	}
	n, err := w.lookup(w.opt.BootCatalog)
	w.catalog = n
	if n != nil {
		n.Hide = w.opt.CatalogHide
	}
	return err
}

// patchBootInfo patches the boot information table: the primary volume
// descriptor is at block 16.
func patchBootInfo(img []byte, lba uint32) error {
	return eltorito.PatchBootInfoTable(img, 16, lba)
}

func readHead(n *Node, size int) ([]byte, error) {
	r, err := n.content()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("reading first %d bytes: %w", size, err)
	}
	return b, nil
}

func (w *Writer) lookup(p string) (*Node, error) {
	n := w.tree.root
	for _, part := range splitPath(p) {
		c := n.child(part)
		if c == nil {
			return nil, &PathError{Path: p, Err: fs.ErrNotExist}
		}
		n = c
	}
	return n, nil
}

// wtree is one directory hierarchy of the image: the primary one or the
// Joliet one. Both share the files' data extents.
type wtree struct {
	joliet bool
	dirs   []*wdir // in path table order (ECMA-119 §6.9.1)
	ptSize uint32  // path table size in bytes
	ptLBA  [2]uint32
	ptBlk  uint32 // blocks of one path table
}

type wdir struct {
	node   *Node // source directory; nil for RR_MOVED
	ident  []byte
	parent *wdir
	depth  int
	num    int // path table number, 1 for the root
	recs   []*wrec
	subs   []*wdir // subdirectories in identifier order
	lba    uint32
	size   uint32
	// ceBlocks is the number of blocks of continuation areas after the
	// directory's extent.
	ceBlocks uint32
	// rrParent is the directory's parent in the Rock Ridge view (differs
	// from parent for a relocated directory).
	rrParent *wdir
	moved    bool // relocated into RR_MOVED
}

// A wrec is one directory record to write. There is one per file and
// name space (two with Joliet), so its size is most of the image's memory:
// rare things live behind cont.
type wrec struct {
	ident []byte
	node  *Node
	dir   *wdir // the directory a directory record (or CL placeholder) stands for
	// su is the System Use area in the record, computed during layout and
	// kept for writing (suKept) unless it depends on block addresses (CL,
	// PL).
	su    []byte
	cont  *wcont
	part  int32 // extent index of a multi-extent file
	parts int32
	size  int32 // record length in bytes
	kind  recKind
	flags byte
	// suKept says su holds the area to write.
	suKept bool
}

// wcont holds a record's continuation areas (SUSP 1.12 §5.1): where each
// goes and, when kept, their bytes.
type wcont struct {
	ce    []ceLoc
	areas [][]byte
}

type recKind uint8

const (
	recFile recKind = iota
	recDir
	recSelf
	recParent
	recPlaceholder // a relocated directory's stand-in (RRIP §4.1.5.1 CL)
	recMoved       // the relocated directory's record in RR_MOVED (RE)
)

type ceLoc struct{ block, off, len uint32 }

func (w *Writer) rr() bool { return w.opt.RockRidge != NoRockRidge }

// buildPrimary makes the primary hierarchy, relocating directories deeper
// than ECMA-119 allows into RR_MOVED when Rock Ridge can record where they
// belong (RRIP §4.1.5).
func (w *Writer) buildPrimary() (*wtree, error) {
	t := &wtree{}
	root := &wdir{node: w.tree.root, ident: []byte{0}, depth: 1}
	root.parent, root.rrParent = root, root
	var moved *wdir
	var queue = []*wdir{root}
	// Breadth first, so a directory's depth is final when it is visited.
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		var children []*Node
		if d.node != nil {
			children = d.node.children
		}
		for _, c := range children {
			if !c.IsDir() || c.Hide&HidePrimary != 0 {
				continue
			}
			sub := &wdir{node: c, parent: d, rrParent: d, depth: d.depth + 1}
			if sub.depth > maxDepth && w.rr() && !w.opt.NoDeepRelocation {
				if moved == nil {
					mv := &Node{Name: ".rr_moved", Mode: fs.ModeDir | 0o755, ModTime: w.opt.Now, AccessTime: w.opt.Now,
						ChangeTime: w.opt.Now, src: "(relocated directories)", nlink: 2, serial: ^uint32(0) - 2}
					// A hidden name, as xorriso uses: Linux and xorriso show
					// the directory (empty: relocated entries carry RE and
					// are hidden), bsdtar hides it. Never the name of a
					// file the user has in the root.
					for i := 1; w.tree.root.child(mv.Name) != nil; i++ {
						mv.Name = fmt.Sprintf(".rr_moved_%d", i)
					}
					w.rrMoved = mv
					moved = &wdir{node: mv, parent: root, rrParent: root, depth: 2}
					root.subs = append(root.subs, moved)
					queue = append(queue, moved)
				}
				sub.parent, sub.depth, sub.moved = moved, 3, true
				moved.subs = append(moved.subs, sub)
			}
			d.subs = append(d.subs, sub)
			queue = append(queue, sub)
		}
	}
	// Names and records, per directory.
	var all []*wdir
	var collect func(d *wdir)
	collect = func(d *wdir) {
		all = append(all, d)
		for _, s := range d.subs {
			if s.parent == d {
				collect(s)
			}
		}
	}
	collect(root)
	for _, d := range all {
		if err := w.primaryRecords(d); err != nil {
			return nil, err
		}
	}
	t.dirs = pathTableOrder(root)
	return t, nil
}

// primaryRecords names the entries of d and makes its directory records.
func (w *Writer) primaryRecords(d *wdir) error {
	type item struct {
		node *Node
		sub  *wdir
		kind recKind
	}
	var items []item
	// d.subs holds the child directories in the children's order (with
	// RR_MOVED, which is no child, somewhere among them).
	j := 0
	subOf := func(c *Node) *wdir {
		for k := j; k < len(d.subs); k++ {
			if d.subs[k].node == c {
				j = k + 1
				return d.subs[k]
			}
		}
		for _, s := range d.subs {
			if s.node == c {
				return s
			}
		}
		return nil
	}
	if d.node != nil {
		items = make([]item, 0, len(d.node.children)+1)
		for _, c := range d.node.children {
			if c.Hide&HidePrimary != 0 {
				continue
			}
			if c.IsDir() {
				s := subOf(c)
				if s.moved {
					items = append(items, item{c, s, recPlaceholder})
				} else {
					items = append(items, item{c, s, recDir})
				}
				continue
			}
			items = append(items, item{c, nil, recFile})
		}
	}
	if w.rrMoved != nil && d.node == w.rrMoved {
		for _, s := range d.subs {
			items = append(items, item{s.node, s, recMoved})
		}
	} else if w.rrMoved != nil && d.parent == d {
		for _, s := range d.subs {
			if s.node == w.rrMoved {
				items = append(items, item{s.node, s, recDir})
			}
		}
	}
	ents := make([]NameEntry, len(items))
	for i, it := range items {
		ents[i] = NameEntry{Name: it.node.Name, Dir: it.kind != recFile}
	}
	names := ISONames(ents, w.opt.Names)
	// Records and identifiers come from one allocation each per directory,
	// not one per file.
	slab := make([]wrec, 0, len(items)+2)
	newRec := func(r wrec) *wrec {
		slab = append(slab, r)
		return &slab[len(slab)-1]
	}
	idLen := 0
	for _, n := range names {
		idLen += len(n)
	}
	idBuf := make([]byte, 0, idLen)
	d.recs = append(d.recs, newRec(wrec{ident: dotIdent, node: dirNode(d), dir: d, kind: recSelf, flags: 2}),
		newRec(wrec{ident: dotdotIdent, node: dirNode(d.rrParent), dir: d.parent, kind: recParent, flags: 2}))
	recs := make([]*wrec, 0, len(items))
	for i, it := range items {
		idBuf = append(idBuf, names[i]...)
		id := idBuf[len(idBuf)-len(names[i]) : len(idBuf) : len(idBuf)]
		ex := existence(it.node)
		switch it.kind {
		case recFile:
			parts := fileParts(it.node)
			if it.node.prev == nil && parts > 1 {
				// Nothing is refused: the file is recorded in several
				// extents, which ECMA-119 §10.3 allows at level 3 only.
				if w.opt.Names.Level < 3 {
					w.warn(&PathError{Path: it.node.Source(), Err: fmt.Errorf("%d bytes: stored in %d extents, an ISO 9660 level 3 feature (names stay level %d)", it.node.Size, parts, max(w.opt.Names.Level, 1))})
				}
			}
			for p := range parts {
				r := newRec(wrec{ident: id, node: it.node, kind: recFile, part: int32(p), parts: int32(parts), flags: ex})
				if p < parts-1 {
					r.flags |= 0x80 // ECMA-119 §9.1.6: not the final record of the file
				}
				recs = append(recs, r)
			}
		case recDir, recMoved:
			it.sub.ident = id
			recs = append(recs, newRec(wrec{ident: id, node: it.node, dir: it.sub, kind: it.kind, flags: 2 | ex}))
		case recPlaceholder:
			recs = append(recs, newRec(wrec{ident: id, node: it.node, dir: it.sub, kind: recPlaceholder, flags: ex}))
		}
	}
	sortRecs(recs)
	d.recs = append(d.recs, recs...)
	sortSubs(d)
	return nil
}

func dirNode(d *wdir) *Node { return d.node }

// existence is the Existence bit of a node's directory records (ECMA-119
// §9.1.6 bit 0): set for a file hidden with HideExistence.
func existence(n *Node) byte {
	if n.Hide&HideExistence != 0 {
		return 1
	}
	return 0
}

// jolietChildren returns the entries of directory n that the Joliet
// hierarchy holds.
func jolietChildren(n *Node) []*Node {
	for i, c := range n.children {
		if c.Hide&HideJoliet == 0 {
			continue
		}
		kids := slices.Clone(n.children[:i])
		for _, c := range n.children[i+1:] {
			if c.Hide&HideJoliet == 0 {
				kids = append(kids, c)
			}
		}
		return kids
	}
	return n.children
}

// The identifiers of "." and ".." (ECMA-119 §6.8.2.2), shared by every
// directory; never written to.
var dotIdent, dotdotIdent = []byte{0}, []byte{1}

// sortRecs orders records by identifier (ECMA-119 §9.3); the parts of a
// multi-extent file keep their order.
func sortRecs(recs []*wrec) {
	cmp := func(a, b *wrec) int {
		if c := CompareISO(string(a.ident), string(b.ident)); c != 0 {
			return c
		}
		return int(a.part - b.part)
	}
	slices.SortStableFunc(recs, cmp)
}

func sortSubs(d *wdir) {
	var subs []*wdir
	for _, s := range d.subs {
		if s.parent == d {
			subs = append(subs, s)
		}
	}
	cmp := func(a, b *wdir) int {
		return CompareISO(string(a.ident), string(b.ident))
	}
	slices.SortStableFunc(subs, cmp)
	d.subs = subs
}

// pathTableOrder numbers directories as the path table lists them:
// level by level, by parent number, then by identifier (ECMA-119 §9.4).
func pathTableOrder(root *wdir) []*wdir {
	out := []*wdir{root}
	for i := 0; i < len(out); i++ {
		out[i].num = i + 1
		out = append(out, out[i].subs...)
	}
	return out
}

// buildJoliet makes the Joliet hierarchy: the source tree as it is, with
// UCS-2 names; deep directories are not relocated (Joliet readers do not
// enforce the depth limit, and there is no Rock Ridge to say where they go).
func (w *Writer) buildJoliet() (*wtree, error) {
	root := &wdir{node: w.tree.root, ident: []byte{0}, depth: 1}
	root.parent, root.rrParent = root, root
	var build func(d *wdir)
	build = func(d *wdir) {
		children := jolietChildren(d.node)
		ents := make([]NameEntry, len(children))
		for i, c := range children {
			ents[i] = NameEntry{Name: c.Name, Dir: c.IsDir()}
		}
		// No ";1" on Joliet names: genisoimage and xorriso leave it out, and
		// Windows shows the names as they are.
		names := JolietNames(ents, JolietOptions{Long: w.opt.JolietLong, OmitVersion: true})
		slab := make([]wrec, 0, len(names)+2)
		newRec := func(r wrec) *wrec {
			slab = append(slab, r)
			return &slab[len(slab)-1]
		}
		idLen := 0
		for _, n := range names {
			idLen += 2 * len(n)
		}
		idBuf := make([]byte, idLen)
		d.recs = make([]*wrec, 0, len(names)+2)
		d.recs = append(d.recs, newRec(wrec{ident: dotIdent, node: d.node, dir: d, kind: recSelf, flags: 2}),
			newRec(wrec{ident: dotdotIdent, node: d.parent.node, dir: d.parent, kind: recParent, flags: 2}))
		// The records are made in identifier order (ECMA-119 §9.3, as
		// Joliet uses it), so they need not keep the code units to sort.
		order := make([]int32, len(names))
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortStableFunc(order, func(a, b int32) int { return CompareJoliet(names[a], names[b]) })
		for _, i := range order {
			c := children[i]
			ex := existence(c)
			id := idBuf[: 2*len(names[i]) : 2*len(names[i])]
			idBuf = idBuf[len(id):]
			for k, u := range names[i] {
				binary.BigEndian.PutUint16(id[2*k:], u)
			}
			if c.IsDir() {
				sub := &wdir{node: c, ident: id, parent: d, rrParent: d, depth: d.depth + 1}
				d.subs = append(d.subs, sub)
				d.recs = append(d.recs, newRec(wrec{ident: id, node: c, dir: sub, kind: recDir, flags: 2 | ex}))
				continue
			}
			parts := fileParts(c)
			for p := range parts {
				r := newRec(wrec{ident: id, node: c, kind: recFile, part: int32(p), parts: int32(parts), flags: ex})
				if p < parts-1 {
					r.flags |= 0x80
				}
				d.recs = append(d.recs, r)
			}
		}
		for _, s := range d.subs {
			build(s)
		}
	}
	build(root)
	return &wtree{joliet: true, dirs: pathTableOrder(root)}, nil
}

// suspEntries returns the System Use entries of a primary record and how
// many leading entries must stay in the record itself. Block numbers are
// taken from the current layout (zero while sizes are being computed).
// suspScratch is the reusable memory of suspEntries: the entry list and a
// buffer the PX and TF entries are encoded into. suspLayout copies the
// entries into the record's areas, so both are free again for the next
// record: one scratch per directory instead of several allocations per
// record.
type suspScratch struct {
	es  [][]byte
	buf []byte
}

func (w *Writer) suspEntries(d *wdir, r *wrec, sc *suspScratch) ([][]byte, int, error) {
	if !w.rr() {
		return nil, 0, nil
	}
	v := w.opt.RRVersion
	es := sc.es[:0]
	buf := sc.buf[:0]
	defer func() { sc.es, sc.buf = es[:0], buf[:0] }()
	// entry appends the bytes buf gained since start as one entry.
	entry := func(start int) {
		if len(buf) > start {
			es = append(es, buf[start:len(buf):len(buf)])
		}
	}
	pinned := 0
	n := r.node
	if r.kind == recSelf && d.parent == d {
		// SUSP §5.3: SP first in the root's "." record.
		es = append(es, suspSP(0))
		pinned = 1
	}
	var flags byte = 0x01 | 0x80 // PX, TF
	var sl [][]byte
	var err error
	named := r.kind != recSelf && r.kind != recParent
	if named {
		flags |= 0x08
		if n.Mode&fs.ModeSymlink != 0 {
			if sl, err = rrSL(n.Target); err != nil {
				return nil, 0, &PathError{Path: n.Source(), Err: err}
			}
			flags |= 0x04
		}
	}
	dev := n.Mode&fs.ModeDevice != 0
	if dev {
		flags |= 0x02
	}
	switch r.kind {
	case recPlaceholder:
		flags |= 0x10
	case recMoved:
		flags |= 0x40
	case recParent:
		if d.moved {
			flags |= 0x20
		}
	}
	if v == RRIP110 {
		es = append(es, rrRR(flags))
	}
	start := len(buf)
	buf = rrPXAppend(buf, v, posixMode(n.Mode), w.nlink(n, r), n.UID, n.GID, n.serial)
	entry(start)
	// UTC, like the directory records: the image must not depend on the
	// time zone of the machine that made it.
	start = len(buf)
	buf = rrTFAppend(buf, rrTimestamps{Modify: n.ModTime.UTC(), Access: n.AccessTime.UTC(), Attributes: n.ChangeTime.UTC()}, false)
	entry(start)
	if named {
		es = rrNMAppend(es, n.Name)
	}
	es = append(es, sl...)
	if dev {
		es = append(es, rrPN(devMajor(n.Rdev), devMinor(n.Rdev)))
	}
	if n.zf != nil && r.kind == recFile {
		es = append(es, zisofsZF(n.zf))
	}
	switch r.kind {
	case recPlaceholder:
		es = append(es, rrCL(r.dir.lba))
	case recMoved:
		es = append(es, rrRE())
	case recParent:
		if d.moved {
			es = append(es, rrPL(d.rrParent.lba))
		}
	}
	if r.kind == recSelf && d.parent == d {
		es = append(es, suspER(v))
	}
	if w.md5 != nil {
		es = append(es, w.aaipEntries(d, r)...)
	}
	return es, pinned, nil
}

// blockDependent reports whether the System Use entries of r hold block
// addresses (RRIP §4.1.5 CL, PL), which are known only after layout.
func (w *Writer) blockDependent(d *wdir, r *wrec) bool {
	if w.md5 != nil && r.kind == recSelf && d.parent == d {
		return true // isofs.ca names the checksum array's block
	}
	return r.kind == recPlaceholder || (r.kind == recParent && d.moved)
}

// nlink is the Rock Ridge link count: the number of names a file has in
// the image, or 2 plus the number of subdirectories for a directory.
func (w *Writer) nlink(n *Node, r *wrec) uint32 {
	if n.IsDir() {
		c := uint32(2)
		for _, ch := range n.children {
			if ch.IsDir() && ch.Hide&HidePrimary == 0 {
				c++
			}
		}
		if n == w.tree.root && w.rrMoved != nil {
			c++
		}
		if n == w.rrMoved {
			for _, s := range w.primary.dirs {
				if s.moved {
					c++
				}
			}
		}
		return c
	}
	if n.first != nil {
		return n.first.nlink
	}
	return n.nlink
}

// devMajor and devMinor split a Linux dev_t (glibc's encoding: 12 bits of
// major and 20 of minor, interleaved) into the numbers RRIP §4.1.2 PN
// records in its high and low fields.
func devMajor(d uint64) uint32 { return uint32((d>>8)&0xfff | (d>>32)&^0xfff) }
func devMinor(d uint64) uint32 { return uint32(d&0xff | (d>>12)&^0xff) }

// posixMode converts Go's mode bits to POSIX st_mode (RRIP §4.1.1 uses
// the POSIX file mode values).
func posixMode(m fs.FileMode) uint32 {
	p := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		p |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		p |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		p |= 0o1000
	}
	switch {
	case m.IsDir():
		p |= 0o040000
	case m&fs.ModeSymlink != 0:
		p |= 0o120000
	case m&fs.ModeNamedPipe != 0:
		p |= 0o010000
	case m&fs.ModeSocket != 0:
		p |= 0o140000
	case m&fs.ModeCharDevice != 0:
		p |= 0o020000
	case m&fs.ModeDevice != 0:
		p |= 0o060000
	default:
		p |= 0o100000
	}
	return p
}

// recordLen is the length of a directory record with identifier length
// idLen and su bytes of System Use (ECMA-119 §9.1: 33 fixed bytes, the
// identifier, a pad byte if its length is even).
func recordLen(idLen, su int) int {
	n := 33 + idLen
	if idLen%2 == 0 {
		n++
	}
	return n + su
}

// layout assigns every structure its blocks.
func (w *Writer) layout() error {
	// System area (16 blocks), PVD, [boot record], [Joliet SVD], terminator.
	w.descriptors = 2
	if len(w.boot) > 0 {
		w.descriptors++
	}
	if w.joliet != nil {
		w.descriptors++
	}
	next := w.opt.SessionStart + uint32(16+w.descriptors)
	if w.md5 != nil {
		// libisofs doc/checksums.txt: the superblock tag follows the
		// volume descriptor set terminator.
		w.md5.sbTag = next
		next++
	}
	trees := []*wtree{w.primary}
	if w.joliet != nil {
		trees = append(trees, w.joliet)
	}
	for _, t := range trees {
		if len(t.dirs) > 0xFFFF {
			return fmt.Errorf("iso9660: %d directories: a path table can number at most 65535 (ECMA-119 §9.4.4)", len(t.dirs))
		}
		t.ptSize = 0
		for _, d := range t.dirs {
			t.ptSize += uint32(8 + len(d.ident) + len(d.ident)%2)
		}
		t.ptBlk = (t.ptSize + BlockSize - 1) / BlockSize
		t.ptLBA[0] = next
		t.ptLBA[1] = next + t.ptBlk
		next += 2 * t.ptBlk
	}
	// Directory sizes, and the continuation areas each directory needs,
	// in blocks right after its extent: readers that take an image in one
	// pass (libarchive) read continuation areas only while they are between
	// the directory and the next structure they want.
	for _, t := range trees {
		// Sizes first, directory by directory and in parallel (the System
		// Use entries of every record are encoded to measure them); then
		// addresses, in order.
		ces := make([][]*wrec, len(t.dirs))
		errs := make([]error, len(t.dirs))
		var wg sync.WaitGroup
		var nextDir atomic.Int64
		workers := min(runtime.GOMAXPROCS(0), 1+len(t.dirs)/64)
		if t.joliet {
			workers = 1 // no System Use to encode: not worth the goroutines
		}
		size := func() {
			for {
				i := int(nextDir.Add(1) - 1)
				if i >= len(t.dirs) {
					return
				}
				ces[i], errs[i] = w.sizeDirectory(t, t.dirs[i])
			}
		}
		for range workers - 1 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				size()
			}()
		}
		size() // this goroutine is one of the workers
		wg.Wait()
		for i, d := range t.dirs {
			if errs[i] != nil {
				return errs[i]
			}
			d.lba = next
			next += d.size / BlockSize
			for _, r := range ces[i] {
				for k := range r.cont.ce {
					r.cont.ce[k].block += next
				}
			}
			next += d.ceBlocks
		}
	}
	if w.md5 != nil {
		// The tree tag follows the last directory structure.
		w.md5.treeTag = next
		next++
	}
	if len(w.boot) > 0 {
		w.catLBA = next
		next += w.catSize / BlockSize
		if w.catalog != nil {
			w.catalog.lba = w.catLBA
		}
	}
	// File data in the order of the primary hierarchy, or of the weights.
	w.dataLBA = next
	w.files = w.files[:0]
	place := func(n *Node) error {
		if !n.Mode.IsRegular() || n.first != nil || n == w.catalog || n.prev != nil {
			return nil
		}
		n.lba = 0
		if n.Size > 0 {
			w.files = append(w.files, n)
		}
		return nil
	}
	for _, d := range w.primary.dirs {
		for _, r := range d.recs {
			if r.kind != recFile || r.part != 0 {
				continue
			}
			if err := place(r.node); err != nil {
				return err
			}
		}
	}
	if w.hidPrimary {
		// The files hidden from the primary hierarchy follow (mkisofs
		// writes hidden files all the same): the Joliet hierarchy or a
		// boot entry may need their data.
		var hidden func(n *Node, in bool) error
		hidden = func(n *Node, in bool) error {
			in = in || n.Hide&HidePrimary != 0
			if !n.IsDir() {
				if in {
					return place(n)
				}
				return nil
			}
			for _, c := range n.children {
				if err := hidden(c, in); err != nil {
					return err
				}
			}
			return nil
		}
		if err := hidden(w.tree.root, false); err != nil {
			return err
		}
	}
	if w.opt.SortWeight != nil {
		w.sortFiles()
	}
	for _, n := range w.files {
		n.lba = next
		blocks := (n.Size + BlockSize - 1) / BlockSize
		if int64(next)+blocks > 0xFFFFFFFF-padBlocks {
			return &PathError{Path: n.Source(), Err: errors.New("image over 8 TiB: beyond ISO 9660's 32-bit block numbers")}
		}
		next += uint32(blocks)
	}
	if w.md5 != nil {
		// The checksum array after the file data, then the session tag.
		if w.md5.array != nil {
			w.md5.arrayLBA = next
			next += w.md5.array.Blocks()
		}
		w.md5.sessTag = next
		next++
	}
	if !w.opt.NoPad {
		next += padBlocks
	}
	if w.opt.HybridMBR != nil {
		if w.opt.NoPad && len(w.hybridParts()) > 0 {
			w.hybridPad = gptReserveBlocks // room for the backup GPT
		}
		w.hybridPad += hybridPad(next + w.hybridPad)
		next += w.hybridPad
	}
	w.total = next - w.opt.SessionStart
	return nil
}

// sortFiles orders the file data by Options.SortWeight, heaviest first;
// equal weights keep the order of the hierarchy.
func (w *Writer) sortFiles() {
	type weighed struct {
		n  *Node
		wt int32
	}
	ws := make([]weighed, len(w.files))
	for i, n := range w.files {
		ws[i] = weighed{n, w.opt.SortWeight(n)}
	}
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].wt > ws[j].wt })
	for i := range ws {
		w.files[i] = ws[i].n
	}
}

// sizeDirectory computes the size of directory d's extent and of the
// continuation areas that follow it (ECMA-119 §6.8.1.1, SUSP §5.1), and
// each record's System Use areas. The records with continuation areas are
// returned; their blocks are relative to the first block after the
// extent until the directory has an address.
func (w *Writer) sizeDirectory(t *wtree, d *wdir) ([]*wrec, error) {
	var pos, ceOff uint32
	var ce []*wrec
	var sc suspScratch
	// About 100 bytes of System Use per record (PX, TF, NM and a few
	// more) before the chunks reach their full size.
	arena := suspArena{chunk: 100 * len(d.recs)}
	for _, r := range d.recs {
		su := 0
		r.cont, r.su, r.suKept = nil, nil, false
		if !t.joliet {
			es, pinned, err := w.suspEntries(d, r, &sc)
			if err != nil {
				return nil, err
			}
			first, more, err := suspLayoutIn(&arena, es, 255-recordLen(len(r.ident), 0), pinned)
			if err != nil {
				return nil, &PathError{Path: r.node.Path(), Err: err}
			}
			su = len(first)
			if len(more) > 0 {
				r.cont = &wcont{}
				for _, a := range more {
					l := uint32(len(a))
					if ceOff%BlockSize+l > BlockSize {
						ceOff = (ceOff/BlockSize + 1) * BlockSize
					}
					r.cont.ce = append(r.cont.ce, ceLoc{block: ceOff / BlockSize, off: ceOff % BlockSize, len: l})
					ceOff += l
				}
				ce = append(ce, r)
			}
			if !w.blockDependent(d, r) {
				r.su, r.suKept = first, true
				if r.cont != nil {
					r.cont.areas = more
				}
			}
		}
		r.size = int32(recordLen(len(r.ident), su))
		if r.size > 255 {
			return nil, &PathError{Path: r.node.Path(), Err: errors.New("directory record over 255 bytes")}
		}
		// ECMA-119 §6.8.1.1: a record never crosses a block boundary.
		if pos%BlockSize+uint32(r.size) > BlockSize {
			pos = (pos/BlockSize + 1) * BlockSize
		}
		pos += uint32(r.size)
	}
	d.size = (pos + BlockSize - 1) / BlockSize * BlockSize
	d.ceBlocks = (ceOff + BlockSize - 1) / BlockSize
	return ce, nil
}

// extent returns the location and length of record r.
func (w *Writer) extent(r *wrec) (uint32, uint32) {
	switch r.kind {
	case recSelf, recParent, recDir, recMoved:
		return r.dir.lba, r.dir.size
	case recPlaceholder:
		return 0, 0
	}
	n := r.node
	if n.first != nil {
		n = n.first
	}
	if !n.Mode.IsRegular() || n.Size == 0 {
		return 0, 0
	}
	if n.prev != nil {
		// A file of an earlier session keeps its data where it is.
		e := n.prev[r.part]
		return e.LBA, e.Length
	}
	off := int64(r.part) * maxExtent
	size := min(n.Size-off, maxExtent)
	return n.lba + uint32(off/BlockSize), uint32(size)
}

// WriteTo writes the image to out. It reads every file once, in order,
// and never seeks, so out may be a pipe. If out is a FileRangeWriter,
// large files are handed to it rather than copied through memory, and
// their holes stay holes.
//
// WriteTo can be called once: it releases the layout as it goes, to keep
// memory low while file data is copied.
func (w *Writer) WriteTo(ctx context.Context, out io.Writer) (int64, error) {
	if w.written {
		return 0, errors.New("iso9660: image already written")
	}
	w.written = true
	cw := &countWriter{w: out}
	var dst io.Writer = cw
	s := &stream{w: w, cw: cw, ctx: ctx}
	if w.md5 != nil {
		// Every byte must pass through the hashes: no direct file ranges.
		s.md5 = w.newMD5Writer(cw)
		defer s.md5.close()
		dst = s.md5
	} else {
		s.direct, _ = out.(FileRangeWriter)
	}
	bw := bufio.NewWriterSize(dst, 64<<10)
	s.bw = bw
	err := s.run()
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && cw.n != w.Size() {
		err = fmt.Errorf("iso9660: internal error: wrote %d bytes, laid out %d", cw.n, w.Size())
	}
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type stream struct {
	w      *Writer
	bw     *bufio.Writer
	cw     *countWriter
	direct FileRangeWriter // out, when it takes file ranges
	md5    *md5Writer      // hashes the output (Options.MD5)
	ctx    context.Context
	pos    int64 // bytes written
}

// FileRangeWriter is an output that can take a range of a file without the
// bytes passing through the writer's memory (with copy_file_range, say)
// and can skip a run of zeros (leaving a hole in a sparse file). WriteTo
// uses it for large host files; internal output files implement it.
type FileRangeWriter interface {
	io.Writer
	// Hole appends n zero bytes.
	Hole(n int64) error
	// CopyFile appends n bytes of src starting at offset off and returns
	// how many it appended.
	CopyFile(src *os.File, off, n int64) (int64, error)
}

func (s *stream) write(b []byte) error {
	_, err := s.bw.Write(b)
	s.pos += int64(len(b))
	return err
}

// zeroBlock is a block of zeros to write padding from.
var zeroBlock [BlockSize]byte

// zeroHoleMin is the shortest run of zeros left as a hole when the output
// takes holes (FileRangeWriter): shorter ones go through the buffer.
const zeroHoleMin = 16 * BlockSize

func (s *stream) zeros(n int64) error {
	if s.direct != nil && n >= zeroHoleMin {
		// A long run of zeros (the system area, the final padding) is a
		// hole in an output that can make one: nothing to write or buffer.
		if err := s.bw.Flush(); err != nil {
			return err
		}
		if err := s.direct.Hole(n); err != nil {
			return err
		}
		s.advance(n)
		return nil
	}
	for n > 0 {
		k := min(n, BlockSize)
		if err := s.write(zeroBlock[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// at checks that the stream is at block lba, an internal consistency
// check between layout and writing.
func (s *stream) at(lba uint32, what string) error {
	if s.pos != int64(lba-s.w.outStart())*BlockSize {
		return fmt.Errorf("iso9660: internal error: %s at byte %d, laid out at block %d", what, s.pos, lba)
	}
	return nil
}

func (s *stream) run() error {
	w := s.w
	if w.head {
		if err := s.writeHead(); err != nil {
			return err
		}
	}
	if w.opt.HybridMBR != nil {
		if err := s.write(w.hybridSystemArea()); err != nil {
			return err
		}
	} else if err := s.zeros(16 * BlockSize); err != nil {
		return err
	}
	for _, d := range w.descriptorSet() {
		if err := s.write(d); err != nil {
			return err
		}
	}
	if w.md5 != nil {
		if err := s.tag(w.md5.sbTag, isomd5.TagSuperblock, w.md5.treeTag); err != nil {
			return err
		}
	}
	trees := []*wtree{w.primary}
	if w.joliet != nil {
		trees = append(trees, w.joliet)
	}
	for _, t := range trees {
		for i, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			if err := s.at(t.ptLBA[i], "path table"); err != nil {
				return err
			}
			if err := s.write(pathTable(t, order)); err != nil {
				return err
			}
		}
	}
	for _, t := range trees {
		for _, d := range t.dirs {
			if err := s.at(d.lba, "directory"); err != nil {
				return err
			}
			b, err := w.directory(t, d)
			if err != nil {
				return err
			}
			if err := s.write(b); err != nil {
				return err
			}
			// The records are written; only the files' data is still to
			// come, so let the collector have them for the long data phase.
			d.recs = nil
		}
	}
	if w.md5 != nil {
		if err := s.tag(w.md5.treeTag, isomd5.TagTree, w.md5.sessTag); err != nil {
			return err
		}
	}
	if len(w.boot) > 0 {
		if err := s.at(w.catLBA, "boot catalog"); err != nil {
			return err
		}
		cat, err := w.bootCatalog()
		if err != nil {
			return err
		}
		if w.catalog != nil && w.wantsSum(w.catalog) {
			if err := w.setSum(w.catalog, md5.Sum(cat)); err != nil {
				return err
			}
		}
		if err := s.write(cat); err != nil {
			return err
		}
	}
	if err := s.files(); err != nil {
		return err
	}
	if w.md5 != nil {
		if err := s.md5End(); err != nil {
			return err
		}
	}
	tail := int64(w.hybridPad) * BlockSize
	if !w.opt.NoPad {
		tail += padBlocks * BlockSize
	}
	parts := w.partRanges()
	if w.opt.HybridMBR == nil || len(parts) == 0 {
		return s.zeros(tail)
	}
	// The backup GPT ends the image (layout keeps room for it).
	hdr, entries := w.gpt(uint64(w.total)*BlockSize/512, parts, true)
	if err := s.zeros(tail - int64(len(entries)+len(hdr))); err != nil {
		return err
	}
	if err := s.write(entries); err != nil {
		return err
	}
	return s.write(hdr)
}

// descriptorSet encodes the volume descriptor set (ECMA-119 §8): primary,
// El Torito boot record, Joliet supplementary, terminator.
func (w *Writer) descriptorSet() [][]byte {
	set := [][]byte{w.volumeDescriptor(w.primary, 1)}
	if len(w.boot) > 0 {
		br := eltorito.BootRecord(w.catLBA)
		set = append(set, br[:])
	}
	if w.joliet != nil {
		set = append(set, w.volumeDescriptor(w.joliet, 2))
	}
	term := make([]byte, BlockSize)
	term[0] = 255
	copy(term[1:], "CD001")
	term[6] = 1
	return append(set, term)
}

func (w *Writer) bootCatalog() ([]byte, error) {
	var c eltorito.Catalog
	for _, p := range w.boot {
		n := p.node
		if n.first != nil {
			n = n.first
		}
		c.Entries = append(c.Entries, eltorito.Entry{
			Platform: p.entry.Platform, Bootable: !p.entry.NotBootable, Emulation: p.emu,
			LoadSegment: p.entry.LoadSegment, SystemType: p.sys, SectorCount: p.count, LoadRBA: n.lba,
		})
	}
	b, err := c.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("boot catalog: %w", err)
	}
	if uint32(len(b)) > w.catSize {
		return nil, fmt.Errorf("iso9660: internal error: boot catalog of %d bytes, laid out %d", len(b), w.catSize)
	}
	out := make([]byte, w.catSize)
	copy(out, b)
	return out, nil
}

// volumeDescriptor encodes the primary (type 1) or Joliet supplementary
// (type 2) volume descriptor (ECMA-119 §8.4, §8.5; Joliet §3).
func (w *Writer) volumeDescriptor(t *wtree, typ byte) []byte {
	v := &w.opt.Volume
	b := make([]byte, BlockSize)
	b[0] = typ
	copy(b[1:], "CD001")
	b[6] = 1
	text := fillA
	if t.joliet {
		text = fillUCS2
		// Joliet §3.1: escape sequence for UCS-2 level 3.
		copy(b[88:], "%/E")
	}
	text(b[8:40], v.SystemID)
	text(b[40:72], v.VolumeID)
	// ECMA-119 §8.4.8: the volume space counts from block 0, so a later
	// session's descriptors record where it ends; libisofs's growable
	// sessions record their own size instead (see Options.Growable).
	vss := w.opt.SessionStart + w.total
	if w.opt.Growable && !w.superblock {
		vss = w.total
	}
	putBoth32(b[80:], vss)
	putBoth16(b[120:], 1)
	putBoth16(b[124:], 1)
	putBoth16(b[128:], BlockSize)
	putBoth32(b[132:], t.ptSize)
	binary.LittleEndian.PutUint32(b[140:], t.ptLBA[0])
	binary.BigEndian.PutUint32(b[148:], t.ptLBA[1])
	root := t.dirs[0]
	rec := b[156:190]
	rec[0] = 34
	putBoth32(rec[2:], root.lba)
	putBoth32(rec[10:], root.size)
	recordDate(rec[18:], root.node.ModTime)
	rec[25] = 2
	putBoth16(rec[28:], 1)
	rec[32] = 1
	text(b[190:318], v.VolumeSetID)
	text(b[318:446], v.Publisher)
	text(b[446:574], v.Preparer)
	text(b[574:702], v.Application)
	text(b[702:739], v.CopyrightFile)
	text(b[739:776], v.AbstractFile)
	text(b[776:813], v.BibliographicFile)
	volumeDate(b[813:], v.Created)
	volumeDate(b[830:], v.Modified)
	volumeDate(b[847:], v.Expiration)
	volumeDate(b[864:], v.Effective)
	b[881] = 1
	if typ == 1 {
		// ECMA-119 §8.4.32: the Application Use field's content is up to
		// the application; spaces, as mkisofs and xorriso write, mark it
		// unused for implantisomd5.
		fillA(b[appUseOffset:appUseOffset+appUseSize], "")
	}
	return b
}

// pathTable encodes a path table in the given byte order (ECMA-119 §9.4),
// padded to whole blocks.
func pathTable(t *wtree, order binary.ByteOrder) []byte {
	b := make([]byte, t.ptBlk*BlockSize)
	p := 0
	for _, d := range t.dirs {
		b[p] = byte(len(d.ident))
		order.PutUint32(b[p+2:], d.lba)
		order.PutUint16(b[p+6:], uint16(d.parent.num))
		copy(b[p+8:], d.ident)
		p += 8 + len(d.ident) + len(d.ident)%2
	}
	return b
}

// directory encodes the extent of directory d followed by the blocks of
// its continuation areas.
func (w *Writer) directory(t *wtree, d *wdir) ([]byte, error) {
	// One buffer serves every directory in turn: the stream has copied a
	// directory before the next is encoded.
	n := int(d.size + d.ceBlocks*BlockSize)
	if cap(w.dirBuf) < n {
		w.dirBuf = make([]byte, n)
	}
	b := w.dirBuf[:n]
	clear(b)
	ceBase := d.lba + d.size/BlockSize
	var pos int
	for _, r := range d.recs {
		var su []byte
		if !t.joliet && w.rr() {
			var more [][]byte
			var ce []ceLoc
			if r.cont != nil {
				ce = r.cont.ce
			}
			if r.suKept {
				su = r.su
				if r.cont != nil {
					more = r.cont.areas
					r.cont.areas = nil
				}
				// Written once; let the collector have it.
				r.su, r.suKept = nil, false
			} else {
				var sc suspScratch
				es, pinned, err := w.suspEntries(d, r, &sc)
				if err != nil {
					return nil, err
				}
				if su, more, err = suspLayoutIn(nil, es, 255-recordLen(len(r.ident), 0), pinned); err != nil {
					return nil, err
				}
			}
			if len(more) != len(ce) {
				return nil, fmt.Errorf("iso9660: internal error: continuation areas of %s changed", r.node.Path())
			}
			for i, loc := range ce {
				a := su
				if i > 0 {
					a = more[i-1]
				}
				patchCE(a, loc.block, loc.off, loc.len)
			}
			for i, loc := range ce {
				a := more[i]
				if uint32(len(a)) != loc.len {
					return nil, fmt.Errorf("iso9660: internal error: continuation area of %s changed size", r.node.Path())
				}
				copy(b[d.size+(loc.block-ceBase)*BlockSize+loc.off:], a)
			}
		}
		size := recordLen(len(r.ident), len(su))
		if size != int(r.size) {
			return nil, fmt.Errorf("iso9660: internal error: record of %s changed size", r.node.Path())
		}
		if pos%BlockSize+size > BlockSize {
			pos = (pos/BlockSize + 1) * BlockSize
		}
		rec := b[pos : pos+size]
		rec[0] = byte(size)
		lba, length := w.extent(r)
		putBoth32(rec[2:], lba)
		putBoth32(rec[10:], length)
		recordDate(rec[18:], r.node.ModTime)
		rec[25] = r.flags
		putBoth16(rec[28:], 1)
		rec[32] = byte(len(r.ident))
		copy(rec[33:], r.ident)
		copy(rec[recordLen(len(r.ident), 0):], su)
		pos += size
	}
	return b, nil
}
