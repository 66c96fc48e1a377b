package toc

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Format writes t as a TOC file in a canonical layout: header (disc type,
// CATALOG, FIRST_TRACK_NO, CD_TEXT), then each track with its flags in the
// order cdrdao read-toc writes them, its CD_TEXT, PREGAP, data and
// position statements in order, and INDEX statements. Comments of a parsed
// file are not reproduced. Parse(Format(t)) equals t (but for positions)
// for every t that Parse returned.
//
// Format refuses values that no TOC file can express: empty FILE or CATALOG
// strings, unknown modes or keywords, binary CD-TEXT data too long, a TOC
// without tracks, and the like.
func (t *TOC) Format(w io.Writer) error {
	if err := t.check(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if t.Type != "" {
		fmt.Fprintf(bw, "%s\n", t.Type)
	}
	if t.Catalog != "" {
		fmt.Fprintf(bw, "CATALOG %s\n", quote(t.Catalog))
	}
	if t.FirstTrack != 0 {
		fmt.Fprintf(bw, "FIRST_TRACK_NO %d\n", t.FirstTrack)
	}
	if t.CDText != nil {
		bw.WriteString("\n")
		formatCDText(bw, t.CDText, "")
	}
	first := t.FirstTrack
	if first == 0 {
		first = 1
	}
	for i := range t.Tracks {
		tr := &t.Tracks[i]
		fmt.Fprintf(bw, "\n// Track %d\nTRACK %s", first+i, tr.Mode)
		if tr.SubChannel != "" {
			fmt.Fprintf(bw, " %s", tr.SubChannel)
		}
		bw.WriteString("\n")
		switch tr.Copy {
		case FlagOn:
			bw.WriteString("COPY\n")
		case FlagOff:
			bw.WriteString("NO COPY\n")
		}
		switch tr.PreEmphasis {
		case FlagOn:
			bw.WriteString("PRE_EMPHASIS\n")
		case FlagOff:
			bw.WriteString("NO PRE_EMPHASIS\n")
		}
		switch tr.Channels {
		case ChannelsTwo:
			bw.WriteString("TWO_CHANNEL_AUDIO\n")
		case ChannelsFour:
			bw.WriteString("FOUR_CHANNEL_AUDIO\n")
		}
		if tr.ISRC != "" {
			fmt.Fprintf(bw, "ISRC %s\n", quote(tr.ISRC))
		}
		if tr.CDText != nil {
			formatCDText(bw, tr.CDText, "")
		}
		if tr.Pregap != nil {
			fmt.Fprintf(bw, "PREGAP %s\n", tr.Pregap)
		}
		for _, it := range tr.Items {
			formatItem(bw, &it)
		}
		for _, x := range tr.Indexes {
			fmt.Fprintf(bw, "INDEX %s\n", x.At)
		}
	}
	return bw.Flush()
}

// String returns the TOC file Format writes, or an error message.
func (t *TOC) String() string {
	var b strings.Builder
	if err := t.Format(&b); err != nil {
		return "toc: " + err.Error()
	}
	return b.String()
}

func formatItem(bw *bufio.Writer, it *Item) {
	switch it.Kind {
	case AudioFile:
		fmt.Fprintf(bw, "FILE %s", quote(it.File))
		if it.Swap {
			bw.WriteString(" SWAP")
		}
		if it.Offset != 0 {
			fmt.Fprintf(bw, " #%d", it.Offset)
		}
		fmt.Fprintf(bw, " %s", it.Start)
		if it.Length != nil {
			fmt.Fprintf(bw, " %s", *it.Length)
		}
	case DataFile:
		fmt.Fprintf(bw, "DATAFILE %s", quote(it.File))
		if it.Offset != 0 {
			fmt.Fprintf(bw, " #%d", it.Offset)
		}
		if it.Length != nil {
			fmt.Fprintf(bw, " %s", *it.Length)
		}
	case Fifo:
		fmt.Fprintf(bw, "FIFO %s %s", quote(it.File), *it.Length)
	case Silence:
		fmt.Fprintf(bw, "SILENCE %s", *it.Length)
	case Zero:
		bw.WriteString("ZERO")
		if it.ZeroMode != "" {
			fmt.Fprintf(bw, " %s", it.ZeroMode)
		}
		if it.ZeroSubChannel != "" {
			fmt.Fprintf(bw, " %s", it.ZeroSubChannel)
		}
		fmt.Fprintf(bw, " %s", *it.Length)
	case Start, End:
		bw.WriteString(it.Kind.String())
		if it.At != nil {
			fmt.Fprintf(bw, " %s", *it.At)
		}
	}
	bw.WriteString("\n")
}

func formatCDText(bw *bufio.Writer, c *CDText, indent string) {
	fmt.Fprintf(bw, "%sCD_TEXT {\n", indent)
	if len(c.LanguageMap) > 0 {
		fmt.Fprintf(bw, "%s  LANGUAGE_MAP {\n", indent)
		for _, m := range c.LanguageMap {
			fmt.Fprintf(bw, "%s    %d: %d\n", indent, m.Block, m.Code)
		}
		fmt.Fprintf(bw, "%s  }\n", indent)
	}
	for _, l := range c.Languages {
		fmt.Fprintf(bw, "%s  LANGUAGE %d {\n", indent, l.Block)
		if l.Encoding != "" {
			fmt.Fprintf(bw, "%s    %s\n", indent, l.Encoding)
		}
		for _, it := range l.Items {
			fmt.Fprintf(bw, "%s    %s ", indent, it.Type)
			if !it.Binary {
				bw.WriteString(quote(it.Text))
				bw.WriteString("\n")
				continue
			}
			// Twelve values a line, as cdrdao writes them.
			bw.WriteString("{")
			pad := strings.Repeat(" ", len(indent)+4+len(it.Type)+2)
			for i, v := range it.Data {
				switch {
				case i == 0:
				case i%12 == 0:
					bw.WriteString(",\n" + pad)
				default:
					bw.WriteString(", ")
				}
				fmt.Fprintf(bw, "%3d", v)
			}
			bw.WriteString("}\n")
		}
		fmt.Fprintf(bw, "%s  }\n", indent)
	}
	fmt.Fprintf(bw, "%s}\n", indent)
}

// quote writes s as a TOC string that every cdrdao release and Parse read
// back as the same bytes. Printable ASCII and valid UTF-8 without control
// characters or backslashes is written as is, with \" for quotes. Anything
// else is written in ASCII with octal escapes (\ooo) for control, non-ASCII
// and backslash bytes: cdrdao's releases disagree on "\\" (one backslash or
// two), and its newer ones refuse octal escapes in strings that also hold
// non-ASCII characters.
func quote(s string) string {
	octal := !utf8.ValidString(s)
	for i := 0; i < len(s) && !octal; i++ {
		c := s[i]
		octal = c < 0x20 || c == 0x7f || c == '\\'
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case octal && (c < 0x20 || c >= 0x7f || c == '\\'):
			b.WriteString(`\`)
			o := strconv.FormatInt(int64(c), 8)
			b.WriteString(strings.Repeat("0", 3-len(o)) + o)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// check refuses what Format cannot write so that Parse reads it back.
func (t *TOC) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("toc: cannot format: "+format, args...)
	}
	if t.Type != "" && !isDiscType(string(t.Type)) {
		return bad("unknown disc type %q", t.Type)
	}
	if t.FirstTrack < 0 {
		return bad("negative FIRST_TRACK_NO %d", t.FirstTrack)
	}
	if len(t.Tracks) == 0 {
		return bad("no tracks")
	}
	if err := checkCDText(t.CDText, true); err != nil {
		return bad("global CD_TEXT: %v", err)
	}
	for i := range t.Tracks {
		tr := &t.Tracks[i]
		n := i + 1
		if !isTrackMode(string(tr.Mode)) {
			return bad("track %d: invalid mode %q", n, tr.Mode)
		}
		if tr.SubChannel != "" && tr.SubChannel != SubChannelRW && tr.SubChannel != SubChannelRWRaw {
			return bad("track %d: invalid sub-channel mode %q", n, tr.SubChannel)
		}
		if tr.Copy < FlagUnset || tr.Copy > FlagOff || tr.PreEmphasis < FlagUnset || tr.PreEmphasis > FlagOff {
			return bad("track %d: invalid flag value", n)
		}
		if tr.Channels != ChannelsUnset && tr.Channels != ChannelsTwo && tr.Channels != ChannelsFour {
			return bad("track %d: invalid channel count %d", n, tr.Channels)
		}
		if err := checkCDText(tr.CDText, false); err != nil {
			return bad("track %d CD_TEXT: %v", n, err)
		}
		if len(tr.Items) == 0 {
			return bad("track %d has no data, START or END statement", n)
		}
		for j := range tr.Items {
			it := &tr.Items[j]
			if err := checkItem(it); err != nil {
				return bad("track %d, %s: %v", n, it.Kind, err)
			}
		}
	}
	return nil
}

func checkLength(l *Length, required bool) error {
	if l == nil {
		if required {
			return fmt.Errorf("missing length")
		}
		return nil
	}
	if l.IsMSF && !l.MSF.Valid() {
		return fmt.Errorf("invalid MSF %s", l.MSF)
	}
	if !l.IsMSF && l.N < 0 {
		return fmt.Errorf("negative length %d", l.N)
	}
	return nil
}

func checkItem(it *Item) error {
	switch it.Kind {
	case AudioFile, DataFile, Fifo:
		if it.File == "" {
			return fmt.Errorf("empty file name")
		}
		if it.Offset < 0 {
			return fmt.Errorf("negative offset")
		}
	}
	switch it.Kind {
	case AudioFile:
		if err := checkLength(&it.Start, true); err != nil {
			return err
		}
		return checkLength(it.Length, false)
	case DataFile:
		return checkLength(it.Length, false)
	case Fifo, Silence:
		return checkLength(it.Length, true)
	case Zero:
		if it.ZeroMode != "" && !isTrackMode(string(it.ZeroMode)) && it.ZeroMode != ModeMode0 {
			return fmt.Errorf("invalid mode %q", it.ZeroMode)
		}
		if it.ZeroSubChannel != "" && it.ZeroSubChannel != SubChannelRW && it.ZeroSubChannel != SubChannelRWRaw {
			return fmt.Errorf("invalid sub-channel mode %q", it.ZeroSubChannel)
		}
		return checkLength(it.Length, true)
	case Start, End:
		if it.At != nil && !it.At.Valid() {
			return fmt.Errorf("invalid MSF %s", *it.At)
		}
		return nil
	}
	return fmt.Errorf("unknown item kind %d", it.Kind)
}

func checkCDText(c *CDText, global bool) error {
	if c == nil {
		return nil
	}
	if !global && len(c.LanguageMap) > 0 {
		return fmt.Errorf("LANGUAGE_MAP is only allowed in the global block")
	}
	for _, m := range c.LanguageMap {
		if m.Block < 0 || m.Code < 0 {
			return fmt.Errorf("negative language number or code")
		}
	}
	for _, l := range c.Languages {
		if l.Block < 0 {
			return fmt.Errorf("negative LANGUAGE number")
		}
		if l.Encoding != "" && !isEncoding(l.Encoding) {
			return fmt.Errorf("unknown encoding %q", l.Encoding)
		}
		for _, it := range l.Items {
			if !isCDTextType(it.Type) {
				return fmt.Errorf("unknown item %q", it.Type)
			}
			if it.Binary && len(it.Data) > maxBinary {
				return fmt.Errorf("%s: binary data longer than %d bytes", it.Type, maxBinary)
			}
		}
	}
	return nil
}
