package bayes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync/atomic"
	"time"

	"vigie.dev/vigie/internal/dberr"
	"vigie.dev/vigie/internal/follow"
)

// syncState is what a model loaded from the store remembers of it.
type syncState struct {
	rev        int64
	generation int64
	loaded     bool
	// kept is set once the model holds a usable copy (read from the store
	// or a local snapshot): a database out of reach then leaves it in use.
	kept bool
}

// hardBound is how far past MaxTokens a model loaded from the store may
// grow (other nodes may prune later, or with another setting) before it
// stops taking new features: the memory bound that holds whatever the
// store contains.
func (m *Model) hardBound() int { return m.opts.MaxTokens + m.opts.MaxTokens/4 }

// Sync brings the model up to date with the store: everything on the first
// call or after the store pruned or reset the model, else only the
// features changed since the last call. An unreadable or inconsistent
// model makes the model unusable (Votes false) and is returned; the next
// successful Sync makes it usable again.
// A database out of reach (dberr.Unavailable) is returned too but leaves a
// model already loaded in use: the gateway classifies with the last model
// it read while the database is down.
func (m *Model) Sync(ctx context.Context, repo Repository, st *syncState) error {
	err := m.sync(ctx, repo, st)
	if err == nil {
		st.kept = true
	} else if st.kept && dberr.Unavailable(err) {
		return err
	}
	m.mu.Lock()
	m.err = err
	m.mu.Unlock()
	return err
}

// Check reads the whole stored model as a gateway node does at start and
// returns why the node could not classify with it (nil when it can): what
// `vigie learn status` reports, so that the administrator learns of an
// unusable model before the gateway's log does.
func Check(ctx context.Context, repo Repository, o Options) error {
	return NewModel(o).Sync(ctx, repo, &syncState{})
}

func (m *Model) sync(ctx context.Context, repo Repository, st *syncState) error {
	state, err := repo.State(ctx)
	if err != nil {
		return fmt.Errorf("bayes: model unreadable: %w", err)
	}
	if state.Tokenizer != 0 && state.Tokenizer != TokenizerVersion {
		return fmt.Errorf("bayes: the stored model was learned with tokenizer version %d, this Vigie uses %d: empty it (vigie learn reset --yes) and teach it again",
			state.Tokenizer, TokenizerVersion)
	}
	if state.Phish < 0 || state.Ham < 0 || state.Phish > math.MaxUint32 || state.Ham > math.MaxUint32 {
		return fmt.Errorf("%w: message counts %d/%d", ErrCorrupt, state.Phish, state.Ham)
	}
	check := func(t TokenRow) error {
		if t.Phish < 0 || t.Ham < 0 || t.Phish > math.MaxUint32 || t.Ham > math.MaxUint32 {
			return fmt.Errorf("%w: feature %016x has counts %d/%d", ErrCorrupt, t.Hash, t.Phish, t.Ham)
		}
		return nil
	}
	if !st.loaded || state.Generation != st.generation {
		var tokens table
		full := false
		bound := m.hardBound()
		rev, err := repo.Tokens(ctx, 0, func(t TokenRow) error {
			if err := check(t); err != nil {
				return err
			}
			if t.Phish+t.Ham == 0 {
				return nil
			}
			if tokens.len() >= bound {
				full = true
				return nil
			}
			tokens.put(t.Hash, Counts{uint32(t.Phish), uint32(t.Ham)})
			return nil
		})
		if err != nil {
			return wrapLoad(err)
		}
		m.mu.Lock()
		m.tokens, m.nPhish, m.nHam, m.full = tokens, uint32(state.Phish), uint32(state.Ham), full
		m.mu.Unlock()
		*st = syncState{rev: rev, generation: state.Generation, loaded: true, kept: true}
		return nil
	}
	var changed []TokenRow
	rev, err := repo.Tokens(ctx, st.rev, func(t TokenRow) error {
		if err := check(t); err != nil {
			return err
		}
		changed = append(changed, t)
		return nil
	})
	if err != nil {
		return wrapLoad(err)
	}
	m.mu.Lock()
	bound := m.hardBound()
	for _, t := range changed {
		_, had := m.tokens.get(t.Hash)
		switch {
		case t.Phish+t.Ham == 0:
			m.tokens.put(t.Hash, Counts{})
		case had || m.tokens.len() < bound:
			m.tokens.put(t.Hash, Counts{uint32(t.Phish), uint32(t.Ham)})
		default:
			m.full = true
		}
	}
	m.nPhish, m.nHam = uint32(state.Phish), uint32(state.Ham)
	m.mu.Unlock()
	st.rev = rev
	return nil
}

