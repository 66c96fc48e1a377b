package mmc

import (
	"errors"
	"fmt"
)

var (
	// ErrFormat is wrapped by errors for a response whose contents are
	// inconsistent or out of range.
	ErrFormat = errors.New("mmc: malformed response")
	// ErrTruncated is wrapped by errors for a response whose length field
	// claims more bytes than were transferred: the allocation length was
	// too small, or the transfer was cut short.
	ErrTruncated = errors.New("mmc: response truncated")
	// ErrArgument is wrapped by builder errors for a parameter that does
	// not fit its CDB field.
	ErrArgument = errors.New("mmc: invalid argument")
	// ErrUnsupported is wrapped by Drive's errors when the drive, or the
	// disc in it, does not provide what was asked for: the drive rejects
	// the command (ILLEGAL REQUEST, as for the ATIP of a pressed disc), or
	// answers with data of another format (an ATAPI drive that reads the
	// READ TOC/PMA/ATIP format only from the SFF-8020 field).
	ErrUnsupported = errors.New("mmc: not provided by the drive or disc")
)

// FormatError reports a problem in a response: the structure being parsed
// (such as "READ TOC format 0"), the byte offset in the response, and what is
// wrong. It wraps ErrFormat or ErrTruncated.
type FormatError struct {
	Structure string
	Offset    int
	Msg       string
	Err       error // ErrFormat or ErrTruncated
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("mmc: %s: %s (byte %d)", e.Structure, e.Msg, e.Offset)
}

func (e *FormatError) Unwrap() error { return e.Err }

func formatErr(structure string, off int, format string, a ...any) error {
	return &FormatError{Structure: structure, Offset: off, Msg: fmt.Sprintf(format, a...), Err: ErrFormat}
}

func truncErr(structure string, off int, format string, a ...any) error {
	return &FormatError{Structure: structure, Offset: off, Msg: fmt.Sprintf(format, a...), Err: ErrTruncated}
}
