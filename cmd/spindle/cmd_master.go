package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	json "spindle/internal/minijson"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"spindle/iso9660"
	"spindle/iso9660/eltorito"
)

type masterFlags struct {
	output                               string
	volID, volset, preparer, publisher   string
	appID, sysID, copyright, abstract    string
	biblio                               string
	rock, rational, rrip110              bool
	joliet, jolietLong                   bool
	level                                int
	longNames, omitPeriod, omitVersion   bool
	allowLower, relaxed, leadingDots     bool
	graftPoints, follow                  bool
	excludes, excludeLists               []string
	hide, hideLists                      []string // -hide, -hide-list: not in the ISO 9660 tree
	hideJoliet, hideJolietLists          []string // -hide-joliet, -hide-joliet-list
	hidden, hiddenLists                  []string // -hidden, -hidden-list: the Existence bit
	pathLists                            []string // -path-list FILE: more SOURCE arguments
	logFile                              string   // -log-file FILE: messages go there
	catalog                              string
	hybridMBR                            string
	printSize, noPad, pad, quiet, asJSON bool
	reproducible, sample, verbose        bool
	transTable, noBak, noRelocate        bool
	uid, gid, fileMode, dirMode          string    // -uid, -gid, -file-mode, -dir-mode
	sortFile                             string    // -sort FILE: weights of the file data
	dates                                [4]string // creation, modification, expiration, effective
	boot                                 bootBuilder
	msinfo, prevImage                    string // -C LAST,NEXT and -M PREVIOUS
	growable, md5                        bool
	grow                                 string // spindle grow: the image file to append to
}

func newMasterCmd() *cobra.Command {
	c, _ := masterCommand(false)
	return c
}

