package daemon

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/durable"
	"vigie.dev/vigie/internal/follow"
	"vigie.dev/vigie/internal/weights"
)

// With policy.learned: store the scanner scores with the learned model
// saved in the database (`vigie learn weights --save`): read at start and
// again on every change notice, each new model rebuilding the scanner, so
// that every node scores alike without a restart. A copy is kept in
// data_dir for a node started while the database is down; a model the
// database cannot give back leaves the one in use.

// learned is the model the scanner is built with.
type learned struct {
	mu       sync.Mutex
	model    *weights.Model
	id       int64
	fromCopy bool
	// cfg is the configuration the scanner in use was built from (Start,
	// Reload), rebuilt with each new model. A configuration whose build
	// failed is never recorded: the next model must not bring back a
	// reload the daemon refused.
	cfg config.Config
}

func (d *Daemon) learnedCopy() string { return filepath.Join(d.cfg.DataDir, "learned-weights.yaml") }

// withLearned returns cfg with the stored model applied when cfg asks for
// it.
func (d *Daemon) withLearned(cfg *config.Config) *config.Config {
	d.learned.mu.Lock()
	defer d.learned.mu.Unlock()
	if cfg.Policy.Learned != config.LearnedFromStore || d.learned.model == nil {
		return cfg
	}
	c := *cfg
	c.Policy.UseModel(d.learned.model)
	return &c
}

// builtFrom remembers cfg as the configuration of the scanner in use, for
// the next model's rebuild.
func (d *Daemon) builtFrom(cfg *config.Config) {
	d.learned.mu.Lock()
	d.learned.cfg = *cfg
	d.learned.mu.Unlock()
}

// loadLearned reads the stored model and reports whether it changed.
func (d *Daemon) loadLearned(ctx context.Context) bool {
	raw, id, err := d.App.LearnedWeights().CurrentModel(ctx)
	d.learned.mu.Lock()
	defer d.learned.mu.Unlock()
	switch {
	case err != nil && d.learned.model != nil:
		d.log.Debug("learned weights: database unreachable, the model in use is kept", "err", err)
		return false
	case err != nil:
		b, rerr := os.ReadFile(d.learnedCopy())
		m, perr := weights.Parse(b)
		if rerr != nil || perr != nil {
			d.log.Warn("learned weights: database unreachable and no local copy, the embedded model scores until it answers", "err", err)
			return false
		}
		d.learned.model, d.learned.fromCopy = m, true
		d.log.Warn("learned weights: database unreachable, model from the local copy", "file", d.learnedCopy(), "err", err)
		return true
	case id == 0:
		return false // none saved yet: the embedded model
	case id == d.learned.id && !d.learned.fromCopy:
		return false
	}
	m, err := weights.Parse(raw)
	if err != nil {
		d.log.Error("learned weights: the stored model is refused, the one in use is kept", "id", id, "err", err)
		return false
	}
	d.learned.model, d.learned.id, d.learned.fromCopy = m, id, false
	if err := durable.WriteFile(d.learnedCopy(), raw); err != nil {
		d.log.Warn("learned weights: local copy not written", "err", err)
	}
	d.log.Info("learned weights from the database", "id", id, "created", m.Created,
		"tag", m.Thresholds.Tag, "quarantine", m.Thresholds.Quarantine, "reject", m.Thresholds.Reject)
	return true
}

// followLearned rebuilds the scanner whenever the stored model changes
// (notices from the store, and a re-read every minute), until ctx ends.
func (d *Daemon) followLearned(ctx context.Context, notices <-chan struct{}) {
	follow.Changes(ctx, notices, time.Minute, func() {
		if !d.loadLearned(ctx) {
			return
		}
		d.swap.Lock() // the configuration read is the last reload's (Daemon.swap)
		defer d.swap.Unlock()
		d.learned.mu.Lock()
		cfg := d.learned.cfg
		d.learned.mu.Unlock()
		sc, err := d.build(&cfg)
		if err != nil {
			d.log.Error("learned weights: scanner not rebuilt, the previous one is kept", "err", err)
			return
		}
		d.Gateway.SetScanner(sc)
		d.App.SetWarningLists(sc.Lists)
	})
}

// LearnedFromCopy reports whether the scanner scores with the local copy
// of the stored model, the database being out of reach since start.
func (d *Daemon) LearnedFromCopy() bool {
	d.learned.mu.Lock()
	defer d.learned.mu.Unlock()
	return d.learned.fromCopy
}
