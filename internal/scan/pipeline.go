package scan

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/fuzzy"
	"vigie.dev/vigie/internal/fwdblock"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/urlx"
	"vigie.dev/vigie/internal/warninglist"
)

// Check is one family of checks. It reads the input and emits signals; it
// must return promptly once ctx is done.
type Check interface {
	Name() string
	Check(ctx context.Context, in *Input, out *Emitter)
}

// Authenticator supplies the authentication results of a message: live DNS
// at the gateway, or the headers of trusted relays for a stored message. It
// may fill in the parts of env that the front end could not know (a stored
// message's client IP, HELO and envelope sender come from its trace).
type Authenticator interface {
	Authenticate(ctx context.Context, raw []byte, m *message.Message, env *Envelope) auth.Results
}

// Link is a URL of the message after unwrapping link rewriters. It
// points into Message.URLs rather than copying it: a Link is 72 bytes
// instead of 136, and a newsletter's two hundred links made the copy a
// tenth of what a scan allocated. Checks read a Link's URL fields, never
// write them.
type Link struct {
	*message.URL
	// Target is the destination URL after unwrapping, as a browser
	// writes it before following it (urlx.Canonical: host lower-cased,
	// percent-decoded, UTS 46-mapped, without its final dot, numeric
	// IPv4 dotted, backslashes as slashes): what every check judges.
	Target string
	// Written is the destination as the message writes it (Raw when
	// not wrapped): for the signals on how a link is written
	// (URL_ENCODED_LETTERS).
	Written  string
	Host     string // host of Target
	Domain   string // registrable domain of Host
	Rewriter string // "safelinks", "proofpoint"... or ""
}

// Input is what every check reads. It is built once per message.
type Input struct {
	Raw  []byte
	Msg  *message.Message
	Env  Envelope
	Auth auth.Results
	// Lists are the warning lists the checks consult (Scanner.Lists; nil:
	// the embedded ones).
	Lists *warninglist.Set

	FromDomain     string // RFC5322.From domain, lower-cased
	FromOrg        string // its registrable domain
	MailFromDomain string // envelope sender domain (Return-Path when offline)
	List           string // registrable domain of the mailing list that delivered it, "" if none
	Links          []Link
	// Forward is the original the message forwards in its body, nil when
	// it is no forward (internal/fwdblock): its header block, its body,
	// and the forwarder's own words above it. The forward family judges
	// the original; the content families read the forwarder's words
	// (OwnBody), and its subject only when it is not the original's
	// (CarriedSubject), so that the original's words are not counted
	// twice, once as the forwarder's.
	Forward     *fwdblock.Found
	FuzzyBody   fuzzy.Signature
	FuzzyLayout fuzzy.Signature

	// listManaged keeps ListManaged's answer (0 not asked, 1 no, 2 yes):
	// the families ask it per message and the link family per link, and
	// each answer reads a dozen header fields.
	listManaged uint8
	// visible and lower keep visibleKey's and LowerText's copies once
	// asked for (folded.go), visibleMade and lowerMade saying so.
	visible, lower         string
	visibleMade, lowerMade bool
	// registrable keeps Registrable's answers (registrable.go).
	registrable []hostDomain
}

// Emitter collects the signals of one scan.
type Emitter struct {
	signals []Signal
	seen    map[string]bool
	ibans   []string
	failed  []string // the checks that panicked (Verdict.FailedChecks)
}

// maxObservedIBANs bounds the IBANs one message reports.
const maxObservedIBANs = 32

// ObserveIBAN records a valid IBAN the message carries, for the verdict's
// indicators.
func (e *Emitter) ObserveIBAN(iban string) {
	for _, x := range e.ibans {
		if x == iban {
			return
		}
	}
	if len(e.ibans) < maxObservedIBANs {
		e.ibans = append(e.ibans, iban)
	}
}

