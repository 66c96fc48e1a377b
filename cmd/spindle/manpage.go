package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Man pages are written here rather than with cobra's doc package: that
// package pulls a Markdown renderer and a YAML library into the binary,
// which cost more resident memory at start-up than a whole mastering run
// of genisoimage needs (measured with /usr/bin/time). The pages are plain
// man(7) macros.

// writeManTree writes one page per visible command below cmd into dir.
func writeManTree(cmd *cobra.Command, dir string) error {
	for _, c := range cmd.Commands() {
		if !c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand() {
			continue
		}
		if err := writeManTree(c, dir); err != nil {
			return err
		}
	}
	name := strings.ReplaceAll(cmd.CommandPath(), " ", "-")
	path := filepath.Join(dir, name+".1")
	tmp, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriter(tmp)
	writeManPage(bw, cmd)
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// roff escapes text for man(7): backslashes, and a leading dot or quote
// that would otherwise start a request.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	var b strings.Builder
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		if strings.HasPrefix(line, ".") || strings.HasPrefix(line, "'") {
			b.WriteString(`\&`)
		}
		b.WriteString(line)
	}
	return b.String()
}

func writeManPage(w *bufio.Writer, cmd *cobra.Command) {
	name := strings.ReplaceAll(cmd.CommandPath(), " ", "-")
	fmt.Fprintf(w, ".TH \"SPINDLE\" \"1\" \"\" \"spindle %s\" \"Spindle Manual\"\n", version)
	fmt.Fprintf(w, ".SH NAME\n%s - %s\n", name, roff(cmd.Short))
	fmt.Fprintf(w, ".SH SYNOPSIS\n.nf\n\\fB%s\\fP\n.fi\n", roff(cmd.UseLine()))
	desc := cmd.Long
	if desc == "" {
		desc = cmd.Short
	}
	fmt.Fprintf(w, ".SH DESCRIPTION\n.nf\n%s\n.fi\n", roff(desc))
	writeManFlags(w, "OPTIONS", cmd.NonInheritedFlags())
	writeManFlags(w, "OPTIONS INHERITED FROM PARENT COMMANDS", cmd.InheritedFlags())
	if cmd.Example != "" {
		fmt.Fprintf(w, ".SH EXAMPLE\n.nf\n%s\n.fi\n", roff(cmd.Example))
	}
	var see []string
	if cmd.HasParent() {
		p := cmd.Parent()
		see = append(see, strings.ReplaceAll(p.CommandPath(), " ", "-")+"(1)")
	}
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() && !c.IsAdditionalHelpTopicCommand() {
			see = append(see, strings.ReplaceAll(c.CommandPath(), " ", "-")+"(1)")
		}
	}
	if len(see) > 0 {
		fmt.Fprintf(w, ".SH SEE ALSO\n%s\n", roff(strings.Join(see, ", ")))
	}
}

func writeManFlags(w *bufio.Writer, title string, fs *pflag.FlagSet) {
	if !fs.HasAvailableFlags() {
		return
	}
	fmt.Fprintf(w, ".SH %s\n", title)
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		var head string
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			head = fmt.Sprintf("\\fB-%s\\fP, \\fB--%s\\fP", f.Shorthand, roff(f.Name))
		} else {
			head = fmt.Sprintf("\\fB--%s\\fP", roff(f.Name))
		}
		varname, usage := pflag.UnquoteUsage(f)
		if varname != "" {
			head += " " + roff(varname)
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && f.DefValue != "0" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, ".TP\n%s\n%s\n", head, roff(usage))
	})
}
