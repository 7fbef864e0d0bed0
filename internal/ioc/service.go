package ioc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"vigie.dev/vigie/internal/dberr"
)

// DefaultIncidentBlockTTL is how long a block added from an incident lasts
// unless told otherwise: the InterCERT fiche asks for attacker indicators
// to be blocked for a limited time, a week by default.
const DefaultIncidentBlockTTL = 7 * 24 * time.Hour

// Forever, as a TTL, means the indicator never expires.
const Forever time.Duration = -1

// ErrNotFound is returned for an unknown indicator id.
var ErrNotFound = dberr.ErrNotFound

// DefaultFeedTTL is how long an entry imported from a feed lives unless
// the import says otherwise: feeds are refreshed, and an entry the feed
// dropped must not block forever.
const DefaultFeedTTL = 30 * 24 * time.Hour

// Service is the indicator business layer shared by the CLI, incident
// response and the web console. Every way an indicator is added goes
// through it, and so through its Guard.
type Service struct {
	ix          Repository
	now         func() time.Time
	log         *slog.Logger
	incidentTTL time.Duration
	feedTTL     time.Duration
	guard       *Guard
}

// ServiceOptions configure a Service; the zero value is usable.
type ServiceOptions struct {
	Now func() time.Time
	Log *slog.Logger
	// IncidentBlockTTL overrides DefaultIncidentBlockTTL.
	IncidentBlockTTL time.Duration
	// FeedTTL overrides DefaultFeedTTL; Forever keeps feed entries.
	FeedTTL time.Duration
	// Guard refuses what must never be blocked; nil uses the embedded
	// warning lists and no own assets.
	Guard *Guard
}

// NewService returns a Service over repo.
func NewService(repo Repository, opts ServiceOptions) *Service {
	s := &Service{ix: repo, now: opts.Now, log: opts.Log, incidentTTL: opts.IncidentBlockTTL,
		feedTTL: opts.FeedTTL, guard: opts.Guard}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.incidentTTL == 0 {
		s.incidentTTL = DefaultIncidentBlockTTL
	}
	if s.feedTTL == 0 {
		s.feedTTL = DefaultFeedTTL
	}
	if s.guard == nil {
		s.guard = NewGuard(nil, Assets{})
	}
	return s
}

// Guard returns the service's guard.
func (s *Service) Guard() *Guard { return s.guard }

// NewIndicator describes an indicator to add.
type NewIndicator struct {
	Kind  Kind // "": guessed from Value
	Value string
	Mode  Mode // "": block
	// ExpiresAt, when set, is the expiry; otherwise TTL counts from now:
	// 0 applies the default (incident blocks: 7 days, others: never),
	// Forever means no expiry.
	ExpiresAt  time.Time
	TTL        time.Duration
	Source     string // "": manual
	Reason     string
	AddedBy    string
	Tags       []string
	Confidence int    // 1-100, 0 unknown
	TLP        string // see ParseTLP
	Code       int    // rbldnsd answer code, 0 by mode and source
	// Force adds a value the guard refuses. Only an admin may set it, with
	// AddedBy and Reason: the forcing is journaled with both.
	Force bool
}

func (s *Service) prepare(n NewIndicator) (Row, error) {
	var err error
	if n.Kind == "" {
		n.Kind, n.Value, err = Guess(n.Value)
	} else {
		n.Value, err = Parse(n.Kind, n.Value)
	}
	if err != nil {
		return Row{}, err
	}
	if n.Mode, err = ParseMode(string(n.Mode)); err != nil {
		return Row{}, err
	}
	if n.Source == "" {
		n.Source = SourceManual
	}
	if n.TLP, err = ParseTLP(n.TLP); err != nil {
		return Row{}, err
	}
	if n.Confidence < 0 || n.Confidence > 100 {
		return Row{}, fmt.Errorf("ioc: confidence %d is not between 0 and 100", n.Confidence)
	}
	now := s.now()
	exp := n.ExpiresAt
	switch {
	case !exp.IsZero():
	case n.TTL > 0:
		exp = now.Add(n.TTL)
	case n.TTL == 0 && n.Mode == Block && strings.HasPrefix(n.Source, SourceIncident):
		exp = now.Add(s.incidentTTL)
	case n.TTL == 0 && n.Mode != Allow && strings.HasPrefix(n.Source, SourceFeed) && s.feedTTL > 0:
		exp = now.Add(s.feedTTL)
	}
	if len(n.Reason) > 1024 {
		n.Reason = n.Reason[:1024]
	}
	return Row{Kind: string(n.Kind), Value: n.Value, Mode: string(n.Mode), Source: n.Source,
		Reason: n.Reason, AddedBy: n.AddedBy, CreatedAt: now, ExpiresAt: exp,
		Tags: strings.Join(NormalizeTags(n.Tags...), ","), Confidence: n.Confidence, TLP: n.TLP, Code: n.Code}, nil
}

