// Package toc reads and writes cdrdao's TOC files: the text description of
// a disc's tracks, their data files, pre-gaps, indexes, flags and CD-TEXT
// that cdrdao writes with read-toc and records with write.
//
// Parse reads a file faithfully (every statement and its position),
// Format writes it back in a canonical layout with the same meaning, and
// Parse(Format(t)) equals t. Validate checks the rules cdrdao enforces
// beyond the grammar; Layout computes where each track's blocks lie and
// which bytes of which files they hold; BlockSize gives the bytes per
// block of each mode.
//
// # Grammar
//
// The grammar is the one of the "TOC FILES" section of the cdrdao(1)
// manual, as cdrdao's own parser reads it:
//
//	toc      = { "CATALOG" string | disctype } [ "FIRST_TRACK_NO" int ]
//	           [ "CD_TEXT" "{" [ langmap ] { language } "}" ] track { track }
//	disctype = "CD_DA" | "CD_ROM" | "CD_ROM_XA" | "CD_I"     (the last wins)
//	track    = "TRACK" mode [ "RW" | "RW_RAW" ]
//	           { "ISRC" string | [ "NO" ] "COPY" | [ "NO" ] "PRE_EMPHASIS"
//	           | "TWO_CHANNEL_AUDIO" | "FOUR_CHANNEL_AUDIO" }
//	           [ "CD_TEXT" "{" { language } "}" ]
//	           [ "PREGAP" msf ]
//	           item { item }
//	           { "INDEX" msf }
//	mode     = "AUDIO" | "MODE1" | "MODE1_RAW" | "MODE2" | "MODE2_FORM1"
//	         | "MODE2_FORM2" | "MODE2_FORM_MIX" | "MODE2_RAW"
//	item     = ( "FILE" | "AUDIOFILE" ) string [ "SWAP" ] [ "#" int ] samples [ samples ]
//	         | "DATAFILE" string [ "#" int ] [ bytes ]
//	         | "FIFO" string bytes
//	         | "SILENCE" samples
//	         | "ZERO" [ mode | "MODE0" ] [ "RW" | "RW_RAW" ] bytes
//	         | "START" [ msf ] | "END" [ msf ]
//	samples  = msf | int        (an MSF counts blocks of 588 samples)
//	bytes    = msf | int        (an MSF counts blocks of the mode's size)
//	msf      = int ":" int ":" int     (seconds < 60, frames < 75)
//	langmap  = "LANGUAGE_MAP" "{" ( int ":" ( int | "EN" ) ) { ... } "}"
//	language = "LANGUAGE" int "{" [ encoding ] { cdtextitem ( string | binary ) } "}"
//	encoding = "ENCODING_ISO_8859_1" | "ENCODING_ASCII" | "ENCODING_MS_JIS"
//	         | "ENCODING_KOREAN" | "ENCODING_MANDARIN"
//	cdtextitem = "TITLE" | "PERFORMER" | "SONGWRITER" | "COMPOSER" | "ARRANGER"
//	         | "MESSAGE" | "DISC_ID" | "GENRE" | "TOC_INFO1" | "TOC_INFO2"
//	         | "RESERVED1" | "RESERVED2" | "RESERVED3" | "RESERVED4" | "CLOSED"
//	         | "UPC_EAN" | "ISRC" | "SIZE_INFO"
//	binary   = "{" [ int { "," int } ] "}"      (values 0–255, at most 3072)
//
// Keywords are upper case. Comments run from "//" to the end of the line;
// cdrdao has no block comments. The "#n" of FILE and DATAFILE is a byte
// offset: bytes of the file skipped before its data (a header, say); a
// FILE's start and length count samples after it. A FILE, AUDIOFILE or
// DATAFILE without a length (or with length 0) reaches to the end of the
// file. START without an MSF marks the track length so far as the end of
// the pre-gap; PREGAP msf stands for SILENCE msf (ZERO msf in a data track)
// followed by START. INDEX positions count from the track start (index 1),
// not from the pre-gap.
//
// Strings are enclosed in double quotes; \" is a quote, \\ a backslash and
// \ooo (three digits) the byte of that octal value; a backslash before
// anything else stands for itself. cdrdao refuses newlines and tabs inside
// strings and empty strings except as CD-TEXT data; so does Parse. CD-TEXT
// strings keep their bytes as written (UTF-8, or the encoding the block
// names). Format writes strings every cdrdao release reads alike: as they
// are when they are printable UTF-8 without backslashes, else in ASCII with
// octal escapes.
//
// # Differences from cdrdao
//
// cdrdao's lexer needs no space between keywords ("NOCOPY" reads as NO
// COPY); Parse wants words separated. MSF minutes are limited to 255 (the
// range of cd.MSF), and MSF fields out of range are syntax errors rather
// than semantic ones. Validate also requires INDEX positions to increase.
// cdrdao's releases (up to 1.2.6) read "\\" in a string as two
// backslashes; its development version, and Parse, as one; the development
// version also refuses octal escapes in a string holding non-ASCII
// characters, which Parse accepts.
// Comments are dropped. Older cdrdao releases (1.2.4) know neither
// FIRST_TRACK_NO nor the ENCODING_* keywords.
package toc
