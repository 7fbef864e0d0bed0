// Package squid parses Squid's native access.log format into web requests:
//
//	time elapsed remotehost code/status bytes method URL rfc931 peerstatus/peerhost type
//
// (squid.conf "logformat squid %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt").
package squid

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"time"

	"vigie.dev/vigie/internal/logs"
)

// Parse reads a native-format access.log.
func Parse(ctx context.Context, r io.Reader, file string, opts logs.Options, emit func(logs.Event)) (logs.Stats, error) {
	return logs.WebLines(ctx, r, file, "not a Squid native access.log line", func(line []byte) bool { return line[0] == '#' }, parseLine, emit)
}

// Parser is Parse as a logs.Parser.
var Parser = logs.ParserFunc(Parse)

func parseLine(line []byte) (*logs.WebRequest, bool) {
	var f [10][]byte
	n := 0
	for _, tok := range bytes.Fields(line) {
		if n == len(f) {
			break
		}
		f[n] = tok
		n++
	}
	if n < 7 {
		return nil, false
	}
	secs, err := strconv.ParseFloat(string(f[0]), 64)
	if err != nil || secs < 0 || secs > 1e11 {
		return nil, false
	}
	ev := &logs.WebRequest{
		Time:     time.UnixMilli(int64(secs * 1000)).UTC(),
		ClientIP: logs.ParseIP(string(f[2])),
		Method:   string(f[5]),
		URL:      string(f[6]),
	}
	code := f[3]
	if i := bytes.IndexByte(code, '/'); i >= 0 {
		ev.Status, _ = logs.Atoi(code[i+1:])
	} else {
		return nil, false
	}
	ev.Bytes, _ = strconv.ParseInt(string(f[4]), 10, 64)
	ev.Host = logs.URLHost(ev.URL)
	if n > 7 && string(f[7]) != "-" {
		ev.User = string(f[7])
	}
	return ev, true
}
