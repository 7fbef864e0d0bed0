// Package sogo parses SOGo's log (sogod) into sign-ins: "SOGoRootPage
// successful login from 'ip' for user 'u'" and "SOGoRootPage Login from 'ip'
// for user 'u' might not have worked" (a failed password).
package sogo

import (
	"bytes"
	"strings"

	"vigie.dev/vigie/internal/logs"
)

// Dialect is the sogod log.
var Dialect = logs.Dialect{Format: logs.SOGo, Lines: func(o logs.Options) logs.LineParser { return lineParser{o} }}

// Parser reads SOGo log lines.
var Parser = logs.ParseWith(Dialect)

type lineParser struct{ opts logs.Options }

// ParseLine claims syslog lines of sogod, and the access lines it writes
// among them ("ip - - [24/Mar/2013:08:58:32 GMT] "POST /SOGo/connect …").
func (p lineParser) ParseLine(src logs.Source, line []byte, emit func(logs.Event)) (bool, error) {
	if bytes.Contains(line, []byte(" GMT] \"")) && bytes.Contains(line, []byte(" /SOGo")) {
		return true, nil
	}
	sl, ok := logs.ParseSyslog(line, p.opts)
	if !ok || !logs.ProgramIs(sl.Program, "sogod") {
		return false, nil
	}
	msg := string(sl.Msg)
	var ev *logs.SignIn
	switch {
	case strings.Contains(msg, "SOGoRootPage successful login from '"):
		ev = &logs.SignIn{Result: logs.Success}
	case strings.Contains(msg, "SOGoRootPage Login from '") && strings.Contains(msg, "might not have worked"):
		ev = &logs.SignIn{Result: logs.Failure, FailureReason: "login might not have worked (bad password)"}
	default:
		return true, nil
	}
	ev.Src, ev.Time, ev.Client, ev.App = src, sl.Time, "webmail", "sogo"
	ev.IP = logs.ParseIP(firstAddress(quoted(msg, "from '")))
	ev.User = strings.ToLower(quoted(msg, "for user '"))
	emit(ev)
	return true, nil
}

// quoted returns the '…' value after key.
func quoted(s, key string) string {
	i := strings.Index(s, key)
	if i < 0 {
		return ""
	}
	s = s[i+len(key):]
	if j := strings.IndexByte(s, '\''); j >= 0 {
		return s[:j]
	}
	return ""
}

// firstAddress keeps the client of "client, proxy".
func firstAddress(s string) string {
	if i := strings.IndexByte(s, ','); i >= 0 {
		return s[:i]
	}
	return s
}
