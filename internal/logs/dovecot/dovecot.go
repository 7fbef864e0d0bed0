// Package dovecot parses Dovecot's authentication log lines (syslog or its own
// log_path) into sign-ins: "imap-login: Login: user=<…>, method=…, rip=…" for
// successes, "(auth failed, N attempts …)" and the auth process's passdb errors
// ("pam(user,ip): pam_authenticate() failed", "passwd-file(user,ip): Password
// mismatch") for failures.
package dovecot

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"vigie.dev/vigie/internal/logs"
)

// Dialect is Dovecot's log, in syslog or in its own files.
var Dialect = logs.Dialect{Format: logs.Dovecot, Lines: func(o logs.Options) logs.LineParser { return lineParser{o} }}

// Parser reads Dovecot log lines.
var Parser = logs.ParseWith(Dialect)

type lineParser struct{ opts logs.Options }

// isService: name is one of the Dovecot process names that start its lines,
// as syslog tags or at the start of its own log files.
func isService(name []byte) bool {
	switch string(name) {
	case "dovecot", "dovecot-auth", "imap-login", "pop3-login", "submission-login", "managesieve-login", "lmtp", "imap", "pop3", "auth", "auth-worker", "lda":
		return true
	}
	return false
}

// ParseLine claims the lines of Dovecot's processes.
func (p lineParser) ParseLine(src logs.Source, line []byte, emit func(logs.Event)) (bool, error) {
	t, rest, ok := timestamp(line, p.opts)
	if !ok {
		return false, nil
	}
	if !isDovecot(rest) {
		return false, nil
	}
	ev := fastLogin(rest)
	if ev == nil {
		ev = parseMessage(string(rest))
	}
	if ev != nil {
		ev.Src, ev.Time = src, t
		emit(ev)
	}
	return true, nil
}

// isDovecot: the line's program (after an optional host) is a Dovecot service.
func isDovecot(rest []byte) bool {
	for i := 0; i < 2; i++ {
		w := rest
		if j := bytes.IndexByte(rest, ' '); j >= 0 {
			w, rest = rest[:j], rest[j+1:]
		} else {
			rest = nil
		}
		name := w
		for k, c := range name {
			if c == '[' || c == '(' || c == ':' {
				name = name[:k]
				break
			}
		}
		if len(w) > len(name) && isService(name) {
			return true
		}
		if len(w) > 0 && w[len(w)-1] == ':' {
			return false // a program, not Dovecot's
		}
	}
	return false
}

func timestamp(line []byte, opts logs.Options) (time.Time, []byte, bool) {
	// daemontools/s6 TAI64N label: "@" + 24 hex digits, seconds offset by 2^62.
	if len(line) > 25 && line[0] == '@' {
		if secs, err := strconv.ParseUint(string(line[1:17]), 16, 64); err == nil && secs >= 1<<62 {
			nano, _ := strconv.ParseUint(string(line[17:25]), 16, 32)
			// TAI is ahead of UTC by 10 s plus leap seconds (37 s since 2017).
			return time.Unix(int64(secs-(1<<62))-10, int64(nano%1e9)).UTC(), bytes.TrimLeft(line[25:], " "), true
		}
	}
	return logs.SyslogTime(line, opts)
}

// fastLogin reads the most frequent line, a successful login
// ("imap-login: Login: user=<…>, method=…, rip=…"), without copying the line.
func fastLogin(rest []byte) *logs.SignIn {
	i := bytes.Index(rest, []byte("-login: "))
	if i <= 0 || i > 80 {
		return nil
	}
	msg := rest[i+len("-login: "):]
	msg = bytes.TrimPrefix(msg, []byte("Info: "))
	if !bytes.HasPrefix(msg, []byte("Login: ")) {
		return nil
	}
	proto := rest[:i]
	if k := bytes.LastIndexByte(proto, ' '); k >= 0 {
		proto = proto[k+1:]
	}
	u := len("Login: ") // "user=<" is at the start, where the first one must be
	if !bytes.HasPrefix(msg[u:], []byte("user=<")) {
		u = bytes.Index(msg, []byte("user=<"))
	}
	user := fieldBytes(msg, u, "user=<", '>')
	ip := fieldBytes(msg, indexAssign(msg, "rip="), "rip=", ',')
	ev := logs.NewSignIn()
	ev.User, ev.IP, ev.Result, ev.Client, ev.App = logs.LowerString(user), logs.ParseIPBytes(ip), logs.Success, protoString(proto), "dovecot"
	return ev
}

// protoString is string(p), without a copy for the protocols Dovecot has.
func protoString(p []byte) string {
	switch string(p) {
	case "imap":
		return "imap"
	case "pop3":
		return "pop3"
	case "submission":
		return "submission"
	case "managesieve":
		return "managesieve"
	}
	return string(p)
}

