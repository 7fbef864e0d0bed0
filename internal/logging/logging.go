// Package logging builds the daemon's slog logger for where its lines go:
// a terminal or a file (text, json), systemd's journal (journal: no
// timestamp, since the journal stamps each line, and the syslog priority
// as the "<N>" prefix journald reads on a service's standard error, so
// that `journalctl -p warning` works), or the local syslog socket with
// facility mail (syslog: beside Postfix's lines in mail.log on a host
// without systemd). "auto" picks journal when standard error is the
// journal (systemd sets JOURNAL_STREAM), text otherwise.
package logging

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"log/syslog"
	"os"
	"strings"
	"sync"
	"syscall"
)

// Formats lists the accepted formats.
const Formats = "auto, text, json, journal or syslog"

// New returns a logger writing to w (syslog ignores w) at level.
func New(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level: %w", err)
	}
	o := &slog.HandlerOptions{Level: lv}
	if format == "auto" || format == "" {
		format = "text"
		if f, ok := w.(*os.File); ok && IsJournal(f) {
			format = "journal"
		}
	}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, o)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, o)), nil
	case "journal":
		o.ReplaceAttr = dropTime
		return slog.New(slog.NewTextHandler(&priorityWriter{w: w}, o)), nil
	case "syslog":
		sw, err := syslog.New(syslog.LOG_MAIL|syslog.LOG_INFO, "vigie")
		if err != nil {
			return nil, fmt.Errorf("log format syslog: %w", err)
		}
		o.ReplaceAttr = dropTime
		return slog.New(slog.NewTextHandler(&syslogWriter{w: sw}, o)), nil
	}
	return nil, fmt.Errorf("log format %q: want %s", format, Formats)
}

// IsJournal reports whether f is the stream systemd connected to the
// journal (JOURNAL_STREAM is "device:inode" of it).
func IsJournal(f *os.File) bool {
	js := os.Getenv("JOURNAL_STREAM")
	if js == "" {
		return false
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		return false
	}
	return js == fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// priority maps the level a text line starts with to its syslog priority
// (RFC 5424 §6.2.1): error 3, warning 4, info 6, debug 7.
func priority(line []byte) byte {
	lv, _, _ := bytes.Cut(bytes.TrimPrefix(line, []byte("level=")), []byte(" "))
	switch {
	case bytes.HasPrefix(lv, []byte("ERROR")):
		return '3'
	case bytes.HasPrefix(lv, []byte("WARN")):
		return '4'
	case bytes.HasPrefix(lv, []byte("DEBUG")):
		return '7'
	}
	return '6'
}

// priorityWriter prefixes each record (slog writes one per Write) with
// its "<N>" priority, which journald strips and records.
type priorityWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *priorityWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := p.w.Write(append([]byte{'<', priority(b), '>'}, b...)); err != nil {
		return 0, err
	}
	return len(b), nil
}

// syslogWriter sends each record at its own priority.
type syslogWriter struct{ w *syslog.Writer }

func (s *syslogWriter) Write(b []byte) (int, error) {
	line := strings.TrimRight(string(b), "\n")
	var err error
	switch priority(b) {
	case '3':
		err = s.w.Err(line)
	case '4':
		err = s.w.Warning(line)
	case '7':
		err = s.w.Debug(line)
	default:
		err = s.w.Info(line)
	}
	if err != nil {
		return 0, err
	}
	return len(b), nil
}