// masterCommand makes the master command and its flags; for grow (which
// takes the same flags, less those naming the output) its texts are then
// replaced.
func masterCommand(grow bool) (*cobra.Command, *masterFlags) {
	f := &masterFlags{}
	c := &cobra.Command{
		Use:   "master [flags] -o OUT.iso SOURCE...",
		Short: "Build an ISO 9660 image (Rock Ridge, Joliet, El Torito) from files",
		Long: `Build an ISO 9660 (ECMA-119) image from files and directories.

A SOURCE directory's contents become the image's root; with -graft-points a
SOURCE may be written DEST=SRC to place SRC at DEST in the image
("home.20010704/=/home" puts the contents of /home into /home.20010704).

The flags of mkisofs, genisoimage and "xorriso -as mkisofs" are accepted in
their own spelling (-graft-points, -iso-level 3, -no-emul-boot, ...), so
their command lines run unchanged after "spindle master".

Files of 4 GiB and more are stored as multi-extent files; directories deeper
than ISO 9660 allows are relocated (Rock Ridge); names are mapped without
collisions. The image is written under a temporary name and renamed when
complete, or streamed to standard output with -o -.

With SOURCE_DATE_EPOCH set, or --reproducible, two runs over the same tree
give byte-identical images.

--md5 records MD5 checksums in both forms readers check: libisofs's
(checksum tags and, with -R/-r, an MD5 per file), which
"xorriso -md5 on -indev OUT.iso -check_md5_r sorry / --" and -check_media
verify, and isomd5sum's in the primary volume descriptor, which checkisomd5
verifies. The session then starts at block 32, behind a 64 KiB head that
holds the isomd5sum text outside the session's checksums (the layout of
--growable). isomd5sum's checksum is written only with -o FILE: it is
patched in once the image is complete, which a pipe does not allow; nor is
it written for a later session (-C, spindle grow), whose checksum could not
cover the whole disc.

` + exitCodesHelp,
		Example: `  # A backup with Rock Ridge and Joliet, cache files left out (seed recipe)
  spindle master -r -J -V Backup_Home -m '*cache*' -o img.iso -graft-points home.20010704/=/home

  # A bootable CD (no-emulation boot image, boot info table)
  spindle master -R -J -b boot/boot.img -c boot/boot.catalog -no-emul-boot \
      -boot-load-size 4 -boot-info-table -o boot.iso tree/

  # Also bootable from a USB stick by BIOS (isohybrid, Syslinux's ISOLINUX) and UEFI
  spindle master -R -J -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin -b isolinux/isolinux.bin \
      -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
      -eltorito-alt-boot -e boot/efi.img -no-emul-boot -isohybrid-gpt-basdat -o live.iso tree/

  # BIOS and EFI boot entries
  spindle master -R -b isolinux.bin -no-emul-boot -eltorito-alt-boot -e efi.img -no-emul-boot -o x.iso tree/

  # Burn from a pipe with a known size
  SIZE=$(spindle master -r --print-size dir/); spindle master -r -o - dir/ | cdrecord tsize=${SIZE}s -

  # Checksums for checkisomd5 and xorriso -check_md5_r
  spindle master -r -J --md5 -o img.iso dir/

  # The built-in sample tree, needs no input
  spindle master --sample -o sample.iso`,
		Annotations: map[string]string{"mkisofs": "yes"},
		RunE: func(c *cobra.Command, args []string) error {
			return runMaster(c, f, args)
		},
	}
	fl := c.Flags()
	fl.SortFlags = false
	fl.StringVarP(&f.output, "output", "o", "", "write the image to `FILE` (- for standard output)")
	fl.BoolVar(&f.printSize, "print-size", false, "print the image size in 2048-byte blocks and write nothing")
	fl.BoolVar(&f.sample, "sample", false, "master the built-in sample tree (a bootable image; no SOURCE needed)")
	fl.BoolVarP(&f.rock, "rock", "R", false, "Rock Ridge: record owners, modes, links, long names as they are")
	fl.BoolVarP(&f.rational, "rational-rock", "r", false, "Rock Ridge with uid/gid 0 and read-only, world-readable modes")
	fl.BoolVar(&f.rrip110, "rrip-version-1-10", false, "write Rock Ridge 1.10 (RRIP_1991A) instead of 1.12")
	fl.BoolVarP(&f.joliet, "joliet", "J", false, "add a Joliet tree (UCS-2 names for Windows)")
	fl.BoolVar(&f.jolietLong, "joliet-long", false, "allow 103-character Joliet names instead of 64")
	fl.IntVar(&f.level, "iso-level", 1, "ISO 9660 interchange `LEVEL` 1, 2 or 3 (names; big files are always multi-extent)")
	fl.BoolVarP(&f.longNames, "full-iso9660-filenames", "l", false, "allow 31-character ISO 9660 names")
	fl.BoolVarP(&f.omitPeriod, "omit-period", "d", false, "no trailing period on ISO 9660 names without extension")
	fl.BoolVarP(&f.omitVersion, "omit-version-number", "N", false, "no ;1 version on ISO 9660 names")
	fl.BoolVar(&f.allowLower, "allow-lowercase", false, "allow lowercase ISO 9660 names (not standard)")
	fl.BoolVar(&f.relaxed, "relaxed-filenames", false, "allow 7-bit ASCII punctuation in ISO 9660 names (not standard)")
	fl.BoolVarP(&f.leadingDots, "allow-leading-dots", "L", false, "accepted for mkisofs compatibility: dot files are always included")
	fl.BoolVar(&f.graftPoints, "graft-points", false, "read SOURCE arguments as DEST=SRC (escape = and \\ with \\)")
	stringsVarP(fl, &f.excludes, "exclude", "m", "leave out files whose name or path matches `GLOB` (repeatable)")
	stringsVarP(fl, &f.excludes, "exclude-x", "x", "same as -m")
	_ = fl.MarkHidden("exclude-x")
	stringsVarP(fl, &f.excludeLists, "exclude-list", "", "read exclude globs from `FILE`, one per line")
	stringsVarP(fl, &f.hide, "hide", "", "leave files whose name or path matches `GLOB` out of the ISO 9660 and Rock Ridge tree (repeatable; still written)")
	stringsVarP(fl, &f.hideLists, "hide-list", "", "read -hide globs from `FILE`, one per line")
	stringsVarP(fl, &f.hideJoliet, "hide-joliet", "", "leave files whose name or path matches `GLOB` out of the Joliet tree (repeatable)")
	stringsVarP(fl, &f.hideJolietLists, "hide-joliet-list", "", "read -hide-joliet globs from `FILE`, one per line")
	stringsVarP(fl, &f.hidden, "hidden", "", "set the hidden (Existence) bit of files whose name or path matches `GLOB` (repeatable)")
	stringsVarP(fl, &f.hiddenLists, "hidden-list", "", "read -hidden globs from `FILE`, one per line")
	stringsVarP(fl, &f.pathLists, "path-list", "", "read more SOURCE arguments from `FILE`, one per line, after those of the command line (- for standard input)")
	fl.BoolVarP(&f.follow, "follow-links", "f", false, "store what symbolic links point to (loops are reported)")
	fl.StringVarP(&f.volID, "volid", "V", "", "volume `ID` (32 characters)")
	fl.StringVar(&f.volset, "volset", "", "volume set `ID`")
	fl.StringVarP(&f.preparer, "preparer", "p", "", "data preparer `TEXT`")
	fl.StringVarP(&f.publisher, "publisher", "P", "", "publisher `TEXT`")
	fl.StringVarP(&f.appID, "appid", "A", "", "application `TEXT`")
	fl.StringVar(&f.sysID, "sysid", "", "system `ID` (default LINUX)")
	fl.StringVar(&f.copyright, "copyright", "", "copyright `FILE` identifier")
	fl.StringVar(&f.abstract, "abstract", "", "abstract `FILE` identifier")
	fl.StringVar(&f.biblio, "biblio", "", "bibliographic `FILE` identifier")
	fl.StringVar(&f.dates[0], "creation-date", "", "volume creation `TIME` (YYYYMMDDhhmmsscc or RFC 3339; default now)")
	fl.StringVar(&f.dates[1], "modification-date", "", "volume modification `TIME` (as --creation-date)")
	fl.StringVar(&f.dates[2], "expiration-date", "", "volume expiration `TIME` (default none)")
	fl.StringVar(&f.dates[3], "effective-date", "", "volume effective `TIME` (default none)")
	f.boot.flags(fl)
	fl.StringVarP(&f.catalog, "eltorito-catalog", "c", "", "boot catalog `PATH` in the image (hidden when not given)")
	fl.StringVar(&f.hybridMBR, "isohybrid-mbr", "", "make the image boot from USB sticks and hard disks too: install the isohybrid MBR template `FILE` (Syslinux isohdpfx.bin) to load the -b boot image (ISOLINUX)")
	fl.BoolVarP(&f.transTable, "translation-table", "T", false, "add a TRANS.TBL to every directory mapping ISO 9660 names to the original names")
	fl.StringVar(&f.uid, "uid", "", "record `USER` (a number or a name in /etc/passwd) as the owner of every file (Rock Ridge; implies -R)")
	fl.StringVar(&f.gid, "gid", "", "record `GROUP` (a number or a name in /etc/group) as the group of every file (Rock Ridge; implies -R)")
	fl.StringVar(&f.fileMode, "file-mode", "", "record the octal `MODE` (such as 0444) for every regular file (Rock Ridge; implies -R)")
	fl.StringVar(&f.dirMode, "dir-mode", "", "record the octal `MODE` (such as 0555) for every directory (Rock Ridge; implies -R)")
	fl.BoolVarP(&f.noRelocate, "disable-deep-relocation", "D", false, "keep directories deeper than 8 levels in place instead of relocating them (breaks ECMA-119; Linux, xorriso and bsdtar read it)")
	fl.StringVar(&f.sortFile, "sort", "", "order the file data by the weights in `FILE` (lines \"PATH WEIGHT\", heaviest first; PATH a source or image path, glob or directory)")
	fl.BoolVar(&f.noBak, "no-bak", false, "leave out editors' backup files: names containing ~ or # or ending in .bak")
	fl.BoolVar(&f.noBak, "nobak", false, "same as --no-bak")
	_ = fl.MarkHidden("nobak")
	fl.BoolVar(&f.md5, "md5", false, "record MD5 checksums of the session and of every file (xorriso --md5) and, with -o FILE, an isomd5sum checksum for checkisomd5")
	fl.BoolVar(&f.noPad, "no-pad", false, "no 300 KiB of zeros at the end of the image")
	fl.BoolVar(&f.pad, "pad", false, "pad the end of the image (the default)")
	fl.BoolVar(&f.reproducible, "reproducible", false, "byte-identical output for the same tree (like SOURCE_DATE_EPOCH=0)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress or warnings")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "accepted for mkisofs compatibility")
	fl.StringVar(&f.logFile, "log-file", "", "write warnings and messages to `FILE` instead of standard error")
	fl.BoolVar(&f.asJSON, "json", false, "print a JSON summary on standard output (standard error with -o -)")
	if !grow {
		fl.StringVarP(&f.msinfo, "cdrecord-params", "C", "", "next session: `LAST,NEXT` = start of the last session and of the new one (cdrecord -msinfo); the image is the new session only")
		fl.StringVarP(&f.prevImage, "prev-session", "M", "", "merge the tree of the last session of `IMAGE` (a file or device; with -C) into the new session")
		fl.BoolVar(&f.growable, "growable", false, "start the session at block 32 so that \"spindle grow\" and xorriso can append sessions to the file")
	}
	// Options of mkisofs and xorriso -as mkisofs that change nothing here,
	// accepted so existing command lines run: names are always UTF-8,
	// hard links are always detected, big files are always multi-extent,
	// and the relocation directory is always hidden (.rr_moved).
	// -gui only makes mkisofs more verbose.
	for _, name := range []string{"cache-inodes", "no-cache-inodes", "hardlinks", "allow-limited-size", "hide-rr-moved", "disable-deep-relocation-off", "gui"} {
		fl.Bool(name, false, "accepted for mkisofs compatibility")
		_ = fl.MarkHidden(name)
	}
	charset := func(s string) error {
		switch strings.ToLower(s) {
		case "utf-8", "utf8", "default":
			return nil
		}
		return fmt.Errorf("charset %q: Spindle takes file names as bytes (UTF-8); only utf-8 is accepted", s)
	}
	for _, name := range []string{"input-charset", "output-charset"} {
		fl.Var(funcValue{typ: "string", set: charset}, name, "accepted for mkisofs compatibility: utf-8 only")
		_ = fl.MarkHidden(name)
	}
	// xorriso's checksum algorithms for jigdo files: without the jigdo
	// options (which Spindle refuses) they choose nothing, so a recipe
	// that names them (debian-cd's) runs unchanged.
	for _, name := range []string{"checksum-algorithm-iso", "checksum-algorithm-template"} {
		fl.Var(funcValue{typ: "string", set: func(s string) error {
			for _, a := range strings.Split(s, ",") {
				switch strings.ToLower(strings.TrimSpace(a)) {
				case "md5", "sha1", "sha256", "sha512":
				default:
					return fmt.Errorf("unknown checksum algorithm %q (md5, sha1, sha256, sha512)", a)
				}
			}
			return nil
		}}, name, "accepted for xorriso compatibility (chooses the checksums of jigdo files, which Spindle does not write)")
		_ = fl.MarkHidden(name)
	}
	// -jcharset is -J -input-charset.
	fl.Var(funcValue{typ: "string", set: func(s string) error {
		f.joliet = true
		return charset(s)
	}}, "jcharset", "-J with an input charset (utf-8 only)")
	_ = fl.MarkHidden("jcharset")
	// One volume, number one, is all Spindle writes.
	for _, name := range []string{"volset-size", "volset-seqno"} {
		fl.Var(funcValue{typ: "string", set: func(s string) error {
			if n, err := strconv.Atoi(s); err != nil || n != 1 {
				return fmt.Errorf("%q: only a volume set of one volume (1) is supported", s)
			}
			return nil
		}}, name, "accepted for mkisofs compatibility: 1 only")
		_ = fl.MarkHidden(name)
	}
	return c, f
}

