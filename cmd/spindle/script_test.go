//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// The end-to-end tests of the command line: every testdata/script/*.txtar
// runs "spindle" (this test binary, re-executed as main) and the peer
// tools, and asserts stdout, stderr, exit status and files.
//
//	go test ./cmd/spindle -run TestScripts/NAME   one script
//	go test ./cmd/spindle -testwork -v             keep $WORK to look at

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		// main itself, signal handling included, so the scripts run
		// exactly what is installed.
		"spindle": main,
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Condition:           scriptCondition,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"status":    cmdStatus,
			"isosize":   cmdIsosize,
			"filesize":  cmdFilesize,
			"envfrom":   cmdEnvfrom,
			"json":      cmdJSON,
			"mkfile":    cmdMkfile,
			"mkfifo":    cmdMkfifo,
			"chtimes":   cmdChtimes,
			"hasbytes":  cmdHasbytes,
			"cmpsorted": cmdCmpsorted,
		},
	})
}

// scriptCondition adds:
//
//	[tool:NAME]        the peer tool NAME is on PATH. When it is missing the
//	                   condition is false (scripts then skip), except under
//	                   CI=true, where .ci/run must have installed it and the
//	                   script fails instead: a test skipped in CI proves nothing.
//	[masterflag:NAME]  "spindle master" has the long flag --NAME.
func scriptCondition(cond string) (bool, error) {
	kind, arg, _ := strings.Cut(cond, ":")
	switch kind {
	case "tool":
		if arg == "" {
			return false, fmt.Errorf("usage: [tool:NAME]")
		}
		if _, err := exec.LookPath(arg); err != nil {
			if os.Getenv("CI") == "true" {
				return false, fmt.Errorf("%s not installed (CI=true: .ci/run must install it)", arg)
			}
			return false, nil
		}
		return true, nil
	case "masterflag":
		return newMasterCmd().Flags().Lookup(arg) != nil, nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// status N PROG [ARG...]: run PROG like exec does (stdout and stderr are
// then checked as after exec) and require exit status N.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status N PROG [ARG...]")
	}
	want := atoi(ts, args[0])
	err := ts.Exec(args[1], args[2:]...)
	got := int64(0)
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = int64(ee.ExitCode())
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

// unquote decodes the Go escapes (\xff, \n, \\, ...) of a script argument,
// so a script can name bytes that are not valid UTF-8.
func unquote(ts *testscript.TestScript, s string) string {
	u, err := strconv.Unquote(`"` + strings.ReplaceAll(s, `"`, `\"`) + `"`)
	if err != nil {
		ts.Fatalf("bad escapes in %q: %v", s, err)
	}
	return u
}

func atoi(ts *testscript.TestScript, s string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		ts.Fatalf("%q is not a number", s)
	}
	return n
}

func checkSize(ts *testscript.TestScript, neg bool, file string, want int64, unit string) {
	fi, err := os.Stat(ts.MkAbs(file))
	ts.Check(err)
	got := fi.Size()
	switch {
	case neg && got == want:
		ts.Fatalf("%s is %d bytes (%s), want any other size", file, got, unit)
	case !neg && got != want:
		ts.Fatalf("%s is %d bytes, want %d (%s)", file, got, want, unit)
	}
}

// isosize FILE BLOCKS: FILE is exactly BLOCKS 2048-byte blocks long.
func cmdIsosize(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: isosize FILE BLOCKS")
	}
	n := atoi(ts, args[1])
	checkSize(ts, neg, args[0], n*2048, fmt.Sprintf("%d blocks of 2048", n))
}

// filesize FILE BYTES: FILE is exactly BYTES long.
func cmdFilesize(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: filesize FILE BYTES")
	}
	checkSize(ts, neg, args[0], atoi(ts, args[1]), "bytes")
}

// envfrom VAR FILE: set VAR to the contents of FILE (or stdout, stderr)
// without surrounding white space.
func cmdEnvfrom(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: envfrom VAR FILE")
	}
	ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile(args[1])))
}

// json FILE [KEY...]: FILE (or stdout, stderr) holds exactly one JSON
// object, which has every KEY; each value is put in $JSON_KEY (strings
// unquoted, numbers and the rest as written). With !, FILE is not one
// valid JSON value.
func cmdJSON(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: json FILE [KEY...]")
	}
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile(args[0])))
	dec.UseNumber()
	var obj map[string]json.RawMessage
	err := dec.Decode(&obj)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = fmt.Errorf("more than one JSON value")
		}
	}
	if neg {
		if err == nil {
			ts.Fatalf("%s is valid JSON", args[0])
		}
		return
	}
	if err != nil {
		ts.Fatalf("%s: not one JSON object: %v", args[0], err)
	}
	for _, k := range args[1:] {
		raw, ok := obj[k]
		if !ok {
			ts.Fatalf("%s: no key %q", args[0], k)
		}
		v := string(raw)
		var s string
		if json.Unmarshal(raw, &s) == nil {
			v = s
		}
		ts.Setenv("JSON_"+k, v)
	}
}

// mkfile PATH [SIZE]: create PATH (Go escapes such as \xff allowed, so
// names that are not UTF-8 can be made) and its parents, SIZE zero bytes.
func cmdMkfile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: mkfile PATH [SIZE]")
	}
	p := ts.MkAbs(unquote(ts, args[0]))
	ts.Check(os.MkdirAll(filepath.Dir(p), 0o755))
	f, err := os.Create(p)
	ts.Check(err)
	if len(args) == 2 {
		ts.Check(f.Truncate(atoi(ts, args[1])))
	}
	ts.Check(f.Close())
}

// mkfifo PATH: make a named pipe.
func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkfifo PATH")
	}
	p := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Dir(p), 0o755))
	ts.Check(syscall.Mkfifo(p, 0o644))
}

// chtimes PATH ATIME MTIME: set access and modification times, in Unix
// seconds; "-" keeps the time the file has.
func cmdChtimes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: chtimes PATH ATIME MTIME")
	}
	// A zero time leaves that time of the file as it is.
	var at, mt time.Time
	if args[1] != "-" {
		at = time.Unix(atoi(ts, args[1]), 0)
	}
	if args[2] != "-" {
		mt = time.Unix(atoi(ts, args[2]), 0)
	}
	ts.Check(os.Chtimes(ts.MkAbs(args[0]), at, mt))
}

// cmpsorted FILE1 FILE2: the two files (or stdout, stderr) have the same
// lines in any order, as listings of a directory tree may.
func cmdCmpsorted(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: cmpsorted FILE1 FILE2")
	}
	sorted := func(name string) string {
		lines := strings.Split(strings.TrimSuffix(ts.ReadFile(name), "\n"), "\n")
		slices.Sort(lines)
		return strings.Join(lines, "\n") + "\n"
	}
	a, b := sorted(args[0]), sorted(args[1])
	if a != b {
		ts.Fatalf("%s and %s differ (sorted):\n%s\nand\n%s", args[0], args[1], a, b)
	}
}

// hasbytes FILE TEXT: FILE (or stdout, stderr) contains TEXT, read with Go
// escapes, byte for byte (a regexp would take an invalid byte for U+FFFD).
func cmdHasbytes(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: hasbytes FILE TEXT")
	}
	want := unquote(ts, args[1])
	found := bytes.Contains([]byte(ts.ReadFile(args[0])), []byte(want))
	switch {
	case neg && found:
		ts.Fatalf("%s contains %q", args[0], want)
	case !neg && !found:
		ts.Fatalf("%s does not contain %q", args[0], want)
	}
}
