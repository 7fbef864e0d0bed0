package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// refreshedLists is a directory of newer MISP warning lists: MISP's
// microsoft list with one entry added, msftncsi.net
// (internal/warninglist/testdata/README.md).
const refreshedLists = "../warninglist/testdata/refresh"

// data.warninglists reaches the verdict through the scanner engine.New
// builds, as at start and on every reload: a name that reads as generated
// raises FROM_RANDOM_DOMAIN until a newer list names it a top site; a
// rebuild with the list's file damaged goes back to the embedded list
// (the file refused), and so to the signal.
func TestRefreshedWarningListReachesTheVerdict(t *testing.T) {
	raw := msg(`From: Service <info@msftncsi.net>
To: jean.dupont@example-hopital.fr
Subject: Votre abonnement
Date: Tue, 12 Mar 2024 07:00:00 +0100
Message-ID: <r1@msftncsi.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8`, "Bonjour,\n\nVotre abonnement est renouvelé.\n")
	build := func(dir string) *scan.Verdict {
		t.Helper()
		cfg := config.Default()
		cfg.Auth.Mode = "headers"
		cfg.Data.Warninglists = dir
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		s, err := New(&cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s.Scan(context.Background(), raw, scan.Envelope{})
	}
	if v := build(""); !v.Has("FROM_RANDOM_DOMAIN") {
		t.Fatalf("embedded lists: FROM_RANDOM_DOMAIN not raised: %v", v.Signals)
	}
	if v := build(refreshedLists); v.Has("FROM_RANDOM_DOMAIN") {
		t.Errorf("refreshed lists: FROM_RANDOM_DOMAIN raised on a top site: %v", v.Signals)
	}
	damaged := t.TempDir()
	b, err := os.ReadFile(filepath.Join(refreshedLists, "lists/microsoft/list.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(damaged, "microsoft.json"), b[:len(b)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	if v := build(damaged); !v.Has("FROM_RANDOM_DOMAIN") {
		t.Errorf("damaged file: not back to the embedded list: %v", v.Signals)
	}
}

// A data.warninglists that is no directory is refused with the
// configuration, as a missing data file is.
func TestWarningListsDirectoryIsValidated(t *testing.T) {
	cfg := config.Default()
	cfg.Data.Warninglists = filepath.Join(t.TempDir(), "missing")
	if err := cfg.Validate(); err == nil {
		t.Error("a missing data.warninglists validates")
	}
}
