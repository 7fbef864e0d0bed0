// Package report turns an incident case into the documents incident
// response hands out (Renderer.Formats lists them): the incident report
// (Markdown, and a self-contained HTML page) for management and the CERT,
// the declarations checklist with its deadlines, the pre-filled CERT Santé
// / ARS report and the contacts annex, the warnings to the campaign's
// recipients and to a compromised account's correspondents, the alert to
// accounting, abuse reports for the sending provider (ARF, RFC 5965, and
// X-ARF), the messages for Signal Spam and the URLs for PhishTank, and
// MISP and STIX 2.1 exports to share the indicators. The documents written
// for people are in French, or in English on request. Every function is a
// pure rendering of an incident.Case at a given time; package incident's
// Service calls the Renderer and journals what it produced.
package report

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/ir/playbook"
)

// Declaration is one notification the organisation may owe, with its
// deadline when the fiche gives one.
type Declaration struct {
	ID        string
	Title     string
	Text      string
	TitleEN   string `json:"title_en"`
	TextEN    string `json:"text_en,omitempty"`
	Status    incident.ItemStatus
	Applies   bool      // false when the condition does not hold (no personal data)
	Deadline  time.Time // zero: none
	Remaining time.Duration
	Overdue   bool
}

// Declarations lists the incident's declarations checklist items with
// their deadlines counted from the moment the organisation became aware.
func Declarations(c incident.Case, now time.Time) []Declaration {
	var out []Declaration
	for _, it := range c.Checklist {
		if it.Playbook != playbook.DeclarationsID {
			continue
		}
		d := Declaration{ID: it.ItemID, Title: it.Def.TitleFR, Text: it.Def.TextFR,
			TitleEN: it.Def.TitleEN, TextEN: it.Def.TextEN, Status: it.Status, Applies: true}
		if it.Def.Condition == "personal-data" && !c.Incident.PersonalData {
			d.Applies = false
		}
		if it.Def.DeadlineHours > 0 && d.Applies {
			d.Deadline = c.Incident.AwareAt.Add(time.Duration(it.Def.DeadlineHours) * time.Hour)
			d.Remaining = d.Deadline.Sub(now)
			d.Overdue = d.Remaining < 0 && !it.Status.Finished()
		}
		out = append(out, d)
	}
	return out
}

// Due says how much time is left, in French.
func (d Declaration) Due() string { return d.DueIn("fr") }

// DueIn says how much time is left, in lang.
func (d Declaration) DueIn(lang string) string {
	w := wordsFor(lang)
	switch {
	case !d.Applies:
		return w.t("sans objet (pas de données personnelles en cause)")
	case d.Deadline.IsZero():
		return w.t("sans délai fixé")
	case d.Status.Finished():
		return w.t("échéance") + " " + journal.FormatTime(d.Deadline) + " — " + d.Status.Label(lang)
	case d.Overdue:
		return fmt.Sprintf("%s %s — %s %s", w.t("échéance"), journal.FormatTime(d.Deadline), w.t("DÉPASSÉE de"), incident.Duration(-d.Remaining, lang))
	}
	return fmt.Sprintf("%s %s — %s %s", w.t("échéance"), journal.FormatTime(d.Deadline), w.t("reste"), incident.Duration(d.Remaining, lang))
}

// TitleIn gives the declaration's title in lang.
func (d Declaration) TitleIn(lang string) string { return pickLang(lang, d.Title, d.TitleEN) }

// TextIn gives the declaration's text in lang.
func (d Declaration) TextIn(lang string) string { return pickLang(lang, d.Text, d.TextEN) }

func pickLang(lang, fr, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return fr
}

// WriteDeclarations prints the declarations checklist in lang.
func WriteDeclarations(w io.Writer, c incident.Case, now time.Time, lang string) error {
	tr := wordsFor(lang)
	fmt.Fprintf(w, "%s %d « %s » (%s%s%s)\n\n", tr.t("Déclarations — incident"), c.Incident.ID, journal.Printable(c.Incident.Title),
		tr.t("connaissance"), tr.t(" : "), journal.FormatTime(c.Incident.AwareAt))
	for _, d := range Declarations(c, now) {
		fmt.Fprintf(w, "[%s] %s\n    %s\n    %s\n", d.Status.Label(lang), d.TitleIn(lang), d.DueIn(lang), d.TextIn(lang))
	}
	return nil
}

// view is what the Markdown and HTML templates read.
type view struct {
	C            incident.Case
	I            incident.Incident
	Now          time.Time
	Declarations []Declaration
	Counts       map[string]int
	Pushed       int
	ToWarn       []string
	Lang         string
}

func newView(c incident.Case, now time.Time, lang string) view {
	lang = string(wordsFor(lang))
	v := view{C: c, I: c.Incident, Now: now, Declarations: Declarations(c, now), Counts: map[string]int{}, Lang: lang}
	for _, it := range c.Checklist {
		v.Counts[it.Status.Label(lang)]++
	}
	for _, ind := range c.Indicators {
		if ind.State == incident.Pushed {
			v.Pushed++
		}
	}
	return v
}

var funcs = template.FuncMap{
	"t":         journal.FormatTime,
	"join":      func(l []string) string { return strings.Join(l, ", ") },
	"perimeter": func(l incident.Level) string { return l.Label(incident.Perimeter) },
	"impact":    func(l incident.Level) string { return l.Label(incident.Impact) },
	"urgency":   func(l incident.Level) string { return l.Label(incident.Urgency) },
	"md":        mdEscape,
	"short":     func(s string) string { return s[:min(len(s), 16)] },
	"exp": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04Z")
	},
}

// mdEscape keeps table cells and text from breaking the Markdown.
func mdEscape(s string) string {
	s = journal.Printable(s)
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", "", "<", "&lt;", ">", "&gt;", "`", "'", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`)
	return r.Replace(s)
}
