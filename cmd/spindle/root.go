package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// commands are spindle's commands, by the names and aliases that call
// them on the command line (TestCommandTable checks them against each
// command's Use and Aliases).
var commands = []struct {
	names []string
	make  func() *cobra.Command
}{
	{[]string{"master"}, newMasterCmd},
	{[]string{"grow"}, newGrowCmd},
	{[]string{"relocate"}, newRelocateCmd},
	{[]string{"convert"}, newConvertCmd},
	{[]string{"split"}, newSplitCmd},
	{[]string{"check"}, newCheckCmd},
	{[]string{"drives"}, newDrivesCmd},
	{[]string{"disc-info", "toc"}, newDiscInfoCmd},
	{[]string{"msinfo"}, newMsinfoCmd},
	{[]string{"eject"}, func() *cobra.Command { return newTrayCmd(true) }},
	{[]string{"load"}, func() *cobra.Command { return newTrayCmd(false) }},
	{[]string{"info"}, newInfoCmd},
	{[]string{"ls"}, newLsCmd},
	{[]string{"isosize"}, newIsosizeCmd},
	{[]string{"extract"}, newExtractCmd},
	{[]string{"identify"}, newIdentifyCmd},
	{[]string{"verify"}, newVerifyCmd},
	{[]string{"emulate"}, newEmulateCmd},
	{[]string{"man"}, newManCmd},
}

// newRootCmdFor returns the command tree for a command line: only the
// command args name when they start with one (other than man, which
// documents them all), else all of them. Making every command, with its
// flags and help, costs more memory than a job on large files needs.
func newRootCmdFor(args []string) *cobra.Command {
	if len(args) > 0 && args[0] != "man" {
		for _, c := range commands {
			if slices.Contains(c.names, args[0]) {
				root := newRoot()
				// No completion command either: "completion" is not the
				// command being run.
				root.CompletionOptions.DisableDefaultCmd = true
				root.AddCommand(c.make())
				return root
			}
		}
	}
	return newRootCmd()
}

// newRootCmd returns the whole command tree.
func newRootCmd() *cobra.Command {
	root := newRoot()
	for _, c := range commands {
		root.AddCommand(c.make())
	}
	return root
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "spindle",
		Short: "Master, burn, image, rescue, rip, inspect and convert optical media",
		Long: `Spindle is one tool for optical media (CD, DVD, BD) and their image files.

It masters ISO 9660 images with Rock Ridge, Joliet and El Torito (mkisofs,
genisoimage and xorriso -as mkisofs flags are accepted as they are), grows
them by sessions, reads, verifies and extracts them; it converts cdrdao TOC
files and CUE sheets, splits BIN/CUE images into tracks as bchunk does, and
checks their raw sectors.

` + exitCodesHelp,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if c == c.Root() {
			return usageError{fmt.Errorf("%w (see %s --help)", err, c.CommandPath())}
		}
		return usageError{fmt.Errorf("%s: %w (see %s --help)", c.Name(), err, c.CommandPath())}
	})
	return root
}

func newManCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write man pages for spindle and every command into DIR",
		Example: `  spindle man /usr/local/share/man/man1
  man spindle-master`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return outputError{err}
			}
			if err := writeManTree(c.Root(), args[0]); err != nil {
				return outputError{err}
			}
			return nil
		},
	}
}

