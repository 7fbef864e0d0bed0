package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/postfixtest"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/store"
)

func writeMessages(t *testing.T, dir, kind string, n int) {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	for i := range n {
		body := fmt.Sprintf("Bonjour, voici le compte-rendu de la réunion de service numéro r%d, merci de le relire avant jeudi et de signaler les corrections", i)
		if kind == "phish" {
			body = fmt.Sprintf("Votre compte sera suspendu aujourd'hui, cliquez ici pour confirmer vos identifiants de messagerie, dossier d%d", i)
		}
		raw := fmt.Sprintf("From: a@example.net\r\nSubject: %s %d\r\n\r\n%s\r\n", kind, i, body)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.eml", kind, i)), []byte(raw), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLearnCommands(t *testing.T) {
	dir := t.TempDir()
	writeMessages(t, filepath.Join(dir, "p"), "phish", 3)
	writeMessages(t, filepath.Join(dir, "h"), "ham", 4)
	os.WriteFile(filepath.Join(dir, "h", "empty.eml"), nil, 0o644)
	st := "--store=sqlite:" + filepath.Join(dir, "v.db")
	code, out, errs := vigie(t, "learn", "--phish", filepath.Join(dir, "p"), "--ham", filepath.Join(dir, "h"), st)
	if code != 0 || !strings.Contains(out, "7 appris") || !strings.Contains(out, "1 refusés") || !strings.Contains(errs, "empty.eml: bayes: refused: empty message") {
		t.Fatalf("learn: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "modèle : 3 hameçonnages, 4 messages légitimes") || !strings.Contains(out, "ne vote pas encore") {
		t.Errorf("status after learning: %s", out)
	}
	_, out, _ = vigie(t, "learn", "--lang", "en", "--ham", filepath.Join(dir, "h"), st)
	if !strings.Contains(out, "0 learned, 0 relearned as the other class, 4 already learned") {
		t.Errorf("learning again: %s", out)
	}
	_, out, _ = vigie(t, "learn", "--ham", filepath.Join(dir, "p", "phish-0.eml"), st)
	if !strings.Contains(out, "1 réappris") || !strings.Contains(out, "2 hameçonnages, 5 messages légitimes") {
		t.Errorf("relearning: %s", out)
	}
	if _, out, _ = vigie(t, "learn", "status", st); !strings.Contains(out, "cli") {
		t.Errorf("status: %s", out)
	}
	if code, _, errs := vigie(t, "learn", "reset", st); code != 2 || !strings.Contains(errs, "--yes") {
		t.Errorf("reset without --yes: exit %d %s", code, errs)
	}
	if code, out, _ := vigie(t, "learn", "reset", "--yes", st); code != 0 || !strings.Contains(out, "modèle vidé") {
		t.Errorf("reset: exit %d %s", code, out)
	}
	if _, out, _ = vigie(t, "learn", "status", st); !strings.Contains(out, "modèle : 0 hameçonnages, 0 messages légitimes, 0 caractéristiques") {
		t.Errorf("status after reset: %s", out)
	}
}

// Messages users reported are learned as phishing under their own source,
// and move a message learned as legitimate to the phishing side.
func TestLearnReported(t *testing.T) {
	dir := t.TempDir()
	writeMessages(t, filepath.Join(dir, "p"), "phish", 2)
	st := "--store=sqlite:" + filepath.Join(dir, "v.db")
	if code, out, errs := vigie(t, "learn", "--ham", filepath.Join(dir, "p", "phish-0.eml"), st); code != 0 {
		t.Fatalf("learn: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs := vigie(t, "learn", "--lang", "en", "--reported", filepath.Join(dir, "p"), st)
	if code != 0 || !strings.Contains(out, "1 learned, 1 relearned as the other class") || !strings.Contains(out, "model: 2 phishing, 0 legitimate") {
		t.Fatalf("learn --reported: exit %d\n%s%s", code, out, errs)
	}
	if _, out, _ = vigie(t, "learn", "status", st); !strings.Contains(out, "user-report") || strings.Contains(out, "cli") {
		t.Errorf("status: reports not counted as user reports: %s", out)
	}
}

// A stored model the gateway cannot use (another tokenizer's, counts that
// cannot be right) is said so by learn status, with what to do, rather
// than counted as a model that votes.
func TestLearnStatusSaysAnUnusableModel(t *testing.T) {
	dir := t.TempDir()
	writeMessages(t, filepath.Join(dir, "p"), "phish", 3)
	writeMessages(t, filepath.Join(dir, "h"), "ham", 3)
	db := filepath.Join(dir, "v.db")
	st := "--store=sqlite:" + db
	if code, out, errs := vigie(t, "learn", "--phish", filepath.Join(dir, "p"), "--ham", filepath.Join(dir, "h"), st); code != 0 {
		t.Fatalf("learn: exit %d\n%s%s", code, out, errs)
	}
	if _, out, _ := vigie(t, "learn", "status", st); strings.Contains(out, "inutilisable") {
		t.Fatalf("a sound model called unusable: %s", out)
	}
	for _, c := range []struct{ update, want string }{
		{"UPDATE bayes_state SET tokenizer = 99", "vigie learn reset --yes"},
		{"UPDATE bayes_state SET tokenizer = 1, phish = -5", "model corrupt"},
	} {
		raw, err := sql.Open("sqlite", db)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(c.update); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		code, out, errs := vigie(t, "learn", "status", "--lang", "en", st)
		if code != 0 || !strings.Contains(out, "the stored model cannot be used, Vigie scans with the other signals") || !strings.Contains(out, c.want) || strings.Contains(out, "the classifier votes") {
			t.Errorf("%s: exit %d\n%s%s", c.update, code, out, errs)
		}
	}
}

func TestQuarantineConfirmTeaches(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "vigie.yaml")
	os.WriteFile(cfg, []byte("data_dir: "+dir+"\n"), 0o644)
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "vigie.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	q, err := quarantine.Open(filepath.Join(dir, "quarantine"), db.Quarantine(), nil)
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte("From: a@example.net\r\nTo: b@hopital.example\r\nSubject: Boîte pleine\r\n\r\nVotre boîte aux lettres est pleine, cliquez ici pour valider votre compte avant sa suppression définitive\r\n")
	e, err := q.Put(ctx, raw, quarantine.Meta{Envelope: scan.Envelope{RcptTo: []string{"b@hopital.example"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, errs := vigie(t, "quarantine", "confirm", "--config", cfg, "--by", "alice", e.ID)
	if code != 0 || !strings.Contains(out, e.ID+" : classifieur : appris comme hameçonnage") {
		t.Fatalf("confirm: exit %d\n%s%s", code, out, errs)
	}
	_, out, _ = vigie(t, "learn", "status", "--config", cfg)
	if !strings.Contains(out, "1 hameçonnages") || !strings.Contains(out, "quarantine-confirm") {
		t.Errorf("status: %s", out)
	}
	if code, out, errs := vigie(t, "quarantine", "confirm", "--lang", "en", "--config", cfg, e.ID); code != 0 || !strings.Contains(out, e.ID+": classifier: duplicate as phish") {
		t.Errorf("confirm again, in English: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := vigie(t, "quarantine", "confirm", "--config", cfg, "nope"); code != 1 || !strings.Contains(errs, "non instruit") {
		t.Errorf("unknown id: exit %d %s", code, errs)
	}
}

// TestQuarantineReleaseTeaches releases held messages to a real SMTP server
// (Postfix's smtp-sink): a release teaches the classifier the message was
// legitimate, unless --no-learn.
func TestQuarantineReleaseTeaches(t *testing.T) {
	postfixtest.Require(t)
	addr := fmt.Sprintf("127.0.0.1:%d", postfixtest.FreePort(t))
	sink := exec.Command("smtp-sink", "-u", "postfix", addr, "100")
	if err := sink.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Process.Kill(); sink.Wait() })
	postfixtest.WaitListening(t, addr)

	dir := t.TempDir()
	cfg := filepath.Join(dir, "vigie.yaml")
	os.WriteFile(cfg, []byte("data_dir: "+dir+"\n"), 0o644)
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "vigie.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	q, err := quarantine.Open(filepath.Join(dir, "quarantine"), db.Quarantine(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, subject := range []string{"Commande de compresses", "Planning des gardes"} {
		raw := fmt.Sprintf("From: a@fournisseur.example\r\nTo: b@hopital.example\r\nSubject: %s\r\n\r\n"+
			"Bonjour, veuillez trouver ci-joint la confirmation de votre commande numéro c%d, livraison prévue mardi au service.\r\n", subject, i)
		e, err := q.Put(ctx, []byte(raw), quarantine.Meta{Envelope: scan.Envelope{MailFrom: "a@fournisseur.example", RcptTo: []string{"b@hopital.example"}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	db.Close()
	code, out, errs := vigie(t, "quarantine", "release", "--config", cfg, "--to", addr, "--by", "alice", ids[0])
	if code != 0 || !strings.Contains(out, ids[0]+" : remis à "+addr) || !strings.Contains(out, ids[0]+" : classifieur : appris comme légitime") {
		t.Fatalf("release: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = vigie(t, "quarantine", "release", "--config", cfg, "--to", addr, "--no-learn", ids[1])
	if code != 0 || strings.Contains(out, "classifieur") {
		t.Fatalf("release --no-learn: exit %d\n%s%s", code, out, errs)
	}
	_, out, _ = vigie(t, "learn", "status", "--config", cfg)
	if !strings.Contains(out, "0 hameçonnages, 1 messages légitimes") || !strings.Contains(out, "quarantine-release") {
		t.Errorf("status: %s", out)
	}
}
