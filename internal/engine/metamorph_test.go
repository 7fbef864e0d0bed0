package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// A metamorphic test of the must-accept sets: real mail reaches a French
// organisation after things that change its shape and not its honesty —
// a relay re-encoding it, a gateway's subject tag and banner, Safe Links,
// a colleague's Outlook forward, a mailing list, one more internal hop
// (metamorph_mime_test.go). Each genuine fixture accepted as it is must
// stay accepted after each transformation, scored as its set's own test
// scores it (behind the set's MX, and under the evaluation's trust); each
// lure of the must-flag sets flagged as it is must stay flagged. What
// moves and is not fixed is in metamorphExceptions, with its reason, and
// in testdata/gaps/README.md.

// metamorphSet is a must-accept directory and the configuration its own
// test reads it behind.
type metamorphSet struct {
	glob string
	home func(t *testing.T) *config.Config
	// skip, if set, leaves out the files of glob another set reads.
	skip func(path string) bool
}

// in reports whether the set reads the file at path.
func (s metamorphSet) in(path string) bool {
	ok, _ := filepath.Match(s.glob, path)
	return ok && (s.skip == nil || !s.skip(path))
}

func metamorphSets() []metamorphSet {
	hospital := func(t *testing.T) *config.Config { return chuConfig(t, "microsoft.com", "google.com") }
	modern := func(t *testing.T) *config.Config { return chuConfig(t) }
	company := atelierConfig
	legit := func(t *testing.T) *config.Config {
		c := gatewayConfig(t)
		c.Trust.Relays = append(c.Trust.Relays, "mx.chu-exemple.fr")
		c.Trust.AuthServIDs = append(c.Trust.AuthServIDs, "mx.chu-exemple.fr")
		c.Org.Domains = append(c.Org.Domains, "chu-exemple.fr")
		c.Trust.Networks = []string{"10.0.0.0/8"}
		return c
	}
	replyown := func(t *testing.T) *config.Config {
		c := chuConfig(t, "microsoft.com", "google.com")
		c.Org.Domains = []string{"chu-exemple.fr", "chu-exemple.com", "fondation-chu-exemple.fr"}
		return c
	}
	var sets []metamorphSet
	add := func(home func(t *testing.T) *config.Config, dirs ...string) {
		for _, d := range dirs {
			glob := "testdata/" + d + "/*.eml"
			if strings.ContainsAny(d, "*[") {
				glob = "testdata/" + d + ".eml"
			}
			sets = append(sets, metamorphSet{glob: glob, home: home})
		}
	}
	add(listGatewayTB, "lists")
	add(modern, "modern")
	add(hospital, "inbox", "hospital", "attachments", "sante-pro", "quotidien", "veille", "signature/hopital",
		"banque/hopital", "recherche", "clickfix/genuine/hopital", "marches", "social", "mobilite", "publics",
		"appareils", "patients", "pme", "juridique", "prospection/*hopital*", "affilies", "pdflure", "pharma", "marketing/hopital", "aveugle", "affacturage")
	add(townConfig, "affilies/ville")
	add(legit, "legit")
	add(replyown, "replyown")
	add(calderConfig, "corp2001/mx-*")
	add(company, "selfhosted", "europe", "rhsaas", "secmail", "marches/fournisseur", "brandplace", "abonnements",
		"perso", "signature", "securite", "partage", "newsletters2002c", "banque", "livraison", "social/entreprise",
		"hebergeur", "saasen", "b2bmal/genuine", "rhfraude/genuine", "devicecode/genuine", "bandeaux",
		"clickfix/genuine", "corp2001/export-*", "listesmarques", "routeurs", "marketing", "ipliens", "svg")
	// prospectionSettings: the hospital's mail behind its MX, the
	// company's behind the company's.
	sets = append(sets, metamorphSet{"testdata/prospection/*.eml", company, func(p string) bool { return strings.Contains(filepath.Base(p), "hopital") }})
	return sets
}

// listGatewayTB is listGateway's configuration.
func listGatewayTB(t *testing.T) *config.Config { return listGateway(t) }

