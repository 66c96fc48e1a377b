package cue

import (
	"errors"
	"fmt"
	"strings"

	"spindle/cd"
)

// ErrSyntax is matched by every *SyntaxError (errors.Is(err, cue.ErrSyntax)).
var ErrSyntax = errors.New("cue: syntax error")

// SyntaxError is a problem at a place in a CUE sheet: a violation of the
// grammar found by Parse, or of a rule of the format found by Validate.
type SyntaxError struct {
	File string // the name given to Parse; may be empty
	Line int    // 1-based line; 0 when the value was not parsed from text
	Col  int    // 1-based column in characters (runes) of the decoded line
	Msg  string
}

func (e *SyntaxError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", e.Line, e.Col)
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	} else {
		b.WriteString("cue: ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Is makes errors.Is(err, ErrSyntax) true for a *SyntaxError.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// Pos is where a command was in the parsed text. It is the zero Pos for
// values that were not parsed (built by a program), and it is ignored by
// Format.
type Pos struct {
	Line, Col int
}

// IsValid reports whether the position came from parsed text.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Encoding is the character encoding a sheet was read in and is written in.
type Encoding uint8

// The encodings Parse recognises. UTF-8 without a byte order mark is the
// zero value.
const (
	UTF8    Encoding = iota // UTF-8 without byte order mark (plain ASCII too)
	UTF8BOM                 // UTF-8 preceded by EF BB BF
	Latin1                  // ISO 8859-1: the fallback when the bytes are not valid UTF-8
	UTF16LE                 // UTF-16 little endian with byte order mark FF FE
	UTF16BE                 // UTF-16 big endian with byte order mark FE FF
)

func (e Encoding) String() string {
	switch e {
	case UTF8:
		return "UTF-8"
	case UTF8BOM:
		return "UTF-8 with BOM"
	case Latin1:
		return "ISO-8859-1"
	case UTF16LE:
		return "UTF-16LE"
	case UTF16BE:
		return "UTF-16BE"
	}
	return fmt.Sprintf("Encoding(%d)", uint8(e))
}

// Sheet is a parsed CUE sheet. Tracks form one flat list in disc order;
// each track and each index refer to the FILE in effect where they were
// written by position in Files, because a FILE command may also come
// between two INDEX commands of one track (as Exact Audio Copy writes when
// a gap is appended to the previous file).
type Sheet struct {
	Catalog    string // CATALOG: the media catalog number (13 digits)
	CDTextFile string // CDTEXTFILE: name of a binary CD-TEXT file
	Text       CDText // disc CD-TEXT: TITLE, PERFORMER, ...
	// Rems are the REM lines (and, parsed leniently, unknown commands)
	// before the first FILE, in order.
	Rems   []Rem
	Files  []File
	Tracks []Track

	Encoding Encoding // the text encoding read, and written by Format
	CRLF     bool     // lines end in CR LF (as the first line of the input did)

	CatalogPos Pos // where CATALOG was

	// Name is the name given to Parse. It is used in errors from Validate
	// and not written by Format.
	Name string
}

// File is a FILE command: a file holding the data of the tracks and
// indexes that follow it.
type File struct {
	Name string
	Type FileType
	// Rems are the REM lines (and unknown commands) right after the FILE
	// command, before the next TRACK or INDEX.
	Rems []Rem
	Pos  Pos
}

// Track is a TRACK command and everything that belongs to it.
type Track struct {
	Number int  // 1–99
	Mode   Mode // data mode and sector size
	// File is the position in Sheet.Files of the FILE in effect at the
	// TRACK command.
	File    int
	Flags   Flags
	ISRC    string // ISRC: 12 characters CCOOOYYSSSSS
	Text    CDText
	Pregap  cd.Frames // PREGAP: silence generated before INDEX 01, not in the file
	Postgap cd.Frames // POSTGAP: silence generated after the track, not in the file
	Indexes []Index
	// Session is the number from the last "REM SESSION nn" line before
	// the track, 0 when the sheet has none (a single-session disc).
	Session int
	// SessionRems are REM lines that followed the "REM SESSION" line
	// opening this track's session, before the next FILE or TRACK.
	SessionRems []Rem
	// Rems are REM lines (and unknown commands) written inside the track.
	// Rem.After tells how many of the track's INDEX commands precede each.
	Rems []Rem

	// Where the commands were; zero when absent or not parsed.
	Pos, FlagsPos, ISRCPos, PregapPos, PostgapPos Pos
}

// Index is an INDEX command.
type Index struct {
	Number int    // 0–99; 1 is the start of the track, 0 the start of its pregap
	Pos    cd.MSF // time from the start of the file
	File   int    // position in Sheet.Files of the file the time refers to
	At     Pos    // where the command was
}

// Rem is a REM line kept verbatim or, when parsed leniently, a command
// Parse did not know.
type Rem struct {
	// Text is the rest of a REM line after the keyword and the blanks
	// following it, for example `GENRE "Alternative Rock"` or
	// `REPLAYGAIN_TRACK_GAIN -7.02 dB`. For an unknown command it is the
	// whole line without leading and trailing blanks.
	Text    string
	Unknown bool // an unknown command (lenient parsing), written back as Text alone
	// After is, for a Track's Rems, the number of the track's INDEX
	// commands written before this line; Format puts the line after that
	// many indexes. It is 0 elsewhere.
	After int
	Pos   Pos
}

// Field splits a REM line of the common "KEY value" form: the key upper
// case, and the value without the quotes when it is one quoted string.
// For `GENRE "Alternative Rock"` it returns "GENRE", "Alternative Rock".
func (r Rem) Field() (key, value string) {
	t := strings.TrimSpace(r.Text)
	i := strings.IndexAny(t, " \t")
	if i < 0 {
		return strings.ToUpper(t), ""
	}
	key, value = strings.ToUpper(t[:i]), strings.TrimSpace(t[i+1:])
	if len(value) >= 2 && value[0] == '"' && strings.IndexByte(value[1:], '"') == len(value)-2 {
		value = value[1 : len(value)-1]
	}
	return key, value
}

// Rem returns the value of the first disc REM line with the given key (see
// Rem.Field), e.g. s.Rem("DATE").
func (s *Sheet) Rem(key string) (string, bool) {
	for _, r := range s.Rems {
		if r.Unknown {
			continue
		}
		if k, v := r.Field(); k == strings.ToUpper(key) {
			return v, true
		}
	}
	return "", false
}

// CDText holds the CD-TEXT commands of the disc or of a track.
type CDText struct {
	Title      string // TITLE
	Performer  string // PERFORMER
	Songwriter string // SONGWRITER
	Composer   string // COMPOSER
	Arranger   string // ARRANGER
	Message    string // MESSAGE
	DiscID     string // DISC_ID
	Genre      string // GENRE
	TOCInfo1   string // TOC_INFO1
	TOCInfo2   string // TOC_INFO2
	UPCEAN     string // UPC_EAN
	SizeInfo   string // SIZE_INFO
}

// cdTextFields lists the CD-TEXT keywords in the order Format writes them.
var cdTextFields = []struct {
	key string
	get func(*CDText) *string
}{
	{"TITLE", func(t *CDText) *string { return &t.Title }},
	{"PERFORMER", func(t *CDText) *string { return &t.Performer }},
	{"SONGWRITER", func(t *CDText) *string { return &t.Songwriter }},
	{"COMPOSER", func(t *CDText) *string { return &t.Composer }},
	{"ARRANGER", func(t *CDText) *string { return &t.Arranger }},
	{"MESSAGE", func(t *CDText) *string { return &t.Message }},
	{"DISC_ID", func(t *CDText) *string { return &t.DiscID }},
	{"GENRE", func(t *CDText) *string { return &t.Genre }},
	{"TOC_INFO1", func(t *CDText) *string { return &t.TOCInfo1 }},
	{"TOC_INFO2", func(t *CDText) *string { return &t.TOCInfo2 }},
	{"UPC_EAN", func(t *CDText) *string { return &t.UPCEAN }},
	{"SIZE_INFO", func(t *CDText) *string { return &t.SizeInfo }},
}

func cdTextField(t *CDText, key string) *string {
	for _, f := range cdTextFields {
		if f.key == key {
			return f.get(t)
		}
	}
	return nil
}

// FileType is the type word of a FILE command, upper case.
type FileType string

// The file types of the CDRWIN grammar.
const (
	Binary   FileType = "BINARY"   // raw sectors, little-endian audio samples
	Motorola FileType = "MOTOROLA" // raw sectors, big-endian audio samples
	Wave     FileType = "WAVE"     // RIFF WAVE audio (and, by custom, any decodable audio)
	MP3      FileType = "MP3"
	AIFF     FileType = "AIFF"
)

// Known reports whether t is one of the CDRWIN file types.
func (t FileType) Known() bool {
	switch t {
	case Binary, Motorola, Wave, MP3, AIFF:
		return true
	}
	return false
}

// Audio reports whether the file holds encoded audio rather than sectors.
func (t FileType) Audio() bool { return t == Wave || t == MP3 || t == AIFF }

// Mode is the data type of a TRACK command, upper case.
type Mode string

// The track modes of the CDRWIN grammar.
const (
	Audio      Mode = "AUDIO"      // audio, 2352 bytes per sector
	CDG        Mode = "CDG"        // karaoke CD+G: audio plus 96 bytes of subchannel
	Mode1_2048 Mode = "MODE1/2048" // Mode 1 user data
	Mode1_2352 Mode = "MODE1/2352" // Mode 1 raw sectors
	Mode2_2048 Mode = "MODE2/2048" // Mode 2 Form 1 user data
	Mode2_2324 Mode = "MODE2/2324" // Mode 2 Form 2 user data
	Mode2_2336 Mode = "MODE2/2336" // Mode 2 (XA) sectors without sync and header
	Mode2_2352 Mode = "MODE2/2352" // Mode 2 raw sectors
	CDI_2336   Mode = "CDI/2336"   // CD-i sectors without sync and header
	CDI_2352   Mode = "CDI/2352"   // CD-i raw sectors
)

// SectorSize is the number of bytes each sector of the mode takes in a
// BINARY or MOTOROLA file, or 0 for an unknown mode.
func (m Mode) SectorSize() int {
	switch m {
	case Audio, Mode1_2352, Mode2_2352, CDI_2352:
		return cd.RawSectorSize
	case CDG:
		return cd.RawSectorSize + cd.SubchannelSize
	case Mode1_2048, Mode2_2048:
		return cd.DataSectorSize
	case Mode2_2324:
		return cd.Form2DataSize
	case Mode2_2336, CDI_2336:
		return cd.Mode2SectorSize
	}
	return 0
}

// Known reports whether m is one of the CDRWIN track modes.
func (m Mode) Known() bool { return m.SectorSize() != 0 }

// IsAudio reports whether the track holds audio (AUDIO or CDG).
func (m Mode) IsAudio() bool { return m == Audio || m == CDG }

// Flags are the subcode flags of a FLAGS command.
type Flags uint8

// The flags of a FLAGS command.
const (
	DCP    Flags = 1 << iota // digital copy permitted
	FourCH                   // 4CH: four-channel audio
	PRE                      // pre-emphasis
	SCMS                     // serial copy management system
	DATA                     // data track (set by the mode; rarely written)
)

var flagNames = []struct {
	f    Flags
	name string
}{{DCP, "DCP"}, {FourCH, "4CH"}, {PRE, "PRE"}, {SCMS, "SCMS"}, {DATA, "DATA"}}

// String lists the flags as a FLAGS command writes them, e.g. "DCP PRE".
func (f Flags) String() string {
	var parts []string
	for _, n := range flagNames {
		if f&n.f != 0 {
			parts = append(parts, n.name)
		}
	}
	return strings.Join(parts, " ")
}

func flagByName(s string) (Flags, bool) {
	for _, n := range flagNames {
		if n.name == s {
			return n.f, true
		}
	}
	return 0, false
}