// Emit records a signal once per name; detail names what triggered it
// (CleanDetail makes it safe to show).
func (e *Emitter) Emit(name, detail string) {
	if e.seen == nil {
		e.seen = map[string]bool{}
	}
	if e.seen[name] {
		return
	}
	e.seen[name] = true
	if e.signals == nil {
		// Most messages emit a handful: one array instead of four
		// grown one signal at a time.
		e.signals = make([]Signal, 0, 8)
	}
	e.signals = append(e.signals, Signal{Name: name, Detail: CleanDetail(detail)})
}

// Emitted reports whether a signal was already emitted in this scan.
func (e *Emitter) Emitted(name string) bool { return e.seen[name] }

// Detail returns the detail a signal was emitted with in this scan (the
// first trigger's, a signal being emitted once), "" when it was not.
func (e *Emitter) Detail(name string) string {
	if !e.seen[name] {
		return ""
	}
	for _, s := range e.signals {
		if s.Name == name {
			return s.Detail
		}
	}
	return ""
}

// Scanner runs the pipeline. Its fields are read-only once scanning starts;
// to change the configuration, build a new Scanner and swap it.
type Scanner struct {
	Checks []Check
	Policy Policy
	// Catalogue defines the signals the checks emit (engine assembles it
	// from the families); nil knows the pipeline's own signals only, and a
	// signal it does not define counts for nothing.
	Catalogue *Catalogue
	Auth      Authenticator
	Limits    message.Limits
	// Timeout bounds one message's scan; 0 means 10 s.
	Timeout time.Duration
	Log     *slog.Logger
	// Lists are the warning lists every message's checks consult
	// (Input.Lists): the embedded ones when nil, those engine.New loaded
	// with the configuration's data.warninglists otherwise. A reload
	// builds a new Scanner with the lists read again.
	Lists *warninglist.Set
}

// Scan parses raw and scans it.
func (s *Scanner) Scan(ctx context.Context, raw []byte, env Envelope) *Verdict {
	lim := s.Limits
	if lim.MaxSize == 0 {
		lim = message.DefaultLimits()
	}
	return s.ScanMessage(ctx, raw, message.Parse(raw, lim), env)
}

// ScanMessage scans an already parsed message.
func (s *Scanner) ScanMessage(ctx context.Context, raw []byte, m *message.Message, env Envelope) *Verdict {
	start := time.Now()
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cat := s.Catalogue
	if cat == nil {
		cat = pipelineOnly
	}

	in := &Input{Raw: raw, Msg: m, Env: env, Lists: s.Lists}
	if s.Auth != nil {
		in.Auth = s.Auth.Authenticate(ctx, raw, m, &in.Env)
	}
	prepare(in)

	out := &Emitter{}
	for _, d := range m.Defects {
		out.Emit(d.Code, d.Detail)
	}
	partial := false
	for _, c := range s.Checks {
		if ctx.Err() != nil {
			partial = true
			out.Emit("SCAN_TIMEOUT", c.Name())
			break
		}
		s.runCheck(ctx, c, in, out)
	}
	if !partial && ctx.Err() != nil && len(s.Checks) > 0 {
		// The last check ran into the deadline: it returned early (a
		// check must, Check), what it saw of the message incomplete.
		partial = true
		out.Emit("SCAN_TIMEOUT", s.Checks[len(s.Checks)-1].Name())
	}
	v := &Verdict{Auth: in.Auth, Envelope: in.Env, Partial: partial, FailedChecks: out.failed}
	v.Signals, v.Score, v.Action = s.Policy.decide(cat, out.signals)
	v.Indicators = indicators(in)
	v.Indicators.IBANs = out.ibans
	v.Elapsed = time.Since(start)
	return v
}

