// Package gateway is what the front ends of `vigie serve` share: it scans a
// message under a deadline with the current scanner (swapped atomically on
// reload), applies the verdict's side effects — quarantine copy, message
// trace, metrics, one verdict log line — and tells the front end what to
// answer and which header fields to add. The milter, the SMTP relay and the
// HTTP API (subpackages) only translate their protocol to and from it.
package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"vigie.dev/vigie/internal/gateway/allow"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/trace"
)

// Tempfail is the outcome action when a message could not be scanned and
// the gateway is not fail-open: the MTA is told to retry (451 4.7.1).
const Tempfail scan.Action = "tempfail"

// ErrDeadline is reported when a scan outlives the front end's deadline.
var ErrDeadline = errors.New("gateway: scan deadline exceeded")

// ErrIncomplete is reported when the scanner's own deadline cut checks
// short or a check failed, and what did run does not hold the message
// (scan.Verdict.Incomplete): it was not judged, and is answered as a
// message that could not be scanned.
var ErrIncomplete = errors.New("gateway: scan incomplete")

// Quarantiner keeps a copy of a held message (package quarantine).
type Quarantiner interface {
	Put(ctx context.Context, raw []byte, m quarantine.Meta, v *scan.Verdict) (quarantine.Entry, error)
}

// Tracer records one trace record per scanned message (package trace).
type Tracer interface {
	Add(trace.Record)
}

// MTARecorder records what the MTA did with a quarantined message
// (package store implements it).
type MTARecorder interface {
	PutMTA(ctx context.Context, m quarantine.MTA) error
}

// AllowMatcher finds the operators' exception that caps the action on a
// message (package allow).
type AllowMatcher interface {
	Match(env scan.Envelope, v *scan.Verdict, now time.Time) (allow.Rule, scan.Action, bool)
}

// ReleaseVerifier checks an X-Vigie-Release field against the body of the
// message carrying it and returns the digest it names (release.Key).
type ReleaseVerifier interface {
	Verify(value string, body []byte, now time.Time) (sum string, err error)
}

// Gateway is shared by the front ends. Set the fields before use, then
// call SetScanner and Configure; it is safe for concurrent use afterwards.
type Gateway struct {
	Quarantine Quarantiner // nil: a quarantine verdict is a tempfail
	Trace      Tracer      // nil: no trace
	Metrics    *Metrics    // nil: none
	Log        *slog.Logger
	// Observer, when set, sees every scanned message and its verdict (the
	// classifier's autolearn); it must not block. Set it before serving.
	Observer interface {
		Observe(raw []byte, v *scan.Verdict)
	}
	// MTA records how the MTA keeps a quarantined message; nil: not recorded.
	MTA MTARecorder
	// Node names this gateway node in what it records of a held message
	// (release.NodeName): a release from another node knows that
	// Postfix's held copy is not within its reach.
	Node string
	// Allow caps the action on mail an operator made an exception for.
	Allow AllowMatcher
	// Releases verifies X-Vigie-Release fields; nil: none is honoured.
	Releases ReleaseVerifier
	// Budget bounds the bytes of messages held in memory (Load); nil: no bound.
	Budget *Budget
	// MaxScans bounds the scans running at once (they are CPU-bound:
	// more only take memory); 0 means twice GOMAXPROCS.
	MaxScans int

	scanner   atomic.Pointer[scan.Scanner]
	settings  atomic.Pointer[Settings]
	inflight  sync.WaitGroup
	slotsOnce sync.Once
	slots     chan struct{}
}

// Settings are what the configuration says about the verdicts' effects;
// Configure swaps them (SIGHUP) without stopping the front ends.
type Settings struct {
	AuthServID    string // our id in Authentication-Results
	SubjectPrefix string // added to a tagged message's Subject; "" none
	FailOpen      bool   // accept unscanned mail instead of tempfail
	// Oversize is what becomes of a message beyond limits.max_size:
	// OversizeScan (its first max_size bytes are judged), OversizeReject
	// (552 5.3.4) or OversizeAccept (passed unscanned, marked oversize).
	Oversize string
	// BodyBanner puts a verdict's banners in front of the content as a
	// text part (Outcome.Body), besides the header field and the Subject.
	BodyBanner bool
}