// ErrForceNeedsReason is returned when Force is set without who and why.
var ErrForceNeedsReason = errors.New("ioc: forcing past the guard needs the admin's name and a reason")

// Add validates, normalises, guards and stores an indicator, and returns
// it as stored. A value the guard refuses, or that the allow list covers,
// is refused with a *RefusedError unless n.Force (then journaled). Adding
// a value that is already live merges into it without weakening it (see
// Repository.Upsert).
func (s *Service) Add(ctx context.Context, n NewIndicator) (Indicator, error) {
	row, err := s.prepare(n)
	if err != nil {
		return Indicator{}, err
	}
	var forced *Finding
	if Mode(row.Mode) != Allow {
		f := s.guard.Check(Kind(row.Kind), row.Value)
		if f == nil {
			allow, err := s.loadAllow(ctx)
			if err != nil {
				return Indicator{}, err
			}
			f = allow.check(Kind(row.Kind), row.Value)
		}
		if f != nil && f.Shared && (f.Kind == KindURL || Mode(row.Mode) == Watch) {
			// One file on a shared host, or shared infrastructure only
			// watched: advice for extraction, not a refusal.
			f = nil
		}
		if f != nil {
			if !n.Force {
				return Indicator{}, &RefusedError{Finding: *f}
			}
			if strings.TrimSpace(n.Reason) == "" || strings.TrimSpace(n.AddedBy) == "" {
				return Indicator{}, ErrForceNeedsReason
			}
			forced = f
			if f.Rule == RuleAllowListed {
				if err := s.retireAllow(ctx, Kind(row.Kind), row.Value, n.AddedBy); err != nil {
					return Indicator{}, err
				}
			}
		}
	}
	ids, err := s.ix.Upsert(ctx, []Row{row})
	if err != nil {
		return Indicator{}, fmt.Errorf("ioc: add %s %s: %w", row.Kind, row.Value, err)
	}
	if forced != nil {
		err := s.ix.Journal(ctx, Event{Actor: n.AddedBy, Action: "force-add", Kind: row.Kind,
			Value: row.Value, IndicatorID: ids[0], Reason: n.Reason, Detail: forced.Message("en")})
		if err != nil {
			return Indicator{}, err
		}
		s.log.Warn("indicator forced past the guard", "id", ids[0], "kind", row.Kind, "value", row.Value,
			"rule", forced.Rule, "list", forced.List, "by", n.AddedBy, "reason", n.Reason)
	}
	s.log.Info("indicator added", "id", ids[0], "kind", row.Kind, "value", row.Value, "mode", row.Mode,
		"source", row.Source, "by", row.AddedBy)
	return s.Get(ctx, ids[0])
}

// Check returns the guard's finding on a value (kind guessed when empty)
// without adding it: what the console and `ioc add --dry-run` show.
func (s *Service) Check(ctx context.Context, k Kind, value string) (Kind, string, *Finding, error) {
	var err error
	if k == "" {
		k, value, err = Guess(value)
	} else {
		value, err = Parse(k, value)
	}
	if err != nil {
		return k, value, nil, err
	}
	if f := s.guard.Check(k, value); f != nil {
		return k, value, f, nil
	}
	allow, err := s.loadAllow(ctx)
	if err != nil {
		return k, value, nil, err
	}
	return k, value, allow.check(k, value), nil
}

// retireAllow removes the live allow entries an admin forces a block over.
func (s *Service) retireAllow(ctx context.Context, k Kind, v string, by string) error {
	rows, err := s.ix.List(ctx, RowFilter{Kind: string(k), Value: v, Mode: string(Allow), Now: s.now()})
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := s.Remove(ctx, r.ID, by); err != nil {
			return err
		}
	}
	return nil
}

// Get returns an indicator by id, live or not.
func (s *Service) Get(ctx context.Context, id int64) (Indicator, error) {
	row, err := s.ix.Get(ctx, id)
	if err != nil {
		return Indicator{}, fmt.Errorf("ioc: %w", err)
	}
	return fromRow(&row), nil
}

// Find returns every indicator, live or historical, whose normalised value
// equals value read as kind k (guessed when empty).
func (s *Service) Find(ctx context.Context, k Kind, value string) ([]Indicator, error) {
	var err error
	if k == "" {
		k, value, err = Guess(value)
	} else {
		value, err = Parse(k, value)
	}
	if err != nil {
		return nil, err
	}
	return s.List(ctx, Filter{Kind: k, Value: value, All: true})
}

