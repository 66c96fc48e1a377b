package main

import (
	"context"
	"errors"
	"io/fs"

	"spindle/iso9660"
)

// Exit codes, documented in `spindle --help`. This file is the one place
// errors become exit statuses.
const (
	exitOK          = 0   // success
	exitProblems    = 1   // the command ran and found problems (a check failed)
	exitUsage       = 2   // bad usage, or an input that cannot be read or parsed
	exitOutput      = 3   // the output could not be written
	exitInterrupted = 130 // interrupted by a signal
)

const exitCodesHelp = `Exit status:
  0    success
  1    the command ran and found problems (verification failed)
  2    bad usage, or an input that cannot be read or is malformed
  3    the output could not be written
  130  interrupted`

// usageError marks errors in the command line itself.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// outputError marks failures writing the result.
type outputError struct{ err error }

func (e outputError) Error() string { return e.err.Error() }
func (e outputError) Unwrap() error { return e.err }

// problemsFound is returned by checking commands that ran to completion
// and found something wrong.
type problemsFound struct{ msg string }

func (e problemsFound) Error() string { return e.msg }

func exitCode(ctx context.Context, err error) int {
	var ue usageError
	var oe outputError
	var pf problemsFound
	var pe *iso9660.PathError
	switch {
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &pf):
		return exitProblems
	case errors.As(err, &oe):
		return exitOutput
	case errors.As(err, &ue), errors.As(err, &pe), errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return exitUsage
	}
	return exitUsage
}
