package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// A list that answers for its own domain and is run by list software
// (two list fields on its domain) turns a p=none author's DMARC failure
// into AUTH_DMARC_FAIL_LIST (authn): its footer broke the author's
// signature. Three header fields and an SPF record on a domain the
// phisher registered make such a "list", and any p=none From rides it —
// the parcel-fee forgery quarantined at 7.01 fell to 4.47 with the list
// fields, accepted (6.67 now, quarantined). The spare holds no longer for a list
// domain the newly-registered list (data.nrd) or the registry dates days
// back; an established list host keeps it (the real list post below).
func TestYoungListSparesNoForgedFrom(t *testing.T) {
	nrd := filepath.Join(t.TempDir(), "nrd.txt")
	if err := os.WriteFile(nrd, []byte("listes-infos-qzx.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Scan.Timeout = checktest.ScanTimeout
	cfg.Data.NRD = nrd
	scanAs := func(r auth.Results, raw []byte, env scan.Envelope) *scan.Verdict {
		t.Helper()
		s, err := New(&cfg, Options{Online: fixedAuth{r}})
		if err != nil {
			t.Fatal(err)
		}
		return s.Scan(context.Background(), raw, env)
	}
	const (
		from = "From: Suivi Colis <suivi@colis-relais-info.com>\nTo: agent@chu-exemple.fr\nSubject: Votre colis\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <lst1@colis-relais-info.com>\n"
		body = "<html><body><p>Bonjour,</p><p>Votre colis est en attente : des frais de réexpédition de 1,99 EUR restent dus.</p><p><a href=\"https://qzxkvbtr.com/colis\">Suivi</a></p></body></html>\n"
	)
	listOf := func(d string) string {
		return "Sender: infos-bounces@" + d + "\nList-Id: Infos <infos." + d + ">\nList-Post: <mailto:infos@" + d + ">\nList-Help: <mailto:infos-request@" + d + "?subject=help>\n"
	}
	via := func(d string) (auth.Results, scan.Envelope) {
		return auth.Results{SPF: auth.Pass, SPFDomain: d, DMARC: auth.Fail, DMARCPolicy: "none", DMARCDomain: "colis-relais-info.com",
			DKIM: []auth.DKIMResult{{Domain: d, Result: auth.Pass}}}, scan.Envelope{MailFrom: "infos-bounces@" + d}
	}
	r, env := via("listes-infos-qzx.com")
	plain := scanAs(r, msg(from+dayHTML, body), env)
	attack := scanAs(r, msg(from+listOf("listes-infos-qzx.com")+dayHTML, body), env)
	t.Logf("plain  %5.2f %-10s %s", plain.Score, plain.Action, explainVerdict(plain))
	t.Logf("attack %5.2f %-10s %s", attack.Score, attack.Action, explainVerdict(attack))
	if plain.Action.Rank() < scan.Tag.Rank() {
		t.Fatalf("the plain forgery itself is %s (%.2f): the case proves nothing", plain.Action, plain.Score)
	}
	if attack.Action.Rank() < plain.Action.Rank() || attack.Has("AUTH_DMARC_FAIL_LIST") || !attack.Has("AUTH_DMARC_FAIL") {
		t.Errorf("attack %s %.2f, plain %s %.2f: the young list must spare nothing", attack.Action, attack.Score, plain.Action, plain.Score)
	}
	// The genuine post of a p=none member through a list host nobody
	// lists as new: still the list's doing.
	r, env = via("listes-asso-exemple.org")
	post := "<html><body><p>Bonjour à tous,</p><p>Le compte rendu de l'assemblée générale du 28 novembre est en ligne sur le site de l'association. La prochaine réunion aura lieu le 9 janvier.</p><p>Bien cordialement,<br>Claire Martin</p></body></html>\n"
	v := scanAs(r, msg("From: Claire Martin <claire.martin@mutuelle-exemple.fr>\nTo: infos@listes-asso-exemple.org\nSubject: [Infos] Compte rendu de l'AG\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <ag1@mutuelle-exemple.fr>\n"+listOf("listes-asso-exemple.org")+dayHTML, post), env)
	t.Logf("post   %5.2f %-10s %s", v.Score, v.Action, explainVerdict(v))
	if v.Action != scan.Accept || !v.Has("AUTH_DMARC_FAIL_LIST") {
		t.Errorf("the list post: %s %.2f, want accepted with AUTH_DMARC_FAIL_LIST", v.Action, v.Score)
	}
}
