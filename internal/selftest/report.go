package selftest

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

var outcomeNames = map[string]map[Outcome]string{
	"fr": {Refused: "refusé", Quarantined: "en quarantaine", Withheld: "retenu (absent de la boîte)", Tagged: "signalé", Delivered: "distribué",
		Unknown: "accepté, verdict inconnu", Failed: "non envoyé"},
	"en": {Refused: "refused", Quarantined: "quarantined", Withheld: "withheld (not in the mailbox)", Tagged: "tagged", Delivered: "delivered",
		Unknown: "accepted, verdict unknown", Failed: "not sent"},
}

// OutcomeName is the outcome as shown to people in lang.
func OutcomeName(o Outcome, lang string) string {
	if lang != "en" {
		lang = "fr"
	}
	return outcomeNames[lang][o]
}

// Summary counts, per category, the cases that behaved as expected.
type Summary struct {
	Category string `json:"category"`
	Rule     string `json:"rule,omitempty"`
	Passed   int    `json:"passed"`
	Total    int    `json:"total"`
}

// Summarize groups results by category, in Categories order.
func Summarize(results []Result) []Summary {
	var out []Summary
	for _, c := range Categories {
		s := Summary{Category: c.Key, Rule: c.Rule}
		for _, r := range results {
			if r.Category == c.Key {
				s.Total++
				if r.Pass {
					s.Passed++
				}
			}
		}
		if s.Total > 0 {
			out = append(out, s)
		}
	}
	return out
}

// WriteText prints the results as a table against mx_sec_conf's
// categories, then a summary, in lang ("fr" or "en").
func WriteText(w io.Writer, results []Result, lang string) error {
	en := lang == "en"
	tr := func(fr, e string) string {
		if en {
			return e
		}
		return fr
	}
	cat := map[string]string{}
	for _, c := range Categories {
		cat[c.Key] = c.FR
		if en {
			cat[c.Key] = c.EN
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, tr("CATÉGORIE\tCAS\tRÈGLE mx_sec_conf\tATTENDU\tRÉSULTAT\tOK\tSCORE\tSIGNAUX",
		"CATEGORY\tCASE\tmx_sec_conf RULE\tEXPECTED\tOUTCOME\tOK\tSCORE\tSIGNALS"))
	for _, r := range results {
		expect := tr("arrêté", "stopped")
		if r.Expect == Deliver {
			expect = tr("distribué", "delivered")
		}
		ok := tr("oui", "yes")
		if !r.Pass {
			ok = tr("NON", "NO")
		}
		rule := r.Rule
		if rule == "" {
			rule = "—"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\n", cat[r.Category], r.ID, rule, expect,
			OutcomeName(r.Outcome, lang), ok, r.Score, strings.Join(r.Signals, " "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s\n", tr("Bilan par catégorie :", "Summary per category:"))
	passed, total := 0, 0
	for _, s := range Summarize(results) {
		fmt.Fprintf(w, "  %-32s %d/%d\n", cat[s.Category], s.Passed, s.Total)
		passed += s.Passed
		total += s.Total
	}
	fmt.Fprintf(w, "%s %d/%d\n", tr("Conformes à l'attendu :", "As expected:"), passed, total)
	for _, r := range results {
		if r.Pass {
			continue
		}
		fmt.Fprintf(w, "\n%s %s — %s\n  %s : %s\n", tr("À revoir :", "To review:"), r.ID, r.Case.Title(lang),
			tr("réponse SMTP", "SMTP reply"), firstLineOf(r.Reply))
		if r.Outcome == Unknown {
			fmt.Fprintln(w, tr("  Aucun verdict trouvé dans la trace de Vigie : le message est-il passé par Vigie ?",
				"  No verdict found in Vigie's trace: did the message go through Vigie?"))
		}
		if r.Expect == Deliver && r.Outcome == Tagged && authOnly(r.Signals) {
			fmt.Fprintln(w, tr("  Témoin signalé pour défaut d'authentification : envoyez-le depuis un hôte autorisé par le SPF de --sender-domain et doté d'un DNS inverse.",
				"  Control tagged for lack of authentication: send it from a host authorised by --sender-domain's SPF and with reverse DNS."))
		}
	}
	return nil
}

// authOnly reports whether every signal is about authentication or the
// sending host, not about the content.
func authOnly(signals []string) bool {
	for _, s := range signals {
		if !strings.HasPrefix(s, "AUTH_") && !strings.HasPrefix(s, "RDNS_") && !strings.HasPrefix(s, "HELO_") {
			return false
		}
	}
	return true
}

func firstLineOf(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
