// Package cue reads and writes CUE sheets, the text files that describe
// the tracks of a CD image, in the grammar of the CDRWIN user's guide as
// it is commonly documented, with the extensions real writers (Exact Audio
// Copy, cdrdao, Redump, foobar2000, whipper) use.
//
// # Grammar
//
// A sheet is a sequence of lines; each line is one command: a keyword and
// its arguments separated by blanks (spaces or tabs). Keywords, track
// modes, file types and flags are case-insensitive. An argument is a bare
// word (a run of non-blank characters) or a string in double quotes, which
// may hold blanks; there are no escapes, so a backslash is an ordinary
// character (Windows paths keep theirs) and a quoted string cannot hold a
// double quote. Blank lines are ignored. Lines end in LF, CR LF or CR.
//
//	CATALOG 0123456789012          media catalog number: 13 digits
//	CDTEXTFILE "disc.cdt"          binary CD-TEXT file
//	FILE "name" type               type: BINARY MOTOROLA WAVE MP3 AIFF
//	TRACK nn mode                  nn 1–99; mode: AUDIO CDG MODE1/2048
//	                               MODE1/2352 MODE2/2048 MODE2/2324
//	                               MODE2/2336 MODE2/2352 CDI/2336 CDI/2352
//	FLAGS flag...                  DCP 4CH PRE SCMS DATA
//	ISRC CCOOOYYSSSSS              12 letters and digits
//	PREGAP mm:ss:ff                generated silence before INDEX 01
//	INDEX nn mm:ss:ff              nn 0–99, time from the start of the FILE
//	POSTGAP mm:ss:ff               generated silence after the track
//	TITLE "text"                   CD-TEXT; likewise PERFORMER SONGWRITER
//	                               COMPOSER ARRANGER MESSAGE DISC_ID GENRE
//	                               TOC_INFO1 TOC_INFO2 UPC_EAN SIZE_INFO
//	REM anything                   a remark, kept verbatim
//
// Times are minutes (up to 255), seconds (below 60) and frames (below 75,
// a frame being one sector). CD-TEXT commands before the first TRACK
// describe the disc, after it the open track. FLAGS, ISRC, PREGAP, INDEX
// and POSTGAP need an open track, TRACK a FILE before it. A FILE command
// may come between two INDEX commands of one track: Exact Audio Copy
// writes the pregap of a track at the end of the previous track's file
// that way, so each Index records its own file. The track-level ISRC
// command is also what CD-TEXT's ISRC field holds; at disc level the
// catalog number is CATALOG (or the UPC_EAN CD-TEXT field).
//
// Parse checks the grammar: keywords, argument counts, numbers in range,
// times, known modes, file types and flags, a CATALOG of 13 digits and an
// ISRC of 12 letters and digits, no command given twice in one scope.
// Validate checks what the grammar does not: track and index order, the
// presence of INDEX 01, command placement, the shape of the ISRC. Both
// report *SyntaxError with the line and column. Options.Lenient accepts
// the common mistakes of hand-written sheets instead (see Options).
//
// # REM lines and sessions
//
// REM lines are kept verbatim and in place: before the first FILE
// (Sheet.Rems), right after a FILE (File.Rems) or inside a track
// (Track.Rems, with the number of INDEX lines before each), so the
// remarks of EAC (REM GENRE, DATE, DISCID, COMMENT), of foobar2000 and
// others (REM REPLAYGAIN_ALBUM_GAIN ...), and of disc dumpers (REM
// LEAD-OUT, REM ORIGINAL MEDIA-TYPE) survive a round trip. Rem.Field
// splits the common "KEY value" form.
//
// One REM is a command: "REM SESSION nn" (nn 1–99), as cdrdao, Redump
// and EAC write for multi-session discs (CD-Extra), puts the tracks after
// it in session nn, until the next REM SESSION. It is recorded as
// Track.Session, 0 for sheets without it, and Format writes it again
// before the FILE of the first track of each session. Strict parsing
// rejects a REM SESSION that no TRACK follows.
//
// # Encodings
//
// A sheet is read as UTF-16 when it starts with a UTF-16 byte order mark,
// as UTF-8 when it starts with the UTF-8 byte order mark or is valid UTF-8,
// and as ISO 8859-1 otherwise (the usual encoding of old Windows sheets;
// bytes 0x80–0x9F become C1 controls, not Windows-1252 punctuation). The
// encoding used is recorded in Sheet.Encoding and the line ending of the
// first line in Sheet.CRLF; Format writes the same way.
//
// # Format
//
// Format writes a canonical sheet: keywords upper case, numbers with two
// digits, text and file names in quotes, commands in a fixed order within
// the disc and each track, REM lines where they were. Empty lines,
// indentation, the order of FLAGS words, and zero PREGAP or POSTGAP are
// not kept. Parsing what Format wrote gives back an equal Sheet, positions
// aside.
//
// Parse reads at most Options.MaxSize bytes (1 MiB by default) and at
// most MaxTracks tracks, MaxIndexes indexes a track and MaxFiles files,
// so its time and memory are bounded whatever the input.
//
// Sector sizes per mode (Mode.SectorSize) and the layout of tracks within
// their files (Sheet.Extents) serve conversion and splitting of images.
package cue