// bootBuilder collects El Torito options in command-line order, the way
// mkisofs applies them: options before the first -b, or after
// -eltorito-alt-boot, describe a new entry.
type bootBuilder struct {
	entries []iso9660.BootEntry
	err     error
	// next is set by --efi-boot: the next El Torito option starts a new
	// entry, as if -eltorito-alt-boot had been given.
	next bool
}

func (b *bootBuilder) cur() *iso9660.BootEntry {
	if len(b.entries) == 0 || b.next {
		b.entries = append(b.entries, iso9660.BootEntry{Floppy: true})
		b.next = false
	}
	return &b.entries[len(b.entries)-1]
}

type funcValue struct {
	set func(string) error
	typ string
}

func (v funcValue) String() string     { return "" }
func (v funcValue) Set(s string) error { return v.set(s) }
func (v funcValue) Type() string       { return v.typ }

func (b *bootBuilder) flags(fl *pflag.FlagSet) {
	str := func(name, short, usage string, set func(e *iso9660.BootEntry, s string) error) {
		fl.VarP(funcValue{typ: "string", set: func(s string) error { return set(b.cur(), s) }}, name, short, usage)
	}
	boolean := func(name, usage string, set func(e *iso9660.BootEntry)) {
		f := fl.VarPF(funcValue{typ: "bool", set: func(s string) error {
			if s == "true" {
				set(b.cur())
			}
			return nil
		}}, name, "", usage)
		f.NoOptDefVal = "true"
	}
	str("eltorito-boot", "b", "El Torito boot image `PATH` in the image (BIOS, floppy emulation unless -no-emul-boot)",
		func(e *iso9660.BootEntry, s string) error {
			e.Image = s
			return nil
		})
	efi := func(e *iso9660.BootEntry, s string) {
		e.Image, e.Platform, e.Emulation, e.Floppy = s, eltorito.PlatformEFI, eltorito.NoEmulation, false
	}
	str("efi-image", "e", "El Torito EFI boot image `PATH` of the current entry (platform 0xEF, no emulation)",
		func(e *iso9660.BootEntry, s string) error {
			efi(e, s)
			return nil
		})
	// xorriso's --efi-boot is "-eltorito-alt-boot -e PATH -no-emul-boot
	// -eltorito-alt-boot": an entry of its own, whatever comes before or
	// after it.
	fl.Var(funcValue{typ: "string", set: func(s string) error {
		if len(b.entries) > 0 && !b.next && b.entries[len(b.entries)-1].Image != "" {
			b.next = true
		}
		efi(b.cur(), s)
		b.next = true
		return nil
	}}, "efi-boot", "EFI boot image `PATH` in a boot entry of its own (xorriso --efi-boot)")
	alt := fl.VarPF(funcValue{typ: "bool", set: func(s string) error {
		// The next option starts a new entry (after --efi-boot, which has
		// ended its entry, it already does). Before any entry, or with
		// nothing after it, it changes nothing (as in mkisofs).
		if s == "true" && len(b.entries) > 0 {
			b.next = true
		}
		return nil
	}}, "eltorito-alt-boot", "", "start a further boot entry")
	alt.NoOptDefVal = "true"
	boolean("no-emul-boot", "no-emulation boot image", func(e *iso9660.BootEntry) {
		e.Emulation, e.Floppy = eltorito.NoEmulation, false
	})
	boolean("hard-disk-boot", "hard-disk emulation (the image holds an MBR with one partition)", func(e *iso9660.BootEntry) {
		e.Emulation, e.Floppy = eltorito.HardDisk, false
	})
	boolean("no-boot", "mark the entry not bootable", func(e *iso9660.BootEntry) { e.NotBootable = true })
	boolean("boot-info-table", "patch a boot information table into the boot image", func(e *iso9660.BootEntry) { e.InfoTable = true })
	boolean("isohybrid-gpt-basdat", "with -isohybrid-mbr, also record this (EFI) boot image as a partition, in the MBR (type EFh) and in a GPT, so UEFI boots it from a USB stick", func(e *iso9660.BootEntry) { e.HybridPartition = true })
	str("boot-load-size", "", "number of 512-byte `SECTORS` to load (no emulation; default the whole file)",
		func(e *iso9660.BootEntry, s string) error {
			if s == "full" {
				// xorriso's word for the default: the whole file.
				e.LoadSize = 0
				return nil
			}
			n, err := strconv.ParseUint(s, 0, 16)
			if err != nil || n == 0 {
				return fmt.Errorf("want 1..65535 sectors or full, got %q", s)
			}
			e.LoadSize = uint16(n)
			return nil
		})
	str("boot-load-seg", "", "load `SEGMENT` (default 0x7C0)", func(e *iso9660.BootEntry, s string) error {
		n, err := strconv.ParseUint(s, 0, 16)
		if err != nil {
			return fmt.Errorf("want a 16-bit segment, got %q", s)
		}
		e.LoadSegment = uint16(n)
		return nil
	})
	str("eltorito-platform", "", "platform of the entry: x86, PPC, Mac, efi or a number", func(e *iso9660.BootEntry, s string) error {
		switch strings.ToLower(s) {
		case "x86", "80x86":
			e.Platform = eltorito.PlatformX86
		case "ppc", "powerpc":
			e.Platform = eltorito.PlatformPowerPC
		case "mac":
			e.Platform = eltorito.PlatformMac
		case "efi":
			e.Platform = eltorito.PlatformEFI
		default:
			n, err := strconv.ParseUint(s, 0, 8)
			if err != nil {
				return fmt.Errorf("unknown platform %q", s)
			}
			e.Platform = eltorito.Platform(n)
		}
		return nil
	})
}

