package gateway_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/gateway/allow"
	"vigie.dev/vigie/internal/gateway/gatewaytest"
	"vigie.dev/vigie/internal/scan"
)

// hostileHeader marks a test message that the late check would reject,
// had it run: the lure, link or brand checks come after the others.
const hostileHeader = "X-Test-Hostile: yes"

type lateCheck struct{}

func (lateCheck) Name() string { return "late" }

func (lateCheck) Check(_ context.Context, in *scan.Input, out *scan.Emitter) {
	if in.Msg.Header.Get("X-Test-Hostile") != "" {
		out.Emit("TEST_REJECT", "")
	}
}

// processLate passes the test message of verdict (gatewaytest.VerdictHeader;
// hostile: the late check rejects it) through a gateway of settings whose
// scanner ends with lateCheck and has its own deadline of 50 ms, shorter
// than the front end's; allow, when not nil, is the gateway's allow rules.
func processLate(t *testing.T, set gateway.Settings, allow gateway.AllowMatcher, verdict string, hostile bool) (*gatewaytest.Env, gateway.Outcome) {
	t.Helper()
	env := gatewaytest.New(t, set)
	s := gatewaytest.Scanner()
	s.Checks = append(s.Checks, lateCheck{})
	s.Timeout = 50 * time.Millisecond
	env.Gateway.SetScanner(s)
	if allow != nil {
		env.Gateway.Allow = allow
	}
	var extra []string
	if hostile {
		extra = append(extra, hostileHeader)
	}
	return env, env.Gateway.Process(context.Background(), gateway.Job{Frontend: "test", QueueID: "Q1",
		Raw: []byte(gatewaytest.Message(verdict, extra...))})
}

// An incomplete scan — the scanner's own deadline reached before the late
// check, or a check that failed — is no verdict to deliver a message on:
// below quarantine it is answered as a message that could not be scanned
// (451, or passed marked unscanned with fail_open); what ran and already
// holds the message stands.
func TestIncompleteScan(t *testing.T) {
	tests := []struct {
		name     string
		verdict  string // gatewaytest.VerdictHeader
		hostile  bool   // the late check rejects the message when it runs
		failOpen bool
		want     scan.Action
		fields   []gateway.Field // the fields a message passed on gets
		errStage string          // the vigie_errors_total stage counted, "" none
		metric   string          // the vigie_messages_total action counted
	}{
		{name: "deadline below tag", hostile: true, verdict: "slow", want: gateway.Tempfail, errStage: "partial", metric: "tempfail"},
		{name: "deadline after a tag", hostile: true, verdict: "tag slow", want: gateway.Tempfail, errStage: "partial", metric: "tempfail"},
		{name: "deadline, fail-open", hostile: true, verdict: "slow", failOpen: true, want: scan.Accept,
			fields: []gateway.Field{{Name: gateway.HeaderVerdict, Value: "unscanned"}}, errStage: "partial", metric: "unscanned"},
		{name: "deadline after a quarantine", hostile: true, verdict: "quarantine slow", want: scan.Quarantine, metric: "quarantine"},
		{name: "deadline after a quarantine, fail-open", hostile: true, verdict: "quarantine slow", failOpen: true, want: scan.Quarantine, metric: "quarantine"},
		{name: "deadline after a reject", hostile: true, verdict: "reject slow", want: scan.Reject, metric: "reject"},
		{name: "check failed", verdict: "panic", want: gateway.Tempfail, errStage: "check", metric: "tempfail"},
		{name: "check failed, fail-open", verdict: "panic", failOpen: true, want: scan.Accept,
			fields: []gateway.Field{{Name: gateway.HeaderVerdict, Value: "unscanned"}}, errStage: "check", metric: "unscanned"},
		{name: "check failed after a quarantine", verdict: "quarantine panic", want: scan.Quarantine, metric: "quarantine"},
		{name: "complete, accept", want: scan.Accept, metric: "accept",
			fields: []gateway.Field{{Name: gateway.HeaderVerdict, Value: "accept"}, {Name: gateway.HeaderScore, Value: "0.0"}}},
		{name: "complete, tag", verdict: "tag", want: scan.Tag, metric: "tag",
			fields: []gateway.Field{{Name: gateway.HeaderVerdict, Value: "tag"}, {Name: gateway.HeaderScore, Value: "0.0"}, {Name: gateway.HeaderSignals, Value: "TEST_TAG"}}},
		{name: "complete, the late check rejects", hostile: true, verdict: "quarantine", want: scan.Reject, metric: "reject"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, o := processLate(t, gateway.Settings{FailOpen: tt.failOpen}, nil, tt.verdict, tt.hostile)
			if o.Action != tt.want {
				t.Fatalf("action %s (err %v), want %s", o.Action, o.Err, tt.want)
			}
			if o.Verdict == nil {
				t.Fatal("no verdict in the outcome")
			}
			incomplete := tt.errStage != ""
			if incomplete != errors.Is(o.Err, gateway.ErrIncomplete) {
				t.Errorf("err %v", o.Err)
			}
			if tt.want == scan.Accept || tt.want == scan.Tag {
				if !slices.Equal(o.Fields, tt.fields) {
					t.Errorf("fields %+v, want %+v", o.Fields, tt.fields)
				}
			}
			recs := env.Records(t)
			if len(recs) != 1 || recs[0].Action != tt.metric {
				t.Fatalf("trace %+v, want one record of %s", recs, tt.metric)
			}
			if tt.want == scan.Quarantine {
				if o.QuarantineID == "" || recs[0].QuarantineID != o.QuarantineID {
					t.Fatalf("quarantine id %q, trace's %q", o.QuarantineID, recs[0].QuarantineID)
				}
				if _, err := env.Quarantine.Get(context.Background(), o.QuarantineID); err != nil {
					t.Errorf("not kept: %v", err)
				}
			}
			if n := counter(t, env.Gateway.Metrics, "vigie_messages_total", tt.metric); n != 1 {
				t.Errorf("vigie_messages_total{action=%q} = %v", tt.metric, n)
			}
			for _, stage := range []string{"partial", "check"} {
				want := 0.0
				if stage == tt.errStage {
					want = 1
				}
				if n := counter(t, env.Gateway.Metrics, "vigie_errors_total", stage); n != want {
					t.Errorf("vigie_errors_total{stage=%q} = %v, want %v", stage, n, want)
				}
			}
		})
	}
}

