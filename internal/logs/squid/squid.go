// Package squid parses Squid's native access.log format into web requests:
//
//	time elapsed remotehost code/status bytes method URL rfc931 peerstatus/peerhost type
//
// (squid.conf "logformat squid %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt").
// Proxy logs are the bulk of what a hunt reads, so a line is cut into fields
// without allocating, and an event is built only for the requests the caller
// keeps (logs.Options.KeepWeb).
package squid

import (
	"bytes"
	"errors"
	"time"

	"vigie.dev/vigie/internal/logs"
)

// Dialect is the native access.log format.
var Dialect = logs.Dialect{Format: logs.Squid, Lines: func(o logs.Options) logs.LineParser { return lineParser{o} }}

// Parser reads a native-format access.log.
var Parser = logs.ParseWith(Dialect)

type lineParser struct{ opts logs.Options }

var errLine = errors.New("not a Squid native access.log line")

// ParseLine claims lines that start like a Squid line: seconds.milliseconds.
func (p lineParser) ParseLine(src logs.Source, line []byte, emit func(logs.Event)) (bool, error) {
	if !looksLikeSquid(line) {
		return false, nil
	}
	var f [8][]byte
	n := splitBlanks(line, &f)
	if n < 7 {
		return true, errLine
	}
	ms, ok := epochMillis(f[0])
	if !ok {
		return true, errLine
	}
	slash := bytes.IndexByte(f[3], '/')
	if slash < 0 {
		return true, errLine
	}
	status, ok := logs.Atoi(f[3][slash+1:])
	if !ok {
		return true, errLine
	}
	url := f[6]
	host := hostOf(url)
	if p.opts.KeepWeb != nil && !p.opts.KeepWeb(host, url) {
		return true, nil
	}
	ev := &logs.WebRequest{
		Src:      src,
		Time:     time.UnixMilli(ms).UTC(),
		ClientIP: logs.ParseIP(string(f[2])),
		Method:   string(f[5]),
		URL:      string(url),
		Status:   status,
		Host:     logs.URLHost(string(url)),
	}
	ev.Bytes = int64(atoi64(f[4]))
	if n > 7 && string(f[7]) != "-" {
		ev.User = string(f[7])
	}
	emit(ev)
	return true, nil
}

// splitBlanks puts the first len(f) fields of line, separated by runs of
// blanks, in f and returns how many. A field ends at the next blank, found
// a word at a time: URLs are long.
func splitBlanks(line []byte, f *[8][]byte) int {
	n := 0
	for i := 0; i < len(line) && n < len(f); {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		j := len(line)
		if k := bytes.IndexByte(line[i:], ' '); k >= 0 {
			j = i + k
		}
		if j > i {
			f[n] = line[i:j]
			n++
		}
		i = j
	}
	return n
}

// looksLikeSquid: 9 to 11 digits, a dot, 3 digits, a blank.
func looksLikeSquid(l []byte) bool {
	i := 0
	for i < len(l) && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	return i >= 9 && i <= 11 && len(l) > i+5 && l[i] == '.' && isDigit(l[i+1]) && isDigit(l[i+2]) && isDigit(l[i+3]) && l[i+4] == ' '
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// epochMillis parses "1386543323.000".
func epochMillis(b []byte) (int64, bool) {
	var n int64
	frac := -1
	for _, c := range b {
		switch {
		case c == '.' && frac < 0:
			frac = 0
		case isDigit(c) && frac < 3:
			n = n*10 + int64(c-'0')
			if frac >= 0 {
				frac++
			}
		case isDigit(c): // sub-millisecond digits
		default:
			return 0, false
		}
	}
	for frac < 3 {
		n *= 10
		if frac < 0 {
			frac = 0
			n *= 100
			break
		}
		frac++
	}
	return n, n > 0 && n < 1e14
}

func atoi64(b []byte) int64 {
	var n int64
	for _, c := range b {
		if !isDigit(c) || n > 1e15 {
			return n
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// hostOf returns the host part of an absolute URL or a CONNECT target, as
// logged (any case, port kept).
func hostOf(u []byte) []byte {
	if i := bytes.Index(u, []byte("://")); i >= 0 {
		u = u[i+3:]
		if j := bytes.IndexAny(u, "/?#"); j >= 0 {
			u = u[:j]
		}
		if j := bytes.LastIndexByte(u, '@'); j >= 0 {
			u = u[j+1:]
		}
		return u
	}
	if len(u) > 0 && u[0] == '/' {
		return nil
	}
	return u
}