// What Settings.Oversize may say.
const (
	OversizeScan   = "scan"
	OversizeReject = "reject"
	OversizeAccept = "accept"
)

// SetScanner installs the scanner used by the scans that start afterwards;
// scans under way finish with the one they started with.
func (g *Gateway) SetScanner(s *scan.Scanner) { g.scanner.Store(s) }

// Configure installs the settings used by the messages processed afterwards.
func (g *Gateway) Configure(s Settings) { g.settings.Store(&s) }

// Settings returns the current settings.
func (g *Gateway) Settings() Settings {
	if s := g.settings.Load(); s != nil {
		return *s
	}
	return Settings{}
}

// Scanner returns the current scanner.
func (g *Gateway) Scanner() *scan.Scanner { return g.scanner.Load() }

// Wait blocks until every Process call under way has returned.
func (g *Gateway) Wait() { g.inflight.Wait() }

// Job is one message handed to Process.
type Job struct {
	Frontend string // milter, relay, api
	QueueID  string // the MTA's or our queue id, for the log and trace
	Raw      []byte
	Env      scan.Envelope
	Timeout  time.Duration // 0: no deadline beyond the scanner's own
	// NoQuarantine skips the quarantine copy (the HTTP API only reports).
	NoQuarantine bool
	// MTAHold says the MTA keeps its own copy of a quarantined message
	// (the milter's hold mode); Truncated that Raw is only the first
	// limits.max_size bytes of an oversize message; ReleaseOf is the
	// digest an X-Vigie-Release field that did not verify claimed. All
	// three are recorded with a quarantine entry.
	MTAHold   bool
	Truncated bool
	ReleaseOf string
}

// Outcome tells the front end what to do.
type Outcome struct {
	// Action is accept, tag, quarantine, reject or Tempfail. A message
	// accepted unscanned (fail-open) has Action accept and Err set; its
	// Verdict is nil, or the incomplete one (ErrIncomplete).
	Action       scan.Action
	Verdict      *scan.Verdict // nil when the scan failed
	Err          error         // why the scan failed or is not acted on, when so
	QuarantineID string
	// Fields go on top of a message passed on (accept, tag); Subject,
	// when not empty, replaces its Subject (a tagged message's prefix, a
	// banner's).
	Fields  []Field
	Subject string
	// Body, when set, puts the verdict's banners in front of the
	// message's content as a text part (BodyBanner); never set for a
	// message the gateway saw only the start of.
	Body *BodyBanner
}

