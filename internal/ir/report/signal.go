package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
)

// SignalSpam writes the reported messages as an mbox (RFC 4155, "From "
// lines quoted with ">"), the originals with every header: what Signal
// Spam's reporting tools and most abuse desks ingest. The CERT Santé fiche
// asks for the campaign to be reported to Signal Spam (alerting third
// parties).
func SignalSpam(w io.Writer, msgs []incident.ReportedMessage) error {
	var b bytes.Buffer
	for _, m := range msgs {
		at := m.Record.AddedAt
		if t, ok := dateOf(m.Raw); ok {
			at = t
		}
		sender := "MAILER-DAEMON"
		if rp := strings.Trim(headerOf(m.Raw, "Return-Path"), "<> "); rp != "" && !strings.ContainsAny(rp, " \t") {
			sender = rp
		}
		fmt.Fprintf(&b, "From %s %s\n", sender, at.UTC().Format(time.ANSIC))
		raw := bytes.ReplaceAll(m.Raw, []byte("\r\n"), []byte("\n"))
		for _, line := range bytes.SplitAfter(raw, []byte("\n")) {
			if isFromLine(line) {
				b.WriteByte('>')
			}
			b.Write(line)
		}
		if !bytes.HasSuffix(raw, []byte("\n")) {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

// isFromLine reports a body line an mbox reader would take for a message
// separator: "From " after any number of ">".
func isFromLine(line []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From "))
}

// PhishTank writes the campaign's phishing URLs, one per line with the
// time Vigie first saw them and the brand they imitate, as a CSV the
// PhishTank submission (and other URL blocklists) take: url, first_seen,
// target, incident. Only URLs meant for blocking are listed.
func PhishTank(w io.Writer, c incident.Case, target string) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"url", "first_seen", "target", "incident"})
	for _, ind := range c.Indicators {
		if ind.Kind != incident.KindURL || watched(ind) {
			continue
		}
		cw.Write([]string{ind.Value, ind.AddedAt.UTC().Format(time.RFC3339), target, fmt.Sprint(c.Incident.ID)})
	}
	cw.Flush()
	return cw.Error()
}
