package daemon_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vigie.dev/vigie/internal/app/daemon"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/weights"
)

// With policy.learned: store, a model saved in the database (`vigie learn
// weights --save`) rebuilds the running node's scanner without a restart,
// is kept as a local copy in data_dir, and a node started afterwards on
// the same database scores with it from its start; a model the node
// cannot read leaves the one in use.
func TestLearnedWeightsSharedThroughTheStore(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "shared.db")
	node := func(c *config.Config) {
		c.Store = dsn
		c.Policy.Learned = config.LearnedFromStore
	}
	d1, _ := start(t, "", node)
	embedded, err := weights.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if got := d1.Gateway.Scanner().Policy.TagAt; got != embedded.Thresholds.Tag {
		t.Fatalf("before any saved model: tag at %g, want the embedded model's %g", got, embedded.Thresholds.Tag)
	}
	ctx := context.Background()
	if _, err := d1.DB.Weights().SaveModel(ctx, []byte("version: 2\n"), "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	saved := weights.Thresholds{Tag: 3.25, Quarantine: 6.5, Reject: 14.75}
	raw := saveModel(t, d1, saved)
	waitPolicy(t, d1, saved)
	copyPath := filepath.Join(d1.App.Config.DataDir, "learned-weights.yaml")
	if b, err := os.ReadFile(copyPath); err != nil || string(b) != string(raw) {
		t.Errorf("local copy %s: %v (%d bytes, want %d)", copyPath, err, len(b), len(raw))
	}
	if d1.LearnedFromCopy() {
		t.Error("a model read from the database is said to come from the local copy")
	}

	// Another node of the same database starts with the saved model.
	d2, _ := start(t, "", node)
	if p := d2.Gateway.Scanner().Policy; p.TagAt != 3.25 || p.QuarantineAt != 6.5 || p.RejectAt != 14.75 {
		t.Errorf("second node at start: %g/%g/%g, want the saved model's 3.25/6.5/14.75", p.TagAt, p.QuarantineAt, p.RejectAt)
	}

	// A model the nodes refuse leaves the one in use.
	if _, err := d1.DB.Weights().SaveModel(ctx, []byte("version: 1\nthresholds: {tag: 9, quarantine: 2}\n"), "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	saved.Tag = 4.5
	saveModel(t, d1, saved)
	waitPolicy(t, d2, saved)
}

// saveModel stores the embedded model with thresholds th as the site's
// learned weights, through d's database, and returns what was stored.
func saveModel(t *testing.T, d *daemon.Daemon, th weights.Thresholds) []byte {
	t.Helper()
	embedded, err := weights.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	m := *embedded
	m.Thresholds = th
	raw, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.DB.Weights().SaveModel(context.Background(), raw, "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	return raw
}

// waitPolicy waits until d's scanner scores with thresholds t.
func waitPolicy(t *testing.T, d *daemon.Daemon, want weights.Thresholds) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		p := d.Gateway.Scanner().Policy
		if p.TagAt == want.Tag && p.QuarantineAt == want.Quarantine && p.RejectAt == want.Reject {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("scanner at %g/%g/%g, want the saved model's %g/%g/%g", p.TagAt, p.QuarantineAt, p.RejectAt, want.Tag, want.Quarantine, want.Reject)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A reload the daemon refuses is not what the next stored model is built
// with: the model still reaches the scanner, built from the configuration
// in use.
func TestRefusedReloadIsNotRebuiltWithTheNextModel(t *testing.T) {
	dir := t.TempDir()
	base := "store: sqlite:" + filepath.Join(dir, "shared.db") + "\npolicy:\n  learned: store\n"
	file := filepath.Join(dir, "vigie.yaml")
	if err := os.WriteFile(file, []byte(base), 0o600); err != nil {
		t.Fatal(err)
	}
	d, _ := start(t, file, nil)
	catalogue := filepath.Join(dir, "brands.yaml")
	if err := os.WriteFile(catalogue, []byte("brands: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	broken := base + "data:\n  brands: " + catalogue + "\n"
	if err := os.WriteFile(file, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := d.Reload(); err == nil {
		t.Fatal("Reload accepted a brand catalogue that does not parse")
	}
	saved := weights.Thresholds{Tag: 3.25, Quarantine: 6.5, Reject: 14.75}
	saveModel(t, d, saved)
	waitPolicy(t, d, saved)
}