// mkisofsArgs rewrites the single-dash long options of mkisofs, genisoimage
// and xorriso -as mkisofs ("-graft-points", "-iso-level 3",
// "-rrip_version_1_10") into the double-dash form the flag parser takes, so
// the command lines of those tools run unchanged as "spindle master ...".
// An argument that is the value of the preceding flag is left alone.
func mkisofsArgs(root *cobra.Command, args []string) ([]string, error) {
	if len(args) == 0 {
		return args, nil
	}
	cmd, _, err := root.Find(args[:1])
	if err != nil || cmd == root || cmd.Annotations["mkisofs"] != "yes" {
		return args, nil
	}
	out := make([]string, 0, len(args))
	fl := cmd.Flags()
	skipValue := false
	for i, a := range args {
		if i == 0 || skipValue {
			skipValue = false
			out = append(out, a)
			continue
		}
		if a == "--" {
			out = append(out, args[i:]...)
			break
		}
		var f *pflag.Flag
		switch {
		case strings.HasPrefix(a, "--"):
			name, _, _ := strings.Cut(a[2:], "=")
			f = fl.Lookup(name)
		case strings.HasPrefix(a, "-") && len(a) > 2:
			name, val, hasVal := strings.Cut(a[1:], "=")
			long := strings.ReplaceAll(name, "_", "-")
			if f = fl.Lookup(long); f != nil {
				a = "--" + long
				if hasVal {
					a += "=" + val
				}
			} else if why, ok := mkisofsUnsupported(long); ok {
				// A real option of those tools, not a bundle of one-letter
				// flags ("-log-file" is not "-l -o g-file").
				return nil, usageError{fmt.Errorf("%s: %s is an option of mkisofs or xorriso -as mkisofs that Spindle does not support%s (see %s --help)", cmd.Name(), a, why, cmd.CommandPath())}
			} else if !shortBundle(fl, name) {
				// mkisofs has no bundled one-letter flags: an unknown
				// "-word" is an unknown option, reported as written, and
				// never split into "-w -o -r -d".
				return nil, usageError{fmt.Errorf("%s: unknown option %s (see %s --help)", cmd.Name(), a, cmd.CommandPath())}
			}
		case strings.HasPrefix(a, "-") && len(a) == 2:
			// -B (Sparc boot), -G (generic boot), -U (untranslated names),
			// -z and -Z (compression).
			if f = fl.ShorthandLookup(a[1:]); f == nil && strings.Contains("BGUZz", a[1:]) {
				return nil, usageError{fmt.Errorf("%s: %s is an option of mkisofs or xorriso -as mkisofs that Spindle does not support (see %s --help)", cmd.Name(), a, cmd.CommandPath())}
			}
		}
		out = append(out, a)
		if f != nil && f.NoOptDefVal == "" && !strings.Contains(a, "=") {
			skipValue = true
		}
	}
	return out, nil
}

// mkisofsOptionNames lists the single-dash long options of mkisofs,
// genisoimage and xorriso -as mkisofs (with '_' spelled '-') that spindle
// master does not implement (a constant, split only when an unknown option
// is met, so that nothing runs at program start). mkisofsArgs refuses them by name: pflag
// would otherwise read many as bundles of one-letter flags, "-log-file" as
// "-l -o g-file" and "-path-list" as "-p ath-list".
const mkisofsOptionNames = `
	allow-multidot alpha-boot apm-block-size append-partition appended-part-as-apm
	appended-part-as-gpt application-use apple auto boot-catalog-hide boot-hfs-file
	check-oldnames check-session checksum-list
	chrp-boot chrp-boot-part cluster-size dev 
	 disallow-dir-id-ext duplicates-once dvd-audio dvd-hybrid
	dvd-video efi-boot-part efi-boot-image eltorito-id eltorito-selcrit embedded-boot
	emul-toc  file-name-limit for-backup force-rr generic-boot 
	gpt-disk-guid grub2-boot-info grub2-mbr grub2-sparc-core hfs hfs-bless
	hfs-bless-by hfs-creator hfs-parms hfs-type hfs-unlock hfs-volid hfsplus
	hfsplus-block-size hfsplus-file-creator-type hfsplus-serial-no
	hide-hfs hide-hfs-list hide-hfsplus hide-hfsplus-list hide-joliet-trans-tbl
	hide-udf hide-udf-list
	hppa-bootloader hppa-cmdline hppa-hdrversion hppa-kernel-32 hppa-kernel-64
	hppa-ramdisk icon-position input-hfs-charset iso-mbr-part-type
	isohybrid-apm-hfsplus isohybrid-gpt-hfsplus
	jigdo-checksum-algorithm jigdo-exclude jigdo-force-checksum jigdo-force-md5
	jigdo-jigdo jigdo-map jigdo-min-file-size jigdo-template jigdo-template-compress
	joliet-utf16 ldots mac-boot-file mac-name magic map max-iso9660-filenames
	mbr-force-bootable md5-list mips-boot mipsel-boot new-dir-mode 
	no-desktop no-emul-toc no-iso-translate no-limit-pathtables no-rr
	no-split-symlink-components no-split-symlink-fields  norock old-empty
	old-exclude old-root old-root-devno old-root-no-ino old-root-no-md5 outdev
	output-hfs-charset part part-like-isohybrid partition-cyl-align partition-hd-cyl
	partition-offset partition-sec-hd posix-h posix-l posix-p prep-boot
	prep-boot-part probe protective-msdos-label quoted-path-list root root-info
	rr-reloc-dir scdbackup-tag set-all-file-dates  sort-weight
	sort-weight-list sort-weight-patterns sparc-boot sparc-label split-output
	stream-file-name stream-media-size sunx86-boot sunx86-label table-name
	transparent-compression ucs-level udf udf-symlinks  untranslated-filenames
	untranslated-name-len use-fileversion version xa xattr xattr-any
	zisofs-version-2 zisofs2-susp-z2 zisofs2-susp-zf`