// Process scans j and performs the verdict's side effects. It always
// returns an outcome the front end can answer with.
func (g *Gateway) Process(ctx context.Context, j Job) Outcome {
	g.inflight.Add(1)
	defer g.inflight.Done()
	log := g.logger()
	set := g.Settings()
	if j.Env.Arrival.IsZero() {
		// The message is here now: the "now" of its date checks.
		j.Env.Arrival = time.Now()
	}
	v, err := g.scan(ctx, j)
	var o Outcome
	if err != nil {
		o = Outcome{Action: Tempfail, Err: err}
		g.countError("scan")
		if set.FailOpen {
			o.Action = scan.Accept
			o.Fields = set.fields(&o)
		}
		log.Warn("verdict", "frontend", j.Frontend, "queue_id", j.QueueID, "action", actionLabel(o),
			"client_ip", addrString(j.Env), "mail_from", j.Env.MailFrom, "rcpt", j.Env.RcptTo, "err", err)
		g.count(actionLabel(o))
		return o
	}
	o = Outcome{Action: v.Action, Verdict: v}
	// A verdict some checks did not contribute to is no judgement: the
	// checks not run (lures, links, brands come late) may be the ones
	// that hold a hostile message slow or crafted enough to get there.
	// It stands only when what did run already holds the message.
	judged := true
	why := v.Incomplete()
	if why != "" && v.Action.Rank() < scan.Quarantine.Rank() {
		judged = false
		o = Outcome{Action: Tempfail, Verdict: v, Err: fmt.Errorf("%w: %s", ErrIncomplete, why)}
		if v.Partial {
			g.countError("partial")
		} else {
			g.countError("check")
		}
		if set.FailOpen {
			o.Action = scan.Accept
			o.Fields = set.fields(&o)
		}
	}
	// Nor does an allow rule lift an incomplete verdict that holds the
	// message: a sender's rule yields to a signal that forced the action
	// (allow's forced), and the check that would have forced it may be
	// the one that did not run or failed (a malicious attachment's).
	var allowed allow.Rule
	if why == "" && g.Allow != nil && v.Action != scan.Accept {
		if rule, capAt, ok := g.Allow.Match(j.Env, v, time.Now()); ok && capAt.Rank() < v.Action.Rank() {
			allowed, o.Action = rule, capAt
		}
	}
	switch o.Action {
	case scan.Quarantine:
		if j.NoQuarantine {
			break
		}
		if g.Quarantine == nil {
			o = Outcome{Action: Tempfail, Verdict: v, Err: errors.New("gateway: no quarantine configured")}
			break
		}
		e, err := g.Quarantine.Put(ctx, j.Raw, quarantine.Meta{Frontend: j.Frontend, Envelope: j.Env}, v)
		if err != nil {
			// The message was not kept: it must not be acknowledged.
			g.countError("quarantine")
			o = Outcome{Action: Tempfail, Verdict: v, Err: err}
			break
		}
		o.QuarantineID = e.ID
		if g.MTA != nil {
			m := quarantine.MTA{ID: e.ID, MTAQueueID: j.QueueID, MTAHold: j.MTAHold, Truncated: j.Truncated, ReleaseOf: j.ReleaseOf, Node: g.Node}
			if err := g.MTA.PutMTA(ctx, m); err != nil {
				// Our copy is safe; only the release's bookkeeping lacks.
				g.countError("quarantine")
				log.Error("quarantine: MTA details not recorded", "quarantine_id", e.ID, "err", err)
			}
		}
	case scan.Accept, scan.Tag:
		if !judged {
			break // fail-open: passed on unscanned, its fields set above
		}
		o.Fields = set.fields(&o)
		if allowed.ID != 0 {
			o.Fields = append(o.Fields, Field{HeaderAllow, fmt.Sprint(allowed.ID)})
		}
		subject := v.Indicators.Subject
		if o.Action == scan.Tag && set.SubjectPrefix != "" && !strings.HasPrefix(subject, set.SubjectPrefix) {
			subject = strings.TrimSpace(set.SubjectPrefix + " " + subject)
		}
		// A warning for the recipients (a changed IBAN: accounting must
		// check it before paying) goes into the message itself.
		banners, prefix := v.Banners()
		for _, b := range banners {
			o.Fields = append(o.Fields, Field{HeaderBanner, EncodeHeader(b)})
		}
		if len(banners) > 0 && set.BodyBanner && !j.Truncated {
			if bb, err := WrapBody(j.Raw, BodyBannerText(banners)); err == nil {
				o.Body = &bb
			} else {
				log.Warn("body banner not added, the header banner stays", "queue_id", j.QueueID, "err", err)
			}
		}
		if prefix != "" && !strings.Contains(subject, prefix) {
			subject = prefix + " " + subject
		}
		if subject != v.Indicators.Subject {
			o.Subject = EncodeHeader(strings.TrimSpace(subject))
		}
	}
	if g.Trace != nil {
		r := trace.FromVerdict(j.Frontend, j.QueueID, v, actionLabel(o))
		r.QuarantineID = o.QuarantineID
		g.Trace.Add(r)
	}
	if g.Metrics != nil {
		g.Metrics.ScanTime.Observe(v.Elapsed.Seconds())
	}
	// The observers see a message passed on unscanned (fail-open) too:
	// the supplier watcher's alert to accounting on a changed IBAN the
	// early checks found must not be lost with the verdict. Each decides
	// what it learns from (autolearn and the watcher's register skip an
	// incomplete verdict).
	if g.Observer != nil && o.Action != Tempfail {
		g.Observer.Observe(j.Raw, v)
	}
	g.count(actionLabel(o))
	names := make([]string, len(v.Signals))
	for i, s := range v.Signals {
		names[i] = s.Name
	}
	attrs := []any{"frontend", j.Frontend, "queue_id", j.QueueID, "action", actionLabel(o), "score", v.Score,
		"signals", strings.Join(names, ","), "client_ip", addrString(j.Env), "helo", j.Env.HELO,
		"mail_from", j.Env.MailFrom, "rcpt", j.Env.RcptTo, "from", v.Indicators.FromAddress,
		"message_id", v.Indicators.MessageID, "size", len(j.Raw), "elapsed_ms", v.Elapsed.Milliseconds()}
	if v.Envelope.ClientIP != j.Env.ClientIP {
		// A trusted relay handed the message over: the verdict is about
		// the Internet client its trace recorded.
		attrs = append(attrs, "origin_ip", addrString(v.Envelope), "origin_helo", v.Envelope.HELO)
	}
	if o.QuarantineID != "" {
		attrs = append(attrs, "quarantine_id", o.QuarantineID)
	}
	if allowed.ID != 0 {
		attrs = append(attrs, "allow_rule", allowed.ID, "scanned_action", v.Action)
	}
	if o.Err != nil {
		attrs = append(attrs, "err", o.Err)
	}
	if !judged {
		attrs = append(attrs, "scanned_action", v.Action)
		log.Warn("verdict", attrs...)
		return o
	}
	log.Info("verdict", attrs...)
	return o
}

