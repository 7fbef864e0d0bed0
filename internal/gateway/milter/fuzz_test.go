package milter_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	gomilter "github.com/emersion/go-milter"

	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/gateway/gatewaytest"
	"vigie.dev/vigie/internal/gateway/milter"
	"vigie.dev/vigie/internal/trace"
)

// FuzzSession streams messages of any header fields and body through the
// milter protocol, as Postfix does, to a milter that discards what it
// quarantines: every message gets an answer the MTA understands, and a
// message discarded is one the quarantine holds (the gateway never drops
// mail it has not stored). The verdict comes from the test scanner
// (gatewaytest.VerdictHeader), so that every path is reached.
func FuzzSession(f *testing.F) {
	env := gatewaytest.New(f, gateway.Settings{AuthServID: "vigie.example.test", SubjectPrefix: "[SUSPECT]"})
	srv := &milter.Server{Gateway: env.Gateway, Timeout: 5 * time.Second, SpoolDir: f.TempDir(), Discard: true}
	addr := gatewaytest.Serve(f, srv.Serve, srv.Shutdown, nil)
	for _, c := range []struct{ verdict, extra, body string }{
		{"", "", "Bonjour,\r\nla facture est jointe.\r\n"},
		{"tag", "Subject: =?utf-8?B?w6k=?=\r\n\tsuite", "x"},
		{"quarantine", "X-Vigie-Verdict: accept\r\nX-Vigie-Release: v1.forged", ""},
		{"reject", "Authentication-Results: vigie.example.test; spf=pass", "\r\n.\r\n..\r\n"},
		{"quarantine", "Content-Type: multipart/mixed; boundary=b", "--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nx\r\n--b--"},
	} {
		f.Add(c.verdict, c.extra, []byte(c.body))
	}
	n := 0
	f.Fuzz(func(t *testing.T, verdict, extra string, body []byte) {
		if verdict == "slow" || strings.ContainsAny(verdict, "\x00\r\n") || strings.Contains(extra, "\x00") || strings.Contains(extra, "\r\n\r\n") ||
			strings.Contains(strings.ReplaceAll(extra, "\r\n", ""), "\n") || strings.Contains(strings.ReplaceAll(extra, "\r\n", ""), "\r") {
			return // Postfix sends neither a NUL nor a line end inside a field's name or value
		}
		var fields []string
		if extra != "" {
			fields = strings.Split(extra, "\r\n")
		}
		head, _, _ := strings.Cut(gatewaytest.Message(verdict, fields...), "\r\n\r\n")
		n++
		queueID := fmt.Sprintf("F%d", n)
		_, act := gatewaytest.MilterSend(t, gatewaytest.MilterSession(t, addr), queueID, head+"\r\n\r\n"+string(body))
		switch act.Code {
		case gomilter.ActAccept, gomilter.ActContinue:
		case gomilter.ActReplyCode:
			if act.SMTPCode < 400 || act.SMTPCode > 599 {
				t.Fatalf("reply %d %q", act.SMTPCode, act.SMTPText)
			}
		case gomilter.ActDiscard:
			env.Trace.Flush()
			recs, err := env.Trace.Search(context.Background(), trace.Query{Action: "quarantine", Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 1 || recs[0].QueueID != queueID || recs[0].QuarantineID == "" {
				t.Fatalf("discarded %s without a quarantine record: %+v", queueID, recs)
			}
			if _, err := env.Quarantine.Get(context.Background(), recs[0].QuarantineID); err != nil {
				t.Fatalf("discarded %s, quarantine entry %s: %v", queueID, recs[0].QuarantineID, err)
			}
		default:
			t.Fatalf("answer %c", act.Code)
		}
	})
}
