package selftest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"vigie.dev/vigie/internal/trace"
)

// Outcome is what the chain did with a message.
type Outcome string

const (
	Refused     Outcome = "refused"     // 5xx at any step, or rejected by Vigie
	Quarantined Outcome = "quarantined" // held by Vigie
	Tagged      Outcome = "tagged"      // delivered with a warning
	Delivered   Outcome = "delivered"   // delivered as is
	Withheld    Outcome = "withheld"    // accepted, but never reached the test mailbox
	Unknown     Outcome = "unknown"     // accepted, but no verdict seen in time
	Failed      Outcome = "failed"      // not sent: 4xx, network error
)

// Stopped reports whether the outcome keeps the message from the user.
func (o Outcome) Stopped() bool { return o == Refused || o == Quarantined || o == Withheld }

// Searcher finds trace records (trace.Log, or the HTTP API through APIClient).
type Searcher interface {
	Search(ctx context.Context, q trace.Query) ([]trace.Record, error)
}

// Options say where and how to send the battery.
type Options struct {
	Via    string // host:port of the MX or the Postfix in front of Vigie
	To     string // the test recipient
	Domain string // the tested domain; default: To's domain
	// SenderDomain is the domain the control cases come from: like a real
	// partner's, it should authorise the sending host in its SPF, and the
	// host should have a forward-confirmed reverse DNS; otherwise Vigie
	// rightly tags them as unauthenticated mail. Default DefaultSenderDomain.
	SenderDomain string
	// AttackDomain is the domain attack cases come from (default
	// DefaultSenderDomain): unauthenticated, as most campaigns are.
	AttackDomain string
	HELO         string // default: "selftest.vigie.invalid"
	Trace        Searcher
	// Mailbox, when set, is the test recipient's mailbox: what reached it
	// is delivered (or tagged), what was accepted but never arrived is
	// withheld.
	Mailbox *Mailbox
	Wait    time.Duration // how long to wait for verdicts (default 60 s)
	Dial    func(ctx context.Context, network, addr string) (net.Conn, error)
	Log     *slog.Logger
}

// DefaultSenderDomain is a reserved name (RFC 6761 §6.4): it has no SPF
// nor DMARC, as an unknown partner's domain would, and cannot belong to
// anyone.
const DefaultSenderDomain = "selftest.vigie.invalid"

// Result is one case's fate.
type Result struct {
	Case      *Case    `json:"-"`
	ID        string   `json:"id"`
	Category  string   `json:"category"`
	Rule      string   `json:"rule,omitempty"`
	Expect    Expect   `json:"expect"`
	MailFrom  string   `json:"mail_from"`
	MessageID string   `json:"message_id"`
	Reply     string   `json:"smtp_reply"`
	Outcome   Outcome  `json:"outcome"`
	Score     float64  `json:"score,omitempty"`
	Signals   []string `json:"signals,omitempty"`
	Pass      bool     `json:"pass"`
	// Stage is the SMTP step that gave the final reply: connect, mail,
	// rcpt or data (a refusal after DATA may be Vigie's).
	Stage string `json:"stage"`
	// InMailbox says the message was found in the test mailbox.
	InMailbox bool `json:"in_mailbox,omitempty"`
	traced    bool
}

