package release_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/gateway/gatewaytest"
	"vigie.dev/vigie/internal/gateway/nexthop"
	"vigie.dev/vigie/internal/gateway/release"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
)

var key = release.Key("0123456789abcdef0123456789abcdef")

// world is a gateway holding the release key, the relay in front of it
// and the sink behind it: a release re-injected into the relay reaches
// the sink, in process.
type world struct {
	env   *gatewaytest.Env
	sink  *gatewaytest.Sink
	relay string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := gatewaytest.New(t, gateway.Settings{})
	env.Gateway.Releases = key
	sink := gatewaytest.NewSink(t, gatewaytest.SinkOptions{Refuse: map[string]*smtp.SMTPError{
		"nobody@example.test": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "User unknown"}}})
	_, addr := env.Relay(t, sink.Addr, nil)
	return &world{env: env, sink: sink, relay: addr}
}

// quarantine has the gateway quarantine a message for rcpt, with what the
// front end says of the MTA's copy, and returns the entry's id.
func (w *world) quarantine(t *testing.T, rcpt string, j gateway.Job) string {
	t.Helper()
	j.Frontend, j.Raw = "milter", []byte(gatewaytest.Message("quarantine"))
	j.Env = scan.Envelope{MailFrom: "alice@sender.example", RcptTo: []string{rcpt}}
	o := w.env.Gateway.Process(context.Background(), j)
	if o.Action != scan.Quarantine || o.QuarantineID == "" {
		t.Fatalf("outcome %+v, want a quarantine", o)
	}
	return o.QuarantineID
}

// deliverer releases to addr, signing with k.
func (w *world) deliverer(t *testing.T, addr string, k release.Key) *release.Deliverer {
	hop := &nexthop.Client{Addr: addr, HELO: "vigie.test"}
	t.Cleanup(hop.Close)
	return &release.Deliverer{Repo: w.env.DB.Gateway(), Key: k, SMTP: hop}
}

// A released message goes back through the relay unscanned and reaches
// the next hop once; what was done is kept as its outcome.
func TestReleaseThroughTheRelay(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	id := w.quarantine(t, "bob@example.test", gateway.Job{QueueID: "4QxYz", MTAHold: true})
	d := w.deliverer(t, w.relay, key)
	if _, err := w.env.Quarantine.Release(ctx, id, "rssi", d); err != nil {
		t.Fatal(err)
	}
	m := w.sink.Wait(t, 1, 30*time.Second)[0]
	if got := gatewaytest.Header(m.Data, gateway.HeaderVerdict); got != "released" {
		t.Errorf("%s: %q, want released", gateway.HeaderVerdict, got)
	}
	if gatewaytest.Header(m.Data, release.Header) != "" {
		t.Error("the release field reached the mailbox")
	}
	if len(m.To) != 1 || m.To[0] != "bob@example.test" || m.From != "alice@sender.example" {
		t.Errorf("envelope at the next hop: %s → %v", m.From, m.To)
	}
	raw, _, err := w.env.Quarantine.Raw(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	o, ok := d.Outcome(release.Sum(raw))
	// Postfix's copy (hold mode) cannot be reached from here: Vigie's is
	// re-injected and the outcome says Postfix still holds one.
	if !ok || o.How != release.Delivered || o.To != w.relay || !strings.HasPrefix(o.Reply, "250 ") ||
		o.PostfixQueueID != "4QxYz" || !o.PostfixStillHolds {
		t.Errorf("outcome %+v %v", o, ok)
	}
	e, err := w.env.Quarantine.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if note, todo := d.ReleaseNote("en", e); !todo || note != "delivered to "+w.relay+" for bob@example.test ("+o.Reply+
		"); Postfix still holds its own copy: delete it with \"postsuper -d 4QxYz\"" {
		t.Errorf("ReleaseNote: %q %v", note, todo)
	}
	if _, err := w.env.Quarantine.Release(ctx, id, "rssi", d); !errors.Is(err, quarantine.ErrNotHeld) {
		t.Errorf("second release: %v, want ErrNotHeld", err)
	}
}

// Refusals: each leaves the message held and the next hop untouched, but
// for the loop, which the relay quarantines again.
func TestReleaseRefused(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		name  string
		rcpt  string
		job   gateway.Job
		to    func(w *world) string // the release's next hop
		k     release.Key
		check func(t *testing.T, err error)
	}{
		{name: "signed with another key: quarantined again", rcpt: "bob@example.test", to: func(w *world) string { return w.relay },
			k: release.Key("another key of thirty-two bytes!"), check: func(t *testing.T, err error) {
				var rq *release.RequarantinedError
				if !errors.As(err, &rq) || len(rq.IDs) != 1 {
					t.Fatalf("%v, want a RequarantinedError with the new entry", err)
				}
			}},
		{name: "only the scanned part kept", rcpt: "bob@example.test", job: gateway.Job{Truncated: true},
			to: func(w *world) string { return w.sink.Addr }, k: key, check: func(t *testing.T, err error) {
				if !errors.Is(err, release.ErrTruncated) {
					t.Fatalf("%v, want ErrTruncated", err)
				}
			}},
		{name: "recipient refused by the next hop", rcpt: "nobody@example.test",
			to: func(w *world) string { return w.sink.Addr }, k: key, check: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "recipient nobody@example.test refused") {
					t.Fatalf("%v, want the refused recipient", err)
				}
			}},
		{name: "no release_to", rcpt: "bob@example.test", to: func(*world) string { return "" }, k: key,
			check: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "no release_to") {
					t.Fatalf("%v, want no release_to", err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			id := w.quarantine(t, tt.rcpt, tt.job)
			_, err := w.env.Quarantine.Release(ctx, id, "rssi", w.deliverer(t, tt.to(w), tt.k))
			var de *quarantine.DeliveryError
			if !errors.As(err, &de) || de.ID != id {
				t.Fatalf("release: %v, want a DeliveryError for %s", err, id)
			}
			tt.check(t, err)
			if e, err := w.env.Quarantine.Get(ctx, id); err != nil || !e.ReleasedAt.IsZero() {
				t.Errorf("entry after a refused release: %+v %v, want still held", e, err)
			}
		})
	}
	if n := len(w.sink.Mails()); n != 0 {
		t.Errorf("the next hop got %d message(s), want none", n)
	}
}

// ForConfig re-injects to release_to, else to the relay's next hop, and
// the key it signs with is the one every node shares.
func TestForConfig(t *testing.T) {
	env := gatewaytest.New(t, gateway.Settings{})
	k, err := release.LoadKey(context.Background(), env.DB.Gateway())
	if err != nil {
		t.Fatal(err)
	}
	if again, err := release.LoadKey(context.Background(), env.DB.Gateway()); err != nil || string(again) != string(k) || len(k) != 32 {
		t.Errorf("second LoadKey: %x %v, want the stored %x", again, err, k)
	}
	cfg := config.Default()
	cfg.Serve.Relay.NextHop = "127.0.0.1:10025"
	if d := release.ForConfig(&cfg, env.DB.Gateway(), k, "vigie.test", nil); d.SMTP.Addr != "127.0.0.1:10025" || d.SMTP.HELO != "vigie.test" {
		t.Errorf("without release_to: %+v", d.SMTP)
	}
	cfg.Serve.Quarantine.ReleaseTo = "127.0.0.1:10026"
	if d := release.ForConfig(&cfg, env.DB.Gateway(), k, "vigie.test", nil); d.SMTP.Addr != "127.0.0.1:10026" || d.Postfix == nil {
		t.Errorf("with release_to: %+v %+v", d.SMTP, d.Postfix)
	}
}
