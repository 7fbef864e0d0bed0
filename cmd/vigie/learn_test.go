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
	"time"

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
	if code != 0 || !strings.Contains(out, "7 appris") || !strings.Contains(out, "1 refusés") || !strings.Contains(errs, "empty.eml: refusé : message vide") {
		t.Fatalf("learn: exit %d\n%s%s", code, out, errs)
	}
	if strings.Contains(errs, "refused") {
		t.Errorf("a refusal's reason in English in French output:\n%s", errs)
	}
	if !strings.Contains(out, "modèle : 3 hameçonnages, 4 messages légitimes") || !strings.Contains(out, "ne vote pas encore") {
		t.Errorf("status after learning: %s", out)
	}
	_, out, errs = vigie(t, "learn", "--lang", "en", "--ham", filepath.Join(dir, "h"), st)
	if !strings.Contains(out, "0 learned, 0 relearned as the other class, 4 already learned") || !strings.Contains(errs, "empty.eml: bayes: refused: empty message") {
		t.Errorf("learning again: %s%s", out, errs)
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

// A phishing message as the report mailbox keeps it.
const reportedPhish = "From: \"Service Messagerie\" <support@webmail-verif.example>\r\nTo: jean.dupont@chu-exemple.fr\r\n" +
	"Subject: Votre boite aux lettres est pleine\r\nDate: Mon, 07 Dec 2026 08:12:00 +0100\r\nMessage-ID: <q81@webmail-verif.example>\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
	"Votre quota de messagerie est atteint. Les nouveaux messages seront rejetés sous 24 heures.\r\n" +
	"Validez votre compte sur http://webmail-verif.example/login avec votre identifiant et votre mot de passe.\r\n"

// forwardAsAttachment is what a user's "forward as attachment" of msg
// sends: the user's words and signature, the message enclosed.
func forwardAsAttachment(from, msg string) string {
	return "From: Jean Dupont <" + from + ">\r\nTo: signalement@chu-exemple.fr\r\nSubject: TR: message suspect\r\n" +
		"Date: Mon, 07 Dec 2026 09:30:00 +0100\r\nMessage-ID: <fw1@chu-exemple.fr>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Bonjour, je vous transmets ce message qui me semble suspect, merci de vérifier.\r\n" +
		"Jean Dupont, service des admissions, Centre hospitalier, poste 4521, confidentialité : ce message est destiné à son seul destinataire.\r\n" +
		"--b1\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"suspect.eml\"\r\n\r\n" + msg + "\r\n--b1--\r\n"
}

// internalNotice is the organisation's own mail, which users report too.
const internalNotice = "From: Direction informatique <dsi@chu-exemple.fr>\r\nTo: tous@chu-exemple.fr\r\n" +
	"Subject: Changement de mot de passe obligatoire\r\nDate: Mon, 07 Dec 2026 07:00:00 +0100\r\nMessage-ID: <dsi42@chu-exemple.fr>\r\n\r\n" +
	"Comme chaque trimestre, changez votre mot de passe avant vendredi depuis l'intranet, rubrique Mon compte, en suivant la procédure habituelle.\r\n"

// vigie learn --reported: what users reported is learned as phishing under
// its own source; it never overrules an administrator who judged the
// message legitimate, learns the message a user forwarded rather than
// the user's forward, refuses the organisation's own mail, counts a
// message reported many times once, and is undone by --forget.
func TestLearnReported(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "vigie.yaml")
	os.WriteFile(cfg, []byte("data_dir: "+dir+"\norg:\n  domains: [chu-exemple.fr]\n"), 0o644)
	write := func(name, raw string) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(raw), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	phish := write("phish.eml", reportedPhish)
	again := strings.Replace(reportedPhish, "Message-ID: <q81@", "Received: from mx.chu-exemple.fr; Mon, 07 Dec 2026 08:12:03 +0100\r\nMessage-ID: <q81@", 1)
	ham := strings.Replace(reportedPhish, "Votre boite aux lettres est pleine", "Votre boite aux lettres est presque pleine", 1)
	auto := strings.Replace(reportedPhish, "sous 24 heures", "sous 48 heures", 1)
	db := filepath.Join(dir, "v.db")
	st := "--store=sqlite:" + db
	learn := func(args ...string) (string, string) {
		t.Helper()
		code, out, errs := vigie(t, append([]string{"learn", "--lang", "en", "--by", "alice", "--config", cfg, st}, args...)...)
		if code != 0 {
			t.Fatalf("learn %v: exit %d\n%s%s", args, code, out, errs)
		}
		return out, errs
	}
	// An administrator taught two messages as legitimate; autolearn's
	// judgement is simulated on one of them.
	learn("--ham", write("admin/ham.eml", ham))
	time.Sleep(2 * time.Millisecond) // learned_at tells the two apart
	learn("--ham", write("admin/auto.eml", auto))
	alterSQLite(t, db, `UPDATE bayes_messages SET source = 'autolearn' WHERE learned_at = (SELECT max(learned_at) FROM bayes_messages)`)
	for _, c := range []struct {
		name          string
		files         map[string]string
		out, errs     string // wanted in stdout, stderr
		notOut, notEr string
	}{
		{name: "a phishing message, reported three times",
			files: map[string]string{"r1/a.eml": reportedPhish, "r1/b.eml": again, "r1/c.eml": reportedPhish},
			out:   "1 learned, 0 relearned as the other class, 2 already learned"},
		{name: "a message the administrator judged legitimate",
			files:  map[string]string{"r2/a.eml": ham},
			out:    "1 reports not learned: an administrator had judged these messages legitimate",
			errs:   "report not learned: an administrator judged this message legitimate",
			notOut: "1 relearned"},
		{name: "a message autolearn judged legitimate",
			files: map[string]string{"r3/a.eml": auto},
			out:   "0 learned, 1 relearned as the other class"},
		{name: "a user's forward as attachment: the message forwarded",
			files: map[string]string{"r4/fw.eml": forwardAsAttachment("jean.dupont@chu-exemple.fr", reportedPhish)},
			out:   "0 learned, 0 relearned as the other class, 1 already learned"},
		{name: "the organisation's own mail",
			files: map[string]string{"r5/a.eml": internalNotice, "r5/fw.eml": forwardAsAttachment("jean.dupont@chu-exemple.fr", internalNotice)},
			out:   "0 learned, 0 relearned as the other class, 0 already learned, 0 forgotten, 0 unknown, 2 refused",
			errs:  "report refused: a message of the organisation's own domain (chu-exemple.fr)"},
		{name: "garbage",
			files: map[string]string{"r6/a.eml": "\x00\x01\x02 binary \xff\xfe", "r6/b.eml": ""},
			out:   "0 learned, 0 relearned as the other class, 0 already learned, 0 forgotten, 0 unknown, 2 refused",
			errs:  "b.eml: bayes: refused: empty message"},
	} {
		var d string
		for name, raw := range c.files {
			d = filepath.Dir(write(name, raw))
		}
		out, errs := learn("--reported", d)
		if !strings.Contains(out, c.out) || !strings.Contains(errs, c.errs) || (c.notOut != "" && strings.Contains(out, c.notOut)) {
			t.Errorf("%s:\n%s%s", c.name, out, errs)
		}
	}
	// Said in French by default, the organisation's own mail and garbage
	// alike, with no English reason in between.
	code, out, errs := vigie(t, "learn", "--by", "alice", "--config", cfg, st, "--reported", filepath.Join(dir, "r5"), "--reported", filepath.Join(dir, "r6"))
	if code != 0 || !strings.Contains(out, "0 appris") || !strings.Contains(out, "4 refusés") ||
		!strings.Contains(errs, "signalement refusé : message du domaine de l'organisation (chu-exemple.fr)") ||
		!strings.Contains(errs, "b.eml: refusé : message vide") || !strings.Contains(errs, "a.eml: refusé : trop peu de texte") ||
		strings.Contains(errs, "refused") {
		t.Errorf("refusals in French: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = vigie(t, "learn", "status", "--config", cfg, st)
	if code != 0 || !strings.Contains(out, "modèle : 2 hameçonnages, 1 messages légitimes") || !strings.Contains(out, "user-report          phish  2") {
		t.Errorf("status: %s", out)
	}
	if out, _ := learn("--forget", filepath.Join(dir, "r4", "fw.eml")); !strings.Contains(out, "1 forgotten, 1 unknown") || !strings.Contains(out, "model: 1 phishing, 1 legitimate") {
		t.Errorf("forgetting a forwarded report: %s", out)
	}
	if out, _ := learn("--forget", phish); !strings.Contains(out, "0 forgotten, 1 unknown") {
		t.Errorf("forgetting it again: %s", out)
	}
	// Every run is in the audit trail: who, from where, what came of it.
	adb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer adb.Close()
	var n int
	if err := adb.QueryRow(`SELECT count(*) FROM audit WHERE action = 'bayes.learn' AND actor = 'alice' AND client_ip = 'cli'
		AND target = '--reported ' || ? AND detail LIKE 'learned=0 relearned=0 duplicate=0 forgotten=0 unknown=0 kept=1 refused=0%'`,
		filepath.Join(dir, "r2")).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit of the kept report: %d rows, %v", n, err)
	}
	if err := adb.QueryRow(`SELECT count(*) FROM audit WHERE action = 'bayes.learn'`).Scan(&n); err != nil || n != 11 {
		t.Errorf("%d vigie learn runs audited, want 11 (%v)", n, err)
	}
}

// Files are learned a batch at a time, by count and by bytes read: none
// is left out at a batch's edge.
func TestLearnInBatches(t *testing.T) {
	defer func(f, b int) { learnFiles, learnBytes = f, b }(learnFiles, learnBytes)
	for _, c := range []struct{ files, bytes int }{{2, 1 << 20}, {200, 1}, {3, 400}} {
		learnFiles, learnBytes = c.files, c.bytes
		dir := t.TempDir()
		writeMessages(t, filepath.Join(dir, "p"), "phish", 5)
		writeMessages(t, filepath.Join(dir, "h"), "ham", 4)
		os.WriteFile(filepath.Join(dir, "h", "empty.eml"), nil, 0o644)
		code, out, errs := vigie(t, "learn", "--lang", "en", "--phish", filepath.Join(dir, "p"), "--ham", filepath.Join(dir, "h"), "--store=sqlite:"+filepath.Join(dir, "v.db"))
		if code != 0 || !strings.Contains(out, "9 learned") || !strings.Contains(out, "1 refused") || !strings.Contains(errs, "empty.eml: bayes: refused: empty message") ||
			!strings.Contains(out, "model: 5 phishing, 4 legitimate") {
			t.Errorf("batches of %d files, %d bytes: exit %d\n%s%s", c.files, c.bytes, code, out, errs)
		}
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
		alterSQLite(t, db, c.update)
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
	if code, _, errs := vigie(t, "quarantine", "confirm", "--config", cfg, "nope"); code != 1 || !strings.Contains(errs, "non instruit") || !strings.Contains(errs, "1/1 non appris") {
		t.Errorf("unknown id: exit %d %s", code, errs)
	}
	// Each confirmation is audited, as a release is; the failed one is not.
	var n int
	adb, err := sql.Open("sqlite", filepath.Join(dir, "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer adb.Close()
	if err := adb.QueryRow(`SELECT count(*) FROM audit WHERE action = 'quarantine.confirm' AND target = ?`, e.ID).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d confirmations audited, want 2 (%v)", n, err)
	}
	os.WriteFile(cfg, []byte("data_dir: "+dir+"\nbayes:\n  enabled: false\n"), 0o644)
	for lang, said := range map[string]string{"fr": "le classifieur est désactivé", "en": "the classifier is disabled"} {
		if code, _, errs := vigie(t, "quarantine", "confirm", "--lang", lang, "--config", cfg, e.ID); code != 1 || !strings.Contains(errs, said) {
			t.Errorf("classifier disabled, %s: exit %d %s", lang, code, errs)
		}
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
