package toc

import (
	"errors"
	"fmt"
	"strings"

	"spindle/cd"
)

// ErrSyntax is matched by every *SyntaxError (errors.Is(err, toc.ErrSyntax)).
var ErrSyntax = errors.New("toc: syntax error")

// SyntaxError is a problem at a place in a TOC file: a violation of the
// grammar found by Parse, or of a rule of the format found by Validate or
// Layout.
type SyntaxError struct {
	File string // the name given to Parse; may be empty
	Line int    // 1-based line; 0 when the value was not parsed from text
	Col  int    // 1-based column in characters (runes) of the line
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
		b.WriteString("toc: ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Is reports whether target is ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// Pos is the place of a statement in the parsed text: 1-based line and
// column (in characters). The zero Pos means "not from text".
type Pos struct {
	Line, Col int
}

// DiscType is the session type line of the header.
type DiscType string

// Disc types. The empty DiscType means the line was absent (cdrdao then
// assumes CD_DA).
const (
	CDDA    DiscType = "CD_DA"
	CDROM   DiscType = "CD_ROM"
	CDROMXA DiscType = "CD_ROM_XA"
	CDI     DiscType = "CD_I"
)

// Mode is a track mode, or the data mode of a ZERO statement.
type Mode string

// Track modes. ModeMode0 is only valid as the data mode of a ZERO statement.
const (
	ModeAudio        Mode = "AUDIO"
	ModeMode0        Mode = "MODE0"
	ModeMode1        Mode = "MODE1"
	ModeMode1Raw     Mode = "MODE1_RAW"
	ModeMode2        Mode = "MODE2"
	ModeMode2Form1   Mode = "MODE2_FORM1"
	ModeMode2Form2   Mode = "MODE2_FORM2"
	ModeMode2FormMix Mode = "MODE2_FORM_MIX"
	ModeMode2Raw     Mode = "MODE2_RAW"
)

// SubChannel is the optional sub-channel mode of a track: none (""), RW
// (packed R–W data) or RW_RAW (raw, interleaved R–W data).
type SubChannel string

// Sub-channel modes.
const (
	SubChannelNone  SubChannel = ""
	SubChannelRW    SubChannel = "RW"
	SubChannelRWRaw SubChannel = "RW_RAW"
)

// BlockSize returns the number of bytes cdrdao reads from a file for each
// sector of mode m with sub-channel mode sc (the user data of the mode plus
// 96 bytes of sub-channel data for RW and RW_RAW), or 0 for an unknown
// mode.
func BlockSize(m Mode, sc SubChannel) int {
	var n int
	switch m {
	case ModeAudio, ModeMode1Raw, ModeMode2Raw:
		n = cd.RawSectorSize
	case ModeMode0, ModeMode2, ModeMode2FormMix:
		n = cd.Mode2SectorSize
	case ModeMode1, ModeMode2Form1:
		n = cd.DataSectorSize
	case ModeMode2Form2:
		n = cd.Form2DataSize
	default:
		return 0
	}
	switch sc {
	case SubChannelNone:
	case SubChannelRW, SubChannelRWRaw:
		n += cd.SubchannelSize
	default:
		return 0
	}
	return n
}

// Flag is a track flag that a TOC file may set, clear ("NO ...") or leave
// out; cdrdao's defaults for a flag left out are "not permitted" (COPY) and
// "no pre-emphasis".
type Flag int8

// Flag values.
const (
	FlagUnset Flag = iota // no statement: cdrdao's default (off)
	FlagOn                // COPY, PRE_EMPHASIS
	FlagOff               // NO COPY, NO PRE_EMPHASIS
)

// On reports whether the flag is set.
func (f Flag) On() bool { return f == FlagOn }

// TOC is a parsed cdrdao TOC file.
//
// Comments are not kept: Format writes a canonical file with the same
// meaning.
type TOC struct {
	// Type is the last disc type line, or "" when there was none.
	Type DiscType
	// Catalog is the last CATALOG string (the disc's Media Catalog Number,
	// 13 digits), or "" when there was none. cdrdao ignores CATALOG "".
	Catalog string
	// FirstTrack is FIRST_TRACK_NO, or 0 when absent (tracks count from 1).
	FirstTrack int
	// CDText is the global CD_TEXT block, or nil.
	CDText *CDText
	Tracks []Track

	name          string // the name given to Parse, for messages
	catalogPos    Pos
	firstTrackPos Pos
}

// Channels is the audio channel statement of a track.
type Channels int8

// Channel values.
const (
	ChannelsUnset Channels = 0 // no statement: two channels
	ChannelsTwo   Channels = 2 // TWO_CHANNEL_AUDIO
	ChannelsFour  Channels = 4 // FOUR_CHANNEL_AUDIO
)

// Track is one TRACK specification.
type Track struct {
	Pos         Pos // of the TRACK keyword
	Mode        Mode
	SubChannel  SubChannel
	Copy        Flag
	PreEmphasis Flag
	Channels    Channels
	// ISRC is the track's ISRC code ("CCOOOYYSSSSS"), or "" when absent.
	ISRC    string
	isrcPos Pos
	// CDText is the track's CD_TEXT block, or nil.
	CDText *CDText
	// Pregap is the PREGAP statement's length, or nil. It stands for
	// SILENCE (audio) or ZERO (data) of that length followed by START.
	Pregap    *cd.MSF
	PregapPos Pos
	// Items are the data, START and END statements in file order.
	Items []Item
	// Indexes are the INDEX statements: positions relative to the track
	// start (index 1), not counting the pre-gap.
	Indexes []Index
}

// Index is an INDEX statement.
type Index struct {
	Pos Pos
	At  cd.MSF
}

// ItemKind says what an Item is.
type ItemKind int8

// Item kinds.
const (
	// AudioFile is FILE or AUDIOFILE "name" [SWAP] [#offset] start [length]:
	// audio samples (raw big-endian or WAVE) from a file.
	AudioFile ItemKind = iota + 1
	// DataFile is DATAFILE "name" [#offset] [length]: data in the track's
	// mode read from a file.
	DataFile
	// Fifo is FIFO "path" length.
	Fifo
	// Silence is SILENCE length: zero audio samples.
	Silence
	// Zero is ZERO [mode] [sub-channel mode] length: zero data.
	Zero
	// Start is START [MSF]: the end of the pre-gap (index 1). Without an
	// MSF it is the track length so far.
	Start
	// End is END [MSF]: the start of a post-gap. Without an MSF it is the
	// track length so far.
	End
)

var kindNames = [...]string{AudioFile: "FILE", DataFile: "DATAFILE", Fifo: "FIFO",
	Silence: "SILENCE", Zero: "ZERO", Start: "START", End: "END"}

func (k ItemKind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("ItemKind(%d)", int(k))
}

// Item is a statement that adds data to a track or marks a position in it.
type Item struct {
	Pos  Pos
	Kind ItemKind
	// File is the file name of AudioFile, DataFile and Fifo ("-" is stdin).
	File string
	// Swap is SWAP of AudioFile: swap the byte order of samples.
	Swap bool
	// Offset is the "#n" byte offset of AudioFile and DataFile: bytes of the
	// file skipped before its data (0 when absent).
	Offset int64
	// Start is AudioFile's start in the file's samples (MSF or samples),
	// counted after Offset.
	Start Length
	// Length is the length of the data: optional for AudioFile and
	// DataFile (nil or zero: up to the end of the file), required for Fifo,
	// Silence and Zero.
	Length *Length
	// ZeroMode and ZeroSubChannel are ZERO's optional data and sub-channel
	// modes ("" when not given: the track's).
	ZeroMode       Mode
	ZeroSubChannel SubChannel
	// At is the MSF of Start and End, or nil for "the length so far".
	At *cd.MSF
}

// Length is an amount as written in a TOC file: an MSF "mm:ss:ff" that
// counts blocks (sectors), or a plain number whose unit depends on the
// statement: samples (1/44100 s, 4 bytes) for FILE, AUDIOFILE and SILENCE;
// bytes for DATAFILE, FIFO and ZERO.
type Length struct {
	IsMSF bool
	MSF   cd.MSF // when IsMSF
	N     int64  // when !IsMSF
}

// MSFLength returns a Length of m blocks.
func MSFLength(m cd.MSF) Length { return Length{IsMSF: true, MSF: m} }

// CountLength returns a Length of n samples or bytes.
func CountLength(n int64) Length { return Length{N: n} }

// IsZero reports whether the amount is 0.
func (l Length) IsZero() bool {
	if l.IsMSF {
		return l.MSF.Frames() == 0
	}
	return l.N == 0
}

func (l Length) String() string {
	if l.IsMSF {
		return l.MSF.String()
	}
	return fmt.Sprint(l.N)
}

// samples converts an audio amount to samples.
func (l Length) samples() int64 {
	if l.IsMSF {
		return int64(l.MSF.Frames()) * samplesPerBlock
	}
	return l.N
}

// bytes converts a data amount to bytes for blocks of blockSize bytes.
func (l Length) bytes(blockSize int) int64 {
	if l.IsMSF {
		return l.MSF.Frames().Bytes(blockSize)
	}
	return l.N
}

const (
	samplesPerBlock = cd.RawSectorSize / bytesPerSample // 588
	bytesPerSample  = 4                                 // 16-bit stereo
)

// CDText is a CD_TEXT block.
type CDText struct {
	Pos Pos
	// LanguageMap is the LANGUAGE_MAP of the global block: nil when absent,
	// and always nil in a track's block.
	LanguageMap []LanguageMapping
	Languages   []Language
}

// LanguageMapping maps a block number (0–7) to a language code (0–255;
// EN is 9).
type LanguageMapping struct {
	Pos   Pos
	Block int
	Code  int
}

// Language is a LANGUAGE n { ... } block.
type Language struct {
	Pos   Pos
	Block int
	// Encoding is the optional character encoding keyword at the start of
	// the block (ENCODING_ISO_8859_1, ENCODING_ASCII, ENCODING_MS_JIS,
	// ENCODING_KOREAN, ENCODING_MANDARIN), or "".
	Encoding string
	Items    []CDTextItem
}

// CD-TEXT item keywords (pack types).
const (
	Title      = "TITLE"
	Performer  = "PERFORMER"
	Songwriter = "SONGWRITER"
	Composer   = "COMPOSER"
	Arranger   = "ARRANGER"
	Message    = "MESSAGE"
	DiscID     = "DISC_ID"
	Genre      = "GENRE"
	TOCInfo1   = "TOC_INFO1"
	TOCInfo2   = "TOC_INFO2"
	Reserved1  = "RESERVED1"
	Reserved2  = "RESERVED2"
	Reserved3  = "RESERVED3"
	Reserved4  = "RESERVED4"
	Closed     = "CLOSED"
	UPCEAN     = "UPC_EAN"
	ISRC       = "ISRC"
	SizeInfo   = "SIZE_INFO"
)

// CDTextItem is one item of a LANGUAGE block: a keyword and a string or
// binary value.
type CDTextItem struct {
	Pos  Pos
	Type string // TITLE, PERFORMER, ... (see the constants)
	// Binary selects Data ({ 1, 2, ... }) over Text ("...").
	Binary bool
	// Text is the decoded string: escapes resolved, bytes as in the file
	// (UTF-8 or the block's encoding).
	Text string
	Data []byte
}

// Get returns the text of the first item of type typ in language block
// block, and whether there is one.
func (c *CDText) Get(block int, typ string) (string, bool) {
	if c == nil {
		return "", false
	}
	for _, l := range c.Languages {
		if l.Block != block {
			continue
		}
		for _, it := range l.Items {
			if it.Type == typ && !it.Binary {
				return it.Text, true
			}
		}
	}
	return "", false
}
