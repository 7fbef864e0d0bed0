// Package exim parses Exim's main log (its own mainlog, or the same lines
// through syslog tagged "exim") into sign-ins and mail sent: "X authenticator
// failed for host [ip]: 535 … (set_id=user)" is a failed SMTP AUTH, and a
// message arrival "<= sender H=… [ip] … A=authenticator:user …" is a
// successful one that submitted mail; its deliveries ("=>", "->") count the
// recipients the account sent to. (Exim specification, chapter "Log files".)
package exim

import (
	"bytes"
	"net/netip"
	"strings"

	"vigie.dev/vigie/internal/logs"
)

// maxMessages bounds the message-ID → submitter table.
const maxMessages = 200_000

// Dialect is the Exim main log.
var Dialect = logs.Dialect{Format: logs.Exim, Lines: func(o logs.Options) logs.LineParser {
	return &parser{opts: o, submitter: map[string]string{}}
}}

// Parser reads Exim log lines.
var Parser = logs.ParseWith(Dialect)

type parser struct {
	opts      logs.Options
	submitter map[string]string // message ID → authenticated user
}

// ParseLine claims lines tagged exim, and untagged main-log lines that say
// something only Exim says (a message ID, an authenticator, H=…).
func (p *parser) ParseLine(src logs.Source, line []byte, emit func(logs.Event)) (bool, error) {
	sl, ok := logs.ParseSyslog(line, p.opts)
	if !ok {
		// "host exim[pid]: 2021-07-17 23:20:49 …": the tag before the time.
		if i := bytes.Index(line, []byte(" exim[")); i > 0 && i < 80 {
			if j := bytes.Index(line[i:], []byte("]: ")); j > 0 {
				if s2, ok2 := logs.ParseSyslog(line[i+j+3:], p.opts); ok2 {
					sl, ok = s2, true
					sl.Program, sl.Msg = []byte("exim"), s2.Rest
				}
			}
		}
		if !ok {
			return false, nil
		}
	}
	msg := sl.Msg
	switch {
	case logs.ProgramIs(sl.Program, "exim"):
	case len(sl.Program) == 0 && eximMessage(sl.Rest):
		msg = sl.Rest
	default:
		return false, nil
	}
	// "[pid] " and the message ID may precede the message.
	if len(msg) > 0 && msg[0] == '[' {
		if i := bytes.IndexByte(msg, ']'); i > 0 {
			msg = bytes.TrimLeft(msg[i+1:], " ")
		}
	}
	if len(msg) > 0 && eximTimestamp(msg) { // tag, then the time again
		if s2, ok := logs.ParseSyslog(msg, p.opts); ok {
			msg, sl.Time = s2.Rest, s2.Time
		}
	}
	if ev := p.parse(string(msg)); ev != nil {
		logs.SetSource(ev, src)
		switch e := ev.(type) {
		case *logs.SignIn:
			e.Time = sl.Time
		case *logs.MailSent:
			e.Time = sl.Time
		}
		emit(ev)
	}
	return true, nil
}

func eximTimestamp(b []byte) bool {
	return len(b) >= 19 && b[4] == '-' && b[7] == '-' && b[10] == ' ' && b[13] == ':'
}

// eximMessage: words only Exim's main log writes.
func eximMessage(rest []byte) bool {
	if len(rest) > 0 && rest[0] == '[' { // [pid]
		if i := bytes.IndexByte(rest, ']'); i > 0 {
			rest = bytes.TrimLeft(rest[i+1:], " ")
		}
	}
	if isMessageID(firstWord(string(rest))) {
		return true
	}
	for _, s := range []string{" authenticator failed for ", "H=", "SMTP connection from", "SMTP call from", "no MAIL in SMTP connection", "SMTP protocol", "no host name found for IP address", "no IP address found for host", "Start queue run", "End queue run", "exim "} {
		if bytes.Contains(rest, []byte(s)) {
			return true
		}
	}
	return false
}

func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i]
	}
	return s
}

// isMessageID accepts Exim's message IDs: 1ahr79-0006jK-G9 (6-6-2) and the
// longer form of Exim 4.97 (6-11-4).
func isMessageID(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return false
	}
	if !(len(parts[0]) == 6 && (len(parts[1]) == 6 && len(parts[2]) == 2 || len(parts[1]) == 11 && len(parts[2]) == 4)) {
		return false
	}
	for _, p := range parts {
		for _, c := range p {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return false
			}
		}
	}
	return true
}

func (p *parser) parse(msg string) logs.Event {
	if i := strings.Index(msg, " authenticator failed for "); i > 0 {
		rest := msg[i+len(" authenticator failed for "):]
		ev := &logs.SignIn{Result: logs.Failure, IP: bracketIP(rest), Client: "smtp " + lastWord(msg[:i]), App: "exim", FailureReason: "authenticator failed"}
		if j := strings.Index(rest, ": "); j >= 0 {
			ev.FailureReason = strings.TrimSpace(rest[j+2:])
			if k := strings.Index(ev.FailureReason, " (set_id="); k >= 0 {
				ev.FailureReason = ev.FailureReason[:k]
			}
		}
		if j := strings.Index(rest, "(set_id="); j >= 0 {
			u := rest[j+len("(set_id="):]
			if k := strings.IndexByte(u, ')'); k >= 0 {
				ev.User = strings.ToLower(u[:k])
			}
		}
		return ev
	}
	id := firstWord(msg)
	if !isMessageID(id) {
		return nil
	}
	body := strings.TrimPrefix(msg[len(id):], " ")
	switch {
	case strings.HasPrefix(body, "<= "):
		a := field(body, "A")
		if a == "" {
			return nil
		}
		user := a
		if k := strings.IndexByte(a, ':'); k >= 0 {
			user = a[k+1:]
		}
		user = strings.ToLower(user)
		if len(p.submitter) >= maxMessages {
			clear(p.submitter)
		}
		p.submitter[id] = user
		return &logs.SignIn{User: user, IP: bracketIP(body), Result: logs.Success, Client: "smtp " + a[:max(strings.IndexByte(a, ':'), 0)], App: "exim"}
	case strings.HasPrefix(body, "=> ") || strings.HasPrefix(body, "-> "):
		if u, ok := p.submitter[id]; ok {
			return &logs.MailSent{Sender: u, Recipients: []string{strings.ToLower(firstWord(body[3:]))}, Count: 1, Status: "delivered", Authenticated: true}
		}
	case body == "Completed":
		delete(p.submitter, id)
	}
	return nil
}

// field returns the value of " K=value" in an Exim log line.
func field(s, k string) string {
	i := strings.Index(s, " "+k+"=")
	if i < 0 {
		return ""
	}
	return firstWord(s[i+len(k)+2:])
}

func lastWord(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		return s[i+1:]
	}
	return s
}

// bracketIP returns the client address: the first "[address]" that is not
// inside the parentheses of a HELO name ("([192.168.2.33]) [24.106.174.74]").
func bracketIP(s string) netip.Addr {
	for {
		i := strings.IndexByte(s, '[')
		if i < 0 {
			return netip.Addr{}
		}
		j := strings.IndexByte(s[i:], ']')
		if j < 0 {
			return netip.Addr{}
		}
		ip := logs.ParseIP(s[i+1 : i+j])
		s = s[i+j+1:]
		if ip.IsValid() && (len(s) == 0 || s[0] != ')') {
			return ip
		}
	}
}
