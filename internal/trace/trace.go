// Package trace is the message trace: one record per message the gateway
// scanned (who sent it, to whom, what it carried, what was decided), kept
// for the retention the CERT recommends (180 days by default) and searched
// by incident response to find every recipient of a campaign — by sender,
// domain (a URL host or sender domain anywhere under it), URL, client IP or
// attachment/fuzzy hash.
//
// Records are written asynchronously in batches, to a Repository (package
// store implements it), so that tracing never holds up a mail transaction;
// Close flushes what is pending.
package trace

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/spool"
	"vigie.dev/vigie/internal/urlx"
)

// Record is one traced message.
type Record struct {
	ID           int64     `json:"id,omitempty"`
	At           time.Time `json:"at"`
	Frontend     string    `json:"frontend"` // milter, relay, api
	QueueID      string    `json:"queue_id,omitempty"`
	ClientIP     string    `json:"client_ip,omitempty"`
	HELO         string    `json:"helo,omitempty"`
	MailFrom     string    `json:"mail_from,omitempty"`
	RcptTo       []string  `json:"rcpt_to,omitempty"`
	From         string    `json:"from,omitempty"`
	Subject      string    `json:"subject,omitempty"`
	MessageID    string    `json:"message_id,omitempty"`
	Action       string    `json:"action"`
	Score        float64   `json:"score"`
	Signals      []string  `json:"signals,omitempty"`
	URLs         []string  `json:"urls,omitempty"`
	Domains      []string  `json:"domains,omitempty"`
	Attachments  []string  `json:"attachments_sha256,omitempty"`
	Fuzzy        string    `json:"fuzzy,omitempty"`
	QuarantineID string    `json:"quarantine_id,omitempty"`
	// UID identifies the record across retries (spool replays); Add sets
	// a random one when empty.
	UID string `json:"uid,omitempty"`

	hosts []string // URL hosts, for domain terms; not stored as a column
}

// FromVerdict builds the record of a scanned message. action may differ
// from v.Action (a message accepted unscanned in fail-open mode).
func FromVerdict(frontend, queueID string, v *scan.Verdict, action string) Record {
	ind := v.Indicators
	r := Record{
		At:          time.Now().UTC(),
		Frontend:    frontend,
		QueueID:     queueID,
		ClientIP:    ind.ClientIP,
		HELO:        v.Envelope.HELO,
		MailFrom:    strings.ToLower(strings.Trim(v.Envelope.MailFrom, "<>")),
		RcptTo:      lowerAll(v.Envelope.RcptTo),
		From:        ind.FromAddress,
		Subject:     ind.Subject,
		MessageID:   ind.MessageID,
		Action:      action,
		Score:       v.Score,
		URLs:        ind.URLs,
		Domains:     ind.Domains,
		Attachments: ind.Attachments,
		Fuzzy:       ind.FuzzyBody,
		hosts:       ind.Hosts,
	}
	if r.ClientIP == "" && v.Envelope.ClientIP.IsValid() {
		r.ClientIP = v.Envelope.ClientIP.String()
	}
	for _, s := range v.Signals {
		r.Signals = append(r.Signals, s.Name)
	}
	// Senders named in the message but not in the envelope (Reply-To...)
	// are searchable too.
	for _, s := range ind.Senders {
		if s != r.From && s != r.MailFrom {
			r.hosts = append(r.hosts, "@"+s)
		}
	}
	return r
}

func lowerAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(strings.Trim(s, "<>"))
	}
	return out
}

// terms derives the searchable values of r.
func (r *Record) terms() []Term {
	seen := map[Term]bool{}
	var out []Term
	add := func(kind, v string) {
		v = strings.ToLower(strings.TrimSpace(v))
		t := Term{Kind: kind, Value: v}
		if v == "" || seen[t] {
			return
		}
		seen[t] = true
		out = append(out, t)
	}
	sender := func(a string) {
		add("sender", a)
		if i := strings.LastIndexByte(a, '@'); i >= 0 {
			domainTerms(a[i+1:], func(d string) { add("domain", d) })
		}
	}
	sender(r.From)
	sender(r.MailFrom)
	for _, h := range r.hosts {
		if a, ok := strings.CutPrefix(h, "@"); ok {
			sender(a)
			continue
		}
		domainTerms(h, func(d string) { add("domain", d) })
	}
	for _, d := range r.Domains {
		add("domain", d)
	}
	for _, rc := range r.RcptTo {
		add("rcpt", rc)
	}
	for _, u := range r.URLs {
		add("url", u)
	}
	add("ip", r.ClientIP)
	for _, h := range r.Attachments {
		add("hash", h)
	}
	add("hash", r.Fuzzy)
	add("msgid", strings.Trim(r.MessageID, "<>"))
	return out
}

// domainTerms calls add with host and each parent domain down to its
// registrable domain: login.evil.example.com gives itself, evil.example.com
// and example.com, so a search for any of them finds the record.
func domainTerms(host string, add func(string)) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" {
		return
	}
	reg := urlx.Registrable(host)
	for d := host; d != ""; {
		add(d)
		if d == reg || reg == "" {
			return
		}
		_, rest, ok := strings.Cut(d, ".")
		if !ok {
			return
		}
		d = rest
	}
}