// fieldBytes returns what follows key, found at i, up to end (or the end of
// the line).
func fieldBytes(b []byte, i int, key string, end byte) []byte {
	if i < 0 || i > 0 && b[i-1] != ' ' && b[i-1] != ',' {
		return nil
	}
	v := b[i+len(key):]
	if j := bytes.IndexByte(v, end); j >= 0 {
		v = v[:j]
	}
	return v
}

// indexAssign is bytes.Index(b, key) for a key that holds one '=' ("rip=",
// "user=<"): it stops at each '=' of the line, of which a login line has a
// handful, rather than at each of its r's and u's.
func indexAssign(b []byte, key string) int {
	e := strings.IndexByte(key, '=')
	if e < 0 {
		return bytes.Index(b, []byte(key))
	}
	for off := e; off < len(b); {
		p := bytes.IndexByte(b[off:], '=')
		if p < 0 {
			return -1
		}
		p += off
		if i := p - e; i+len(key) <= len(b) && sameAt(b[i:], key) {
			return i
		}
		off = p + 1
	}
	return -1
}

// sameAt: b starts with key, compared byte by byte: keys are a few bytes,
// shorter than a call to the runtime's comparison.
func sameAt(b []byte, key string) bool {
	for j := 0; j < len(key); j++ {
		if b[j] != key[j] {
			return false
		}
	}
	return true
}

func parseMessage(msg string) *logs.SignIn {
	if strings.Contains(msg, "pam_unix(dovecot:auth): authentication failure") {
		return &logs.SignIn{User: strings.ToLower(logs.Field(msg, "user")), IP: logs.ParseIP(logs.Field(msg, "rhost")), Result: logs.Failure, FailureReason: "authentication failure", App: "dovecot"}
	}
	// Skip "host dovecot[pid]: " or "dovecot: " to the service.
	if i := strings.Index(msg, "dovecot"); i >= 0 && i < 80 {
		if j := strings.Index(msg[i:], ": "); j >= 0 {
			msg = msg[i+j+2:]
		}
	}
	proto := ""
	if i := strings.Index(msg, "-login: "); i > 0 && i < 20 {
		proto = msg[:i]
		if k := strings.LastIndexByte(proto, ' '); k >= 0 {
			proto = proto[k+1:]
		}
	}
	switch {
	case proto != "" && (strings.Contains(msg, "-login: Login: ") || strings.Contains(msg, "-login: Info: Login: ")):
		return &logs.SignIn{User: strings.ToLower(logs.Field(msg, "user")), IP: logs.ParseIP(logs.Field(msg, "rip")), Result: logs.Success, Client: proto, App: "dovecot"}
	case proto != "" && strings.Contains(msg, "auth failed"):
		return &logs.SignIn{User: strings.ToLower(logs.Field(msg, "user")), IP: logs.ParseIP(logs.Field(msg, "rip")), Result: logs.Failure, FailureReason: "auth failed", Client: proto, App: "dovecot"}
	case proto != "" && strings.Contains(msg, "disallowed plaintext auth") || strings.Contains(msg, "disabled plaintext auth"):
		return &logs.SignIn{User: strings.ToLower(logs.Field(msg, "user")), IP: logs.ParseIP(logs.Field(msg, "rip")), Result: logs.Failure, FailureReason: "plaintext auth refused", Client: proto, App: "dovecot"}
	}
	// passdb errors: "auth: pam(user,1.2.3.4): …", "auth-worker(…): Info: passwd-file(user,ip,…): …"
	for _, db := range []string{"pam(", "passwd-file(", "sql(", "ldap(", "passwd(", "shadow(", "checkpassword(", "auth("} {
		i := strings.Index(msg, db)
		if i < 0 || db == "auth(" && i > 0 {
			continue
		}
		args := msg[i+len(db):]
		j := strings.Index(args, ")")
		if j < 0 || db == "auth(" && !strings.Contains(args[:j], ",") {
			continue // auth(default): the process, not a user
		}
		k := strings.Index(args[j:], ": ")
		if k < 0 {
			return nil
		}
		reason := args[j+k+2:]
		reason = strings.TrimPrefix(reason, "Info: ")
		lr := strings.ToLower(reason)
		if !(strings.Contains(lr, "failed") || strings.Contains(lr, "mismatch") || strings.Contains(lr, "unknown user") || strings.Contains(lr, "invalid credentials")) {
			return nil
		}
		parts := strings.Split(args[:j], ",")
		ev := &logs.SignIn{User: strings.ToLower(parts[0]), Result: logs.Failure, FailureReason: reason, App: "dovecot"}
		if len(parts) > 1 {
			ev.IP = logs.ParseIP(parts[1])
		}
		return ev
	}
	return nil
}