// ErrCorrupt is the error of a stored model whose contents cannot be right
// (negative or impossible counts).
var ErrCorrupt = errors.New("bayes: model corrupt")

func wrapLoad(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, ErrCorrupt) {
		return err
	}
	return fmt.Errorf("bayes: model unreadable: %w", err)
}

// Live is a model kept in step with the store: a change learned on any
// node reaches every node within a second (PostgreSQL NOTIFY, or the
// SQLite revision poll), with a full re-read every Resync as a safety net.
type Live struct {
	*Model
	repo Repository
	log  *slog.Logger
	st   syncState

	snapshot     string
	snapEvery    time.Duration
	lastSnap     time.Time
	fromSnapshot atomic.Bool
}

// LiveOptions tune Start.
type LiveOptions struct {
	Options
	Log *slog.Logger
	// Resync is the period of a safety reload when no change notice
	// arrives (default 60 s).
	Resync time.Duration
	// Snapshot, when set, is a local file the model is copied to after
	// it is read from the store (at most every SnapshotEvery, default 5
	// minutes), and read from when the store cannot be reached at start.
	Snapshot      string
	SnapshotEvery time.Duration
}

// Start loads the model from repo and keeps it in sync until ctx ends. A
// model that cannot be read is logged as an error and left silent, and
// Start still succeeds: Vigie scans with the other signals, and the next
// successful reload brings the classifier back.
func Start(ctx context.Context, repo Repository, o LiveOptions) *Live {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Live{Model: NewModel(o.Options), repo: repo, log: log, snapshot: o.Snapshot, snapEvery: o.SnapshotEvery}
	if l.snapEvery <= 0 {
		l.snapEvery = 5 * time.Minute
	}
	notices := repo.Watch(ctx)
	l.reload(ctx, true)
	resync := o.Resync
	if resync <= 0 {
		resync = time.Minute
	}
	go follow.Changes(ctx, notices, resync, func() { l.reload(ctx, false) })
	return l
}

// FromSnapshot reports whether the model in use was read from the local
// snapshot, the store being out of reach since the node started.
func (l *Live) FromSnapshot() bool { return l.fromSnapshot.Load() }

func (l *Live) reload(ctx context.Context, first bool) {
	wasBroken := l.Stats().Err != nil
	err := l.Sync(ctx, l.repo, &l.st)
	switch {
	case err != nil && first && l.snapshot != "" && dberr.Unavailable(err):
		if serr := l.ReadSnapshot(l.snapshot); serr != nil {
			l.log.Error("bayes: database unreachable and no usable local snapshot, classifier off until it answers", "err", err, "snapshot_err", serr)
			return
		}
		l.st.kept = true
		l.fromSnapshot.Store(true)
		s := l.Stats()
		l.log.Warn("bayes: database unreachable, model from the local snapshot", "snapshot", l.snapshot,
			"phish", s.Phish, "ham", s.Ham, "tokens", s.Tokens, "err", err)
		return
	case err != nil && l.st.kept && dberr.Unavailable(err):
		l.log.Debug("bayes: database unreachable, the last model read stays in use", "err", err)
		return
	case err != nil && ctx.Err() == nil:
		l.log.Error("bayes: classifier off, Vigie scans with the other signals", "err", err)
	case err == nil && (first || wasBroken || l.fromSnapshot.Load()):
		l.fromSnapshot.Store(false)
		s := l.Stats()
		l.log.Info("bayes model loaded", "phish", s.Phish, "ham", s.Ham, "tokens", s.Tokens,
			"min_learned", s.MinLearned, "votes", s.Votes, "memory_bound_mib", l.opts.MemoryBound()>>20)
	}
	if err == nil && l.Stats().Full {
		l.log.Warn("bayes: the stored model holds more features than max_tokens allows; the rarest are not loaded",
			"max_tokens", l.opts.MaxTokens)
	}
	if err == nil && l.snapshot != "" && time.Since(l.lastSnap) >= l.snapEvery {
		if werr := l.WriteSnapshot(l.snapshot); werr != nil {
			l.log.Warn("bayes: local snapshot not written", "err", werr)
		}
		l.lastSnap = time.Now()
	}
}