// runCheck isolates a check: a panic on hostile input becomes a signal and
// a log line, never a lost message.
func (s *Scanner) runCheck(ctx context.Context, c Check, in *Input, out *Emitter) {
	defer func() {
		if r := recover(); r != nil {
			out.Emit("SCAN_CHECK_ERROR", c.Name())
			out.failed = append(out.failed, c.Name())
			if s.Log != nil {
				s.Log.Error("check panicked", "check", c.Name(), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			}
		}
	}()
	c.Check(ctx, in, out)
}

// NewInput builds what the checks read from a parsed message, without
// authentication: for tools that run one check family over a corpus.
func NewInput(raw []byte, m *message.Message, env Envelope) *Input {
	in := &Input{Raw: raw, Msg: m, Env: env}
	prepare(in)
	return in
}

func prepare(in *Input) {
	m := in.Msg
	in.FromDomain = m.FromAddr().Domain()
	in.FromOrg = in.Registrable(in.FromDomain)
	in.MailFromDomain = message.Address{Addr: strings.Trim(strings.TrimSpace(in.Env.MailFrom), "<>")}.Domain()
	in.List = listDomain(m.Header)
	in.Links = LinksOf(m)
	if f, ok := fwdblock.Recognise(in.Subject(), m); ok {
		in.Forward = &f
	}
	text := m.HTMLText
	if len(m.Text) > len(text) {
		text = m.Text
	}
	in.FuzzyBody = fuzzy.Body(text)
	in.FuzzyLayout = fuzzy.Layout(m.HTML)
}

// LinksOf returns the message's URLs with link rewriters unwrapped and
// their registrable domains: what the checks see as Input.Links. Code that
// reads a message outside a scan (learning) calls it to see the same links.
func LinksOf(m *message.Message) []Link {
	links := make([]Link, 0, len(m.URLs))
	// A message's links come by the dozen on a few hosts (its site, its
	// images, its tracker), often alternating: what a host is, rewriter
	// or not and its registrable domain, is read once per host.
	hosts := make(map[string]linkHost, 8)
	hostOf := func(h string) linkHost {
		lh, ok := hosts[h]
		if !ok {
			lh = linkHost{wrapped: urlx.MaybeWrapped(h), domain: urlx.Registrable(h)}
			hosts[h] = lh
		}
		return lh
	}
	for i := range m.URLs {
		u := &m.URLs[i]
		l := Link{URL: u, Target: urlx.Canonical(u.Raw), Written: u.Raw, Host: u.Host}
		lh := hostOf(u.Host)
		if lh.wrapped {
			if t, rw := urlx.Unwrap(l.Target); rw != "" {
				l.Target, l.Written, l.Rewriter = urlx.Canonical(t), t, rw
				l.Host = urlx.Host(t)
				lh = hostOf(l.Host)
			}
		}
		l.Domain = lh.domain
		links = append(links, l)
	}
	return links
}

// linkHost is what LinksOf reads of a host.
type linkHost struct {
	wrapped bool   // urlx.MaybeWrapped
	domain  string // urlx.Registrable
}

// seenPool keeps indicators' set of values seen from message to message:
// sized for a newsletter's two hundred addresses, making it anew was a
// tenth of what a scan allocated. A set grown past maxPooledSeen is left
// to the garbage collector.
var seenPool = sync.Pool{New: func() any { return make(map[string]bool, 64) }}

const maxPooledSeen = 1024

func indicators(in *Input) Indicators {
	m := in.Msg
	ind := Indicators{
		HELO:        in.Env.HELO,
		FuzzyBody:   string(in.FuzzyBody),
		FuzzyLayout: string(in.FuzzyLayout),
		MessageID:   m.MessageID,
		Subject:     m.Subject,
		FromAddress: strings.ToLower(m.FromAddr().Addr),
		ReturnPath:  strings.ToLower(strings.Trim(in.Env.MailFrom, "<>")),
	}
	if in.Env.ClientIP.IsValid() {
		ind.ClientIP = in.Env.ClientIP.String()
	}
	if len(m.ReplyTo) > 0 {
		ind.ReplyTo = strings.ToLower(m.ReplyTo[0].Addr)
	}
	seen := seenPool.Get().(map[string]bool)
	defer func() {
		if len(seen) <= maxPooledSeen {
			clear(seen) // no reference to this message's strings stays behind
			seenPool.Put(seen)
		}
	}()
	if len(in.Links) > 0 {
		// A newsletter's links are mostly distinct addresses: growing
		// the list to two hundred of them copied it at every doubling.
		ind.URLs = make([]string, 0, len(in.Links))
	}
	add := func(list *[]string, v string) {
		if v == "" || seen[v] {
			return
		}
		seen[v] = true
		if *list == nil {
			*list = make([]string, 0, 4) // the senders and their domains: a few each
		}
		*list = append(*list, v)
	}
	for _, a := range [][]message.Address{m.From, m.Sender, m.ReplyTo} {
		for _, x := range a {
			add(&ind.Senders, strings.ToLower(x.Addr))
			add(&ind.Domains, in.Registrable(x.Domain()))
		}
	}
	add(&ind.Senders, ind.ReturnPath)
	add(&ind.Domains, in.Registrable(in.MailFromDomain))
	var prevHost, prevDomain string
	for _, l := range in.Links {
		if l.Host == "" {
			continue
		}
		add(&ind.URLs, l.Target)
		// Links mostly follow each other on one host: what the previous
		// link added is seen already.
		if l.Host != prevHost {
			add(&ind.Hosts, l.Host)
		}
		if l.Domain != prevDomain {
			add(&ind.Domains, l.Domain)
		}
		prevHost, prevDomain = l.Host, l.Domain
	}
	if len(ind.URLs) == 0 {
		ind.URLs = nil
	}
	for _, a := range m.Attachments {
		add(&ind.Attachments, a.SHA256)
		if a.Filename != "" {
			ind.AttachNames = append(ind.AttachNames, a.Filename)
		}
	}
	return ind
}

// NotAuthenticated reports a sender known not to be authenticated: not
// SenderAuthenticated, and not a rebuilt original (Envelope.Rebuilt), which
// has no authentication to judge either way. The checks that read a
// missing authentication as suspicion ask this, so that a forward's
// original is judged on what it says, not on what its block cannot show.
func (in *Input) NotAuthenticated() bool {
	return !in.Env.Rebuilt && !in.SenderAuthenticated()
}

// SenderAnswers reports a sender whose domain answers for the message:
// its From domain passes DMARC, or publishes no DMARC record and passes
// SPF or DKIM aligned with From (RFC 7489 §3.1 identifier alignment, as
// SenderAuthenticated and AUTH_ALIGNED_PASS). A domain whose DMARC record
// cannot be read (permerror, RFC 7489 §6.6.3) or fails gets no such
// credit: a broken record is no policy the domain stands behind. The
// checks that spare a small organisation's own scripts and servers (an
// ERP, a supervision server, a laboratory system) ask this.
func (in *Input) SenderAnswers() bool {
	switch in.Auth.DMARC {
	case "pass":
		return true
	case "none", "", "bestguesspass":
		return in.SenderAuthenticated()
	}
	return false
}

// SenderAuthenticated reports whether the visible sender's domain is
// authenticated: DMARC pass, or (for domains without DMARC) an SPF or DKIM
// pass in the From's organisational domain.
func (in *Input) SenderAuthenticated() bool {
	if in.Auth.DMARC == "pass" {
		return true
	}
	if in.FromOrg == "" || in.Auth.DMARC == "fail" {
		return false
	}
	for _, d := range in.Auth.DKIMPass() {
		if in.Registrable(d) == in.FromOrg {
			return true
		}
	}
	return in.Auth.SPF == "pass" && in.Registrable(in.Auth.SPFDomain) == in.FromOrg
}

// DeliveryReport reports a delivery status notification as mail systems
// write them: the null reverse path and a multipart/report body (RFC 3462,
// RFC 3464). It says what the message claims to be; a forger can write
// both, so it only ever excuses what a genuine report is named or sent
// from, never a link or a lure.
func (in *Input) DeliveryReport() bool {
	if in.Env.MailFrom != NullSender {
		return false
	}
	ct := strings.TrimSpace(strings.ToLower(in.Msg.Header.Get("Content-Type")))
	return strings.HasPrefix(ct, "multipart/report")
}
