package emu

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"spindle/scsi"
)

// TestReplay replays the command logs that real burning programs
// (cdrskin, wodim, genisoimage, xorriso, cdrdao, cdparanoia) produced on
// the emulator in the guest tests (testdata/guest, refreshed with go test
// -run TestGuest -update): a fresh drive holding a blank disc of the same
// kind must answer every command with the same status and sense. WRITE's
// blocks are replayed as zeros, which changes no status.
func TestReplay(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "guest", "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no command log fixtures in testdata/guest")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			name := strings.TrimSuffix(filepath.Base(f), ".jsonl")
			k, err := ParseKind(name[strings.LastIndexByte(name, '.')+1:])
			if err != nil {
				t.Fatal(err)
			}
			m, err := NewBlank(k)
			if err != nil {
				t.Fatal(err)
			}
			d := New(Config{})
			d.Insert(m)
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			sc := bufio.NewScanner(fh)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			buf := make([]byte, 1<<20)
			n := 0
			for sc.Scan() {
				n++
				var e Entry
				if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
					t.Fatalf("line %d: %v", n, err)
				}
				c := &scsi.Command{CDB: e.CDB, Direction: scsi.FromDevice, Data: buf}
				switch {
				case e.DataOut > 0:
					data := e.Data
					if data == nil {
						data = make([]byte, e.DataOut)
					}
					c.Direction, c.Data = scsi.ToDevice, data
				}
				// Otherwise data-in with a large buffer: the log does not
				// keep the host's allocation, and no command's status
				// depends on a buffer that is large enough.
				res, err := d.Do(context.Background(), c)
				if err != nil {
					t.Fatalf("line %d: % x: %v", n, e.CDB, err)
				}
				got := Entry{Status: res.Status}
				if len(res.Sense) >= 14 {
					got.Key, got.ASC, got.ASCQ = scsi.SenseKey(res.Sense[2]&0x0F), res.Sense[12], res.Sense[13]
				}
				if got.Status != e.Status || got.Key != e.Key || got.ASC != e.ASC || got.ASCQ != e.ASCQ {
					t.Fatalf("line %d: % x answered %v %v %02X/%02X, the log says %v %v %02X/%02X",
						n, e.CDB, got.Status, got.Key, got.ASC, got.ASCQ, e.Status, e.Key, e.ASC, e.ASCQ)
				}
			}
			if err := sc.Err(); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d commands replayed", n)
		})
	}
}
