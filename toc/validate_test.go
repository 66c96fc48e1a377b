package toc

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"spindle/cd"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // "line:col: part of message", in order
	}{
		{"ok", `CATALOG "0724385356926" TRACK AUDIO ISRC "USEM39600078" SILENCE 1:0:0 INDEX 0:10:0 INDEX 0:20:0`, nil},
		{"catalog", `CATALOG "12345" TRACK AUDIO SILENCE 1:0:0`, []string{"1:9: CATALOG"}},
		{"isrc", "TRACK AUDIO\nISRC \"us-abc\" SILENCE 1:0:0", []string{"2:6: track 1: ISRC"}},
		{"isrc digits", `TRACK AUDIO ISRC "USEM3960007X" SILENCE 1:0:0`, []string{"1:18: track 1: ISRC"}},
		{"file in data track", `TRACK MODE1 FILE "a" 0`, []string{"1:13: track 1: FILE is only allowed in AUDIO"}},
		{"silence with sub-channel", `TRACK AUDIO RW SILENCE 1:0:0`, []string{"1:16: track 1: SILENCE is only allowed in tracks without sub-channel"}},
		{"mixing", `TRACK AUDIO SILENCE 1:0:0 ZERO 1:0:0`, []string{"1:27: track 1: FILE, AUDIOFILE and SILENCE"}},
		{"pregap counts as silence", `TRACK AUDIO PREGAP 0:2:0 DATAFILE "d"`, []string{"1:26: track 1: FILE, AUDIOFILE and SILENCE"}},
		{"zero lengths", `TRACK AUDIO PREGAP 0:0:0 SILENCE 0 TRACK MODE1 ZERO 0:0:0`,
			[]string{"1:13: track 1: PREGAP of length zero", "1:26: track 1: SILENCE of length zero", "1:48: track 2: ZERO of length zero"}},
		{"two starts", `TRACK AUDIO SILENCE 0:2:0 START SILENCE 1:0:0 START`, []string{"1:47: track 1: track start"}},
		{"pregap and start", `TRACK AUDIO PREGAP 0:2:0 SILENCE 1:0:0 START`, []string{"1:40: track 1: track start"}},
		{"two ends", `TRACK AUDIO SILENCE 1:0:0 END 0:30:0 END 0:40:0`, []string{"1:38: track 1: track end"}},
		{"index zero", `TRACK AUDIO SILENCE 1:0:0 INDEX 0:0:0`, []string{"1:27: track 1: INDEX at the track start"}},
		{"index order", "TRACK AUDIO SILENCE 1:0:0\nINDEX 0:20:0\nINDEX 0:10:0", []string{"3:1: track 1: INDEX 00:10:00 not after"}},
		{"index beyond end", `TRACK AUDIO SILENCE 1:0:0 START 0:30:0 INDEX 0:30:0`, []string{"1:40: track 1: INDEX 00:30:00 at or behind"}},
		{"start beyond end", `TRACK AUDIO START 1:0:0 SILENCE 1:0:0`, []string{"1:13: track 1: START 01:00:00 at or behind"}},
		{"end within pregap", `TRACK AUDIO SILENCE 1:0:0 START 0:10:0 END 0:5:0`, []string{"1:40: track 1: END 00:05:00 within the pre-gap"}},
		{"file length unknown", `TRACK AUDIO FILE "a" 0 START 5:0:0`, nil},
		{"first track", `FIRST_TRACK_NO 99 TRACK AUDIO SILENCE 1:0:0 TRACK AUDIO SILENCE 1:0:0`, []string{"1:16: FIRST_TRACK_NO 99 with 2 tracks"}},
		{"first track zero", `FIRST_TRACK_NO 0 TRACK AUDIO SILENCE 1:0:0`, nil},
		{"first track 100", `FIRST_TRACK_NO 100 TRACK AUDIO SILENCE 1:0:0`, []string{"1:16: FIRST_TRACK_NO 100 out of range"}},
		{"cd-text numbers", `CD_TEXT { LANGUAGE_MAP { 8: 300 } LANGUAGE 9 { } } TRACK AUDIO SILENCE 1:0:0`,
			[]string{"1:26: CD-TEXT language number 8", "1:26: CD-TEXT language code 300", "1:35: CD-TEXT block number 9"}},
		{"cd-text track items", `TRACK AUDIO CD_TEXT { LANGUAGE 0 { GENRE "" DISC_ID "x" SIZE_INFO { } } } SILENCE 1:0:0`,
			[]string{"1:36: CD-TEXT item GENRE", "1:57: CD-TEXT item SIZE_INFO"}},
		{"zero in audio track", `TRACK AUDIO ZERO 1:0:0 DATAFILE "d"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := mustParse(t, tt.src).Validate()
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
				if !errors.Is(e, ErrSyntax) {
					t.Errorf("%v is not a SyntaxError", e)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Validate = %q, want %q", got, tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], "test.toc:"+tt.want[i][:strings.Index(tt.want[i], " ")]) ||
					!strings.Contains(got[i], tt.want[i][strings.Index(tt.want[i], " ")+1:]) {
					t.Errorf("error %d = %q, want test.toc:%s", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestValidateTrackCount(t *testing.T) {
	src := strings.Repeat("TRACK AUDIO SILENCE 0:4:0\n", 100)
	errs := mustParse(t, src).Validate()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "test.toc:100:1: 100 tracks") {
		t.Fatalf("Validate = %v", errs)
	}
	if errs := mustParse(t, strings.Repeat("TRACK AUDIO SILENCE 0:4:0\n", 99)).Validate(); errs != nil {
		t.Fatalf("99 tracks: %v", errs)
	}
}

func TestValidISRC(t *testing.T) {
	for s, want := range map[string]bool{"DEMUA9800001": true, "US0009812345": true, "usem39600078": false,
		"USEM3960007": false, "USEM396000789": false, "US-EM3-96-00078": false, "USEM3A600078": false, "USEMA9600078": true} {
		if ValidISRC(s) != want {
			t.Errorf("ValidISRC(%q) = %v", s, !want)
		}
	}
}

func TestBlockSize(t *testing.T) {
	tests := []struct {
		m    Mode
		sc   SubChannel
		want int
	}{
		{ModeAudio, "", 2352}, {ModeMode0, "", 2336}, {ModeMode1, "", 2048}, {ModeMode1Raw, "", 2352},
		{ModeMode2, "", 2336}, {ModeMode2Form1, "", 2048}, {ModeMode2Form2, "", 2324},
		{ModeMode2FormMix, "", 2336}, {ModeMode2Raw, "", 2352},
		{ModeMode1, SubChannelRW, 2144}, {ModeAudio, SubChannelRWRaw, 2448},
		{"MODE3", "", 0}, {ModeMode1, "PQ", 0},
	}
	for _, tt := range tests {
		if got := BlockSize(tt.m, tt.sc); got != tt.want {
			t.Errorf("BlockSize(%s, %q) = %d, want %d", tt.m, tt.sc, got, tt.want)
		}
	}
}

func TestLayout(t *testing.T) {
	sizes := map[string]int64{"a.raw": 10 * 2352 * 75, "odd.raw": 1000, "d.iso": 2048*100 + 10}
	size := func(name string) (int64, error) {
		n, ok := sizes[name]
		if !ok {
			return 0, os.ErrNotExist
		}
		return n, nil
	}
	src := `CD_ROM
TRACK MODE1
DATAFILE "d.iso" #10
ZERO MODE0 0:0:2
ZERO 4096
END 0:0:50
TRACK AUDIO
PREGAP 0:2:0
FILE "a.raw" #4 0:1:0 588
SILENCE 100
FILE "a.raw" 0:1:0
INDEX 0:3:0
TRACK MODE2_FORM1 RW
SILENCE 1
DATAFILE "odd.raw"
START
ZERO 0:0:3
`
	tc := mustParse(t, src)
	l, err := tc.Layout(size)
	if err != nil {
		t.Fatal(err)
	}
	want := &Layout{Length: 104 + 827 + 5, Tracks: []TrackLayout{
		{Number: 1, Mode: ModeMode1, Start: 0, Length: 104, Postgap: 54, Indexes: []cd.Frames{50}, Extents: []Extent{
			{Item: 0, File: "d.iso", Offset: 10, Size: 2048 * 100, Mode: ModeMode1, BlockSize: 2048},
			{Item: 1, Size: 2 * 2336, Mode: ModeMode0, BlockSize: 2336},
			{Item: 2, Size: 4096, Mode: ModeMode1, BlockSize: 2048}}},
		{Number: 2, Mode: ModeAudio, Start: 104, Length: 150 + 1 + 675 + 1, Pregap: 150, Indexes: []cd.Frames{225}, Extents: []Extent{
			{Item: -1, Size: 150 * 2352, Mode: ModeAudio, BlockSize: 2352},
			{Item: 0, File: "a.raw", Offset: 4 + 75*2352, Size: 2352, Mode: ModeAudio, BlockSize: 2352},
			{Item: 1, Size: 400, Mode: ModeAudio, BlockSize: 2352},
			{Item: 2, File: "a.raw", Offset: 75 * 2352, Size: 9 * 75 * 2352, Mode: ModeAudio, BlockSize: 2352, Pad: 2352 - 400}}},
		{Number: 3, Mode: ModeMode2Form1, SubChannel: SubChannelRW, Start: 931, Length: 1 + 4, Pregap: 2, Extents: []Extent{
			{Item: 0, Size: 4, Mode: ModeAudio, BlockSize: 2352, Pad: 2348},
			{Item: 1, File: "odd.raw", Size: 1000, Mode: ModeMode2Form1, SubChannel: SubChannelRW, BlockSize: 2144},
			{Item: 3, Size: 3 * 2144, Mode: ModeMode2Form1, SubChannel: SubChannelRW, BlockSize: 2144, Pad: 1144}}},
	}}
	if !reflect.DeepEqual(l, want) {
		t.Fatalf("Layout:\n got %+v\nwant %+v", l, want)
	}
}

func TestLayoutErrors(t *testing.T) {
	size := func(name string) (int64, error) {
		if name == "missing" {
			return 0, fmt.Errorf("no such file")
		}
		return 2352 * 75, nil
	}
	tests := []struct{ name, src, msg string }{
		{"no size func", `TRACK AUDIO FILE "a" 0`, "file size needed"},
		{"missing file", "TRACK AUDIO\nFILE \"missing\" 0", `test.toc:2:1: FILE "missing": no such file`},
		{"start beyond file", `TRACK AUDIO FILE "a" 0:1:0`, "start 00:01:00 beyond the 44100 samples"},
		{"offset beyond file", `TRACK MODE1 DATAFILE "a" #999999`, "offset 999999 beyond"},
		{"start beyond track", `TRACK AUDIO FILE "a" 0 START 0:1:0`, "START 00:01:00 at or behind the track end 00:01:00"},
		{"index beyond track", `TRACK AUDIO FILE "a" 0 START 0:0:10 INDEX 0:0:65`, "INDEX 00:00:65 at or behind"},
		{"end beyond track", `TRACK AUDIO FILE "a" 0 END 0:1:0`, "END 00:01:00 at or behind"},
		{"end on index", `TRACK AUDIO FILE "a" 0 END 0:0:10 INDEX 0:0:10`, "coincides with an INDEX"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := mustParse(t, tt.src)
			sf := SizeFunc(size)
			if tt.name == "no size func" {
				sf = nil
			}
			_, err := tc.Layout(sf)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Layout = %v, want %q", err, tt.msg)
			}
		})
	}
}