// CheckRelease tells a front end whether a message carrying an
// X-Vigie-Release field (value) is a release it must pass unscanned: the
// field verifies against the message's body. If so the verdict line is
// logged with action "released"; if not, j.ReleaseOf is set to the digest
// it claimed and the message is to be scanned as any other.
func (g *Gateway) CheckRelease(j *Job, value string, body []byte) bool {
	if value == "" {
		return false
	}
	log := g.logger()
	if g.Releases == nil {
		log.Warn("release field ignored: no release key", "frontend", j.Frontend, "queue_id", j.QueueID)
		return false
	}
	sum, err := g.Releases.Verify(value, body, time.Now())
	if err != nil {
		j.ReleaseOf = sum
		log.Warn("release field does not verify: message scanned", "frontend", j.Frontend, "queue_id", j.QueueID,
			"client_ip", addrString(j.Env), "release_of", sum, "err", err)
		return false
	}
	g.count("released")
	log.Info("verdict", "frontend", j.Frontend, "queue_id", j.QueueID, "action", "released", "release_of", sum,
		"client_ip", addrString(j.Env), "mail_from", j.Env.MailFrom, "rcpt", j.Env.RcptTo, "size", len(j.Raw))
	return true
}

func (g *Gateway) logger() *slog.Logger {
	if g.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return g.Log
}

// EncodeHeader returns s as an RFC 2047 encoded-word when it is not ASCII,
// since the next hop may not accept SMTPUTF8.
func EncodeHeader(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return mime.QEncoding.Encode("utf-8", s)
		}
	}
	return s
}

// actionLabel is the action of the verdict line, the trace and the
// metrics: "unscanned" for a message passed on in fail-open mode.
func actionLabel(o Outcome) string {
	if o.Action == scan.Accept && o.Err != nil {
		return "unscanned"
	}
	return string(o.Action)
}

