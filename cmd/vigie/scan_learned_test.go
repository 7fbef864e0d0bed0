package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With policy.learned: store, vigie scan --store scores with the model
// saved in the database, as every gateway node does, and without --store
// says that the embedded weights score instead.
func TestScanUsesTheStoredLearnedWeights(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "vigie.yaml")
	os.WriteFile(cfg, []byte("data_dir: "+dir+"\npolicy:\n  learned: store\n"), 0o644)
	model := filepath.Join(dir, "model.yaml")
	os.WriteFile(model, []byte("version: 1\nthresholds: {tag: 4.5, quarantine: 5.5, reject: 15}\nweights:\n  FAKE_REPLY: 6\n"), 0o644)
	msg := filepath.Join(dir, "m.eml")
	os.WriteFile(msg, []byte("From: Jane <jane@example.org>\r\nTo: bob@example.net\r\nSubject: Re: the minutes\r\n"+
		"Date: Mon, 07 Dec 2026 09:00:00 +0100\r\nMessage-ID: <a1@example.org>\r\n\r\n"+
		"Thanks, the minutes look right to me, see you on Thursday for the next meeting.\r\n"), 0o644)
	_, out, errs := vigie(t, "scan", "--lang", "en", "--config", cfg, msg)
	if strings.Contains(out, "+6.00  FAKE_REPLY") || !strings.Contains(errs, "without --store, the embedded weights score") {
		t.Fatalf("before any saved model:\n%s%s", out, errs)
	}
	if code, out, errs := vigie(t, "learn", "weights", "save", "--config", cfg, model); code != 0 {
		t.Fatalf("save: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs := vigie(t, "scan", "--lang", "en", "--config", cfg, "--store", "default", msg)
	if code != 0 || !strings.Contains(out, "+6.00  FAKE_REPLY") || !strings.Contains(out, "action: quarantine") {
		t.Fatalf("scan --store with the saved model: exit %d\n%s%s", code, out, errs)
	}
	// A stored model damaged in the database: said, and the embedded
	// weights score, as on a gateway node.
	alterSQLite(t, filepath.Join(dir, "vigie.db"), `UPDATE learned_weights SET model = 'weights: [6'`)
	for lang, said := range map[string]string{"fr": "le modèle de poids enregistré (n° 1) est inutilisable, ce sont les poids intégrés qui notent",
		"en": "the stored weights model (no. 1) cannot be used, the embedded weights score"} {
		code, out, errs := vigie(t, "scan", "--lang", lang, "--config", cfg, "--store", "default", msg)
		if code != 0 || strings.Contains(out, "+6.00  FAKE_REPLY") || !strings.Contains(out, "action: accept") || !strings.Contains(errs, said) {
			t.Errorf("scan --store with a damaged saved model, %s: exit %d\n%s%s", lang, code, out, errs)
		}
	}
	// The store not answering for the model at all: no model number to
	// give, and the embedded weights score.
	alterSQLite(t, filepath.Join(dir, "vigie.db"), `ALTER TABLE learned_weights RENAME COLUMN model TO damaged`)
	code, out, errs = vigie(t, "scan", "--config", cfg, "--store", "default", msg)
	if code != 0 || !strings.Contains(out, "action: accept") || !strings.Contains(errs, "le modèle de poids enregistré n'a pas pu être lu, ce sont les poids intégrés qui notent") ||
		strings.Contains(errs, "n° 0") {
		t.Errorf("scan --store, the model unreadable: exit %d\n%s%s", code, out, errs)
	}
}

// alterSQLite runs query on the SQLite database at path behind the
// commands' back: how a test damages what they stored.
func alterSQLite(t *testing.T, path, query string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatal(err)
	}
}
