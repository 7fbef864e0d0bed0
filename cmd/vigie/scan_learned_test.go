package main

import (
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
}