func (f *masterFlags) options() (*iso9660.Options, error) {
	if f.level < 1 || f.level > 3 {
		return nil, usageError{fmt.Errorf("-iso-level %d: want 1, 2 or 3", f.level)}
	}
	o := &iso9660.Options{
		Names: iso9660.ISONameOptions{Level: min(f.level, 3), LongNames: f.longNames, AllowLowercase: f.allowLower,
			RelaxedFilenames: f.relaxed, OmitVersion: f.omitVersion, OmitTrailingPeriod: f.omitPeriod},
		Joliet: f.joliet || f.jolietLong, JolietLong: f.jolietLong,
		Volume: iso9660.VolumeInfo{SystemID: f.sysID, VolumeID: f.volID, VolumeSetID: f.volset, Publisher: f.publisher,
			Preparer: f.preparer, Application: f.appID, CopyrightFile: f.copyright, AbstractFile: f.abstract,
			BibliographicFile: f.biblio},
		BootCatalog:      f.catalog,
		NoPad:            f.noPad,
		TransTable:       f.transTable,
		NoDeepRelocation: f.noRelocate,
		MD5:              f.md5,
	}
	// The fields of the volume descriptor (ECMA-119 §8.4) have fixed
	// sizes; mkisofs refuses a longer text rather than cut it (xorriso
	// too, for -V).
	for _, fld := range []struct {
		flag, val string
		max       int
	}{
		{"-sysid", f.sysID, 32}, {"-V", f.volID, 32}, {"-volset", f.volset, 128},
		{"-publisher", f.publisher, 128}, {"-p", f.preparer, 128}, {"-A", f.appID, 128},
		{"-copyright", f.copyright, 37}, {"-abstract", f.abstract, 37}, {"-biblio", f.biblio, 37},
	} {
		if len(fld.val) > fld.max {
			return nil, usageError{fmt.Errorf("%s %q: %d bytes, the volume descriptor field holds %d", fld.flag, fld.val, len(fld.val), fld.max)}
		}
	}
	switch {
	case f.rational:
		o.RockRidge = iso9660.RockRidgeRationalize
	case f.rock:
		o.RockRidge = iso9660.RockRidgeKeep
	}
	if f.rrip110 {
		o.RRVersion = iso9660.RRIP110
	}
	attr, err := f.attributes()
	if err != nil {
		return nil, err
	}
	o.Attributes = attr
	if attr.Set != 0 && o.RockRidge == iso9660.NoRockRidge {
		// As in mkisofs: only Rock Ridge records owners and modes.
		o.RockRidge = iso9660.RockRidgeKeep
	}
	if f.sortFile != "" {
		if o.SortWeight, err = readSortWeights(f.sortFile); err != nil {
			return nil, err
		}
	}
	for i, e := range f.boot.entries {
		if e.Image == "" {
			return nil, usageError{fmt.Errorf("boot entry %d has no image (-b or -e)", i+1)}
		}
	}
	o.Boot = f.boot.entries
	if f.catalog != "" && len(o.Boot) == 0 {
		return nil, usageError{errors.New("-c names a boot catalog but no boot image is given (-b or -e)")}
	}
	if f.hybridMBR != "" {
		if len(o.Boot) == 0 {
			return nil, usageError{errors.New("-isohybrid-mbr needs a boot image for the MBR to load (-b isolinux.bin -no-emul-boot -boot-info-table)")}
		}
		if o.HybridMBR, err = readSmallFile(f.hybridMBR, 512); err != nil {
			return nil, fmt.Errorf("-isohybrid-mbr: %w", err)
		}
	}
	dates := []*time.Time{&o.Volume.Created, &o.Volume.Modified, &o.Volume.Expiration, &o.Volume.Effective}
	for i, d := range f.dates {
		if d == "" {
			continue
		}
		t, err := parseVolumeDate(d)
		if err != nil {
			return nil, usageError{err}
		}
		*dates[i] = t
	}
	if epoch := os.Getenv("SOURCE_DATE_EPOCH"); epoch != "" || f.reproducible {
		var sec int64
		if epoch != "" {
			var err error
			if sec, err = strconv.ParseInt(epoch, 10, 64); err != nil {
				return nil, usageError{fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", epoch)}
			}
		}
		o.Now = time.Unix(sec, 0).UTC()
		o.ClampTimes = true
	}
	return o, nil
}

// parseVolumeDate reads the 16-digit form of a volume descriptor date
// (ECMA-119 §8.4.26.1, as xorriso's --modification-date takes it; fewer
// digits are padded with zeros) or an RFC 3339 time.
func parseVolumeDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	digits := s
	if len(digits) >= 8 && len(digits) <= 16 && strings.Trim(digits, "0123456789") == "" {
		digits += strings.Repeat("0", 16-len(digits))
		t, err := time.Parse("20060102150405", digits[:14])
		if err == nil {
			cs, _ := strconv.Atoi(digits[14:])
			return t.Add(time.Duration(cs) * 10 * time.Millisecond), nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q: want YYYYMMDDhhmmsscc or RFC 3339", s)
}

// sortRule is one line of a -sort file.
type sortRule struct {
	pattern string
	weight  int32
}

// readSortWeights reads a mkisofs -sort file: per line a path and a weight
// (a 32-bit integer) after the line's last space or tab, so that the path
// may hold spaces (one blank separates them, as in mkisofs). The path is matched, as a glob, against each file's
// source path and its path in the image and against their directories: a
// directory's weight goes to everything below it. The first matching line
// gives the weight; files no line matches weigh 0.
func readSortWeights(name string) (func(*iso9660.Node) int32, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, usageError{fmt.Errorf("-sort: %w", err)}
	}
	rules, err := parseSortWeights(name, data)
	if err != nil {
		return nil, err
	}
	return func(n *iso9660.Node) int32 {
		src, img := path.Clean(n.Source()), n.Path()
		for _, r := range rules {
			if matchPathOrParent(r.pattern, src) || matchPathOrParent(r.pattern, img) {
				return r.weight
			}
		}
		return 0
	}, nil
}

// parseSortWeights parses the lines of -sort file name.
func parseSortWeights(name string, data []byte) ([]sortRule, error) {
	var rules []sortRule
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		cut := strings.LastIndexAny(line, " \t")
		if cut <= 0 {
			return nil, usageError{fmt.Errorf("-sort %s:%d: want \"PATH WEIGHT\", got %q", name, i+1, line)}
		}
		wt, err := strconv.ParseInt(line[cut+1:], 10, 32)
		if err != nil {
			return nil, usageError{fmt.Errorf("-sort %s:%d: weight %q is not a 32-bit integer", name, i+1, line[cut+1:])}
		}
		// mkisofs takes everything before the last blank as the name,
		// blanks included.
		pat := path.Clean(line[:cut])
		if _, err := path.Match(pat, ""); err != nil {
			return nil, usageError{fmt.Errorf("-sort %s:%d: pattern %q: %w", name, i+1, pat, err)}
		}
		rules = append(rules, sortRule{pat, int32(wt)})
	}
	return rules, nil
}

