package cue

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"spindle/cd"
)

func TestExtents(t *testing.T) {
	sizes := map[string]int64{
		"mixed.bin": 100*2048 + 50*2352 + 100, // a partial sector at the end
		"a.wav":     1000 * 2352,
		"b.wav":     500 * 2352,
	}
	size := func(name string) (int64, error) {
		n, ok := sizes[name]
		if !ok {
			return 0, fmt.Errorf("no %s", name)
		}
		return n, nil
	}
	cases := []struct {
		name, in string
		want     []Extent
	}{
		{"mixed modes in one file", "FILE mixed.bin BINARY\nTRACK 01 MODE1/2048\nINDEX 01 00:00:00\nTRACK 02 AUDIO\nINDEX 00 00:01:25\nINDEX 01 00:01:50\n", []Extent{
			{Track: 0, File: 0, Index: 1, Start: 0, Length: 100, Offset: 0, SectorSize: 2048},
			{Track: 1, File: 0, Index: 0, Start: 100, Length: 50, Offset: 100 * 2048, SectorSize: 2352},
		}},
		{"pregap in the previous file", "FILE a.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nTRACK 02 AUDIO\nINDEX 00 00:10:00\nFILE b.wav WAVE\nINDEX 01 00:00:00\nTRACK 03 AUDIO\nINDEX 01 00:05:00\n", []Extent{
			{Track: 0, File: 0, Index: 1, Start: 0, Length: 750, SectorSize: 2352},
			{Track: 1, File: 0, Index: 0, Start: 750, Length: 250, Offset: 750 * 2352, SectorSize: 2352},
			{Track: 1, File: 1, Index: 1, Start: 0, Length: 375, SectorSize: 2352},
			{Track: 2, File: 1, Index: 1, Start: 375, Length: 125, Offset: 375 * 2352, SectorSize: 2352},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := mustParse(t, c.in)
			got, err := s.Extents(size)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}

	bad := []struct{ name, in string }{
		{"beyond the end", "FILE b.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:10:00\n"},
		{"backwards", "FILE a.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:10:00\nTRACK 02 AUDIO\nINDEX 01 00:05:00\n"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := mustParse(t, c.in).Extents(size)
			if !errors.Is(err, ErrLayout) {
				t.Errorf("got %v, want ErrLayout", err)
			}
		})
	}
	_, err := mustParse(t, "FILE c.bin BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n").Extents(size)
	if err == nil {
		t.Error("size error not reported")
	}
	if e := (Extent{Start: 10, Length: 5}).End(); e != cd.Frames(15) {
		t.Errorf("End = %d", e)
	}
}
