package engine

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/scan"
)

// Mail posing as a French public body from a sender that is not the body
// (testdata/institutions/README.md): the campaign families
// Cybermalveillance.gouv.fr's alerts describe — fausses amendes ANTAI,
// faux remboursements des impôts, fausses cartes Vitale, faux URSSAF, faux
// CAF and France Travail, and the fiche's faux Chorus Pro — written without
// a lure phrase, each asking the reader to act through someone else's
// site, are held (phish-*: at least quarantined, the copy that pads its
// footer with ameli.fr links too). Their twins are accepted (ham-*): the
// body's own notice from its domain, a supplier's invoice lodged on Chorus
// Pro, a subcontractor's URSSAF attestation on its own site, an
// accountant's reminder of URSSAF deadlines, a hospital's newsletter that
// mentions the Assurance Maladie — behind the company's MX and under the
// evaluation's trust settings. A copy that names the body only in its
// text, beside a link elsewhere (abuse-*), keeps INSTITUTION_UNAUTHENTICATED.
func TestInstitutionClaimsLeadingElsewhere(t *testing.T) {
	files, err := filepath.Glob("testdata/institutions/*.eml")
	if err != nil || len(files) < 17 {
		t.Fatalf("fixtures missing: %d, %v", len(files), err)
	}
	behind := newScanner(t, atelierConfig(t))
	eval := newScanner(t, evalTrustConfig(t))
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasPrefix(base, "abuse-") {
			// The body named only in the text, beside a link elsewhere:
			// the mention spare (no claim in subject or signature) does
			// not take INSTITUTION_UNAUTHENTICATED off it.
			if v := scanLogged(t, behind, f); !slices.Contains(names(v), "INSTITUTION_UNAUTHENTICATED") {
				t.Errorf("%s: %s (%.2f), want INSTITUTION_UNAUTHENTICATED; %s", base, v.Action, v.Score, weighted(v))
			}
			continue
		}
		if strings.HasPrefix(base, "phish-") {
			v := scanLogged(t, behind, f)
			if v.Action.Rank() < scan.Quarantine.Rank() || !slices.Contains(names(v), "INSTITUTION_ACTION_ELSEWHERE") {
				t.Errorf("%s: %s (%.2f), want quarantine with INSTITUTION_ACTION_ELSEWHERE; %s", base, v.Action, v.Score, weighted(v))
			}
			continue
		}
		for _, s := range []*scan.Scanner{behind, eval} {
			if v := scanLogged(t, s, f); v.Action != scan.Accept || slices.Contains(names(v), "INSTITUTION_ACTION_ELSEWHERE") {
				t.Errorf("%s: %s (%.2f), want accepted without INSTITUTION_ACTION_ELSEWHERE; %s", base, v.Action, v.Score, weighted(v))
			}
		}
	}
}

// A sender passing DMARC for its own domain that names a public body in
// its subject speaks of it (brand institutionLeadsElsewhere): a payroll
// software's newsletter on the year's URSSAF changes and a mutual
// insurer's on the Assurance Maladie's dental refunds, each through its
// mailing platform's tracker, are accepted without
// INSTITUTION_ACTION_ELSEWHERE. The URSSAF copy, its sender passing DMARC
// for its own domain, still signs as the URSSAF and is still held; so are
// the copy whose display name claims the body and the unauthenticated copy
// whose link is on the site it is sent from.
func TestAuthenticatedSubjectSpeaksOfTheInstitution(t *testing.T) {
	signed := func(d string) auth.Results {
		return auth.Results{SPF: auth.Pass, SPFDomain: d, DMARC: auth.Pass, DMARCPolicy: "none", DMARCDomain: d, DKIM: []auth.DKIMResult{{Domain: d, Result: auth.Pass}}}
	}
	const bulk = "List-Unsubscribe: <https://r.sendibt3.com/unsub/abc>\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit"
	for _, c := range []struct{ name, display, domain, subject, body string }{
		{"a payroll software's newsletter", "Paie Facile", "paie-facile-exemple.fr", "URSSAF : ce qui change au 1er janvier 2027",
			"<html><body><p>Bonjour,</p><p>Taux de cotisations, plafond de la Sécurité sociale, DSN : téléchargez notre guide des nouveautés 2027.</p><p><a href=\"https://r.sendibt3.com/mk/cl/f/sh/abc123\">Télécharger le guide</a></p><p>L'équipe Paie Facile</p><p><a href=\"https://r.sendibt3.com/unsub/abc\">Se désinscrire</a></p></body></html>"},
		{"a mutual insurer's newsletter", "Mutuelle Exemple", "mutuelle-exemple.fr", "Assurance Maladie : remboursement de vos soins dentaires",
			"<html><body><p>Bonjour,</p><p>Depuis le 1er janvier, l'Assurance Maladie rembourse mieux les soins dentaires. Connectez-vous à votre espace adhérent pour voir vos garanties.</p><p><a href=\"https://click.mutuelle-news.com/l/xyz\">Mon espace</a></p></body></html>"},
	} {
		raw := msg("From: "+c.display+" <news@"+c.domain+">\nTo: contact@atelier-exemple.fr\nSubject: "+c.subject+"\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <n1@"+c.domain+">\n"+bulk, c.body)
		v := scanWith(t, signed(c.domain), raw, scan.Envelope{MailFrom: "b@" + c.domain})
		t.Logf("%5.2f %-10s %s: %s", v.Score, v.Action, c.name, explainVerdict(v))
		if v.Action != scan.Accept || v.Has("INSTITUTION_ACTION_ELSEWHERE") {
			t.Errorf("%s: %s (%.2f), want accepted without INSTITUTION_ACTION_ELSEWHERE", c.name, v.Action, v.Score)
		}
	}
	raw, err := os.ReadFile("testdata/institutions/phish-urssaf-attestation-telechargement.eml")
	if err != nil {
		t.Fatal(err)
	}
	dmarc := strings.NewReplacer("dkim=none (no signature)", "dkim=pass header.d=garage-dupont-exemple.fr",
		"spf=none", "spf=pass", "dmarc=none", "dmarc=pass").Replace(string(raw))
	s := newScanner(t, atelierConfig(t))
	for _, c := range []twin{
		{"the copy signing as the URSSAF, DMARC passing", dmarc},
		{"the same claiming the URSSAF in its display name", strings.Replace(dmarc, "From: Service cotisants", "From: URSSAF Service cotisants", 1)},
		// Signed as the URSSAF without SPF or DMARC, its link on the
		// site it is sent from: that domain is any the phisher writes.
		{"the copy signing as the URSSAF, linking to its sender's site", strings.ReplaceAll(string(raw), "docs-attest-cotisant.com", "garage-dupont-exemple.fr")},
	} {
		v := s.Scan(t.Context(), []byte(c.raw), scan.Envelope{})
		t.Logf("%5.2f %-10s %s: %s", v.Score, v.Action, c.name, weighted(v))
		if !v.Has("INSTITUTION_ACTION_ELSEWHERE") {
			t.Errorf("%s: %s (%.2f), want INSTITUTION_ACTION_ELSEWHERE; %s", c.name, v.Action, v.Score, weighted(v))
		}
	}
}

