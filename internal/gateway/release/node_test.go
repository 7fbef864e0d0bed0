package release_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/gateway/gatewaytest"
	"vigie.dev/vigie/internal/gateway/nexthop"
	"vigie.dev/vigie/internal/gateway/release"
	"vigie.dev/vigie/internal/quarantine"
)

// repo knows one held message and what the MTA did with it.
type repo struct{ mta quarantine.MTA }

func (r repo) HeldBySHA256(context.Context, string) (quarantine.Entry, error) {
	return quarantine.Entry{ID: r.mta.ID}, nil
}
func (r repo) MTA(context.Context, string) (quarantine.MTA, error) { return r.mta, nil }
func (r repo) ReleasedAgain(context.Context, string, time.Time) ([]string, error) {
	return nil, nil
}

var _ release.Repository = repo{}

// A message the milter of node mx1 held with Postfix's copy in mx1's hold
// queue, released from mx2: mx2 cannot reach that queue, so Vigie's copy
// goes to the next hop and the outcome names where Postfix's remains.
func TestReleaseFromAnotherNode(t *testing.T) {
	sink := gatewaytest.NewSink(t, gatewaytest.SinkOptions{})
	raw := []byte("From: a@partner.test\r\nTo: bob@example.test\r\nSubject: hi\r\n\r\nBonjour.\r\n")
	mta := quarantine.MTA{ID: "q1", MTAQueueID: "4QxYz", MTAHold: true, Node: "mx1"}
	d := &release.Deliverer{Repo: repo{mta}, Key: release.Key("0123456789abcdef0123456789abcdef"),
		SMTP: &nexthop.Client{Addr: sink.Addr, HELO: "mx2"}, Node: "mx2",
		Postfix: &release.Postfix{ConfigDir: "/nonexistent/postfix"}}
	defer d.SMTP.Close()
	if err := d.Deliver(context.Background(), "a@partner.test", []string{"bob@example.test"}, raw); err != nil {
		t.Fatal(err)
	}
	sink.Wait(t, 1, 30*time.Second)
	o, ok := d.Outcome(release.Sum(raw))
	if !ok || o.How != release.Delivered || !o.PostfixStillHolds || o.PostfixNode != "mx1" || o.PostfixQueueID != "4QxYz" {
		t.Errorf("outcome %+v, want Vigie's copy delivered and Postfix's named on mx1", o)
	}
	// The command line and the console say it with the same note.
	note, todo := d.ReleaseNote("fr", quarantine.Entry{SHA256: release.Sum(raw), RcptTo: []string{"bob@example.test"}})
	if want := " ; Postfix garde aussi sa copie en file hold sur mx1, qui a reçu le message : supprimez-la là-bas avec « postsuper -d 4QxYz »"; !todo || !strings.HasSuffix(note, want) {
		t.Errorf("ReleaseNote: %q %v, want it to end with %q", note, todo, want)
	}
}
