// Package zimbra parses Zimbra's /opt/zimbra/log/audit.log (and the same lines in
// mailbox.log) into sign-ins: "security - cmd=Auth; account=…; protocol=…;" with
// "error=…" on failures, the client address taken from oip= (the original IP
// behind the proxy) or ip= in the bracketed context. Mailbox filter changes
// (ModifyFilterRulesRequest) and forwarding preferences
// (zimbraPrefMailForwardingAddress) become mailbox changes.
package zimbra

import (
	"context"
	"io"
	"strings"

	"vigie.dev/vigie/internal/logs"
)

// Parse reads audit.log or mailbox.log lines.
func Parse(ctx context.Context, r io.Reader, file string, opts logs.Options, emit func(logs.Event)) (logs.Stats, error) {
	var st logs.Stats
	err := logs.Lines(ctx, r, file, &st, func(n int64, line []byte) {
		src := logs.Source{File: file, Line: n}
		t, rest, ok := logs.SyslogTime(line, opts)
		if !ok {
			if line[0] == '\t' || line[0] == ' ' || strings.HasPrefix(string(line), "Caused by") {
				return // stack trace continuation
			}
			st.Errorf(src, "no timestamp")
			return
		}
		ev := parseMessage(string(rest))
		if ev == nil {
			return
		}
		switch e := ev.(type) {
		case *logs.SignIn:
			e.Src, e.Time = src, t
		case *logs.MailboxChange:
			e.Src, e.Time = src, t
		}
		st.Events++
		emit(ev)
	})
	return st, err
}

// Parser is Parse as a logs.Parser.
var Parser = logs.ParserFunc(Parse)

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
