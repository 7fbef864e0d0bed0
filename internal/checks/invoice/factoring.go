package invoice

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	docs "vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

//go:embed factoring.yaml
var defaultFactoring []byte

// Factoring is factoring.yaml: the phrases of a factor announcing that a
// supplier assigned it its receivables, and the factors' own domains.
type Factoring struct {
	Phrases []Phrase
	Factors []string
	// Unverified is where the phrases read only from a free mailbox or
	// a sender failing DMARC begin in Phrases (the "dailly" group: the
	// wording of a bank's genuine Dailly notification, which any bank
	// sends from its own domain).
	Unverified int
}

// FactoringData parses factoring.yaml: sources described, fr and en
// phrases and the factors' domains grouped by source.
func FactoringData(data []byte) (Factoring, error) {
	var raw struct {
		Sources map[string]string   `yaml:"sources"`
		FR      map[string][]string `yaml:"fr"`
		EN      map[string][]string `yaml:"en"`
		Dailly  map[string][]string `yaml:"dailly"`
		Factors map[string][]string `yaml:"factors"`
	}
	var out Factoring
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return out, fmt.Errorf("invoice: factoring: %w", err)
	}
	for _, l := range []struct {
		lang   string
		groups map[string][]string
	}{{"fr", raw.FR}, {"en", raw.EN}, {"dailly", raw.Dailly}, {"factors", raw.Factors}} {
		if l.lang == "dailly" {
			out.Unverified = len(out.Phrases)
		}
		srcs := make([]string, 0, len(l.groups))
		for src := range l.groups {
			srcs = append(srcs, src)
		}
		sort.Strings(srcs)
		for _, src := range srcs {
			if raw.Sources[src] == "" {
				return out, fmt.Errorf("invoice: factoring: source %q is not described", src)
			}
			for _, p := range l.groups[src] {
				if l.lang == "factors" {
					out.Factors = append(out.Factors, strings.ToLower(p))
					continue
				}
				if n := len(strings.Fields(p)); n == 0 || n > textmatch.MaxWords {
					return out, fmt.Errorf("invoice: factoring phrase %q: %d words, 1 to %d", p, n, textmatch.MaxWords)
				}
				lang := l.lang
				if lang == "dailly" {
					lang = "fr"
				}
				out.Phrases = append(out.Phrases, Phrase{Text: p, Lang: lang, Source: src})
			}
		}
	}
	return out, nil
}

// FactoringEntries returns the factoring phrases, for the provenance test.
func (c *Check) FactoringEntries() []Phrase { return c.factoring.Phrases }

// factoringWords is how much of each text the factor's phrase is looked
// for in: a notice says it in its first lines.
const factoringWords = 400

// FactoringNotice returns the factor's-side phrase the message's subject
// or text carries, or -1; unless unverified, not the phrases read only
// from a free mailbox or a sender failing DMARC.
func (c *Check) FactoringNotice(in *scan.Input, unverified bool) int {
	return firstPhrase(c.factorDict, in, factoringWords, func(i int) bool { return unverified || i < c.factoring.Unverified })
}

// factoringNotice raises FACTORING_NOTICE_UNKNOWN_FACTOR: the sender says
// a supplier assigned its receivables to it (it is the factor), gives the
// account to pay (an IBAN read in the text or a document, or an
// attachment), and writes from none of the factors' domains
// (factoring.yaml) nor from inside the organisation (a colleague's
// forward): the fake factor of the fraude à l'affacturage. The
// real factor writes from its own domain; the supplier announcing its
// factor speaks of its own assignment ("nous avons cédé"), not read here.
func (c *Check) factoringNotice(in *scan.Input, f *docs.Findings, out *scan.Emitter) {
	if len(f.IBANs) == 0 && len(in.Msg.Attachments) == 0 {
		return
	}
	// A factor's domain whose DMARC fails is a forgery of it, not the
	// factor.
	if in.FromOrg != "" && in.Auth.DMARC != "fail" && slices.Contains(c.factoring.Factors, in.FromOrg) {
		return
	}
	// A colleague forwarding the notice writes from inside the
	// organisation: not the factor writing. The organisation's own
	// domain forged (DMARC failing) is still judged.
	if inside := c.insideOrg(in); inside != nil && in.FromDomain != "" && inside(in.FromDomain) && in.Auth.DMARC != "fail" {
		return
	}
	// A bank's Dailly notification is worded as the fake one is; a bank
	// writes it from its own domain, not from a free mailbox.
	unverified := in.Auth.DMARC == "fail" || c.free(in.FromDomain)
	i := c.FactoringNotice(in, unverified)
	if i < 0 {
		return
	}
	how := ""
	if len(f.IBANs) > 0 {
		how = "IBAN " + docs.MaskIBAN(f.IBANs[0].Value)
	} else {
		how = "pièce jointe " + in.Msg.Attachments[0].Filename
	}
	out.Emit("FACTORING_NOTICE_UNKNOWN_FACTOR", "« "+c.factoring.Phrases[i].Text+" », "+or(in.FromOrg, "?")+", "+how)
}
