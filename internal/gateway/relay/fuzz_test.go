package relay_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/gateway/gatewaytest"
	"vigie.dev/vigie/internal/trace"
)

// FuzzData sends messages of any header fields and body through the SMTP
// relay, as a client would, and holds it to the gateway's promise: a
// message answered 250 is one the relay has taken care of - put in its
// quarantine, or queued and then delivered to the next hop - and a
// message not taken is refused with a 4xx or 5xx. The verdict comes from
// the test scanner (gatewaytest.VerdictHeader), so that every path is
// reached.
func FuzzData(f *testing.F) {
	env := gatewaytest.New(f, gateway.Settings{AuthServID: "vigie.example.test", SubjectPrefix: "[SUSPECT]"})
	sink := gatewaytest.NewSink(f, gatewaytest.SinkOptions{})
	_, addr := env.Relay(f, sink.Addr, nil)
	for _, c := range []struct{ verdict, extra, body string }{
		{"", "", "Bonjour,\r\nla facture est jointe.\r\n"},
		{"tag", "Subject: =?utf-8?B?w6k=?=\r\n\tsuite", ".\r\n..x\r\n"},
		{"quarantine", "X-Vigie-Verdict: accept\r\nX-Vigie-Release: v1.forged", ""},
		{"reject", "Authentication-Results: vigie.example.test; spf=pass", "x"},
		{"tag", "Content-Type: multipart/mixed; boundary=b", "--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nx\r\n--b--"},
	} {
		f.Add(c.verdict, c.extra, []byte(c.body))
	}
	n, delivered := 0, 0
	f.Fuzz(func(t *testing.T, verdict, extra string, body []byte) {
		if verdict == "slow" || strings.ContainsAny(verdict, "\r\n") || strings.Contains(extra, "\r\n\r\n") ||
			strings.Contains(strings.ReplaceAll(extra, "\r\n", ""), "\n") || strings.Contains(strings.ReplaceAll(extra, "\r\n", ""), "\r") {
			return // one field per line, the header ending where the test says
		}
		var fields []string
		if extra != "" {
			fields = strings.Split(extra, "\r\n")
		}
		n++
		marker := fmt.Sprintf("X-Fuzz-Case: %d", n)
		head, _, _ := strings.Cut(gatewaytest.Message(verdict, fields...), "\r\n\r\n")
		raw := marker + "\r\n" + head + "\r\n\r\n" + string(body)
		reply, err := send(t, (&harness{addr: addr}).client(t), []string{"bob@example.test"}, raw)
		if err != nil {
			if code := smtpCode(err); code < 400 || code > 599 {
				t.Fatalf("refused without a 4xx or 5xx: %v", err)
			}
			return
		}
		_, id, ok := strings.Cut(reply, "Ok: queued as ")
		if !ok {
			t.Fatalf("250 %q names no queue id", reply)
		}
		env.Trace.Flush()
		recs, err := env.Trace.Search(context.Background(), trace.Query{Limit: 1})
		if err != nil || len(recs) != 1 || recs[0].QueueID != id {
			t.Fatalf("queued as %s, newest trace record %+v (%v)", id, recs, err)
		}
		if recs[0].Action == "quarantine" {
			if _, err := env.Quarantine.Get(context.Background(), recs[0].QuarantineID); err != nil {
				t.Fatalf("answered 250 for %s, quarantine entry %q: %v", id, recs[0].QuarantineID, err)
			}
			return
		}
		delivered++
		for _, m := range sink.Wait(t, delivered, 30*time.Second) {
			if strings.Contains(string(m.Data), marker+"\r\n") {
				return
			}
		}
		t.Fatalf("answered 250 for %s (%s), never delivered", id, recs[0].Action)
	})
}
