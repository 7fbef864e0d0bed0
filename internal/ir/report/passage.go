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

func passageFuncs(lang string) map[string]any {
	f := funcsFor(lang)
	f["sev"] = func(s posture.Severity) string { return posture.SeverityName(s, lang) }
	f["signals"] = func(s []string) string { return strings.Join(s, ", ") }
	f["codes"] = func(s []string) string {
		if len(s) == 0 {
			return ""
		}
		return "`" + strings.Join(s, "` `") + "`"
	}
	f["score"] = func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
	f["action"] = func(a string) string { return actionIn(a, lang) }
	f["change"] = func(c posture.Change) string { return pickLang(lang, c.FR, c.EN) }
	f["md"] = mdEscape
	return f
}

const passageMD = `
## {{T "Pourquoi le message est passé"}}

{{if .Messages}}{{T "Messages de la campagne distribués (seuil de quarantaine"}} {{score .QuarantineAt}}){{T " : "}}

| {{T "message"}} | {{T "expéditeur"}} | {{T "verdict"}} | {{T "score"}} | {{T "signaux"}} |
|---|---|---|---|---|
{{range .Messages}}| {{md .Subject}} | {{md .From}} | {{action .Action}} | {{score .Score}} | {{codes .Signals}} |
{{end}}{{else}}{{T "Aucun message distribué de la campagne n'a été retrouvé dans la trace à partir des indicateurs de l'incident."}}
{{end}}
{{if .Findings}}{{T "Constats des derniers audits (vigie posture) qui s'y rapportent :"}}

| {{T "gravité"}} | {{T "constat"}} | {{T "cible"}} | {{T "règle mx_sec_conf"}} |
|---|---|---|---|
{{range .Findings}}| {{sev .Severity}} | {{md .Title}} | {{md .Target}} | {{.Rule}} |
{{end}}{{end}}
{{T "Ce qu'il faut changer :"}}
{{range .Changes}}
- {{md (change .)}} _({{.Source}})_{{end}}
`

const passageHTML = `<h2>{{T "Pourquoi le message est passé"}}</h2>
{{if .Messages}}<p>{{T "Messages de la campagne distribués (seuil de quarantaine"}} {{score .QuarantineAt}}){{T " : "}}</p>
<table><tr><th>{{T "message"}}</th><th>{{T "expéditeur"}}</th><th>{{T "verdict"}}</th><th>{{T "score"}}</th><th>{{T "signaux"}}</th></tr>
{{range .Messages}}<tr><td>{{.Subject}}</td><td>{{.From}}</td><td>{{action .Action}}</td><td>{{score .Score}}</td><td><code>{{signals .Signals}}</code></td></tr>
{{end}}</table>{{else}}<p>{{T "Aucun message distribué de la campagne n'a été retrouvé dans la trace à partir des indicateurs de l'incident."}}</p>{{end}}
{{if .Findings}}<p>{{T "Constats des derniers audits (vigie posture) qui s'y rapportent :"}}</p>
<table><tr><th>{{T "gravité"}}</th><th>{{T "constat"}}</th><th>{{T "cible"}}</th><th>{{T "règle mx_sec_conf"}}</th></tr>
{{range .Findings}}<tr><td>{{sev .Severity}}</td><td>{{.Title}}<br><small>{{.Fix}}</small></td><td>{{.Target}}</td><td>{{.Rule}}</td></tr>
{{end}}</table>{{end}}
<p>{{T "Ce qu'il faut changer :"}}</p>
<ul>{{range .Changes}}<li>{{change .}} <small>({{.Source}})</small></li>{{end}}</ul>
`

var (
	passageMDTemplates = map[string]*texttemplate.Template{
		"fr": texttemplate.Must(texttemplate.New("passage").Funcs(passageFuncs("fr")).Parse(passageMD)),
		"en": texttemplate.Must(texttemplate.New("passage").Funcs(passageFuncs("en")).Parse(passageMD)),
	}
	passageHTMLTemplates = map[string]*htmltemplate.Template{
		"fr": htmltemplate.Must(htmltemplate.New("passage").Funcs(passageFuncs("fr")).Parse(passageHTML)),
		"en": htmltemplate.Must(htmltemplate.New("passage").Funcs(passageFuncs("en")).Parse(passageHTML)),
	}
)

// PassageMarkdown writes the section in Markdown, in lang.
func PassageMarkdown(w io.Writer, p *posture.Passage, lang string) error {
	lang = string(wordsFor(lang))
	localized(p, lang)
	return passageMDTemplates[lang].Execute(w, p)
}

// insertPassageHTML puts the section before the end of an HTML report.
func insertPassageHTML(doc []byte, p *posture.Passage, lang string) ([]byte, error) {
	lang = string(wordsFor(lang))
	localized(p, lang)
	var sec bytes.Buffer
	if err := passageHTMLTemplates[lang].Execute(&sec, p); err != nil {
		return nil, err
	}
	i := bytes.LastIndex(doc, []byte(`<p class="produced">`))
	if i < 0 {
		i = bytes.LastIndex(doc, []byte("</body>"))
	}
	if i < 0 {
		return append(doc, sec.Bytes()...), nil
	}
	return append(doc[:i:i], append(sec.Bytes(), doc[i:]...)...), nil
}

// localized fills the findings' texts in lang.
func localized(p *posture.Passage, lang string) {
	r := posture.Report{Findings: p.Findings}
	r.Localize(lang)
}

var actionNames = map[string][2]string{
	"accept": {"distribué", "delivered"}, "delivered": {"distribué", "delivered"},
	"tag": {"distribué avec avertissement", "delivered with a warning"}, "tagged": {"distribué avec avertissement", "delivered with a warning"},
	"quarantine": {"en quarantaine", "quarantined"}, "quarantined": {"en quarantaine", "quarantined"},
	"reject": {"refusé", "rejected"}, "rejected": {"refusé", "rejected"},
}

func actionIn(a, lang string) string {
	n, ok := actionNames[a]
	if !ok {
		return a
	}
	return pickLang(lang, n[0], n[1])
}

// addPassage adds the section to the Markdown or HTML report in b.
func addPassage(b *bytes.Buffer, format string, p *posture.Passage, lang string) error {
	switch format {
	case "md":
		return PassageMarkdown(b, p, lang)
	case "html":
		doc, err := insertPassageHTML(bytes.Clone(b.Bytes()), p, lang)
		if err != nil {
			return err
		}
		b.Reset()
		b.Write(doc)
	}
	return nil
}
