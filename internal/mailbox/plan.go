package mailbox

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"vigie.dev/vigie/internal/fuzzy"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// Skipped is a delivered copy the plan leaves alone, and why.
type Skipped struct {
	Target
	WhyFR string `json:"why_fr"`
	WhyEN string `json:"why_en"`
}

// PlanOptions are the guards of a purge.
type PlanOptions struct {
	// OwnDomains are the organisation's mail domains: only their
	// mailboxes are on the server, and mail from them is internal.
	OwnDomains []string
	// Internal allows copies sent from the organisation's own domains
	// (a compromised account's mail); off, they are listed, not moved.
	Internal bool
	// Protected mailboxes are never purged: the abuse or reporting box,
	// whose copies are evidence.
	Protected []string
	// Since keeps only copies delivered at or after it (the ZAP window).
	Since time.Time
	// Only keeps only copies matched by one of these indicators ("kind
	// value", as Indicator.Key): the ZAP run of newly blocked indicators.
	Only []string
}

// Plan turns the retro-hunt's trace records into the copies to pull out,
// and lists the others with the guard that held them back: copies the
// gateway kept (quarantined, rejected) were never delivered; a copy
// matched only by an indicator in watch mode (a whole domain, shared
// infrastructure — the warning lists' verdict) is not certain enough to be
// moved without a person; internal senders and protected mailboxes need
// an explicit choice.
func Plan(recs []incident.TraceRecord, inds []incident.Indicator, o PlanOptions) ([]Target, []Skipped) {
	mode := map[string]string{}
	for _, ind := range inds {
		m := ind.Mode
		if m == "" {
			m = ind.Suggested
		}
		mode[ind.Kind+" "+strings.ToLower(ind.Value)] = m
	}
	var targets []Target
	var skipped []Skipped
	seen := map[string]bool{}
	for _, rec := range recs {
		for _, rcpt := range rec.Recipients {
			rcpt = strings.ToLower(strings.Trim(rcpt, "<> "))
			t := Target{Mailbox: rcpt, MessageID: strings.Trim(rec.MessageID, "<> "), From: addrOf(rec.From),
				Subject: rec.Subject, Delivered: rec.Time, Matched: rec.Matched}
			key := t.Mailbox + "\x00" + t.MessageID + "\x00" + rec.Time.String()
			if seen[key] {
				continue
			}
			seen[key] = true
			skip := func(fr, en string) { skipped = append(skipped, Skipped{Target: t, WhyFR: fr, WhyEN: en}) }
			switch {
			case rec.Action != "delivered" && rec.Action != "tagged":
				continue // never reached the mailbox: nothing to pull out
			case len(o.OwnDomains) > 0 && !inDomains(rcpt, o.OwnDomains):
				skip("destinataire hors des domaines de l'organisation", "recipient outside the organisation's domains")
			case !o.Since.IsZero() && rec.Time.Before(o.Since):
				continue
			case slices.Contains(o.Protected, rcpt):
				skip("boîte protégée (signalements : les copies y sont des preuves)", "protected mailbox (reports: the copies there are evidence)")
			case !o.Internal && len(o.OwnDomains) > 0 && inDomains(t.From, o.OwnDomains):
				skip("expéditeur interne : vérifier puis relancer avec --internal", "internal sender: check, then run again with --internal")
			default:
				if ok, fr, en := matchedBlock(rec.Matched, mode, o.Only); !ok {
					skip(fr, en)
					continue
				}
				targets = append(targets, t)
			}
		}
	}
	return targets, skipped
}

// matchedBlock reports whether one of the labels a trace record matched
// ("sender x@y", "url http://…") is an indicator in block mode.
func matchedBlock(matched []string, mode map[string]string, only []string) (bool, string, string) {
	kinds := map[string]string{"sender": incident.KindEmail, "ip": incident.KindIP, "domain": incident.KindDomain,
		"host": incident.KindHost, "url": incident.KindURL, "sha256": incident.KindSHA256, "fuzzy": incident.KindFuzzy}
	watch := false
	for _, m := range matched {
		label, value, _ := strings.Cut(m, " ")
		key := kinds[label] + " " + strings.ToLower(value)
		if len(only) > 0 && !slices.Contains(only, key) {
			continue
		}
		switch mode[key] {
		case "block":
			return true, "", ""
		case "watch":
			watch = true
		}
	}
	if watch {
		return false, "seulement des indicateurs en détection (domaine entier, infrastructure partagée) : à vérifier à la main",
			"only watch-mode indicators (a whole domain, shared infrastructure): check by hand"
	}
	return false, "aucun indicateur de blocage de l'incident", "no block indicator of the incident"
}

func inDomains(addr string, domains []string) bool {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return false
	}
	d := strings.ToLower(addr[at+1:])
	for _, own := range domains {
		own = strings.ToLower(strings.TrimPrefix(own, "."))
		if d == own || strings.HasSuffix(d, "."+own) {
			return true
		}
	}
	return false
}

// addrOf takes the address out of a From header value.
func addrOf(from string) string {
	if i := strings.LastIndexByte(from, '<'); i >= 0 {
		if j := strings.IndexByte(from[i:], '>'); j > 0 {
			return strings.ToLower(strings.TrimSpace(from[i+1 : i+j]))
		}
	}
	return strings.ToLower(strings.Trim(strings.TrimSpace(from), "<>"))
}

// ContentVerifier confirms a candidate copy by what it carries: one of the
// incident's URLs, URL hosts or attachment hashes, or a body whose fuzzy
// hash is close to one of the incident's (the same template sent with a
// different Message-ID).
func ContentVerifier(inds []incident.Indicator) func(raw []byte) (bool, string) {
	want := map[string]bool{}
	var fuzz []fuzzy.Signature
	for _, ind := range inds {
		switch ind.Kind {
		case incident.KindURL, incident.KindHost, incident.KindSHA256:
			want[ind.Kind+" "+strings.ToLower(ind.Value)] = true
		case incident.KindFuzzy:
			fuzz = append(fuzz, fuzzy.Signature(ind.Value))
		}
	}
	return func(raw []byte) (bool, string) {
		m := message.Parse(raw, message.DefaultLimits())
		for _, l := range scan.LinksOf(m) {
			if want[incident.KindURL+" "+strings.ToLower(l.URL.Raw)] || want[incident.KindURL+" "+strings.ToLower(l.Target)] {
				return true, "URL " + l.URL.Raw
			}
			if want[incident.KindHost+" "+strings.ToLower(l.Host)] {
				return true, "hôte " + l.Host
			}
		}
		for _, a := range m.Attachments {
			if want[incident.KindSHA256+" "+strings.ToLower(a.SHA256)] {
				return true, "pièce jointe sha256 " + a.SHA256
			}
		}
		text := m.HTMLText
		if len(m.Text) > len(text) {
			text = m.Text
		}
		sig := fuzzy.Body(text)
		for _, f := range fuzz {
			if s := fuzzy.Similarity(sig, f); s >= MinFuzzySimilarity {
				return true, fmt.Sprintf("corps semblable à %.0f %%", 100*s)
			}
		}
		return false, ""
	}
}

// MinFuzzySimilarity is how close a body must be to the campaign's to be
// taken for a copy of it.
const MinFuzzySimilarity = 0.9
