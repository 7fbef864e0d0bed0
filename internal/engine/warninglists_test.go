package engine

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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

// A newer list that adds look-alikes does not spare them: on a top-site
// list a name is not judged a look-alike, on bank-website it is a bank's
// own. The entries it adds that imitate a brand or the organisation are
// left out and named (the rest of the list taken), so the phisher's twin
// of a brand's mail scores as with the embedded lists.
func TestRefreshedListDoesNotSpareLookAlikes(t *testing.T) {
	const benign = "vigie-newcomer-example.fr" // an added entry imitating nothing
	add := func(t *testing.T, dir, list string, entries ...string) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("../warninglist/data", list, "list.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		l := m["list"].([]any)
		for _, e := range entries {
			l = append(l, e)
		}
		m["list"] = l
		if b, err = json.Marshal(m); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, list+".json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	add(t, dir, "tranco10k", "paypal-secure-login.com", "micr0soft.com", "chu-exemple-rh.fr", benign)
	add(t, dir, "bank-website", "credit-agricole-secure.com")
	cfg := config.Default()
	cfg.Auth.Mode = "headers"
	cfg.Org.Domains = []string{"chu-exemple.fr"}
	cfg.Data.Warninglists = dir
	s, err := WarningLists(&cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	left := map[string]int{}
	for _, o := range s.Outcomes() {
		if !o.Taken() {
			t.Fatalf("%s", o)
		}
		left[o.List] = len(o.Imitations)
		if !strings.Contains(o.String(), "left out, imitating") {
			t.Errorf("the operator is not told: %s", o)
		}
	}
	if left["tranco10k"] != 3 || left["bank-website"] != 1 {
		t.Errorf("left out by list: %v", left)
	}
	for _, h := range []string{"paypal-secure-login.com", "micr0soft.com", "chu-exemple-rh.fr", "credit-agricole-secure.com"} {
		if s.TopSite(h) {
			t.Errorf("%s is a top site", h)
		}
	}
	if !s.TopSite(benign) {
		t.Errorf("%s, imitating nothing, is not taken", benign)
	}

	raw := msg(`From: PayPal <service@paypal-secure-login.com>
To: jean.dupont@chu-exemple.fr
Subject: Votre compte PayPal est limité
Date: Tue, 12 Mar 2024 07:00:00 +0100
Message-ID: <t1@paypal-secure-login.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8`, "Bonjour,\n\nVotre compte PayPal est limité. Confirmez vos informations : https://paypal-secure-login.com/verify\n")
	scanWith := func(dir string) *scan.Verdict {
		c := cfg
		c.Data.Warninglists = dir
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		sc, err := New(&c, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return sc.Scan(context.Background(), raw, scan.Envelope{})
	}
	embedded, refreshed := scanWith(""), scanWith(dir)
	if embedded.Action != refreshed.Action || embedded.Score != refreshed.Score {
		t.Errorf("the twin scores %v %v with the newer lists, %v %v with the embedded ones: %v", refreshed.Action, refreshed.Score, embedded.Action, embedded.Score, refreshed.Signals)
	}
}
