package iscsi

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Level orders the target's log events.
type Level int8

// The levels, with log/slog's values so that an adapter can convert them.
const (
	LevelDebug Level = -4 // every command
	LevelInfo  Level = 0  // connections and logins
	LevelWarn  Level = 4  // protocol errors
)

func (l Level) String() string {
	switch l {
	case LevelDebug:
		return "DEBUG"
	case LevelInfo:
		return "INFO"
	case LevelWarn:
		return "WARN"
	}
	return "LEVEL(" + strconv.Itoa(int(l)) + ")"
}

// LogFunc receives one event: a level, a message and key/value pairs (in
// the style of log/slog, whose Logger.Log an adapter can call with them).
//
// The package does not use log/slog itself: it links encoding/json and
// sets up a default logger at every start of the program that contains
// it, which costs start-up memory in a command-line tool whose other
// commands never log.
type LogFunc func(level Level, msg string, kv ...any)

// TextLog returns a LogFunc that writes each event to w as one line of
// key=value pairs (time, level, msg, then the event's own pairs), values
// quoted when they hold spaces, quotes or equals signs. Events at a level
// below min are dropped. Lines are written whole, one call at a time.
func TextLog(w io.Writer, min Level) LogFunc {
	var mu sync.Mutex
	return func(level Level, msg string, kv ...any) {
		if level < min {
			return
		}
		b := make([]byte, 0, 128)
		b = append(b, "time="...)
		b = time.Now().AppendFormat(b, time.RFC3339Nano)
		b = append(b, " level="...)
		b = append(b, level.String()...)
		b = append(b, " msg="...)
		b = appendLogValue(b, msg)
		for i := 0; i < len(kv); i += 2 {
			b = append(b, ' ')
			b = append(b, fmt.Sprint(kv[i])...)
			b = append(b, '=')
			if i+1 < len(kv) {
				b = appendLogValue(b, fmt.Sprint(kv[i+1]))
			} else {
				b = append(b, "!MISSING"...)
			}
		}
		b = append(b, '\n')
		mu.Lock()
		defer mu.Unlock()
		w.Write(b) //nolint:errcheck // a log that cannot be written is dropped
	}
}

func appendLogValue(b []byte, s string) []byte {
	if s == "" || strings.ContainsAny(s, " \t\n\r\"=\\") || !strconv.CanBackquote(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

// logger carries a connection's own key/value pairs (its address, the
// initiator's name) into each event.
type logger struct {
	fn  LogFunc
	min Level
	kv  []any
}

func (t *Target) logger() logger { return logger{fn: t.Log, min: t.LogLevel} }

func (l logger) with(kv ...any) logger {
	l.kv = append(slices.Clip(l.kv), kv...)
	return l
}

func (l logger) enabled(level Level) bool { return l.fn != nil && level >= l.min }

func (l logger) log(level Level, msg string, kv ...any) {
	if l.enabled(level) {
		l.fn(level, msg, append(slices.Clip(l.kv), kv...)...)
	}
}

func (l logger) info(msg string, kv ...any)  { l.log(LevelInfo, msg, kv...) }
func (l logger) warn(msg string, kv ...any)  { l.log(LevelWarn, msg, kv...) }
func (l logger) debug(msg string, kv ...any) { l.log(LevelDebug, msg, kv...) }
