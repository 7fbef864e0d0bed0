// Package roundcube parses Roundcube webmail's logs into sign-ins: the
// userlogins log ("Successful login for u (ID: n) from ip in session s",
// "Failed login for u from ip in session s") and the IMAP errors of the errors
// log or syslog ("IMAP Error: Login failed for u from ip. …").
package roundcube

import (
	"bytes"
	"strings"
	"time"

	"vigie.dev/vigie/internal/logs"
)

// Dialect is Roundcube's userlogins and errors logs.
var Dialect = logs.Dialect{Format: logs.Roundcube, Lines: func(o logs.Options) logs.LineParser { return lineParser{o} }}

// Parser reads Roundcube log lines.
var Parser = logs.ParseWith(Dialect)

type lineParser struct{ opts logs.Options }

// ParseLine claims Roundcube's own lines ("[22-Jan-2013 22:28:21 +0200]: …")
// and syslog lines tagged roundcube.
func (p lineParser) ParseLine(src logs.Source, line []byte, emit func(logs.Event)) (bool, error) {
	var t time.Time
	var msg []byte
	if len(line) > 28 && line[0] == '[' {
		end := bytes.Index(line, []byte("]: "))
		if end < 0 {
			return false, nil
		}
		tt, err := time.Parse("02-Jan-2006 15:04:05 -0700", string(line[1:end]))
		if err != nil {
			tt, err = time.ParseInLocation("02-Jan-2006 15:04:05", string(line[1:end]), p.loc())
			if err != nil {
				return false, nil
			}
		}
		t, msg = tt.UTC(), line[end+3:]
	} else {
		sl, ok := logs.ParseSyslog(line, p.opts)
		if !ok || !logs.ProgramIs(sl.Program, "roundcube") {
			return false, nil
		}
		t, msg = sl.Time, sl.Msg
	}
	if ev := parseMessage(string(msg)); ev != nil {
		ev.Src, ev.Time = src, t
		emit(ev)
	}
	return true, nil
}

func (p lineParser) loc() *time.Location {
	if p.opts.Location != nil {
		return p.opts.Location
	}
	return time.UTC
}

func parseMessage(msg string) *logs.SignIn {
	if strings.HasPrefix(msg, "<") { // session tag "<3z506z6r> "
		if i := strings.Index(msg, "> "); i > 0 && i < 40 {
			msg = msg[i+2:]
		}
	}
	lower := asciiLower(msg) // same length as msg: its indexes hold for msg
	var result logs.Result
	var rest string
	switch {
	case strings.HasPrefix(lower, "successful login for "):
		result, rest = logs.Success, msg[len("successful login for "):]
	case strings.HasPrefix(lower, "failed login for "):
		result, rest = logs.Failure, msg[len("failed login for "):]
	default:
		i := strings.Index(lower, "login failed for ")
		if i < 0 {
			return nil
		}
		result, rest = logs.Failure, msg[i+len("login failed for "):]
	}
	// Cut what the IMAP server answered: user names are free text, so the
	// client address is the last "from" before it.
	for _, cut := range []string{". AUTHENTICATE", ". LOGIN", " in session ", " in /"} {
		if i := strings.Index(rest, cut); i >= 0 {
			rest = rest[:i]
		}
	}
	rest = strings.TrimSuffix(strings.TrimSpace(rest), ".")
	i := strings.LastIndex(rest, " from ")
	if i < 0 {
		return nil
	}
	user, addr := rest[:i], strings.TrimSpace(rest[i+len(" from "):])
	for _, cut := range []string{" (ID: ", " against "} { // "u against imap-host from ip" (1.5)
		if j := strings.Index(user, cut); j >= 0 {
			user = user[:j]
		}
	}
	if j := strings.IndexAny(addr, " ,("); j >= 0 { // "ip(X-Real-IP: …)", "ip, forwarded-for"
		addr = addr[:j]
	}
	ev := &logs.SignIn{User: strings.ToLower(strings.TrimSpace(user)), IP: logs.ParseIP(addr), Result: result, Client: "webmail", App: "roundcube"}
	if result == logs.Failure {
		ev.FailureReason = "login failed"
	}
	return ev
}

// asciiLower lower-cases ASCII letters only, keeping every byte in place.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