// mkisofsUnsupported reports whether name (dashes for underscores) is one
// of mkisofsOptionNames, with a note on why for the families that need one.
func mkisofsUnsupported(name string) (why string, ok bool) {
	name = strings.ToLower(name)
	if !slices.Contains(strings.Fields(mkisofsOptionNames), name) {
		return "", false
	}
	switch {
	case name == "hide-joliet-trans-tbl":
		why = " (with -T, the TRANS.TBL files are in the Joliet tree too)"
	case strings.HasPrefix(name, "hide"):
		why = " (Spindle writes no HFS or UDF tree: -hide and -hide-joliet hide files from the ISO 9660 and Joliet trees)"
	case strings.HasPrefix(name, "hfs") || name == "udf" || name == "apple":
		why = " (Spindle writes ISO 9660, Rock Ridge, Joliet and El Torito only)"
	case strings.HasPrefix(name, "isohybrid") || strings.HasPrefix(name, "partition") ||
		strings.Contains(name, "mbr") || strings.HasPrefix(name, "append"):
		why = " (the partition tables written are -isohybrid-mbr's MBR and -isohybrid-gpt-basdat's GPT: no APM, HFS+ or appended partitions)"
	}
	return why, true
}

// shortBundle reports whether s (without the dash) is a bundle of
// one-letter flags that pflag can take: boolean shorthands, optionally
// ending in one that takes a value ("-rJ", "-rJofile").
func shortBundle(fl *pflag.FlagSet, s string) bool {
	for i := 0; i < len(s); i++ {
		f := fl.ShorthandLookup(s[i : i+1])
		if f == nil {
			return false
		}
		if f.NoOptDefVal == "" {
			return true // the rest is its value
		}
	}
	return true
}

var errNoInput = errors.New("no input: name at least one SOURCE (or --sample)")

// stringsValue is a repeatable string flag: pflag's StringArray without
// its CSV encoding of the value, which builds a CSV writer (and a 4 KB
// buffer) for every such flag each time the command tree is made.
type stringsValue struct{ p *[]string }

func (s stringsValue) Set(v string) error { *s.p = append(*s.p, v); return nil }
func (s stringsValue) Type() string       { return "stringArray" }

// String is empty for no values, which pflag's help takes as no default.
func (s stringsValue) String() string {
	if s.p == nil || len(*s.p) == 0 {
		return ""
	}
	return "[" + strings.Join(*s.p, ",") + "]"
}

// stringsVarP defines a repeatable string flag that appends to *p.
func stringsVarP(fl *pflag.FlagSet, p *[]string, name, short, usage string) {
	fl.VarP(stringsValue{p}, name, short, usage)
}