// matchPathOrParent reports whether glob pattern matches p or one of the
// directories above it.
func matchPathOrParent(pattern, p string) bool {
	for {
		if ok, _ := path.Match(pattern, p); ok {
			return true
		}
		i := strings.LastIndexByte(p, '/')
		if i <= 0 {
			return false
		}
		p = p[:i]
	}
}

// isBackupName reports whether name is an editor's backup or autosave file
// as mkisofs -no-bak sees them: it contains ~ or #, or ends in .bak.
func isBackupName(name string) bool {
	return strings.ContainsAny(name, "~#") || strings.HasSuffix(name, ".bak")
}

// attributes reads -uid, -gid, -file-mode and -dir-mode.
func (f *masterFlags) attributes() (iso9660.AttributeOverride, error) {
	var a iso9660.AttributeOverride
	for _, id := range []struct {
		flag, val, db string
		set           iso9660.OverrideFields
		dst           *uint32
	}{
		{"-uid", f.uid, "/etc/passwd", iso9660.OverrideUID, &a.UID},
		{"-gid", f.gid, "/etc/group", iso9660.OverrideGID, &a.GID},
	} {
		if id.val == "" {
			continue
		}
		n, err := lookupID(id.val, id.db)
		if err != nil {
			return a, usageError{fmt.Errorf("%s %q: %w", id.flag, id.val, err)}
		}
		*id.dst = n
		a.Set |= id.set
	}
	for _, m := range []struct {
		flag, val string
		set       iso9660.OverrideFields
		dst       *fs.FileMode
	}{
		{"-file-mode", f.fileMode, iso9660.OverrideFileMode, &a.FileMode},
		{"-dir-mode", f.dirMode, iso9660.OverrideDirMode, &a.DirMode},
	} {
		if m.val == "" {
			continue
		}
		n, err := strconv.ParseUint(m.val, 8, 32)
		if err != nil || n > 0o7777 {
			return a, usageError{fmt.Errorf("%s %q: want an octal mode of at most four digits, such as 0444", m.flag, m.val)}
		}
		*m.dst = iso9660.ModeFromPOSIX(uint32(n))
		a.Set |= m.set
	}
	return a, nil
}

