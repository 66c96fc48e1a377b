package main

import (
	"slices"
	"testing"
)

// TestCommandTable checks the names the command line is matched against
// with the names cobra gives each command, and that a command line naming
// one command builds that command alone.
func TestCommandTable(t *testing.T) {
	all := newRootCmd()
	seen := map[string]bool{}
	for _, c := range commands {
		cmd := c.make()
		want := append([]string{cmd.Name()}, cmd.Aliases...)
		if !slices.Equal(c.names, want) {
			t.Errorf("table names %v, command %q answers to %v", c.names, cmd.Use, want)
		}
		for _, n := range c.names {
			if seen[n] {
				t.Errorf("%q listed twice", n)
			}
			seen[n] = true
		}
		root := newRootCmdFor([]string{c.names[len(c.names)-1], "--help"})
		if c.names[0] == "man" {
			if len(root.Commands()) != len(all.Commands()) {
				t.Errorf("man: %d commands, want all %d", len(root.Commands()), len(all.Commands()))
			}
			continue
		}
		if got := root.Commands(); len(got) != 1 || got[0].Name() != c.names[0] {
			t.Errorf("%v: tree holds %d commands", c.names, len(got))
		}
	}
	for _, cmd := range all.Commands() {
		if !seen[cmd.Name()] && cmd.Name() != "completion" && cmd.Name() != "help" {
			t.Errorf("command %q is not in the table", cmd.Name())
		}
	}
	// Anything else (a flag, an unknown word, completion) gets the whole
	// tree, for help, suggestions and completion.
	for _, args := range [][]string{nil, {"--version"}, {"completion", "bash"}, {"mastr"}} {
		if got := len(newRootCmdFor(args).Commands()); got != len(all.Commands()) {
			t.Errorf("%q: %d commands, want %d", args, got, len(all.Commands()))
		}
	}
}
