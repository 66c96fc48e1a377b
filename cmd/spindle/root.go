package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func newRootCmd() *cobra.Command {
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
	root.AddCommand(newMasterCmd(), newGrowCmd(), newRelocateCmd(), newConvertCmd(), newSplitCmd(), newCheckCmd(), newDrivesCmd(), newDiscInfoCmd(), newMsinfoCmd(), newTrayCmd(true), newTrayCmd(false), newInfoCmd(), newLsCmd(), newIsosizeCmd(), newExtractCmd(), newIdentifyCmd(), newVerifyCmd(), newEmulateCmd(), newManCmd())
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
			} else if !shortBundle(fl, name) {
				// mkisofs has no bundled one-letter flags: an unknown
				// "-word" is an unknown option, reported as written, and
				// never split into "-w -o -r -d".
				return nil, usageError{fmt.Errorf("%s: unknown option %s (see %s --help)", cmd.Name(), a, cmd.CommandPath())}
			}
		case strings.HasPrefix(a, "-") && len(a) == 2:
			f = fl.ShorthandLookup(a[1:])
		}
		out = append(out, a)
		if f != nil && f.NoOptDefVal == "" && !strings.Contains(a, "=") {
			skipValue = true
		}
	}
	return out, nil
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