// transformation is one change a mail system makes on the way.
type transformation struct {
	name  string
	apply func(raw []byte, s site) ([]byte, error)
	// configure, if set, is the set's configuration as the site that
	// receives mail this way writes it (the list's ARC seal trusted, the
	// internal Exchange server among the relays).
	configure func(c *config.Config)
	// reportOnly, if set, says why what the transformation moves is
	// logged and not failed on.
	reportOnly string
}

var transformations = []transformation{
	{name: "roundtrip", apply: func(raw []byte, _ site) ([]byte, error) { return rewriteMIME(raw, nil, nil) }},
	{name: "reencode", apply: reencode},
	{name: "banner-fr", apply: bannerFR.apply},
	{name: "banner-en", apply: bannerEN.apply},
	{name: "safelinks", apply: safeLinks},
	{name: "forward", apply: forwardOutlook},
	{name: "list", apply: throughList, configure: func(c *config.Config) {
		c.Trust.ARCSealers = append(slices.Clone(c.Trust.ARCSealers), listHost)
	}, reportOnly: "From rewritten to the list's address puts a brand's or a colleague's name over the list's domain " +
		"and Reply-To elsewhere, the display-name and reply-elsewhere shapes phishing has; no fix is safe under the " +
		"evaluation's trust, where anyone writes List-* fields (testdata/gaps/README.md, Metamorphic test)"},
	{name: "exchange-hop", apply: exchangeHop, configure: func(c *config.Config) {
		// internal/received: hop 0 must be received by a trusted relay;
		// a site with an Exchange server behind its MX lists it, as
		// calderConfig does.
		relays := slices.Clone(c.Trust.Relays)
		for _, d := range c.Org.Domains {
			relays = append(relays, "EXCH01."+d)
		}
		c.Trust.Relays = relays
	}},
}

