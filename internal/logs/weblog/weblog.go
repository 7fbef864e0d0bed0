// Package weblog parses the nginx and Apache access logs that webmail and reverse
// proxies write: the Common and Combined Log Formats, optionally prefixed by the
// virtual host (Apache "vhost_combined": "%v:%p %h %l %u %t \"%r\" %>s %O …").
package weblog

import (
	"bytes"
	"errors"
	"strconv"
	"time"

	"vigie.dev/vigie/internal/logs"
)

// Dialect is the Common/Combined Log Format.
var Dialect = logs.Dialect{Format: logs.Weblog, Lines: func(o logs.Options) logs.LineParser { return lineParser{o} }}

// Parser reads an access log.
var Parser = logs.ParseWith(Dialect)

type lineParser struct{ opts logs.Options }

var errLine = errors.New("not a Common/Combined Log Format line")

// ParseLine claims lines with a bracketed CLF date followed by a quoted request.
func (p lineParser) ParseLine(src logs.Source, line []byte, emit func(logs.Event)) (bool, error) {
	open := bytes.IndexByte(line, '[')
	if open < 0 || open > 300 || len(line) < open+29 || line[open+3] != '/' || line[open+7] != '/' || line[open+12] != ':' || bytes.IndexByte(line[open:], '"') < 0 {
		return false, nil
	}
	ev, ok := parseLine(line, p.opts.KeepWeb)
	if !ok {
		return true, errLine
	}
	if ev != nil {
		ev.Src = src
		emit(ev)
	}
	return true, nil
}

// parseLine returns nil, true for a good line that keep refuses.
func parseLine(line []byte, keep func(host, url []byte) bool) (*logs.WebRequest, bool) {
	open := bytes.IndexByte(line, '[')
	if open < 0 {
		return nil, false
	}
	head := bytes.Fields(line[:open])
	var vhost []byte
	switch len(head) {
	case 3: // host ident user
	case 4: // vhost:port host ident user
		vhost = head[0]
		head = head[1:]
	default:
		return nil, false
	}
	closeB := bytes.IndexByte(line[open:], ']')
	if closeB < 0 {
		return nil, false
	}
	t, err := time.Parse("02/Jan/2006:15:04:05 -0700", string(line[open+1:open+closeB]))
	if err != nil {
		return nil, false
	}
	rest := line[open+closeB+1:]
	req, rest, ok := quoted(rest)
	if !ok {
		return nil, false
	}
	parts := bytes.Fields(req)
	if keep != nil {
		var url []byte
		if len(parts) >= 2 {
			url = parts[1]
		}
		host := vhost
		if i := bytes.LastIndexByte(host, ':'); i > 0 {
			host = host[:i]
		}
		if !keep(host, url) {
			return nil, true
		}
	}
	ev := &logs.WebRequest{Time: t.UTC(), ClientIP: logs.ParseIP(string(head[0]))}
	if u := string(head[2]); u != "-" {
		ev.User = u
	}
	if len(parts) >= 2 {
		ev.Method, ev.URL = string(parts[0]), string(parts[1])
	}
	nums := bytes.Fields(rest)
	if len(nums) >= 2 {
		ev.Status, _ = logs.Atoi(nums[0])
		ev.Bytes, _ = strconv.ParseInt(string(nums[1]), 10, 64)
	}
	// Combined: "referer" "user-agent"
	if _, rest2, ok := quoted(rest); ok {
		if ua, _, ok := quoted(rest2); ok {
			ev.UserAgent = string(ua)
		}
	}
	if len(vhost) > 0 {
		ev.Host = logs.URLHost(string(vhost))
	} else {
		ev.Host = logs.URLHost(ev.URL)
	}
	if ev.Host != "" && len(ev.URL) > 0 && ev.URL[0] == '/' {
		ev.URL = "https://" + ev.Host + ev.URL
	}
	return ev, true
}

// quoted returns the content of the next "…" field (with \" escapes) and what follows.
func quoted(b []byte) ([]byte, []byte, bool) {
	i := bytes.IndexByte(b, '"')
	if i < 0 {
		return nil, nil, false
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return b[i+1 : j], b[j+1:], true
		}
	}
	return nil, nil, false
}