func addrString(env scan.Envelope) string {
	if env.ClientIP.IsValid() {
		return env.ClientIP.String()
	}
	return ""
}

func (g *Gateway) count(action string) {
	if g.Metrics != nil {
		g.Metrics.Messages.WithLabelValues(action).Inc()
	}
}

func (g *Gateway) countError(stage string) {
	if g.Metrics != nil {
		g.Metrics.Errors.WithLabelValues(stage).Inc()
	}
}

// CountError lets a front end count an error of its own stage.
func (g *Gateway) CountError(stage string) { g.countError(stage) }

// scan runs the scanner in its own goroutine so that a deadline is kept
// even by a check that ignores its context, and a panic in the pipeline
// becomes an error instead of a crash.
func (g *Gateway) scan(ctx context.Context, j Job) (*scan.Verdict, error) {
	s := g.scanner.Load()
	if s == nil {
		return nil, errors.New("gateway: no scanner")
	}
	if j.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, j.Timeout)
		defer cancel()
	}
	g.slotsOnce.Do(func() {
		n := g.MaxScans
		if n <= 0 {
			n = 2 * runtime.GOMAXPROCS(0)
		}
		g.slots = make(chan struct{}, n)
	})
	select {
	case g.slots <- struct{}{}: // given back when the scan ends, not when we stop waiting
	case <-ctx.Done():
		return nil, ErrDeadline
	}
	type result struct {
		v   *scan.Verdict
		err error
	}
	ch := make(chan result, 1)
	go func() {
		defer func() { <-g.slots }()
		defer func() {
			if r := recover(); r != nil {
				g.logger().Error("scan panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				ch <- result{err: fmt.Errorf("gateway: scan panicked: %v", r)}
			}
		}()
		ch <- result{v: s.Scan(ctx, j.Raw, j.Env)}
	}()
	select {
	case r := <-ch:
		if r.err == nil && r.v.Partial && ctx.Err() != nil {
			// The front end's deadline, not the scanner's own, cut it
			// short: the verdict is not one to act on.
			return nil, ErrDeadline
		}
		return r.v, r.err
	case <-ctx.Done():
		return nil, ErrDeadline
	}
}

// RewriteSubject returns raw with its Subject field's value replaced by
// subject (a Subject field is added when there is none). Only the header
// block is touched.
func RewriteSubject(raw []byte, subject string) []byte {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		if end = bytes.Index(raw, []byte("\n\n")); end < 0 {
			end = len(raw)
		}
	}
	lineStart := 0
	for lineStart < end {
		nl := bytes.IndexByte(raw[lineStart:], '\n')
		lineEnd := end
		if nl >= 0 && lineStart+nl < end {
			lineEnd = lineStart + nl + 1
		}
		line := raw[lineStart:lineEnd]
		if len(line) >= 8 && strings.EqualFold(string(line[:8]), "subject:") {
			// Extend over folded continuation lines.
			stop := lineEnd
			for stop < end && (raw[stop] == ' ' || raw[stop] == '\t') {
				nl := bytes.IndexByte(raw[stop:], '\n')
				if nl < 0 || stop+nl >= end {
					stop = end
					break
				}
				stop += nl + 1
			}
			eol := "\r\n"
			if stop > 0 && raw[stop-1] == '\n' && (stop < 2 || raw[stop-2] != '\r') {
				eol = "\n"
			}
			fold := eol // a folded subject breaks its lines as the message does
			if stop == end {
				eol = "" // the header's last line keeps its own terminator
			}
			out := make([]byte, 0, len(raw)+len(subject))
			out = append(out, raw[:lineStart]...)
			out = append(out, "Subject: "+Fold("Subject", subject, fold)+eol...)
			return append(out, raw[stop:]...)
		}
		lineStart = lineEnd
	}
	return Prepend(raw, []Field{{"Subject", subject}})
}
