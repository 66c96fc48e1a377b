package toc

import (
	"errors"
	"strings"
	"testing"

	"spindle/cd"
)

func msf(s string) cd.MSF {
	m, err := cd.ParseMSF(s)
	if err != nil {
		panic(err)
	}
	return m
}

func msfp(s string) *cd.MSF   { m := msf(s); return &m }
func lenMSF(s string) *Length { l := MSFLength(msf(s)); return &l }
func lenN(n int64) *Length    { l := CountLength(n); return &l }

func mustParse(t *testing.T, src string) *TOC {
	t.Helper()
	tc, err := Parse(strings.NewReader(src), "test.toc")
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, src)
	}
	return tc
}

// TestParseStatements parses each statement and checks the tree, then the
// round trip through Format.
func TestParseStatements(t *testing.T) {
	audio := func(items ...Item) []Track { return []Track{{Mode: ModeAudio, Items: items}} }
	sil := Item{Kind: Silence, Length: lenMSF("1:0:0")}
	tests := []struct {
		name string
		src  string
		want TOC
	}{
		{"minimal", "TRACK AUDIO SILENCE 1:0:0", TOC{Tracks: audio(sil)}},
		{"disc types, last wins", "CD_DA CD_ROM_XA TRACK AUDIO SILENCE 1:0:0",
			TOC{Type: CDROMXA, Tracks: audio(sil)}},
		{"CD_I", "CD_I TRACK AUDIO SILENCE 1:0:0", TOC{Type: CDI, Tracks: audio(sil)}},
		{"catalog", `CATALOG "1234567890123" CD_ROM TRACK AUDIO SILENCE 1:0:0`,
			TOC{Type: CDROM, Catalog: "1234567890123", Tracks: audio(sil)}},
		{"first track", "CD_DA FIRST_TRACK_NO 5 TRACK AUDIO SILENCE 1:0:0",
			TOC{Type: CDDA, FirstTrack: 5, Tracks: audio(sil)}},
		{"comments", "// head\nTRACK AUDIO // mode\n//\nSILENCE 1:0:0 // x", TOC{Tracks: audio(sil)}},
		{"flags", "TRACK AUDIO COPY NO PRE_EMPHASIS FOUR_CHANNEL_AUDIO ISRC \"DEMUA9800001\" SILENCE 1:0:0",
			TOC{Tracks: []Track{{Mode: ModeAudio, Copy: FlagOn, PreEmphasis: FlagOff, Channels: ChannelsFour,
				ISRC: "DEMUA9800001", Items: []Item{sil}}}}},
		{"flags, last wins", "TRACK AUDIO NO COPY PRE_EMPHASIS COPY FOUR_CHANNEL_AUDIO TWO_CHANNEL_AUDIO SILENCE 1:0:0",
			TOC{Tracks: []Track{{Mode: ModeAudio, Copy: FlagOn, PreEmphasis: FlagOn, Channels: ChannelsTwo, Items: []Item{sil}}}}},
		{"sub-channel", "TRACK MODE1 RW_RAW ZERO 1:0:0",
			TOC{Tracks: []Track{{Mode: ModeMode1, SubChannel: SubChannelRWRaw, Items: []Item{{Kind: Zero, Length: lenMSF("1:0:0")}}}}}},
		{"file", `TRACK AUDIO FILE "a.wav" 0`, TOC{Tracks: audio(Item{Kind: AudioFile, File: "a.wav", Start: CountLength(0)})}},
		{"audiofile all", `TRACK AUDIO AUDIOFILE "a.raw" SWAP #44 1:2:3 88200`, TOC{Tracks: audio(Item{Kind: AudioFile,
			File: "a.raw", Swap: true, Offset: 44, Start: MSFLength(msf("1:2:3")), Length: lenN(88200)})}},
		{"file offset with space", `TRACK AUDIO FILE "a" # 44 0 1:0:0`, TOC{Tracks: audio(Item{Kind: AudioFile,
			File: "a", Offset: 44, Start: CountLength(0), Length: lenMSF("1:0:0")})}},
		{"datafile", `TRACK MODE1 DATAFILE "d.iso"`, TOC{Tracks: []Track{{Mode: ModeMode1, Items: []Item{{Kind: DataFile, File: "d.iso"}}}}}},
		{"datafile offset length", `TRACK MODE2_RAW DATAFILE "d" #200 00:00:25`, TOC{Tracks: []Track{{Mode: ModeMode2Raw,
			Items: []Item{{Kind: DataFile, File: "d", Offset: 200, Length: lenMSF("0:0:25")}}}}}},
		{"datafile bytes", `TRACK MODE1 DATAFILE "d" 4096`, TOC{Tracks: []Track{{Mode: ModeMode1,
			Items: []Item{{Kind: DataFile, File: "d", Length: lenN(4096)}}}}}},
		{"fifo", `TRACK MODE1 FIFO "audio.fifo" 2048`, TOC{Tracks: []Track{{Mode: ModeMode1,
			Items: []Item{{Kind: Fifo, File: "audio.fifo", Length: lenN(2048)}}}}}},
		{"silence samples", "TRACK AUDIO SILENCE 588", TOC{Tracks: audio(Item{Kind: Silence, Length: lenN(588)})}},
		{"zero modes", "TRACK MODE2_FORM_MIX ZERO MODE0 RW 0:2:0 ZERO AUDIO 100 ZERO MODE2_FORM2 1:0:0",
			TOC{Tracks: []Track{{Mode: ModeMode2FormMix, Items: []Item{
				{Kind: Zero, ZeroMode: ModeMode0, ZeroSubChannel: SubChannelRW, Length: lenMSF("0:2:0")},
				{Kind: Zero, ZeroMode: ModeAudio, Length: lenN(100)},
				{Kind: Zero, ZeroMode: ModeMode2Form2, Length: lenMSF("1:0:0")}}}}}},
		{"start end index", "TRACK AUDIO SILENCE 0:2:0 START FILE \"x\" 0 END 3:0:0 INDEX 1:0:0 INDEX 1:30:0",
			TOC{Tracks: []Track{{Mode: ModeAudio, Items: []Item{
				{Kind: Silence, Length: lenMSF("0:2:0")}, {Kind: Start},
				{Kind: AudioFile, File: "x", Start: CountLength(0)}, {Kind: End, At: msfp("3:0:0")}},
				Indexes: []Index{{At: msf("1:0:0")}, {At: msf("1:30:0")}}}}}},
		{"start msf", "TRACK AUDIO START 0:2:0 SILENCE 1:0:0",
			TOC{Tracks: audio(Item{Kind: Start, At: msfp("0:2:0")}, sil)}},
		{"pregap", "TRACK MODE1 PREGAP 0:2:0 ZERO 1:0:0",
			TOC{Tracks: []Track{{Mode: ModeMode1, Pregap: msfp("0:2:0"), Items: []Item{{Kind: Zero, Length: lenMSF("1:0:0")}}}}}},
		{"msf minutes", "TRACK AUDIO SILENCE 255:59:74", TOC{Tracks: audio(Item{Kind: Silence, Length: lenMSF("255:59:74")})}},
		{"cd-text", `CD_TEXT { LANGUAGE_MAP { 0 : EN 1: 8 } LANGUAGE 0 { ENCODING_ISO_8859_1 TITLE "t" GENRE { 0, 1, 255 } UPC_EAN "" SIZE_INFO { } }
			LANGUAGE 1 { } }
			TRACK AUDIO CD_TEXT { LANGUAGE 0 { TITLE "x" ISRC "US-XX1-98-01234" } } SILENCE 1:0:0`,
			TOC{CDText: &CDText{
				LanguageMap: []LanguageMapping{{Block: 0, Code: 9}, {Block: 1, Code: 8}},
				Languages: []Language{{Block: 0, Encoding: "ENCODING_ISO_8859_1", Items: []CDTextItem{
					{Type: Title, Text: "t"}, {Type: Genre, Binary: true, Data: []byte{0, 1, 255}},
					{Type: UPCEAN}, {Type: SizeInfo, Binary: true, Data: []byte{}}}},
					{Block: 1}}},
				Tracks: []Track{{Mode: ModeAudio, CDText: &CDText{Languages: []Language{{Block: 0, Items: []CDTextItem{
					{Type: Title, Text: "x"}, {Type: ISRC, Text: "US-XX1-98-01234"}}}}}, Items: []Item{sil}}}}},
		{"cd-text all items", `CD_TEXT { LANGUAGE 0 { TITLE "" PERFORMER "" SONGWRITER "" COMPOSER "" ARRANGER "" MESSAGE ""
			DISC_ID "" GENRE "" TOC_INFO1 "" TOC_INFO2 "" RESERVED1 "" RESERVED2 "" RESERVED3 "" RESERVED4 "" CLOSED ""
			UPC_EAN "" ISRC "" SIZE_INFO "" } } TRACK AUDIO SILENCE 1:0:0`,
			TOC{CDText: &CDText{Languages: []Language{{Items: []CDTextItem{{Type: Title}, {Type: Performer},
				{Type: Songwriter}, {Type: Composer}, {Type: Arranger}, {Type: Message}, {Type: DiscID}, {Type: Genre},
				{Type: TOCInfo1}, {Type: TOCInfo2}, {Type: Reserved1}, {Type: Reserved2}, {Type: Reserved3},
				{Type: Reserved4}, {Type: Closed}, {Type: UPCEAN}, {Type: ISRC}, {Type: SizeInfo}}}}},
				Tracks: audio(sil)}},
		{"escapes", `CD_TEXT { LANGUAGE 0 { TITLE "q\"b\\o\101\351\089x\y" } } TRACK AUDIO SILENCE 1:0:0`,
			TOC{CDText: &CDText{Languages: []Language{{Items: []CDTextItem{{Type: Title, Text: "q\"b\\oA\xe9\x00x\\y"}}}}},
				Tracks: audio(sil)}},
		{"utf-8 and carriage return", "CD_TEXT { LANGUAGE 0 { TITLE \"湿った\r水\" } } TRACK AUDIO SILENCE 1:0:0",
			TOC{CDText: &CDText{Languages: []Language{{Items: []CDTextItem{{Type: Title, Text: "湿った\r水"}}}}},
				Tracks: audio(sil)}},
		{"two tracks", "TRACK AUDIO SILENCE 1:0:0 INDEX 0:1:0 TRACK MODE1 ZERO 1:0:0",
			TOC{Tracks: []Track{{Mode: ModeAudio, Items: []Item{sil}, Indexes: []Index{{At: msf("0:1:0")}}},
				{Mode: ModeMode1, Items: []Item{{Kind: Zero, Length: lenMSF("1:0:0")}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, tt.src)
			if !sameTOC(got, &tt.want) {
				t.Fatalf("Parse:\n got %+v\nwant %+v", stripPos(got), stripPos(&tt.want))
			}
			roundTrip(t, got)
			roundTrip(t, &tt.want)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"empty", "", 1, 1, "expected TRACK"},
		{"only comments", "// x\n", 2, 1, "expected TRACK"},
		{"track without data", "TRACK AUDIO\n", 2, 1, "expected FILE"},
		{"MODE0 track", "TRACK MODE0 ZERO 1:0:0", 1, 7, "invalid track mode"},
		{"lower case", "track AUDIO", 1, 1, "expected TRACK"},
		{"glued keywords", "TRACK AUDIO NOCOPY SILENCE 1:0:0", 1, 13, "expected FILE"},
		{"block comment", "/* x */ TRACK AUDIO SILENCE 1:0:0", 1, 1, "comments start with //"},
		{"unterminated string", "TRACK AUDIO FILE \"abc", 1, 18, "unterminated string"},
		{"newline in string", "TRACK AUDIO FILE \"a\nb\" 0", 1, 18, "newline in string"},
		{"tab in string", "TRACK AUDIO FILE \"a\tb\" 0", 1, 20, "tab in string"},
		{"empty file name", `TRACK AUDIO FILE "" 0`, 1, 18, "empty string"},
		{"empty catalog", `CATALOG "" TRACK AUDIO SILENCE 1:0:0`, 1, 9, "empty string"},
		{"empty isrc", `TRACK AUDIO ISRC "" SILENCE 1:0:0`, 1, 18, "empty string"},
		{"file without start", `TRACK AUDIO FILE "a"`, 1, 21, "expected a number"},
		{"silence without length", "TRACK AUDIO SILENCE", 1, 20, "expected a number"},
		{"bad frames", "TRACK AUDIO SILENCE 0:0:75", 1, 25, "frames field 75"},
		{"bad seconds", "TRACK AUDIO SILENCE 0:60:0", 1, 23, "seconds field 60"},
		{"bad minutes", "TRACK AUDIO SILENCE 256:0:0", 1, 21, "minutes field 256"},
		{"short msf", "TRACK AUDIO SILENCE 1:0", 1, 24, "expected \":\""},
		{"huge number", "TRACK AUDIO SILENCE 99999999999999999999", 1, 21, "out of range"},
		{"NO alone", "TRACK AUDIO NO SILENCE 1:0:0", 1, 16, "expected COPY or PRE_EMPHASIS"},
		{"index before data", "TRACK AUDIO INDEX 0:1:0 SILENCE 1:0:0", 1, 13, "expected FILE"},
		{"data after index", "TRACK AUDIO SILENCE 1:0:0 INDEX 0:1:0 SILENCE 1:0:0", 1, 39, "expected TRACK, INDEX or end of file"},
		{"pregap after data", "TRACK AUDIO SILENCE 1:0:0 PREGAP 0:2:0", 1, 27, "expected TRACK"},
		{"language map in track", "TRACK AUDIO CD_TEXT { LANGUAGE_MAP { 0: 9 } } SILENCE 1:0:0", 1, 23, "to close CD_TEXT"},
		{"empty language map", "CD_TEXT { LANGUAGE_MAP { } } TRACK AUDIO SILENCE 1:0:0", 1, 26, "expected a number"},
		{"binary too big", "CD_TEXT { LANGUAGE 0 { GENRE { 256 } } } TRACK AUDIO SILENCE 1:0:0", 1, 32, "out of range"},
		{"binary comma", "CD_TEXT { LANGUAGE 0 { GENRE { 1 2 } } } TRACK AUDIO SILENCE 1:0:0", 1, 34, "expected \",\""},
		{"unknown cd-text item", "CD_TEXT { LANGUAGE 0 { NAME \"x\" } } TRACK AUDIO SILENCE 1:0:0", 1, 24, "expected a CD-TEXT item"},
		{"catalog after cd-text", "CD_TEXT { } CATALOG \"1234567890123\" TRACK AUDIO SILENCE 1:0:0", 1, 13, "expected TRACK"},
		{"junk character", "TRACK AUDIO SILENCE 1:0:0 @", 1, 27, "unexpected character '@'"},
		{"column counts characters", "// ü\nCD_TEXT { LANGUAGE 0 { TITLE \"ü\" ü } } TRACK AUDIO SILENCE 1:0:0", 2, 34, "unexpected character 'ü'"},
		{"string where number", "TRACK AUDIO SILENCE \"1\"", 1, 21, "expected a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.src), "x.toc")
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse = %v, want a SyntaxError", err)
			}
			if se.Line != tt.line || se.Col != tt.col || !strings.Contains(se.Msg, tt.msg) || se.File != "x.toc" {
				t.Fatalf("error %q, want x.toc:%d:%d: ...%s...", err, tt.line, tt.col, tt.msg)
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	_, err := Parse(strings.NewReader(strings.Repeat(" ", MaxSize+1)), "big.toc")
	if !errors.Is(err, ErrSyntax) {
		t.Fatalf("Parse = %v, want a size error", err)
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{`a"b`, `"a\"b"`},
		{`a\b`, `"a\134b"`},
		{`\101`, `"\134101"`},
		{"L'humidité", `"L'humidité"`},
		{"湿った水", `"湿った水"`},
		{"Jos\xe9", `"Jos\351"`},
		{"tab\there", `"tab\011here"`},
		{"é\n", `"\303\251\012"`},
		{"\x00\x7f", `"\000\177"`},
		{"", `""`},
	}
	for _, tt := range tests {
		if got := quote(tt.in); got != tt.want {
			t.Errorf("quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
		tc := mustParse(t, "CD_TEXT { LANGUAGE 0 { TITLE "+quote(tt.in)+" } } TRACK AUDIO SILENCE 1:0:0")
		if got := tc.CDText.Languages[0].Items[0].Text; got != tt.in {
			t.Errorf("Parse(quote(%q)) = %q", tt.in, got)
		}
	}
}

func TestFormatRefuses(t *testing.T) {
	ok := func() *TOC { return mustParse(t, `TRACK AUDIO FILE "a" 0`) }
	tests := []struct {
		name string
		edit func(*TOC)
	}{
		{"no tracks", func(tc *TOC) { tc.Tracks = nil }},
		{"bad type", func(tc *TOC) { tc.Type = "CD_XX" }},
		{"bad mode", func(tc *TOC) { tc.Tracks[0].Mode = ModeMode0 }},
		{"bad sub-channel", func(tc *TOC) { tc.Tracks[0].SubChannel = "PQ" }},
		{"empty file", func(tc *TOC) { tc.Tracks[0].Items[0].File = "" }},
		{"bad msf", func(tc *TOC) { tc.Tracks[0].Items[0].Start = MSFLength(cd.MSF{F: 80}) }},
		{"no items", func(tc *TOC) { tc.Tracks[0].Items = nil }},
		{"silence without length", func(tc *TOC) { tc.Tracks[0].Items[0] = Item{Kind: Silence} }},
		{"map in track", func(tc *TOC) {
			tc.Tracks[0].CDText = &CDText{LanguageMap: []LanguageMapping{{}}}
		}},
		{"long binary", func(tc *TOC) {
			tc.CDText = &CDText{Languages: []Language{{Items: []CDTextItem{{Type: Genre, Binary: true, Data: make([]byte, maxBinary+1)}}}}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := ok()
			tt.edit(tc)
			if err := tc.Format(&strings.Builder{}); err == nil {
				t.Fatalf("Format accepted it:\n%s", tc)
			}
		})
	}
}
