package logs

import (
	"bytes"
	"time"
)

// SyslogLine is a log line cut into its header and message.
type SyslogLine struct {
	Time time.Time
	Host []byte
	// Program is the tag without its [pid] ("postfix/smtpd", "dovecot", "sogod");
	// empty when the line has none (a program's own log file).
	Program []byte
	Msg     []byte
	// Rest is everything after the timestamp.
	Rest []byte
}

// ParseSyslog cuts a line that starts with a timestamp (see SyslogTime) into
// host, program and message: "Jan  2 15:04:05 host prog[pid]: msg",
// "2006-01-02T15:04:05Z host prog: msg", or "2006-01-02 15:04:05 prog: msg"
// as programs write their own files. A line whose first words are not a tag
// keeps them in Msg. The slices point into line.
func ParseSyslog(line []byte, opts Options) (SyslogLine, bool) {
	t, rest, ok := SyslogTime(line, opts)
	if !ok {
		return SyslogLine{}, false
	}
	l := SyslogLine{Time: t, Msg: rest, Rest: rest}
	w1, r1 := word(rest)
	if prog, ok := tag(w1, r1); ok {
		l.Program, l.Msg = prog, trimTag(r1)
		return l, true
	}
	w2, r2 := word(r1)
	if prog, ok := tag(w2, r2); ok {
		l.Host, l.Program, l.Msg = w1, prog, trimTag(r2)
	}
	return l, true
}

func word(b []byte) ([]byte, []byte) {
	i := bytes.IndexByte(b, ' ')
	if i < 0 {
		return b, nil
	}
	return b[:i], b[i+1:]
}

// tag recognises "prog:", "prog[pid]:" and "prog [pid]:" (SOGo), returning prog.
func tag(w, rest []byte) ([]byte, bool) {
	if len(w) < 2 {
		return nil, false
	}
	if w[len(w)-1] == ':' {
		w = w[:len(w)-1]
		if i := bytes.IndexByte(w, '['); i > 0 && w[len(w)-1] == ']' {
			w = w[:i]
		}
		if i := bytes.IndexByte(w, '('); i > 0 && w[len(w)-1] == ')' { // auth-worker(123)
			w = w[:i]
		}
		return w, validTag(w)
	}
	if len(rest) > 2 && rest[0] == '[' {
		if j := bytes.Index(rest, []byte("]:")); j > 0 && j < 12 {
			return w, validTag(w)
		}
	}
	return nil, false
}

func trimTag(rest []byte) []byte {
	if len(rest) > 2 && rest[0] == '[' {
		if j := bytes.Index(rest, []byte("]:")); j > 0 && j < 12 {
			rest = rest[j+2:]
		}
	}
	return bytes.TrimLeft(rest, " ")
}

// validTag: a program name is short and made of name characters.
func validTag(w []byte) bool {
	if len(w) == 0 || len(w) > 48 {
		return false
	}
	for _, c := range w {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '/' || c == '.') {
			return false
		}
	}
	return true
}

// ProgramIs reports whether prog is name or name/something ("postfix/smtpd").
func ProgramIs(prog []byte, name string) bool {
	return bytes.HasPrefix(prog, []byte(name)) && (len(prog) == len(name) || prog[len(name)] == '/' || prog[len(name)] == '-')
}
