// Package zimbra parses Zimbra's /opt/zimbra/log/audit.log (and the same lines in
// mailbox.log) into sign-ins: "security - cmd=Auth; account=…; protocol=…;" with
// "error=…" on failures, the client address taken from oip= (the original IP
// behind the proxy) or ip= in the bracketed context. Mailbox filter changes
// (ModifyFilterRulesRequest) and forwarding preferences
// (zimbraPrefMailForwardingAddress) become mailbox changes.
package zimbra

import (
	"bytes"
	"strings"

	"vigie.dev/vigie/internal/logs"
)

// Dialect is Zimbra's audit.log and mailbox.log.
var Dialect = logs.Dialect{Format: logs.Zimbra, Lines: func(o logs.Options) logs.LineParser { return &lineParser{opts: o} }}

// Parser reads audit.log or mailbox.log lines.
var Parser = logs.ParseWith(Dialect)

type lineParser struct {
	opts logs.Options
	seen bool // a Zimbra line was read: indented lines are its stack traces
}

var levels = [][]byte{[]byte("INFO "), []byte("WARN "), []byte("ERROR "), []byte("DEBUG "), []byte("FATAL "), []byte("TRACE ")}

// ParseLine claims log4j lines "2025-03-20 23:43:01,123 INFO  [thread] …".
func (p *lineParser) ParseLine(src logs.Source, line []byte, emit func(logs.Event)) (bool, error) {
	if line[0] == '\t' || line[0] == ' ' || bytes.HasPrefix(line, []byte("Caused by")) {
		return p.seen, nil // stack trace continuation
	}
	if len(line) < 24 || line[19] != ',' || line[4] != '-' {
		return false, nil
	}
	t, rest, ok := logs.SyslogTime(line, p.opts)
	if !ok {
		return false, nil
	}
	level := false
	for _, l := range levels {
		if bytes.HasPrefix(rest, l) {
			level = true
		}
	}
	if !level {
		return false, nil
	}
	p.seen = true
	ev := parseMessage(string(rest))
	if ev != nil {
		logs.SetSource(ev, src)
		switch e := ev.(type) {
		case *logs.SignIn:
			e.Time = t
		case *logs.MailboxChange:
			e.Time = t
		}
		emit(ev)
	}
	return true, nil
}

func parseMessage(msg string) logs.Event {
	ctx := lineContext(msg)
	ip := logs.ParseIP(firstNonEmpty(ctxField(ctx, "oip"), ctxField(ctx, "ip")))
	if i := strings.Index(msg, "security - cmd=Auth"); i >= 0 {
		body := msg[i+len("security - "):]
		ev := &logs.SignIn{
			User:   strings.ToLower(firstNonEmpty(logs.Field(body, "account"), ctxField(ctx, "name"))),
			IP:     ip,
			Result: logs.Success,
			Client: firstNonEmpty(ctxField(ctx, "ua"), logs.Field(body, "protocol")),
			App:    "zimbra " + logs.Field(body, "protocol"),
		}
		if j := strings.Index(body, "error="); j >= 0 {
			ev.Result = logs.Failure
			ev.FailureReason = strings.TrimSuffix(strings.TrimSpace(body[j+len("error="):]), ";")
		}
		return ev
	}
	user := strings.ToLower(ctxField(ctx, "name"))
	if strings.Contains(msg, "ModifyFilterRulesRequest") || strings.Contains(msg, "ModifyOutgoingFilterRulesRequest") {
		return &logs.MailboxChange{User: user, IP: ip, Kind: logs.KindInboxRule, Operation: "ModifyFilterRules"}
	}
	if i := strings.Index(msg, "zimbraPrefMailForwardingAddress"); i >= 0 {
		v := strings.TrimLeft(msg[i+len("zimbraPrefMailForwardingAddress"):], "=: ")
		if k := strings.IndexAny(v, " ,;]"); k >= 0 {
			v = v[:k]
		}
		if strings.Contains(v, "@") {
			return &logs.MailboxChange{User: user, IP: ip, Kind: logs.KindForwarding, Operation: "ModifyPrefs", Target: user,
				Actions: []logs.RuleAction{{Kind: "forward-to", Value: strings.ToLower(v)}}}
		}
	}
	return nil
}

// lineContext returns the "[name=…;ip=…;oip=…;ua=…;]" context of a Zimbra log line.
func lineContext(msg string) string {
	for rest := msg; ; {
		i := strings.Index(rest, "[")
		if i < 0 {
			return ""
		}
		j := strings.Index(rest[i:], ";]")
		if j < 0 {
			return ""
		}
		c := rest[i+1 : i+j+1]
		if strings.Contains(c, "=") && !strings.Contains(c, "[") {
			return c
		}
		rest = rest[i+1:]
	}
}

func ctxField(ctx, key string) string {
	for _, kv := range strings.Split(ctx, ";") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