// The subject's claim spared for a sender passing DMARC (above) was the
// phisher's too: from a domain of his own with DMARC published, his
// URSSAF notice without the signature line, the body named in its
// subject alone, was accepted at 1.60 (BRAND_SUBJECT_OTHER_SENDER). A
// domain registered days ago — the newly-registered list, or the
// registry under 30 days — answers for nothing, and the subject counts
// again; the newsletters above come from established domains.
func TestYoungSenderSubjectClaimsTheInstitution(t *testing.T) {
	raw, err := os.ReadFile("testdata/institutions/phish-urssaf-attestation-telechargement.eml")
	if err != nil {
		t.Fatal(err)
	}
	attack := strings.NewReplacer("dkim=none (no signature)", "dkim=pass header.d=garage-dupont-exemple.fr",
		"spf=none", "spf=pass", "dmarc=none", "dmarc=pass",
		"Service cotisants\nURSSAF\n", "Service cotisants\n", "<p>Service cotisants<br>URSSAF</p>", "<p>Service cotisants</p>",
		"votre attestation URSSAF depuis", "votre attestation depuis",
		"garage-dupont-exemple.fr", "attestation-cotisant-qzx.fr").Replace(string(raw))
	nrd := filepath.Join(t.TempDir(), "nrd.txt")
	if err := os.WriteFile(nrd, []byte("attestation-cotisant-qzx.fr\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := atelierConfig(t)
	cfg.Data.NRD = nrd
	s, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := s.Scan(t.Context(), []byte(attack), scan.Envelope{})
	t.Logf("%5.2f %-10s %s", v.Score, v.Action, weighted(v))
	if v.Action.Rank() < scan.Tag.Rank() || !v.Has("INSTITUTION_ACTION_ELSEWHERE") {
		t.Errorf("%s (%.2f), want at least tagged with INSTITUTION_ACTION_ELSEWHERE", v.Action, v.Score)
	}
}

// A body named in the text of a sender without SPF or DMARC is claimed
// beside a link leading away (the abuse-* fixture, 4.00): 143c833 let a
// link to the sender's own site lead nowhere, for the small supplier
// whose invoice "was lodged on Chorus Pro". The phisher who sends from a
// compromised site hosts his page on it as well: the same unpaid-URSSAF
// notice linking to the garage's own wp-content fell to 2.00. A text
// that asks to act (pay, download, update: institutionActions) from a
// sender not shown to answer for its domain has no site of its own, as
// the signed copies have none (b3109d3); the supplier's notice asks
// nothing and stays accepted (ham-* fixtures).
func TestUnauthenticatedMentionLinkingToItsOwnSite(t *testing.T) {
	raw, err := os.ReadFile("testdata/institutions/abuse-urssaf-nomme-dans-le-texte-lien-ailleurs.eml")
	if err != nil {
		t.Fatal(err)
	}
	own := strings.ReplaceAll(string(raw), "https://solde-cotisant-en-ligne.com/regularisation", "https://www.garage-dupont-exemple.fr/wp-content/uploads/2026/12/regularisation/")
	s := newScanner(t, atelierConfig(t))
	plain := s.Scan(t.Context(), raw, scan.Envelope{})
	attack := s.Scan(t.Context(), []byte(own), scan.Envelope{})
	t.Logf("plain  %5.2f %-10s %s", plain.Score, plain.Action, weighted(plain))
	t.Logf("attack %5.2f %-10s %s", attack.Score, attack.Action, weighted(attack))
	if !attack.Has("INSTITUTION_UNAUTHENTICATED") || attack.Score < plain.Score {
		t.Errorf("attack %.2f, plain %.2f: the sender's own site must not spare the claim", attack.Score, plain.Score)
	}
}
