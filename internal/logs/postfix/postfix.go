// Package postfix parses the Postfix maillog into sign-ins (SMTP AUTH successes
// from smtpd "client=…, sasl_username=…" and "SASL … authentication failed"
// warnings) and mail sent (qmgr "from=<…>, size=…, nrcpt=N (queue active)"),
// attributing each message to the account that authenticated to submit it.
package postfix

import (
	"net/netip"
	"slices"
	"strings"

	"vigie.dev/vigie/internal/logs"
)

// maxQueue bounds the queue-ID → submitter table: a message whose smtpd line is
// older than this many messages loses its attribution, memory stays bounded.
const maxQueue = 200_000

// Dialect is the Postfix maillog.
var Dialect = logs.Dialect{Format: logs.Postfix, Lines: func(o logs.Options) logs.LineParser {
	return &parser{opts: o, submitter: map[string]string{}, sent: map[string]*logs.MailSent{}}
}}

// Parser reads Postfix log lines.
var Parser = logs.ParseWith(Dialect)

// ParseLine claims the lines of Postfix's daemons ("postfix/smtpd[123]:").
func (p *parser) ParseLine(src logs.Source, line []byte, emit func(logs.Event)) (bool, error) {
	sl, ok := logs.ParseSyslog(line, p.opts)
	if !ok || !logs.ProgramIs(sl.Program, "postfix") {
		return false, nil
	}
	ev := p.parse(string(sl.Program), string(sl.Msg))
	if ev != nil {
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

type parser struct {
	opts      logs.Options
	submitter map[string]string // queue ID → SASL user or local sender
	// sent keeps the authenticated submissions still in the queue, so the
	// delivery lines that follow ("to=<…>") add their recipients.
	sent map[string]*logs.MailSent
}

// parse reads the message of a line of prog ("postfix/smtpd", also
// "postfix/submission/smtpd").
func (p *parser) parse(prog, msg string) logs.Event {
	daemon := prog[strings.LastIndexByte(prog, '/')+1:]
	qid, body := "", msg
	if k := strings.Index(msg, ": "); k > 0 && k <= 20 && isQueueID(msg[:k]) {
		qid, body = msg[:k], msg[k+2:]
	}
	switch daemon {
	case "smtpd":
		if strings.HasPrefix(body, "client=") && strings.Contains(body, "sasl_username=") {
			user := strings.ToLower(logs.Field(body, "sasl_username"))
			if qid != "" {
				p.remember(qid, user)
			}
			return &logs.SignIn{User: user, IP: clientIP(upToComma(strings.TrimPrefix(body, "client="))), Result: logs.Success, Client: "smtp " + logs.Field(body, "sasl_method"), App: "postfix"}
		}
		if strings.HasPrefix(msg, "warning: ") && strings.Contains(msg, "authentication failed") {
			// warning: unknown[1.2.3.4]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=bob
			w := msg[len("warning: "):]
			host := w
			if k := strings.Index(w, ": "); k >= 0 {
				host = w[:k]
			}
			reason := w
			if k := strings.Index(w, "authentication failed"); k >= 0 {
				reason = w[k:]
				if c := strings.Index(reason, ","); c >= 0 {
					reason = reason[:c]
				}
			}
			return &logs.SignIn{User: strings.ToLower(logs.Field(w, "sasl_username")), IP: clientIP(host), Result: logs.Failure, FailureReason: reason, Client: "smtp", App: "postfix"}
		}
	case "pickup":
		if qid != "" && strings.HasPrefix(body, "uid=") {
			p.remember(qid, strings.ToLower(logs.Field(body, "from")))
		}
	case "qmgr":
		if qid == "" {
			return nil
		}
		if body == "removed" {
			delete(p.submitter, qid)
			delete(p.sent, qid)
			return nil
		}
		if strings.HasPrefix(body, "from=") && strings.Contains(body, "nrcpt=") {
			n, _ := logs.Atoi([]byte(logs.Field(body, "nrcpt")))
			from := strings.ToLower(logs.Field(body, "from"))
			ev := &logs.MailSent{Sender: from, Count: n, Status: "queued"}
			if u, ok := p.submitter[qid]; ok {
				ev.Authenticated = true
				if u != "" {
					ev.Sender = u
				}
				if len(p.sent) >= maxQueue {
					clear(p.sent)
				}
				p.sent[qid] = ev
			}
			return ev
		}
	case "smtp", "lmtp", "local", "virtual", "pipe", "error":
		// Delivery lines name each recipient: "to=<x>, relay=…, status=sent".
		// They come after the qmgr line, so the recipients are added to the
		// event already emitted: a reader sees them once the file is read.
		if ev := p.sent[qid]; ev != nil && strings.HasPrefix(body, "to=") {
			if rcpt := strings.ToLower(logs.Field(body, "to")); rcpt != "" && !slices.Contains(ev.Recipients, rcpt) {
				ev.Recipients = append(ev.Recipients, rcpt)
			}
		}
	}
	return nil
}

func (p *parser) remember(qid, user string) {
	if len(p.submitter) >= maxQueue {
		clear(p.submitter)
	}
	p.submitter[qid] = user
}

// clientIP takes the address out of "hostname[1.2.3.4]" or "hostname[1.2.3.4]:port".
func clientIP(s string) netip.Addr {
	i := strings.LastIndexByte(s, '[')
	j := strings.LastIndexByte(s, ']')
	if i < 0 || j < i {
		return logs.ParseIP(s)
	}
	return logs.ParseIP(strings.TrimPrefix(s[i+1:j], "IPv6:"))
}

// isQueueID accepts short (hex) and long (base-52 style) Postfix queue IDs.
func isQueueID(s string) bool {
	if len(s) < 5 || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return s != "NOQUEUE"
}

func upToComma(s string) string {
	if i := strings.IndexByte(s, ','); i >= 0 {
		return s[:i]
	}
	return s
}
