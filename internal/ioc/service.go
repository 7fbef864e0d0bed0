package ioc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"vigie.dev/vigie/internal/store"
)

// DefaultIncidentBlockTTL is how long a block added from an incident lasts
// unless told otherwise: the InterCERT fiche asks for attacker indicators
// to be blocked for a limited time, a week by default.
const DefaultIncidentBlockTTL = 7 * 24 * time.Hour

// Forever, as a TTL, means the indicator never expires.
const Forever time.Duration = -1

// ErrNotFound is returned for an unknown indicator id.
var ErrNotFound = store.ErrNotFound

// Service is the indicator business layer shared by the CLI, incident
// response and the web console.
type Service struct {
	ix          *store.Indicators
	now         func() time.Time
	log         *slog.Logger
	incidentTTL time.Duration
}

// ServiceOptions configure a Service; the zero value is usable.
type ServiceOptions struct {
	Now func() time.Time
	Log *slog.Logger
	// IncidentBlockTTL overrides DefaultIncidentBlockTTL.
	IncidentBlockTTL time.Duration
}

// NewService returns a Service over db.
func NewService(db *store.DB, opts ServiceOptions) *Service {
	s := &Service{ix: db.Indicators(), now: opts.Now, log: opts.Log, incidentTTL: opts.IncidentBlockTTL}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.incidentTTL == 0 {
		s.incidentTTL = DefaultIncidentBlockTTL
	}
	return s
}

// NewIndicator describes an indicator to add.
type NewIndicator struct {
	Kind  Kind // "": guessed from Value
	Value string
	Mode  Mode // "": block
	// ExpiresAt, when set, is the expiry; otherwise TTL counts from now:
	// 0 applies the default (incident blocks: 7 days, others: never),
	// Forever means no expiry.
	ExpiresAt time.Time
	TTL       time.Duration
	Source    string // "": manual
	Reason    string
	AddedBy   string
}

func (s *Service) prepare(n NewIndicator) (store.IndicatorRow, error) {
	var err error
	if n.Kind == "" {
		n.Kind, n.Value, err = Guess(n.Value)
	} else {
		n.Value, err = Parse(n.Kind, n.Value)
	}
	if err != nil {
		return store.IndicatorRow{}, err
	}
	if n.Mode, err = ParseMode(string(n.Mode)); err != nil {
		return store.IndicatorRow{}, err
	}
	if n.Source == "" {
		n.Source = SourceManual
	}
	now := s.now()
	exp := n.ExpiresAt
	switch {
	case !exp.IsZero():
	case n.TTL > 0:
		exp = now.Add(n.TTL)
	case n.TTL == 0 && n.Mode == Block && strings.HasPrefix(n.Source, SourceIncident):
		exp = now.Add(s.incidentTTL)
	}
	if len(n.Reason) > 1024 {
		n.Reason = n.Reason[:1024]
	}
	return store.IndicatorRow{Kind: string(n.Kind), Value: n.Value, Mode: string(n.Mode), Source: n.Source,
		Reason: n.Reason, AddedBy: n.AddedBy, CreatedAt: now, ExpiresAt: exp}, nil
}

// Add validates, normalises and stores an indicator, and returns it as
// stored. Adding a value that is already live merges into it without
// weakening it (see store.Indicators.Upsert).
func (s *Service) Add(ctx context.Context, n NewIndicator) (Indicator, error) {
	row, err := s.prepare(n)
	if err != nil {
		return Indicator{}, err
	}
	ids, err := s.ix.Upsert(ctx, []store.IndicatorRow{row})
	if err != nil {
		return Indicator{}, fmt.Errorf("ioc: add %s %s: %w", row.Kind, row.Value, err)
	}
	s.log.Info("indicator added", "id", ids[0], "kind", row.Kind, "value", row.Value, "mode", row.Mode,
		"source", row.Source, "by", row.AddedBy)
	return s.Get(ctx, ids[0])
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
	if err := s.ix.Remove(ctx, id, by, s.now()); err != nil {
		return fmt.Errorf("ioc: %w", err)
	}
	s.log.Info("indicator removed", "id", id, "by", by)
	return nil
}

// SetMode switches a live indicator between block and watch.
func (s *Service) SetMode(ctx context.Context, id int64, mode Mode) error {
	m, err := ParseMode(string(mode))
	if err != nil {
		return err
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

func (s *Service) storeFilter(f Filter) store.IndicatorFilter {
	return store.IndicatorFilter{Kind: string(f.Kind), Mode: string(f.Mode), Source: f.Source, Value: f.Value,
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
	err := s.ix.Each(ctx, s.storeFilter(f), func(r *store.IndicatorRow) error {
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
}

// ImportResult reports an import.
type ImportResult struct {
	FeedResult
	Imported int // records stored (re-imported values count once per read)
}

// importBatch is the number of records stored per transaction.
const importBatch = 10000

// Import reads a feed and stores its indicators in transactions of
// importBatch rows. Malformed lines are reported in the result and
// skipped; the rest imports.
func (s *Service) Import(ctx context.Context, r io.Reader, opts ImportOptions) (ImportResult, error) {
	if opts.Source == "" {
		opts.Source = FeedSource(strings.TrimSuffix(baseName(opts.Name), ".txt"))
	}
	var res ImportResult
	batch := make([]store.IndicatorRow, 0, importBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if _, err := s.ix.Upsert(ctx, batch); err != nil {
			return fmt.Errorf("ioc: import %s: %w", opts.Name, err)
		}
		res.Imported += len(batch)
		batch = batch[:0]
		return nil
	}
	fr, err := ReadFeed(r, opts.Format, FeedOptions{Name: opts.Name, Kind: opts.Kind}, func(rec Record) error {
		n := NewIndicator{Kind: rec.Kind, Value: rec.Value, Mode: rec.Mode, ExpiresAt: rec.Expires, TTL: opts.TTL,
			Source: opts.Source, Reason: rec.Reason, AddedBy: opts.AddedBy}
		if n.Mode == "" {
			n.Mode = opts.Mode
		}
		if n.Reason == "" {
			n.Reason = opts.Reason
		}
		row, err := s.prepare(n)
		if err != nil {
			return err
		}
		batch = append(batch, row)
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
		"bad_lines", res.Bad, "excluded", res.Excluded)
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

// errStop is returned by callbacks to end a walk early.
var errStop = errors.New("stop")
