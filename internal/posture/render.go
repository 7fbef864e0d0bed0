package posture

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

var severityNames = map[string]map[Severity]string{
	"fr": {Critical: "CRITIQUE", High: "ÉLEVÉE", Medium: "MOYENNE", Low: "FAIBLE", Info: "INFO"},
	"en": {Critical: "CRITICAL", High: "HIGH", Medium: "MEDIUM", Low: "LOW", Info: "INFO"},
}

// SeverityName is the severity as shown to people in lang.
func SeverityName(s Severity, lang string) string {
	if lang != "en" {
		lang = "fr"
	}
	return severityNames[lang][s]
}

// WriteText prints the report for people, in lang ("fr" or "en").
func WriteText(w io.Writer, r *Report, lang string) error {
	r.Localize(lang)
	en := lang == "en"
	tr := func(fr, e string) string {
		if en {
			return e
		}
		return fr
	}
	b := &errWriter{w: w}
	b.printf("%s %s — %s\n", tr("Audit de la messagerie de", "Mail posture of"), r.Domain, r.At.Format("2006-01-02 15:04 MST"))
	b.printf("%s\n\n", tr("Référentiel : CERT Santé mx_sec_conf (règles citées par fichier et section)",
		"Baseline: CERT Santé mx_sec_conf (rules cited by file and section)"))
	if len(r.Findings) == 0 {
		b.printf("%s\n\n", tr("Aucune faiblesse constatée.", "No weakness found."))
	} else {
		b.printf("%s (%d)\n", tr("Faiblesses", "Weaknesses"), len(r.Findings))
		for _, f := range r.Findings {
			b.printf("\n  [%s] %s — %s\n", SeverityName(f.Severity, lang), f.ID, f.Target)
			b.printf("      %s\n", f.Title)
			if f.Rule != "" {
				ref := ""
				if f.Ref != "" {
					ref = " ; " + f.Ref
				}
				b.printf("      %s : %s (%s)%s\n", tr("Règle mx_sec_conf", "mx_sec_conf rule"), f.Rule, f.RuleName, ref)
			} else if f.Ref != "" {
				b.printf("      %s : %s\n", tr("Référence", "Reference"), f.Ref)
			}
			if f.Detail != "" {
				b.printf("      %s : %s\n", tr("Constaté", "Observed"), f.Detail)
			}
			b.printf("      %s : %s\n", tr("Correction", "Fix"), f.Fix)
		}
		b.printf("\n")
	}
	b.printf("%s\n", tr("Observations", "Observations"))
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	for _, f := range r.Facts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.Target, f.Name, oneLine(f.Value))
	}
	tw.Flush()
	b.printf("\n%s : %s\n", tr("Bilan", "Summary"), summary(r, lang))
	return b.err
}

// summary counts findings per severity, worst first.
func summary(r *Report, lang string) string {
	counts := map[Severity]int{}
	for _, f := range r.Findings {
		counts[f.Severity]++
	}
	var parts []string
	for _, s := range []Severity{Critical, High, Medium, Low, Info} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", strings.ToLower(SeverityName(s, lang)), counts[s]))
		}
	}
	if len(parts) == 0 {
		if lang == "en" {
			return "no weakness"
		}
		return "aucune faiblesse"
	}
	return strings.Join(parts, ", ")
}

func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
