package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// Members' posts on lists of every kind that name a brand because it is
// their topic (testdata/listesmarques/README.md): a PayPal module on a
// Google Group, an Office 365 login on groups.io, a Stripe webhook on
// Mailman 3, Amazon Business invoices on Sympa, an OVHcloud DNS zone on
// Mailman 2.1, each from a free mailbox the list rewrote From for. Each
// is accepted behind the company's MX, where the list's signature makes
// its author readable (scan.Input.ListAuthor), and under the
// evaluation's trust, where nothing is believed and the brand is only
// mentioned.
func TestListMembersBrandTopicsAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/listesmarques/*.eml", 5)
}

// A brand's own staff posting to a Google Group ("'Microsoft Azure
// Team' via Azure partenaires FR"), whose domain Google's trusted ARC
// seal records as DMARC-passing, is the brand's name over the list's
// address: accepted behind the company's MX. Under the evaluation's
// trust nothing shows who posted, and "Name via List" is anyone's to
// write: it stays BRAND_DISPLAY_NAME there (testdata/gaps/README.md).
func TestListAuthorAtTheBrandBehindTheMX(t *testing.T) {
	files := fixtures(t, "testdata/listesmarques/mx/*.eml", 1)
	for _, c := range trustSettings(t) {
		s := newScanner(t, c.cfg)
		for _, f := range files {
			v := scanLogged(t, s, f)
			if c.believed && v.Action != scan.Accept {
				t.Errorf("%s, %s: %s (%.2f) %s", c.name, filepath.Base(f), v.Action, v.Score, weighted(v))
			}
			if !c.believed && !v.Has("BRAND_DISPLAY_NAME") {
				t.Errorf("%s, %s: the author was read with nothing believed: %s (%.2f) %s", c.name, filepath.Base(f), v.Action, v.Score, weighted(v))
			}
		}
	}
}

// The phishers' lists: "PayPal via Support" from an unauthenticated
// look-alike list, a List-Id written on the phisher's own signed domain
// with "Microsoft 365 via Equipe-it" and the brand's address in
// X-Original-From and Cc, and a person at outlook.com calling himself
// "Microsoft 365 Security" on a Google Group (the brand's free mailbox
// service is no brand). Each is flagged behind the company's MX and
// under the evaluation's trust.
func TestListBrandTwinsAreFlagged(t *testing.T) {
	flaggedUnderTrustSettings(t, "testdata/listesmarques/twins/sosie-*.eml", 3)
}

// An open Google Group relaying "Microsoft 365 account: verify your
// mailbox" from a gmail.com member with a look-alike sign-in link keeps
// BRAND_SUBJECT_OTHER_SENDER behind the MX, where the list's author is
// read (brand.linksElsewhere), and is tagged. Under the evaluation's trust
// the list's rewritten From leaves only the lure and the link (3.74, as
// before the author was read: testdata/gaps/README.md).
func TestOpenListBrandLureKeepsTheSubject(t *testing.T) {
	s := newScanner(t, atelierConfig(t))
	v := scanLogged(t, s, "testdata/listesmarques/twins/ouvert-google-groups-gmail-microsoft-365-verifier.eml")
	if v.Action == scan.Accept || !v.Has("BRAND_SUBJECT_OTHER_SENDER") {
		t.Errorf("%s (%.2f) %s", v.Action, v.Score, weighted(v))
	}
}

// TestListAuthorIsJudgedAsTheSender: the author of "'Microsoft Azure
// Team' via …" is the brand only while the list tells it reliably. Take
// away the trusted seal's record of the author's DMARC and DKIM passes
// (the list's signature alone does not show the author's domain
// answered), break the chain, give the author
// another name than the one before "via", put the author at Microsoft's
// free mailbox service, or strip the list's signature and seal (List-*
// fields alone), and the brand's name over the list's address is
// BRAND_DISPLAY_NAME again.
func TestListAuthorIsJudgedAsTheSender(t *testing.T) {
	raw, err := os.ReadFile("testdata/listesmarques/mx/google-groups-equipe-microsoft-azure-annonce-auteur-authentifie.eml")
	if err != nil {
		t.Fatal(err)
	}
	genuine := string(raw)
	s := newScanner(t, atelierConfig(t))
	if v := s.Scan(t.Context(), raw, scan.Envelope{}); v.Has("BRAND_DISPLAY_NAME") {
		t.Fatalf("genuine: %s (%.2f) %s", v.Action, v.Score, weighted(v))
	}
	for _, c := range []struct{ name, old, new string }{
		{"no trusted seal's record", "dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=microsoft.com", "dmarc=none header.from=microsoft.com"},
		{"chain broken", `arc=pass ("google.com`, `arc=fail ("google.com`},
		{"another name before via", "From: \"'Microsoft Azure Team' via", "From: \"'Microsoft 365' via"},
		{"the brand's free mailbox", "azurepartners@microsoft.com", "azurepartners@outlook.com"},
		{"no list signature", "dkim=pass (2048-bit key) header.d=googlegroups.com", "dkim=none header.d=googlegroups.com"},
	} {
		variant := strings.ReplaceAll(genuine, c.old, c.new)
		if variant == genuine {
			t.Fatalf("%s: %q not in the fixture", c.name, c.old)
		}
		if c.name == "no trusted seal's record" {
			variant = strings.ReplaceAll(variant, "dkim=pass header.i=@microsoft.com", "dkim=fail header.i=@microsoft.com")
		}
		if c.name == "the brand's free mailbox" {
			variant = strings.ReplaceAll(strings.ReplaceAll(variant, "header.from=microsoft.com", "header.from=outlook.com"), "header.i=@microsoft.com", "header.i=@outlook.com")
		}
		if c.name == "no list signature" {
			variant = strings.Replace(variant, `	arc=pass ("google.com:s=arc-20240605:i=1")`, "	arc=none", 1)
		}
		v := s.Scan(t.Context(), []byte(variant), scan.Envelope{})
		t.Logf("%-26s %5.2f %-10s %s", c.name, v.Score, v.Action, weighted(v))
		if !v.Has("BRAND_DISPLAY_NAME") {
			t.Errorf("%s: the author was taken for the brand: %s (%.2f) %s", c.name, v.Action, v.Score, weighted(v))
		}
	}
}

// A brand whose name is also an everyday word (Stripe: its display name
// is read only beside a lure of its trade, Brand.WordNames) is the
// author's too: Stripe's own notice resent by a Mailman 3 list whose
// trusted seal records stripe.com's DMARC pass (the metamorphic test's
// list) is not BRAND_DISPLAY_NAME behind the MX.
func TestListAuthorOwnsAWordNamedBrand(t *testing.T) {
	raw, err := os.ReadFile("testdata/banque/stripe-informations-entreprise-a-mettre-a-jour.eml")
	if err != nil {
		t.Fatal(err)
	}
	c := atelierConfig(t)
	variant, err := throughList(raw, siteOf(c, raw))
	if err != nil {
		t.Fatal(err)
	}
	c.Trust.ARCSealers = append(c.Trust.ARCSealers, listHost)
	v := newScanner(t, c).Scan(t.Context(), variant, scan.Envelope{})
	if v.Has("BRAND_DISPLAY_NAME") {
		t.Errorf("%s (%.2f) %s", v.Action, v.Score, weighted(v))
	}
}

// A member's subject naming a brand is the thread's topic only when the
// list's trusted seal or the author's own signature shows who wrote it,
// and the post links nowhere but to the brand's and the list's pages
// (brand.listMembersTopic). A phisher's "list" on his own signed domain
// that writes a gmail.com author in X-Original-From, and a real gmail.com
// member of an open Google Group, each with "PayPal: account limited"
// and a shortened link, keep BRAND_SUBJECT_OTHER_SENDER and stay
// quarantined behind the MX (907a52e's spare accepted them at 1.50 and
// 4.00); a "list" of the phisher's own that resends a real gmail.com
// member's post unchanged, linking to a page at its own domain, keeps it
// too and is tagged (5.07; 3.47 accept when any list's own pages counted).
func TestListBrandTopicTwinsKeepTheSubject(t *testing.T) {
	s := newScanner(t, atelierConfig(t))
	for _, f := range fixtures(t, "testdata/listesmarques/twins/topique-*.eml", 2) {
		if v := scanLogged(t, s, f); v.Action == scan.Accept || !v.Has("BRAND_SUBJECT_OTHER_SENDER") {
			t.Errorf("%s: %s (%.2f) %s", filepath.Base(f), v.Action, v.Score, weighted(v))
		}
	}
}

// A group's genuine post from a brand (Google's trusted seal recording
// microsoft.com's pass) replayed by an untrusted relay that sealed after
// Google (cv=pass, its own word) with its body swapped for a lure: the
// MX's arc=pass covers only the newest message signature, so Google's
// record is no longer about this body, and the brand's name over the
// group's address is BRAND_DISPLAY_NAME again (authsource.arcAuthor
// reads only a trusted sealer that is the newest). Accepted at 3.54
// behind the MX when any trusted seal in the chain counted.
func TestListAuthorReplayedByAnUntrustedSealer(t *testing.T) {
	s := newScanner(t, atelierConfig(t))
	v := scanLogged(t, s, "testdata/listesmarques/twins/rejoue-arc-google-groups-microsoft-azure-relais-non-fiable.eml")
	if v.Action == scan.Accept || !v.Has("BRAND_DISPLAY_NAME") {
		t.Errorf("%s (%.2f) %s", v.Action, v.Score, weighted(v))
	}
}
