package nexthop_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"vigie.dev/vigie/internal/gateway/gatewaytest"
	"vigie.dev/vigie/internal/gateway/nexthop"
)

const msg = "From: a@example.org\r\nTo: b@example.test\r\nSubject: hello\r\n\r\nbody\r\n"

var userUnknown = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "User unknown"}

func TestDeliver(t *testing.T) {
	tests := []struct {
		name       string
		to         []string
		refuse     map[string]*smtp.SMTPError
		wantFailed []string
		wantMail   bool
	}{
		{"one recipient", []string{"b@example.test"}, nil, nil, true},
		{"two recipients", []string{"b@example.test", "c@example.test"}, nil, nil, true},
		{"one of two refused", []string{"b@example.test", "x@example.test"}, map[string]*smtp.SMTPError{"x@example.test": userUnknown}, []string{"x@example.test"}, true},
		{"all refused", []string{"x@example.test"}, map[string]*smtp.SMTPError{"x@example.test": userUnknown}, []string{"x@example.test"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := gatewaytest.NewSink(t, gatewaytest.SinkOptions{Refuse: tt.refuse})
			c := &nexthop.Client{Addr: sink.Addr, HELO: "vigie.test"}
			defer c.Close()
			reply, failed, err := c.DeliverReply(context.Background(), "a@example.org", tt.to, []byte(msg))
			if err != nil {
				t.Fatal(err)
			}
			if len(failed) != len(tt.wantFailed) {
				t.Fatalf("failed = %v, want %v", failed, tt.wantFailed)
			}
			for _, r := range tt.wantFailed {
				var se *smtp.SMTPError
				if !errors.As(failed[r], &se) || se.Code != 550 || se.Temporary() {
					t.Errorf("failed[%s] = %v, want the server's 550", r, failed[r])
				}
			}
			mails := sink.Mails()
			if !tt.wantMail {
				if len(mails) != 0 || reply != "" {
					t.Errorf("nothing should be sent: mails %v, reply %q", mails, reply)
				}
				return
			}
			if len(mails) != 1 {
				t.Fatalf("sink got %d messages, want 1", len(mails))
			}
			m := mails[0]
			if m.From != "a@example.org" || len(m.To) != len(tt.to)-len(tt.wantFailed) || string(m.Data) != msg {
				t.Errorf("sink got %+v", m)
			}
			if reply == "" {
				t.Error("no end-of-DATA reply returned")
			}
		})
	}
}

// Connections are kept between messages; one the server closed meanwhile
// is replaced without failing the message.
func TestConnectionReuse(t *testing.T) {
	sink := gatewaytest.NewSink(t, gatewaytest.SinkOptions{})
	c := &nexthop.Client{Addr: sink.Addr, MaxIdle: 1}
	defer c.Close()
	ctx := context.Background()
	for i := range 3 {
		if _, err := c.Deliver(ctx, "a@example.org", []string{"b@example.test"}, []byte(msg)); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if n := sink.Sessions(); n != 1 {
		t.Errorf("%d sessions for 3 messages, want 1 kept open", n)
	}
	sink.DropConnections()
	// The server's close reaches the client asynchronously: the retry on
	// a fresh connection covers both orders.
	if _, err := c.Deliver(ctx, "a@example.org", []string{"b@example.test"}, []byte(msg)); err != nil {
		t.Fatalf("after the server closed the idle connection: %v", err)
	}
	if got := len(sink.Mails()); got != 4 {
		t.Errorf("sink has %d messages, want 4", got)
	}
}

// A message refused at end of DATA is not sent again on another
// connection: the server may have kept it.
func TestDataRefusedNotRetried(t *testing.T) {
	sink := gatewaytest.NewSink(t, gatewaytest.SinkOptions{RefuseData: &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "No"}})
	c := &nexthop.Client{Addr: sink.Addr}
	defer c.Close()
	_, err := c.Deliver(context.Background(), "a@example.org", []string{"b@example.test"}, []byte(msg))
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 554 {
		t.Fatalf("err = %v, want the server's 554", err)
	}
	if n := sink.Sessions(); n != 1 {
		t.Errorf("%d sessions, want 1 (no retry)", n)
	}
}

func TestStartTLS(t *testing.T) {
	sink := gatewaytest.NewSink(t, gatewaytest.SinkOptions{TLS: gatewaytest.ServerTLS(t)})
	c := &nexthop.Client{Addr: sink.Addr, StartTLS: true}
	defer c.Close()
	if _, err := c.Deliver(context.Background(), "a@example.org", []string{"b@example.test"}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	if len(sink.Mails()) != 1 {
		t.Fatal("message not delivered over STARTTLS")
	}

	plain := gatewaytest.NewSink(t, gatewaytest.SinkOptions{})
	c2 := &nexthop.Client{Addr: plain.Addr, StartTLS: true}
	defer c2.Close()
	if _, err := c2.Deliver(context.Background(), "a@example.org", []string{"b@example.test"}, []byte(msg)); err == nil ||
		!strings.Contains(err.Error(), "starttls") {
		t.Fatalf("a next hop without STARTTLS: err = %v, want a starttls error", err)
	}
	if len(plain.Mails()) != 0 {
		t.Error("message sent in clear although STARTTLS is required")
	}
}

func TestUnreachable(t *testing.T) {
	addr := gatewaytest.ClosedAddr(t)
	c := &nexthop.Client{Addr: addr, Timeout: 5 * time.Second}
	if _, err := c.Deliver(context.Background(), "a@example.org", []string{"b@example.test"}, []byte(msg)); err == nil {
		t.Fatal("delivery to a closed port succeeded")
	}
}

// Release, the quarantine's deliverer, fails unless every recipient took
// the message.
func TestReleaseNeedsEveryRecipient(t *testing.T) {
	sink := gatewaytest.NewSink(t, gatewaytest.SinkOptions{Refuse: map[string]*smtp.SMTPError{"x@example.test": userUnknown}})
	r := nexthop.Release{Client: &nexthop.Client{Addr: sink.Addr}}
	defer r.Close()
	ctx := context.Background()
	if err := r.Deliver(ctx, "a@example.org", []string{"b@example.test"}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	err := r.Deliver(ctx, "a@example.org", []string{"b@example.test", "x@example.test"}, []byte(msg))
	if err == nil || !strings.Contains(err.Error(), "x@example.test") {
		t.Fatalf("err = %v, want the refused recipient named", err)
	}
}