// Remove retires an indicator: it stops matching and stays in history.
func (s *Service) Remove(ctx context.Context, id int64, by string) error {
	row, err := s.ix.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("ioc: %w", err)
	}
	if err := s.ix.Remove(ctx, id, by, s.now()); err != nil {
		return fmt.Errorf("ioc: %w", err)
	}
	if err := s.ix.Journal(ctx, Event{Actor: by, Action: "remove", Kind: row.Kind, Value: row.Value,
		IndicatorID: id, Detail: row.Mode + " " + row.Source}); err != nil {
		return err
	}
	s.log.Info("indicator removed", "id", id, "by", by)
	return nil
}

// RemoveValue retires every live indicator whose value is value read as
// kind k (guessed when empty) and returns them.
func (s *Service) RemoveValue(ctx context.Context, k Kind, value, by string) ([]Indicator, error) {
	list, err := s.Find(ctx, k, value)
	if err != nil {
		return nil, err
	}
	var out []Indicator
	now := s.now()
	for _, in := range list {
		if !in.Active(now) {
			continue
		}
		if err := s.Remove(ctx, in.ID, by); err != nil {
			return out, err
		}
		out = append(out, in)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("ioc: no live indicator %q: %w", value, ErrNotFound)
	}
	return out, nil
}

// Journal returns the journal entries about a normalised value ("" for
// all), newest first.
func (s *Service) Journal(ctx context.Context, value string, limit int) ([]Event, error) {
	return s.ix.Events(ctx, value, limit)
}

// SetMode switches a live indicator between block and watch. Switching to
// block passes the guard, as adding would.
func (s *Service) SetMode(ctx context.Context, id int64, mode Mode) error {
	m, err := ParseMode(string(mode))
	if err != nil {
		return err
	}
	if m == Block {
		row, err := s.ix.Get(ctx, id)
		if err != nil {
			return fmt.Errorf("ioc: %w", err)
		}
		if f := s.guard.Check(Kind(row.Kind), row.Value); f != nil {
			return &RefusedError{Finding: *f}
		}
	}
	if err := s.ix.SetMode(ctx, id, string(m)); err != nil {
		return fmt.Errorf("ioc: %w", err)
	}
	return nil
}

// SetExpiry changes a live indicator's expiry; the zero time means never.
func (s *Service) SetExpiry(ctx context.Context, id int64, at time.Time) error {
	if err := s.ix.SetExpiry(ctx, id, at); err != nil {
		return fmt.Errorf("ioc: %w", err)
	}
	return nil
}

// Filter selects indicators. The zero value selects the live ones.
type Filter struct {
	Kind   Kind
	Mode   Mode
	Source string
	Value  string // normalised value
	All    bool   // include expired and removed (history)
	Limit  int
}

func (s *Service) storeFilter(f Filter) RowFilter {
	return RowFilter{Kind: string(f.Kind), Mode: string(f.Mode), Source: f.Source, Value: f.Value,
		History: f.All, Now: s.now(), Limit: f.Limit}
}

// List returns the indicators selected by f, oldest first.
func (s *Service) List(ctx context.Context, f Filter) ([]Indicator, error) {
	var out []Indicator
	err := s.Each(ctx, f, func(in *Indicator) error { out = append(out, *in); return nil })
	return out, err
}

// Each streams the indicators selected by f.
func (s *Service) Each(ctx context.Context, f Filter, fn func(*Indicator) error) error {
	err := s.ix.Each(ctx, s.storeFilter(f), func(r *Row) error {
		in := fromRow(r)
		return fn(&in)
	})
	if err != nil {
		return fmt.Errorf("ioc: %w", err)
	}
	return nil
}

// ImportOptions are the defaults applied to a feed's records.
type ImportOptions struct {
	Format  Format
	Name    string        // file name, for error messages
	Kind    Kind          // force a kind (plain and csv)
	Mode    Mode          // default mode (block)
	TTL     time.Duration // default lifetime, as NewIndicator.TTL
	Source  string        // e.g. "feed:openphish"; default "feed:" + Name
	Reason  string        // default reason
	AddedBy string
	Tags    []string // added to every record's tags
	TLP     string   // default TLP
	// DryRun reads, checks and reports, and stores nothing.
	DryRun bool
}

// ImportResult reports an import.
type ImportResult struct {
	FeedResult
	Imported int // records stored (re-imported values count once per read)
	Restored int // removed indicators of a backup restored as history
}

// Complete reports whether every line of the feed was imported: no
// malformed line, no refusal.
func (r *ImportResult) Complete() bool { return r.Bad == 0 && r.Refused == 0 }

