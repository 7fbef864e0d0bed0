package report

import (
	"bytes"
	htmltemplate "html/template"
	"io"
	"strconv"
	"strings"
	texttemplate "text/template"

	"vigie.dev/vigie/internal/posture"
)

// The "pourquoi le message est passé" section of the incident report: the
// verdicts of the campaign's messages that reached users (trace), the
// findings of the latest audits that bear on them, and what to change
// (CERT Santé fiche "Agir contre une campagne d'hameçonnage", which sends
// the administrator to mx_sec_conf).

var passageFuncs = map[string]any{
	"sev":     func(s posture.Severity) string { return posture.SeverityName(s, "fr") },
	"signals": func(s []string) string { return strings.Join(s, ", ") },
	"codes": func(s []string) string {
		if len(s) == 0 {
			return ""
		}
		return "`" + strings.Join(s, "` `") + "`"
	},
	"score":  func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
	"action": actionFR,
}

const passageMD = `
## Pourquoi le message est passé

{{if .Messages}}Messages de la campagne distribués (seuil de quarantaine {{score .QuarantineAt}}) :

| message | expéditeur | verdict | score | signaux |
|---|---|---|---|---|
{{range .Messages}}| {{md .Subject}} | {{md .From}} | {{action .Action}} | {{score .Score}} | {{codes .Signals}} |
{{end}}{{else}}Aucun message distribué de la campagne n'a été retrouvé dans la trace à partir des indicateurs de l'incident.
{{end}}
{{if .Findings}}Constats des derniers audits (vigie posture) qui s'y rapportent :

| gravité | constat | cible | règle mx_sec_conf |
|---|---|---|---|
{{range .Findings}}| {{sev .Severity}} | {{md .Title}} | {{md .Target}} | {{.Rule}} |
{{end}}{{end}}
Ce qu'il faut changer :
{{range .Changes}}
- {{md .FR}} _({{.Source}})_{{end}}
`

const passageHTML = `<h2>Pourquoi le message est passé</h2>
{{if .Messages}}<p>Messages de la campagne distribués (seuil de quarantaine {{score .QuarantineAt}}) :</p>
<table><tr><th>Message</th><th>Expéditeur</th><th>Verdict</th><th>Score</th><th>Signaux</th></tr>
{{range .Messages}}<tr><td>{{.Subject}}</td><td>{{.From}}</td><td>{{action .Action}}</td><td>{{score .Score}}</td><td><code>{{signals .Signals}}</code></td></tr>
{{end}}</table>{{else}}<p>Aucun message distribué de la campagne n'a été retrouvé dans la trace à partir des indicateurs de l'incident.</p>{{end}}
{{if .Findings}}<p>Constats des derniers audits (vigie posture) qui s'y rapportent :</p>
<table><tr><th>Gravité</th><th>Constat</th><th>Cible</th><th>Règle mx_sec_conf</th></tr>
{{range .Findings}}<tr><td>{{sev .Severity}}</td><td>{{.Title}}<br><small>{{.Fix}}</small></td><td>{{.Target}}</td><td>{{.Rule}}</td></tr>
{{end}}</table>{{end}}
<p>Ce qu'il faut changer :</p>
<ul>{{range .Changes}}<li>{{.FR}} <small>({{.Source}})</small></li>{{end}}</ul>
`

var (
	passageMDTemplate = texttemplate.Must(texttemplate.New("passage").Funcs(texttemplate.FuncMap(passageFuncs)).
				Funcs(texttemplate.FuncMap{"md": mdEscape}).Parse(passageMD))
	passageHTMLTemplate = htmltemplate.Must(htmltemplate.New("passage").Funcs(htmltemplate.FuncMap(passageFuncs)).Parse(passageHTML))
)

// PassageMarkdown writes the section in Markdown.
func PassageMarkdown(w io.Writer, p *posture.Passage) error {
	localized(p)
	return passageMDTemplate.Execute(w, p)
}

// insertPassageHTML puts the section before the end of an HTML report.
func insertPassageHTML(doc []byte, p *posture.Passage) ([]byte, error) {
	localized(p)
	var sec bytes.Buffer
	if err := passageHTMLTemplate.Execute(&sec, p); err != nil {
		return nil, err
	}
	i := bytes.LastIndex(doc, []byte("<p><small>Rapport produit"))
	if i < 0 {
		i = bytes.LastIndex(doc, []byte("</body>"))
	}
	if i < 0 {
		return append(doc, sec.Bytes()...), nil
	}
	return append(doc[:i:i], append(sec.Bytes(), doc[i:]...)...), nil
}

// localized fills the findings' texts in French.
func localized(p *posture.Passage) {
	r := posture.Report{Findings: p.Findings}
	r.Localize("fr")
}

func actionFR(a string) string {
	switch a {
	case "accept", "delivered":
		return "distribué"
	case "tag", "tagged":
		return "distribué avec avertissement"
	case "quarantine", "quarantined":
		return "en quarantaine"
	case "reject", "rejected":
		return "refusé"
	}
	return a
}

// addPassage adds the section to the Markdown or HTML report in b.
func addPassage(b *bytes.Buffer, format string, p *posture.Passage) error {
	switch format {
	case "md":
		return PassageMarkdown(b, p)
	case "html":
		doc, err := insertPassageHTML(bytes.Clone(b.Bytes()), p)
		if err != nil {
			return err
		}
		b.Reset()
		b.Write(doc)
	}
	return nil
}