// siteOf is where raw was received behind c: the configured relay that
// received it, the organisation domain it belongs to, the authserv-id it
// writes.
func siteOf(c *config.Config, raw []byte) site {
	s := site{domain: c.Org.Domains[0], mx: c.Trust.Relays[0], authserv: c.Trust.AuthServIDs[0]}
	head, _, _ := strings.Cut(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n\n")
	head = strings.ToLower(head)
	for _, r := range c.Trust.Relays {
		if strings.Contains(head, "by "+strings.ToLower(r)) {
			s.mx = r
			break
		}
	}
	for _, id := range c.Trust.AuthServIDs {
		if strings.EqualFold(id, s.mx) {
			s.authserv = id
		}
	}
	for _, d := range c.Org.Domains {
		if strings.HasSuffix(strings.ToLower(s.mx), "."+d) {
			s.domain = d
		}
	}
	return s
}

// moved is one variant whose verdict changed.
type moved struct {
	transform, file, trust string
	v                      *scan.Verdict
}

func (m moved) key() string { return m.transform + " " + m.file }

// metamorphExceptions are the genuine variants known to be flagged, with
// why each is left (testdata/gaps/README.md, "Metamorphic test").
var metamorphExceptions = map[string]string{
	"reencode perso/paypal-compte-limite-documents-demandes.eml": "4.39 under the evaluation's trust; BASE64_HTML_BODY (0.50) " +
		"is the transfer encoding's own weak signal, and the fixture has 0.11 to spare",
	"forward abonnements/engie-cheque-energie-utilisation-confirmee.eml":                forwardUnbelieved,
	"forward lists/mailman2-membre-avertit-arnaque-419-citee.eml":                       forwardUnbelieved + "; the original quotes a 419 scam",
	"forward lists/sympa-univ-name-email-via-list.eml":                                  forwardUnbelieved,
	"forward livraison/dhl-express-service-douane-documents-import.eml":                 forwardUnbelieved,
	"forward publics/ars-enquete-vaccination-assurance-maladie-sondage-blog.eml":        forwardUnbelieved,
	"forward publics/prefecture-webinaire-urssaf-dgfip-formulaires-videos-communes.eml": forwardUnbelieved,
	"forward secmail/exchange-accuse-remise-remis.eml":                                  forwardUnbelieved,
}

// forwardUnbelieved: under the evaluation's trust the colleague's forward
// is not authenticated, and the original, rebuilt from the block alone,
// is judged as a typed block would be (internal/checks/forward): a
// brand's notice whose links lead off the brand's domain, without the
// original's authentication, is the forwarded phish's shape.
const forwardUnbelieved = "under the evaluation's trust only: the original rebuilt from the block is judged without its sender's authentication"

// metamorphEvasions are the lures known to be accepted once transformed,
// with why each is left.
var metamorphEvasions = map[string]string{}

// forgedForward: a forward from the organisation's own domain whose
// sender nothing authenticates (the evaluation's trust) carries the lure
// as a block: the original is rebuilt without its Reply-To and headers,
// which the BEC and payroll lures need, and what it keeps (a free host,
// a lure phrase) stays under the forward's floor. Behind the MX the
// same forward, forged, is ORG_DOMAIN_SPOOF.
const forgedForward = "a forged colleague's forward under the evaluation's trust: the rebuilt original loses the Reply-To and headers the lure is flagged on"

func init() {
	for _, f := range []string{"phish2026/aitm-google-sites-bulletin-de-paie.eml", "phish2026/google-agenda-reel-facture-rappel-telephonique.eml",
		"phishfam/paie-demande-w2-employes-bec.eml", "rhfraude/das2-etat-des-salaires-directeur-gmail-fr.eml",
		"rhfraude/handbook-acknowledge-rh-usurpe-workers-dev-en.eml", "rhfraude/journal-de-paie-rib-agents-direction-usurpee-fr.eml",
		"rhfraude/modification-rib-salaire-laposte-fr.eml", "rhfraude/nouveau-rib-agent-usurpe-reply-to-hotmail-fr.eml",
		"rhfraude/prime-partage-valeur-paie-usurpe-web-app-fr.eml", "rhfraude/rib-virement-salaire-yahoo-premier-contact-fr.eml",
		"rhfraude/salary-bank-account-change-outlook-en.eml", "rhfraude/w2-copies-employes-direction-usurpee-reply-to-gmail-en.eml"} {
		metamorphEvasions["forward "+f] = forgedForward
	}
}

// colleagueForward: behind the MX, a colleague's authenticated forward
// from inside is left alone by design — a user forwarding suspect mail
// to a colleague or the security team must reach them
// (internal/checks/forward) — so every lure forwarded so is accepted
// there; the lure was judged when it arrived.
const colleagueForward = "behind the MX an authenticated colleague's forward from inside is left alone by design (internal/checks/forward)"

// TestMustAcceptSurvivesMailTransformations: each genuine fixture stays
// accepted after each transformation, the known exceptions and the
// report-only list aside; -v logs the per-transformation counts and every
// variant that moved, with its signals, and METAMORPH_DUMP=dir writes the
// variants there to read them.
func TestMustAcceptSurvivesMailTransformations(t *testing.T) {
	tried, flagged := transformSets(t, metamorphSets(), true, transformations)
	report(t, "genuine moved to flagged", transformations, tried, flagged, metamorphExceptions)
}

// The lures of the must-flag sets, scored as their tests score them
// (behind the hospital's MX and under the evaluation's trust), stay
// flagged after each transformation: a transformation that lets one
// through is an evasion, fixed or written in metamorphEvasions.
func TestMustFlagSurvivesMailTransformations(t *testing.T) {
	var sets []metamorphSet
	for _, d := range []string{"rhfraude", "devicecode", "phishfam", "phish2026"} {
		sets = append(sets, metamorphSet{glob: "testdata/" + d + "/*.eml", home: func(t *testing.T) *config.Config { return chuConfig(t, "microsoft.com", "google.com") }})
	}
	tried, accepted := transformSets(t, sets, false, transformations)
	var judged []moved
	for _, m := range accepted {
		if m.transform == "forward" && m.trust == "home" {
			t.Logf("%s (%s)", m.key(), colleagueForward)
			continue
		}
		judged = append(judged, m)
	}
	report(t, "lures moved to accepted", transformations, tried, judged, metamorphEvasions)
}

// Each must-accept directory is one of metamorphSets', so that a set added
// to TestMustAcceptFixturesUnderEvalTrust is transformed too.
func TestMetamorphCoversMustAcceptSets(t *testing.T) {
	sets := metamorphSets()
	for _, dir := range mustAcceptDirs {
		files, _ := filepath.Glob("testdata/" + dir + "/*.eml")
		for _, f := range files {
			n := 0
			for _, s := range sets {
				if s.in(f) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s: in %d sets of metamorphSets", f, n)
			}
		}
	}
}

// transformSets applies each transformation to each fixture of sets and
// scores the variant behind the set's MX and under the evaluation's
// trust, where the fixture itself is accepted (genuine) or flagged (not
// genuine); it returns how many fixtures each transformation was tried on
// and the variants whose verdict moved to the other side.
func transformSets(t *testing.T, sets []metamorphSet, genuine bool, trs []transformation) (map[string]int, []moved) {
	t.Helper()
	ev := newScanner(t, evalTrustConfig(t))
	var out []moved
	tried := map[string]int{}
	kept := func(a scan.Action) bool { return (a == scan.Accept) == genuine }
	for _, set := range sets {
		files, err := filepath.Glob(set.glob)
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no fixtures (%v)", set.glob, err)
		}
		files = slices.DeleteFunc(files, func(f string) bool { return !set.in(f) })
		if testing.Short() {
			// A third of each set, the known tables aside.
			var sample []string
			for i, f := range files {
				if i%3 == 0 {
					sample = append(sample, f)
				}
			}
			files = sample
		}
		cfg := set.home(t)
		plain := newScanner(t, cfg)
		homeFor := map[string]*scan.Scanner{}
		for _, tr := range trs {
			homeFor[tr.name] = plain
			if tr.configure != nil {
				c := *cfg
				tr.configure(&c)
				homeFor[tr.name] = newScanner(t, &c)
			}
		}
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimPrefix(f, "testdata/")
			base := map[string]bool{
				"home": kept(plain.Scan(t.Context(), raw, scan.Envelope{}).Action),
				"eval": kept(ev.Scan(t.Context(), raw, scan.Envelope{}).Action),
			}
			for _, tr := range trs {
				variant, err := tr.apply(raw, siteOf(cfg, raw))
				if err != nil {
					t.Errorf("%s %s: not transformed: %v", tr.name, name, err)
					continue
				}
				tried[tr.name]++
				if dir := os.Getenv("METAMORPH_DUMP"); dir != "" {
					os.WriteFile(filepath.Join(dir, tr.name+"--"+strings.ReplaceAll(name, "/", "--")), variant, 0o644)
				}
				for trust, s := range map[string]*scan.Scanner{"home": homeFor[tr.name], "eval": ev} {
					if !base[trust] {
						continue
					}
					if v := s.Scan(t.Context(), variant, scan.Envelope{}); !kept(v.Action) {
						out = append(out, moved{tr.name, name, trust, v})
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].key() != out[j].key() {
			return out[i].key() < out[j].key()
		}
		return out[i].trust < out[j].trust
	})
	return tried, out
}

// report logs per transformation of trs how many variants moved, with their
// signals, and fails on those not known.
func report(t *testing.T, what string, trs []transformation, tried map[string]int, got []moved, known map[string]string) {
	t.Helper()
	reportOnly := map[string]bool{}
	for _, tr := range trs {
		reportOnly[tr.name] = tr.reportOnly != ""
	}
	byTransform := map[string]map[string]bool{}
	seen := map[string]bool{}
	for _, m := range got {
		if byTransform[m.transform] == nil {
			byTransform[m.transform] = map[string]bool{}
		}
		byTransform[m.transform][m.file] = true
		seen[m.key()] = true
		line := fmt.Sprintf("%s %s, %s: %s (%.2f) %s", m.transform, m.file, m.trust, m.v.Action, m.v.Score, weighted(m.v))
		if reportOnly[m.transform] {
			t.Log("report only: " + line)
			continue
		}
		if _, ok := known[m.key()]; ok {
			t.Log("known: " + line)
		} else {
			t.Error(line)
		}
	}
	for _, tr := range trs {
		t.Logf("%-13s %s: %d of %d fixtures", tr.name, what, len(byTransform[tr.name]), tried[tr.name])
	}
	var stale []string
	for k := range known {
		if !seen[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(stale)
	for _, k := range stale {
		if testing.Short() {
			break // a sample: the known may not have been tried
		}
		t.Errorf("%s: no longer moves; take it off the known table and testdata/gaps/README.md", k)
	}
}