// importBatch is the number of records stored per transaction.
const importBatch = 10000

// Import reads a feed and stores its indicators in transactions of
// importBatch rows. Malformed lines and entries the guard or the allow
// list refuse are reported in the result with their line numbers and
// skipped; the rest imports. On an error part of the feed may already be
// stored: res.Imported says how much.
func (s *Service) Import(ctx context.Context, r io.Reader, opts ImportOptions) (ImportResult, error) {
	if opts.Source == "" {
		opts.Source = FeedSource(strings.TrimSuffix(baseName(opts.Name), ".txt"))
	}
	var res ImportResult
	allow, err := s.loadAllow(ctx)
	if err != nil {
		return res, err
	}
	batch := make([]Row, 0, importBatch)
	var sightings []Sighting // parallel to batch: what a backup says of each row's hits
	var history []Row
	flush := func() error {
		if len(history) > 0 {
			n, err := s.ix.InsertHistory(ctx, history)
			if err != nil {
				return fmt.Errorf("ioc: import %s: %w", opts.Name, err)
			}
			res.Restored += n
			history = history[:0]
		}
		if len(batch) == 0 {
			return nil
		}
		ids, err := s.ix.Upsert(ctx, batch)
		if err != nil {
			return fmt.Errorf("ioc: import %s: %w", opts.Name, err)
		}
		seen := map[int64]Sighting{}
		for i, sg := range sightings {
			if sg.Hits > 0 || !sg.First.IsZero() || !sg.Last.IsZero() {
				seen[ids[i]] = sg
			}
		}
		if err := s.ix.MergeSightings(ctx, seen); err != nil {
			return fmt.Errorf("ioc: import %s: %w", opts.Name, err)
		}
		res.Imported += len(batch)
		batch, sightings = batch[:0], sightings[:0]
		return nil
	}
	fr, err := ReadFeed(r, opts.Format, FeedOptions{Name: opts.Name, Kind: opts.Kind}, func(rec Record) error {
		n := NewIndicator{Kind: rec.Kind, Value: rec.Value, Mode: rec.Mode, ExpiresAt: rec.Expires, TTL: opts.TTL,
			Source: opts.Source, Reason: rec.Reason, AddedBy: opts.AddedBy, Tags: append(rec.Tags, opts.Tags...),
			Confidence: rec.Confidence, TLP: rec.TLP, Code: int(rec.Code)}
		if n.Mode == "" {
			n.Mode = opts.Mode
		}
		if n.Reason == "" {
			n.Reason = opts.Reason
		}
		if rec.Source != "" {
			n.Source = rec.Source
		}
		if n.TLP == "" {
			n.TLP = opts.TLP
		}
		if full := rec.Full; full != nil && full.ExpiresAt.IsZero() {
			n.TTL = Forever // a backup's entry without expiry stays without
		}
		row, err := s.prepare(n)
		if err != nil {
			return err
		}
		var sg Sighting
		if full := rec.Full; full != nil {
			// A backup restores who added it, when, and what became of it.
			if !full.CreatedAt.IsZero() {
				row.CreatedAt = full.CreatedAt
			}
			if full.AddedBy != "" {
				row.AddedBy = full.AddedBy
			}
			if !full.RemovedAt.IsZero() {
				row.RemovedAt, row.RemovedBy = full.RemovedAt, full.RemovedBy
				row.Hits, row.FirstHitAt, row.LastHitAt = full.Hits, full.FirstHitAt, full.LastHitAt
				if !opts.DryRun {
					history = append(history, row)
				}
				return nil
			}
			sg = Sighting{Hits: full.Hits, First: full.FirstHitAt, Last: full.LastHitAt}
		}
		if Mode(row.Mode) != Allow {
			f := s.guard.Check(Kind(row.Kind), row.Value)
			if f == nil {
				f = allow.check(Kind(row.Kind), row.Value)
			}
			if f != nil && !(f.Shared && (f.Kind == KindURL || Mode(row.Mode) == Watch)) {
				return &RefusedError{Finding: *f}
			}
		} else {
			allow.add(Kind(row.Kind), row.Value)
		}
		if opts.DryRun {
			return nil
		}
		batch = append(batch, row)
		sightings = append(sightings, sg)
		if len(batch) == importBatch {
			return flush()
		}
		return nil
	})
	res.FeedResult = fr
	if err == nil {
		err = flush()
	}
	s.log.Info("indicators imported", "file", opts.Name, "format", opts.Format, "imported", res.Imported,
		"bad_lines", res.Bad, "refused", res.Refused, "excluded", res.Excluded)
	return res, err
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		p = p[i+1:]
	}
	if p == "" || p == "-" {
		return "import"
	}
	return p
}