func (r *Record) row() Row {
	return Row{
		At: r.At, Frontend: r.Frontend, QueueID: r.QueueID, ClientIP: r.ClientIP, HELO: r.HELO,
		MailFrom: r.MailFrom, RcptTo: r.RcptTo, From: r.From, Subject: r.Subject, MessageID: r.MessageID,
		Action: r.Action, Score: r.Score, Signals: r.Signals, URLs: r.URLs, Domains: r.Domains,
		Attachments: r.Attachments, Fuzzy: r.Fuzzy, QuarantineID: r.QuarantineID, Terms: r.terms(), UID: r.UID,
	}
}

func fromRow(s Row) Record {
	return Record{
		ID: s.ID, At: s.At, Frontend: s.Frontend, QueueID: s.QueueID, ClientIP: s.ClientIP, HELO: s.HELO,
		MailFrom: s.MailFrom, RcptTo: s.RcptTo, From: s.From, Subject: s.Subject, MessageID: s.MessageID,
		Action: s.Action, Score: s.Score, Signals: s.Signals, URLs: s.URLs, Domains: s.Domains,
		Attachments: s.Attachments, Fuzzy: s.Fuzzy, QuarantineID: s.QuarantineID,
	}
}

// Query selects records; every set field must match.
type Query struct {
	Sender string // an address in MAIL FROM, From, Sender or Reply-To
	Rcpt   string // an envelope recipient
	Domain string // a sender domain or URL host equal to or under Domain
	URL    string // a URL, or a prefix of one
	IP     string // the client IP
	Hash   string // an attachment SHA-256 or the fuzzy body hash
	MsgID  string // the Message-ID, with or without angle brackets
	Action string // accept, tag, quarantine, reject, tempfail, unscanned (fail-open)
	Since  time.Time
	Until  time.Time
	Limit  int // 0: 1000
}

func (q Query) filter() Filter {
	f := Filter{Since: q.Since, Until: q.Until, Action: q.Action, Limit: q.Limit}
	add := func(kind, v string) {
		if v = strings.TrimSpace(v); v != "" {
			if kind != "url" {
				v = strings.ToLower(v)
			}
			f.Terms = append(f.Terms, Term{Kind: kind, Value: v})
		}
	}
	add("sender", strings.Trim(q.Sender, "<>"))
	add("rcpt", strings.Trim(q.Rcpt, "<>"))
	add("domain", strings.TrimSuffix(q.Domain, "."))
	add("url", q.URL)
	add("ip", q.IP)
	add("hash", q.Hash)
	add("msgid", strings.Trim(q.MsgID, "<>"))
	return f
}

// Log writes and searches the trace. Create it with Open.
//
// Records are written by a background writer in batches. When the
// database cannot take a batch and a spool is set (Options.SpoolDir),
// the batch goes to local disk instead of being lost, and the writer
// replays the spool, oldest first, as soon as the database answers again;
// every record carries a unique id, so a replay repeated after a crash
// stores nothing twice.
type Log struct {
	repo  Repository
	log   *slog.Logger
	spool *spool.Spool

	mu      sync.Mutex
	pending []Record
	// flushing is held by one flush at a time: a Flush called while the
	// writer is storing the batch it took returns once that batch is
	// stored, and the spool is replayed by one of them only.
	flushing sync.Mutex
	wake     chan struct{}
	done     chan struct{}
	closed   bool
	flushed  sync.WaitGroup
	retry    time.Duration
}

// Open starts a trace log over repo. log may be nil.
func Open(repo Repository, log *slog.Logger) *Log {
	l, _ := OpenWith(repo, Options{Log: log})
	return l
}

// Options configure a trace log.
type Options struct {
	Log *slog.Logger
	// SpoolDir, when set, keeps the batches the database refuses on local
	// disk (see package spool) until it takes them.
	SpoolDir string
	// SpoolLimit bounds the spool's bytes (0: 1 GiB).
	SpoolLimit int64
	// Retry is how often the writer retries a spool while the database
	// is down (0: 5 s).
	Retry time.Duration
}

// OpenWith starts a trace log over repo with options.
func OpenWith(repo Repository, o Options) (*Log, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Retry <= 0 {
		o.Retry = 5 * time.Second
	}
	l := &Log{repo: repo, log: o.Log, wake: make(chan struct{}, 1), done: make(chan struct{}), retry: o.Retry}
	if o.SpoolDir != "" {
		sp, err := spool.Open(o.SpoolDir)
		if err != nil {
			return nil, fmt.Errorf("trace: %w", err)
		}
		sp.Limit = o.SpoolLimit
		if sp.Limit == 0 {
			sp.Limit = 1 << 30
		}
		l.spool = sp
		if n := sp.Len(); n > 0 {
			o.Log.Warn("trace: records spooled by an earlier run, replaying when the database answers", "records", n)
		}
	}
	l.flushed.Add(1)
	go l.writer()
	return l, nil
}

