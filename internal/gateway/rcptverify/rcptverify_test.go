package rcptverify_test

import (
	"context"
	"testing"

	"github.com/emersion/go-smtp"

	"vigie.dev/vigie/internal/gateway/gatewaytest"
	"vigie.dev/vigie/internal/gateway/rcptverify"
)

func TestVerify(t *testing.T) {
	sink := gatewaytest.NewSink(t, gatewaytest.SinkOptions{Refuse: map[string]*smtp.SMTPError{
		"nobody@example.test": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "User unknown"},
		"later@example.test":  {Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 0}, Message: "Try later"},
	}})
	v := &rcptverify.Verifier{Addr: sink.Addr, HELO: "relay.test"}
	ctx := context.Background()
	tests := []struct {
		rcpt       string
		want       rcptverify.Status
		wantCached bool
	}{
		{"bob@example.test", rcptverify.Exists, false},
		{"BOB@example.test", rcptverify.Exists, true}, // one answer per address, whatever the case
		{"nobody@example.test", rcptverify.Refused, false},
		{"nobody@example.test", rcptverify.Refused, true},
		{"later@example.test", rcptverify.Unknown, false}, // a 4xx says nothing
	}
	for _, tt := range tests {
		r := v.Verify(ctx, tt.rcpt)
		if r.Status != tt.want || r.Cached != tt.wantCached {
			t.Errorf("Verify(%s) = %+v, want %v cached=%v", tt.rcpt, r, tt.want, tt.wantCached)
		}
	}
	if n := sink.Sessions(); n != 3 {
		t.Errorf("%d probes, want 3 (the rest from the cache)", n)
	}
	if len(sink.Mails()) != 0 {
		t.Error("a probe sent a message")
	}
}

func TestNextHopDown(t *testing.T) {
	addr := gatewaytest.ClosedAddr(t)
	v := &rcptverify.Verifier{Addr: addr}
	if r := v.Verify(context.Background(), "bob@example.test"); r.Status != rcptverify.Unknown {
		t.Errorf("next hop down: %+v, want unknown (the client retries)", r)
	}
}