// Run sends every case and waits for the verdicts. A case that cannot be
// sent is a Failed result, not an error: the run reports every case.
func Run(ctx context.Context, cases []*Case, opt Options) ([]Result, error) {
	if opt.Via == "" || opt.To == "" {
		return nil, errors.New("selftest: the relay (--via) and recipient (--to) are required")
	}
	at := strings.LastIndexByte(opt.To, '@')
	if at < 1 {
		return nil, fmt.Errorf("selftest: recipient %q is not an address", opt.To)
	}
	if opt.Domain == "" {
		opt.Domain = strings.ToLower(opt.To[at+1:])
	}
	if opt.SenderDomain == "" {
		opt.SenderDomain = DefaultSenderDomain
	}
	if opt.AttackDomain == "" {
		opt.AttackDomain = DefaultSenderDomain
	}
	if opt.HELO == "" {
		opt.HELO = "selftest.vigie.invalid"
	}
	if opt.Wait <= 0 {
		opt.Wait = 60 * time.Second
	}
	if opt.Dial == nil {
		d := &net.Dialer{Timeout: 30 * time.Second}
		opt.Dial = d.DialContext
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	run := randomID(4)
	start := time.Now().Add(-time.Second)
	results := make([]Result, len(cases))
	for i, c := range cases {
		results[i] = send(ctx, c, opt, run, i)
		opt.Log.Info("selftest sent", "case", c.ID, "reply", results[i].Reply)
	}
	deadline := time.Now().Add(opt.Wait)
	observe(ctx, results, opt, start, deadline)
	if err := checkMailbox(ctx, results, opt, deadline); err != nil {
		return results, err
	}
	for i := range results {
		r := &results[i]
		r.Pass = r.Outcome.Stopped() == (r.Expect == Stop) && r.Outcome != Unknown && r.Outcome != Failed &&
			(r.Expect == Stop || r.Outcome == Delivered)
	}
	return results, nil
}

// send renders and submits one case; the envelope sender's local part
// names the run and the case so the trace can find it.
func send(ctx context.Context, c *Case, opt Options, run string, n int) Result {
	r := Result{Case: c, ID: c.ID, Category: c.Category, Rule: c.Rule, Expect: c.Expect}
	v := Vars{Domain: opt.Domain, To: opt.To, SenderDomain: opt.SenderDomain, AttackDomain: opt.AttackDomain, RunID: run,
		MessageID: fmt.Sprintf("selftest.%s.%02d.%s@%s", run, n, randomID(4), opt.SenderDomain),
		Date:      rfc5322Date(time.Now()), Boundary: "=_selftest_" + randomID(8)}
	envDomain, err := c.EnvelopeDomain(v)
	if err != nil {
		r.Outcome, r.Reply = Failed, err.Error()
		return r
	}
	v.MailFrom = fmt.Sprintf("selftest-%s-%02d@%s", run, n, envDomain)
	r.MailFrom, r.MessageID = v.MailFrom, v.MessageID
	msg, err := c.Render(v)
	if err != nil {
		r.Outcome, r.Reply = Failed, err.Error()
		return r
	}
	r.Reply, r.Outcome, r.Stage = submit(ctx, opt, v.MailFrom, msg)
	return r
}

// submit runs one SMTP transaction with go-smtp's client and classifies
// the reply: 5xx refused, 4xx or no answer failed, 250 accepted (Unknown
// until the trace says more).
func submit(ctx context.Context, opt Options, from string, msg []byte) (reply string, o Outcome, stage string) {
	stage = "connect"
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := opt.Dial(dctx, "tcp", opt.Via)
	if err != nil {
		return err.Error(), Failed, stage
	}
	c := smtp.NewClient(conn)
	defer c.Close()
	c.CommandTimeout = 2 * time.Minute
	c.SubmissionTimeout = 5 * time.Minute
	fail := func(err error) (string, Outcome, string) {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			reply := fmt.Sprintf("%d %s", se.Code, se.Message)
			if se.Code >= 500 {
				return reply, Refused, stage
			}
			return reply, Failed, stage
		}
		return err.Error(), Failed, stage
	}
	if err := c.Hello(opt.HELO); err != nil {
		return fail(err)
	}
	stage = "mail"
	if err := c.Mail(from, &smtp.MailOptions{Size: int64(len(msg))}); err != nil {
		return fail(err)
	}
	stage = "rcpt"
	if err := c.Rcpt(opt.To, nil); err != nil {
		return fail(err)
	}
	stage = "data"
	w, err := c.Data()
	if err != nil {
		return fail(err)
	}
	if _, err := w.Write(msg); err != nil {
		return fail(err)
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return fail(err)
	}
	c.Quit()
	return "250 " + resp.StatusText, Unknown, stage
}

// observe reads from the trace the verdict of every message that reached
// the end of DATA (accepted, or refused there, possibly by Vigie), until
// each is found or opt.Wait has passed.
func observe(ctx context.Context, results []Result, opt Options, since, deadline time.Time) {
	if opt.Trace == nil {
		return
	}
	for {
		pending := 0
		for i := range results {
			r := &results[i]
			if r.traced || r.Stage != "data" || r.Outcome == Failed {
				continue
			}
			recs, err := opt.Trace.Search(ctx, trace.Query{Sender: r.MailFrom, Since: since, Limit: 5})
			if err != nil || len(recs) == 0 {
				if r.Outcome == Unknown {
					pending++
				}
				continue
			}
			r.traced = true
			r.Score, r.Signals = recs[0].Score, recs[0].Signals
			if o := outcomeOf(recs[0].Action); o != Unknown {
				r.Outcome = o
			}
		}
		if pending == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			return
		}
		select {
		case <-time.After(500 * time.Millisecond):
		case <-ctx.Done():
			return
		}
	}
}

// checkMailbox looks in the test mailbox for every message accepted after
// DATA that the trace did not show held or refused, until each is found or
// the deadline passes; the ones never found are withheld.
func checkMailbox(ctx context.Context, results []Result, opt Options, deadline time.Time) error {
	if opt.Mailbox == nil {
		return nil
	}
	want := func(r *Result) bool {
		return r.Stage == "data" && !r.InMailbox && (r.Outcome == Unknown || r.Outcome == Delivered || r.Outcome == Tagged)
	}
	for {
		var senders []string
		for i := range results {
			if want(&results[i]) {
				senders = append(senders, results[i].MailFrom)
			}
		}
		if len(senders) == 0 {
			return nil
		}
		found, err := opt.Mailbox.Find(ctx, senders)
		if err != nil {
			return err
		}
		for i := range results {
			r := &results[i]
			if d := found[r.MailFrom]; want(r) && d.Found {
				r.InMailbox = true
				if r.Outcome == Unknown {
					r.Outcome = Delivered
					if d.Tagged {
						r.Outcome = Tagged
					}
				}
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			for i := range results {
				if r := &results[i]; want(r) && r.Outcome == Unknown {
					r.Outcome = Withheld
				}
			}
			return nil
		}
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
		}
	}
}

// outcomeOf maps a trace action to an outcome.
func outcomeOf(action string) Outcome {
	switch action {
	case "reject":
		return Refused
	case "quarantine":
		return Quarantined
	case "tag":
		return Tagged
	case "accept":
		return Delivered
	case "tempfail":
		return Failed
	}
	return Unknown
}

func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