// Spooled returns the records waiting on local disk for the database.
func (l *Log) Spooled() int {
	if l.spool == nil {
		return 0
	}
	return l.spool.Len()
}

// maxPending bounds the records waiting for the writer; past it the oldest
// are dropped with an error log rather than growing without limit while
// the database is unavailable.
const maxPending = 100_000

// Add queues a record for writing; it never blocks on the database.
func (l *Log) Add(r Record) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	if len(l.pending) >= maxPending {
		l.pending = l.pending[1:]
		l.log.Error("trace: backlog full, dropping oldest record")
	}
	if r.UID == "" {
		r.UID = newUID()
	}
	l.pending = append(l.pending, r)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (l *Log) writer() {
	defer l.flushed.Done()
	var tick <-chan time.Time
	if l.spool != nil {
		t := time.NewTicker(l.retry)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-l.wake:
			// Let a burst accumulate into one transaction.
			time.Sleep(50 * time.Millisecond)
		case <-tick:
		case <-l.done:
			l.flush()
			return
		}
		l.flush()
	}
}

// replay hands the spool to the database, oldest first; it stops at the
// first refusal (the database is still down) and reports whether the
// spool is empty.
func (l *Log) replay() bool {
	if l.spool == nil || l.spool.Len() == 0 {
		return true
	}
	n, err := spool.Drain(l.spool, func(rows []Row) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return l.repo.Insert(ctx, rows)
	}, func(file string, line int, err error) {
		l.log.Error("trace: unreadable spooled record skipped", "file", file, "line", line, "err", err)
	})
	if n > 0 {
		l.log.Info("trace: spooled records written to the database", "records", n, "left", l.spool.Len())
	}
	if err != nil {
		l.log.Debug("trace: database still unavailable, spool kept", "records", l.spool.Len(), "err", err)
	}
	return err == nil && l.spool.Len() == 0
}

func newUID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (l *Log) flush() {
	l.flushing.Lock()
	defer l.flushing.Unlock()
	// Older records first: what waits in the spool goes before the new.
	replayed := l.replay()
	for {
		l.mu.Lock()
		batch := l.pending
		if len(batch) > 500 {
			batch = batch[:500]
		}
		l.pending = l.pending[len(batch):]
		l.mu.Unlock()
		if len(batch) == 0 {
			return
		}
		rows := make([]Row, len(batch))
		for i := range batch {
			rows[i] = batch[i].row()
		}
		var err error
		if replayed {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			err = l.repo.Insert(ctx, rows)
			cancel()
		} else {
			err = errSpoolFirst
		}
		if err == nil {
			continue
		}
		if l.spool == nil {
			l.log.Error("trace: write failed, records lost", "records", len(rows), "err", err)
			continue
		}
		if serr := spool.Put(l.spool, rows); serr != nil {
			l.log.Error("trace: write failed and spool refused, records lost", "records", len(rows), "err", err, "spool_err", serr)
			continue
		}
		replayed = false
		if !errors.Is(err, errSpoolFirst) {
			l.log.Warn("trace: database unavailable, records spooled to local disk", "records", len(rows),
				"spooled", l.spool.Len(), "err", err)
		}
	}
}

// errSpoolFirst keeps new records behind older spooled ones.
var errSpoolFirst = errors.New("older records are still spooled")

// Flush writes every pending record before returning.
func (l *Log) Flush() { l.flush() }

// Close writes what is pending and stops the writer.
func (l *Log) Close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	l.mu.Unlock()
	close(l.done)
	l.flushed.Wait()
}

// Search returns the records matching q, newest first.
func (l *Log) Search(ctx context.Context, q Query) ([]Record, error) {
	rows, err := l.repo.Search(ctx, q.filter())
	if err != nil {
		return nil, fmt.Errorf("trace: search: %w", err)
	}
	out := make([]Record, len(rows))
	for i, r := range rows {
		out[i] = fromRow(r)
	}
	return out, nil
}

// Summaries calls fn with what the dashboard counts of the records since
// a time, newest first, at most limit of them, until fn returns false.
func (l *Log) Summaries(ctx context.Context, since time.Time, limit int, fn func(Summary) bool) error {
	if err := l.repo.Summaries(ctx, since, limit, fn); err != nil {
		return fmt.Errorf("trace: %w", err)
	}
	return nil
}

// Purge deletes the records older than retention.
func (l *Log) Purge(ctx context.Context, retention time.Duration) (int64, error) {
	n, err := l.repo.Purge(ctx, time.Now().Add(-retention))
	if err != nil {
		return 0, fmt.Errorf("trace: purge: %w", err)
	}
	return n, nil
}

// ParseAge reads a look-back period: a Go duration ("36h") or a number of
// days ("7d").
func ParseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if d, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscan(d, &n); err != nil || n < 0 || n > 100_000 {
			return 0, fmt.Errorf("trace: %q is not a number of days", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("trace: %q is not a duration (7d, 36h)", s)
	}
	return d, nil
}