// lookupID reads a user or group given as a number, or as a name in db
// (/etc/passwd or /etc/group: "name:password:id:..."), as mkisofs's -uid
// and -gid do. The host's own files are what names mean to the person
// typing them; a number needs no lookup.
func lookupID(s, db string) (uint32, error) {
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return uint32(n), nil
	}
	data, err := os.ReadFile(db)
	if err != nil {
		return 0, fmt.Errorf("not a number, and %w", err)
	}
	return findID(s, db, data)
}

// findID looks name up in the lines of db, /etc/passwd or /etc/group.
func findID(s, db string, data []byte) (uint32, error) {
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 3 && f[0] == s {
			n, err := strconv.ParseUint(f[2], 10, 32)
			if err != nil {
				return 0, fmt.Errorf("%s gives it the id %q", db, f[2])
			}
			return uint32(n), nil
		}
	}
	return 0, fmt.Errorf("not a number nor a name in %s", db)
}

// excluder builds the -m/-x/-exclude-list test: a glob matches the base
// name or the whole host path (mkisofs -m).
func (f *masterFlags) excluder() (func(p, name string) bool, error) {
	return globMatcher("exclude", f.excludes, f.excludeLists)
}

// hider builds the -hide, -hide-joliet and -hidden test (and their -list
// forms), matching as -m does; nil when none is given. The boot catalog,
// which has no host path, is matched by its path in the image.
func (f *masterFlags) hider() (func(p, name string) iso9660.HideFlags, error) {
	var ms []func(p, name string) bool
	for _, g := range []struct {
		what         string
		globs, lists []string
	}{{"hide", f.hide, f.hideLists}, {"hide-joliet", f.hideJoliet, f.hideJolietLists}, {"hidden", f.hidden, f.hiddenLists}} {
		m, err := globMatcher(g.what, g.globs, g.lists)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	if ms[0] == nil && ms[1] == nil && ms[2] == nil {
		return nil, nil
	}
	flags := []iso9660.HideFlags{iso9660.HidePrimary, iso9660.HideJoliet, iso9660.HideExistence}
	return func(p, name string) iso9660.HideFlags {
		var h iso9660.HideFlags
		for i, m := range ms {
			if m != nil && m(p, name) {
				h |= flags[i]
			}
		}
		return h
	}, nil
}

// globMatcher builds a test of host files against globs and the globs of
// the list files (one per line): a glob matches the base name or the whole
// host path. It is nil when there are no globs; what names the option in
// messages.
func globMatcher(what string, globs, lists []string) (func(p, name string) bool, error) {
	globs = append([]string(nil), globs...)
	for _, l := range lists {
		fh, err := os.Open(l)
		if err != nil {
			return nil, usageError{fmt.Errorf("%s list: %w", what, err)}
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if line := strings.TrimRight(sc.Text(), "\r"); line != "" {
				globs = append(globs, line)
			}
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			return nil, usageError{fmt.Errorf("%s list %s: %w", what, l, err)}
		}
	}
	for _, g := range globs {
		if _, err := path.Match(g, ""); err != nil {
			return nil, usageError{fmt.Errorf("%s pattern %q: %w", what, g, err)}
		}
	}
	if len(globs) == 0 {
		return nil, nil
	}
	return func(p, name string) bool {
		for _, g := range globs {
			if ok, _ := path.Match(g, name); ok {
				return true
			}
			if ok, _ := path.Match(g, p); ok {
				return true
			}
			if ok, _ := path.Match(g, filepath.Clean(p)); ok {
				return true
			}
		}
		return false
	}, nil
}

// withPathLists appends to args the pathspecs of the -path-list files, one
// per line (empty lines skipped), as mkisofs reads them after those of the
// command line; "-" is standard input.
func (f *masterFlags) withPathLists(stdin io.Reader, args []string) ([]string, error) {
	for _, l := range f.pathLists {
		var r io.Reader = stdin
		if l != "-" {
			fh, err := os.Open(l)
			if err != nil {
				return nil, usageError{fmt.Errorf("path list: %w", err)}
			}
			defer fh.Close()
			r = fh
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if line := strings.TrimRight(sc.Text(), "\r"); line != "" {
				args = append(args, line)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, usageError{fmt.Errorf("path list %s: %w", l, err)}
		}
	}
	return args, nil
}

// splitGraft splits "DEST=SRC" at the first unescaped '=' and removes the
// backslash escapes of '=' and '\' (mkisofs -graft-points).
func splitGraft(s string) (dest, src string, ok bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && (s[i+1] == '=' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i++
		case s[i] == '=' && !ok:
			dest = b.String()
			b.Reset()
			ok = true
		default:
			b.WriteByte(s[i])
		}
	}
	if !ok {
		return "", b.String(), false
	}
	return dest, b.String(), true
}

type masterSummary struct {
	Output  string  `json:"output,omitempty"`
	Blocks  uint32  `json:"blocks"`
	Bytes   int64   `json:"bytes"`
	Seconds float64 `json:"seconds,omitempty"`
	// SessionStart is the block where the session begins (-C, grow).
	SessionStart uint32 `json:"session_start,omitempty"`
}

func runMaster(c *cobra.Command, f *masterFlags, args []string) error {
	if f.boot.err != nil {
		return usageError{f.boot.err}
	}
	opt, err := f.options()
	if err != nil {
		return err
	}
	exclude, err := f.excluder()
	if err != nil {
		return err
	}
	if f.noBak {
		prev := exclude
		exclude = func(p, name string) bool {
			return isBackupName(name) || prev != nil && prev(p, name)
		}
	}
	hide, err := f.hider()
	if err != nil {
		return err
	}
	if hide != nil && opt.BootCatalog != "" {
		cat := strings.Trim(opt.BootCatalog, "/")
		opt.CatalogHide = hide(cat, path.Base("/"+cat))
	}
	stderr := c.ErrOrStderr()
	if f.logFile != "" {
		lf, err := os.Create(f.logFile)
		if err != nil {
			return outputError{fmt.Errorf("log file: %w", err)}
		}
		defer lf.Close()
		stderr = lf
	}
	args, err = f.withPathLists(c.InOrStdin(), args)
	if err != nil {
		return err
	}
	tree := iso9660.NewTree()
	if !f.quiet {
		verb := c.Name()
		tree.Warn = func(err error) { fmt.Fprintf(stderr, "spindle: %s: warning: %v\n", verb, err) }
	}
	prev, err := f.previousSession(opt)
	if err != nil {
		return err
	}
	if prev != nil {
		defer prev.close()
		if err := tree.AddPrevious(prev.img); err != nil {
			return fmt.Errorf("%s: previous session: %w", prev.name, err)
		}
	}
	if f.sample {
		if err := addSample(tree, opt); err != nil {
			return err
		}
	} else if len(args) == 0 {
		return usageError{errNoInput}
	}
	// The image never contains itself (a previous run's output inside the
	// source tree), as cdrtools mkisofs does.
	self := f.output
	if f.grow != "" {
		self = f.grow
	}
	if self != "" && self != "-" {
		if abs, err := filepath.Abs(self); err == nil {
			prev, base := exclude, filepath.Base(abs)
			exclude = func(p, name string) bool {
				// Only an entry with the output's name can be the output:
				// making every path absolute would cost a twentieth of the
				// time of a tree of small files.
				if name == base {
					if pa, err := filepath.Abs(p); err == nil && pa == abs {
						return true
					}
				}
				return prev != nil && prev(p, name)
			}
		}
	}
	hopt := &iso9660.HostOptions{Exclude: exclude, Hide: hide, FollowLinks: f.follow}
	for _, a := range args {
		dest, src := "", a
		if f.graftPoints {
			if d, s, ok := splitGraft(a); ok {
				dest, src = d, s
			} else {
				src = s
			}
		}
		if err := tree.AddHost(dest, src, hopt); err != nil {
			return err
		}
	}
	start := time.Now()
	var prog *progress
	if !f.quiet && !f.printSize && f.logFile == "" && isTerminal(os.Stderr) {
		prog = newProgress(stderr, "master")
		opt.Progress = prog.update
	}
	// A pipe cannot be patched: no isomd5sum checksum to compute.
	opt.NoImplant = f.output == "" || f.output == "-"
	w, err := iso9660.NewWriter(tree, opt)
	if err != nil {
		return err
	}
	stdout := c.OutOrStdout()
	// A growable image begins with 64 KiB for the superblock copy (the
	// writer writes it itself with MD5: its checksum covers it).
	var head []byte
	if f.growable && f.msinfo == "" && !opt.MD5 {
		head = make([]byte, 16*iso9660.BlockSize, 32*iso9660.BlockSize)
		head = append(head, w.Superblock()...)
	}
	blocks := w.Blocks() + uint32(len(head)/iso9660.BlockSize)
	if f.printSize {
		if f.asJSON {
			return writeJSON(stdout, masterSummary{Blocks: blocks, Bytes: int64(blocks) * iso9660.BlockSize})
		}
		fmt.Fprintln(stdout, blocks)
		return nil
	}
	ctx := c.Context()
	if prev != nil && prev.grow {
		// Cancelled, appendSession cuts what it appended.
		armInterrupts(ctx)
		if err := prev.appendSession(ctx, w); err != nil {
			return err
		}
		prog.done()
		if f.asJSON {
			return writeJSON(stdout, masterSummary{Output: prev.name, Blocks: w.Blocks(), Bytes: w.Size(),
				Seconds: time.Since(start).Seconds(), SessionStart: prev.start})
		}
		return nil
	}
	out := f.output
	if out == "" {
		if isTerminal(os.Stdout) {
			return usageError{errors.New("no -o FILE given and standard output is a terminal")}
		}
		out = "-"
	}
	if out == "-" {
		if opt.MD5 && opt.SessionStart == 0 && !f.quiet {
			fmt.Fprintf(stderr, "spindle: %s: warning: --md5 with -o -: no isomd5sum checksum for checkisomd5 (it is patched into a finished file; use -o FILE); the libisofs checksums are written\n", c.Name())
		}
		if _, err := stdout.Write(head); err != nil {
			return outputError{fmt.Errorf("master: writing to standard output: %w", err)}
		}
		if _, err := w.WriteTo(ctx, stdout); err != nil {
			return outputError{fmt.Errorf("master: writing to standard output: %w", err)}
		}
	} else if err := writeAtomic(ctx, out, func(wr io.Writer) error {
		if _, err := wr.Write(head); err != nil {
			return err
		}
		if _, err := w.WriteTo(ctx, wr); err != nil {
			return err
		}
		return implant(w, wr)
	}); err != nil {
		return err
	}
	prog.done()
	if f.asJSON {
		// With the image on standard output, the summary goes to standard
		// error rather than after the image.
		js := stdout
		if out == "-" {
			js = stderr
		}
		return writeJSON(js, masterSummary{Output: out, Blocks: blocks, Bytes: int64(blocks) * iso9660.BlockSize,
			Seconds: time.Since(start).Seconds(), SessionStart: opt.SessionStart})
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// implant writes the isomd5sum checksum the writer computed, if any, into
// the finished image (the output file, before it is renamed into place).
func implant(w *iso9660.Writer, out io.Writer) error {
	field, off, err := w.ImplantAppUse()
	if err != nil || field == nil {
		return err
	}
	wa, ok := out.(io.WriterAt)
	if !ok {
		return errors.New("master: the output cannot be patched with the isomd5sum checksum")
	}
	_, err = wa.WriteAt(field, off)
	return err
}

// readSmallFile reads a file that must hold at most max bytes (an MBR
// template), refusing a larger one before reading it whole.
func readSmallFile(name string, max int64) ([]byte, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: more than %d bytes", name, max)
	}
	return b, nil
}