// allowAll is an operator's rule covering every message, capping it at
// accept.
type allowAll struct{}

func (allowAll) Match(scan.Envelope, *scan.Verdict, time.Time) (allow.Rule, scan.Action, bool) {
	return allow.Rule{ID: 7, MaxAction: string(scan.Accept)}, scan.Accept, true
}

// An allow rule caps a complete verdict, never an incomplete one that
// holds the message: a sender's rule yields to a signal that forced the
// action, and the check that would have raised it may be the one cut
// short or failed. Held, the message is safe; delivered, it was judged
// without that check.
func TestAllowDoesNotLiftAnIncompleteVerdict(t *testing.T) {
	tests := []struct {
		name    string
		verdict string
		hostile bool
		want    scan.Action
	}{
		{name: "complete quarantine, lifted", verdict: "quarantine", want: scan.Accept},
		{name: "deadline after a quarantine", verdict: "quarantine slow", hostile: true, want: scan.Quarantine},
		{name: "check failed after a quarantine", verdict: "quarantine panic", want: scan.Quarantine},
		{name: "deadline after a reject", verdict: "reject slow", hostile: true, want: scan.Reject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, o := processLate(t, gateway.Settings{}, allowAll{}, tt.verdict, tt.hostile)
			if o.Action != tt.want {
				t.Fatalf("action %s (err %v), want %s", o.Action, o.Err, tt.want)
			}
		})
	}
}

// seen counts the verdicts an observer was shown.
type seen struct{ n int }

func (s *seen) Observe([]byte, *scan.Verdict) { s.n++ }

// A message passed on unscanned (fail-open) is shown to the observers:
// the supplier watcher must still alert accounting of a changed IBAN the
// early checks found (each observer decides what it learns from). A
// message answered 451 is not: it will be scanned again.
func TestObserversSeeAMessagePassedOnUnscanned(t *testing.T) {
	for _, tt := range []struct {
		failOpen bool
		want     int
	}{{true, 1}, {false, 0}} {
		env := gatewaytest.New(t, gateway.Settings{FailOpen: tt.failOpen})
		var obs seen
		env.Gateway.Observer = &obs
		env.Gateway.Process(context.Background(), gateway.Job{Frontend: "test", QueueID: "Q1",
			Raw: []byte(gatewaytest.Message("panic"))})
		if obs.n != tt.want {
			t.Errorf("fail_open %v: observed %d times, want %d", tt.failOpen, obs.n, tt.want)
		}
	}
}

// counter reads the counter of family name whose one label has value.
func counter(t *testing.T, m *gateway.Metrics, name, value string) float64 {
	t.Helper()
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, c := range f.GetMetric() {
			if l := c.GetLabel(); len(l) == 1 && l[0].GetValue() == value {
				return c.GetCounter().GetValue()
			}
		}
	}
	return 0
}
