package report

import (
	"fmt"
	htmltemplate "html/template"
	"io"
	texttemplate "text/template"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
)

const mdSource = `# Incident {{.I.ID}} — {{md .I.Title}}

| | |
|---|---|
| {{T "Type"}} | {{.I.Type.Label .Lang}} |
| {{T "Gravité"}} | **{{.I.Severity.Label .Lang}}**{{if eq .Lang "fr"}} ({{.I.Severity.EN}}){{end}} — {{T "périmètre"}} {{perimeter .I.Perimeter}}, {{T "impact"}} {{impact .I.Impact}}, {{T "urgence"}} {{urgency .I.Urgency}} |
| {{T "Statut"}} | {{.I.Status.Label .Lang}}{{if not .I.ClosedAt.IsZero}} {{T "le"}} {{t .I.ClosedAt}} {{T "par"}} {{md .I.ClosedBy}} ({{.I.Resolution.Label .Lang}}){{end}} |
| {{T "Ouvert"}} | {{t .I.OpenedAt}} {{T "par"}} {{md .I.OpenedBy}} |
| {{T "Responsable"}} | {{md .I.Assignee}} |
| {{T "Prise de connaissance"}} | {{t .I.AwareAt}} |
| {{T "Comptes affectés"}} | {{md (join .I.Accounts)}} |
| {{T "Machines affectées"}} | {{md (join .I.Machines)}} |
| {{T "Main courante"}} | {{.I.Journal.Seq}} {{T "entrées, tête sha256"}} ` + "`{{.I.Journal.Hash}}`" + ` |

{{if .I.Summary}}## {{T "Résumé"}}

{{md .I.Summary}}

{{end}}## {{T "Déclarations"}}

{{range .Declarations}}- **{{.TitleIn $.Lang}}**{{T " : "}}{{due .}}
{{end}}
## {{T "Fiche"}} ({{.I.Playbook}})

{{range $k, $v := .Counts}}{{$k}}{{T " : "}}{{$v}} · {{end}}

| {{T "Priorité"}} | {{T "Action"}} | {{T "Intitulé"}} | {{T "Statut"}} | {{T "Qui"}} | {{T "Note"}} |
|---|---|---|---|---|---|
{{range .C.Checklist}}| {{.Def.Priority}} | {{.ItemID}} | {{md (title .Def.TitleFR .Def.TitleEN)}} | {{.Status.Label $.Lang}} | {{md .Assignee}} | {{md .Note}} |
{{end}}
## {{T "Indicateurs"}} ({{len .C.Indicators}}, {{.Pushed}} {{T "poussés"}})

| {{T "Type"}} | {{T "Valeur"}} | {{T "Origine"}} | {{T "État"}} | {{T "Expiration"}} |
|---|---|---|---|---|
{{range .C.Indicators}}| {{.Kind}} | ` + "`{{md .Value}}`" + ` | {{md .Origin}} | {{if eq .State "pushed"}}{{.Mode}}{{else}}{{T "proposé"}} ({{.Suggested}}){{end}} | {{exp .ExpiresAt}} |
{{end}}
## {{T "Preuves"}}

| SHA-256 | {{T "Taille"}} | {{T "Fichier"}} | {{T "Ajouté par"}} | {{T "Le"}} |
|---|---|---|---|---|
{{range .C.Evidence}}| ` + "`{{.SHA256}}`" + ` | {{.Size}} | {{md .Name}} | {{md .AddedBy}} | {{t .AddedAt}} |
{{end}}
## {{T "Chronologie (main courante)"}}

| # | {{T "Heure (UTC, Paris)"}} | {{T "Auteur"}} | {{T "Nature"}} | {{T "Description"}} |
|---|---|---|---|---|
{{range .C.Journal}}| {{.Seq}} | {{t .At}}{{if not .EventAt.IsZero}} ({{T "survenu"}} {{t .EventAt}}){{end}} | {{md .Author}} | {{.Kind.Label $.Lang}} | {{md .Text}}{{if .Accounts}} — {{T "comptes :"}} {{md (join .Accounts)}}{{end}}{{if .Machines}} — {{T "machines :"}} {{md (join .Machines)}}{{end}} |
{{end}}
_{{T "Rapport produit par Vigie le"}} {{t .Now}}._
`

// mdTemplates and htmlTemplates hold the report's templates by language.
var mdTemplates = map[string]*texttemplate.Template{
	"fr": texttemplate.Must(texttemplate.New("md").Funcs(funcsFor("fr")).Parse(mdSource)),
	"en": texttemplate.Must(texttemplate.New("md").Funcs(funcsFor("en")).Parse(mdSource)),
}

// Markdown writes the incident report in Markdown, in lang (fr or en).
func Markdown(w io.Writer, c incident.Case, now time.Time, lang string) error {
	lang = string(wordsFor(lang))
	if err := mdTemplates[lang].Execute(w, newView(c, now, lang)); err != nil {
		return fmt.Errorf("report: markdown: %w", err)
	}
	return nil
}

const htmlSource = `<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Incident {{.I.ID}} — {{.I.Title}}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#1b1b1b;padding:0 1em}
h1{font-size:1.5em;border-bottom:3px solid #000091;padding-bottom:.3em}
h2{font-size:1.15em;margin-top:2em;color:#000091}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f7}
code{font-size:.85em;word-break:break-all}
.sev{display:inline-block;padding:.1em .6em;border-radius:.3em;color:#fff;background:#555}
.sev1{background:#2e7d32}.sev2{background:#c77700}.sev3{background:#c62828}.sev4{background:#6a1b9a}
.s-done,.s-na{color:#2e7d32}.s-doing{color:#c77700}.late{color:#c62828;font-weight:bold}
@media print{body{margin:0;max-width:none}}
</style></head><body>
<h1>Incident {{.I.ID}} — {{.I.Title}}</h1>
<p><span class="sev sev{{printf "%d" .I.Severity}}">{{.I.Severity.Label .Lang}}</span>
{{T "périmètre"}} {{perimeter .I.Perimeter}}, {{T "impact"}} {{impact .I.Impact}}, {{T "urgence"}} {{urgency .I.Urgency}} — {{.I.Type.Label .Lang}}, {{.I.Status.Label .Lang}}{{if .I.Resolution}} ({{.I.Resolution.Label .Lang}}){{end}}</p>
<table>
<tr><th>{{T "Ouvert"}}</th><td>{{t .I.OpenedAt}} {{T "par"}} {{.I.OpenedBy}}</td></tr>
<tr><th>{{T "Responsable"}}</th><td>{{.I.Assignee}}</td></tr>
<tr><th>{{T "Prise de connaissance"}}</th><td>{{t .I.AwareAt}}</td></tr>
<tr><th>{{T "Comptes affectés"}}</th><td>{{join .I.Accounts}}</td></tr>
<tr><th>{{T "Machines affectées"}}</th><td>{{join .I.Machines}}</td></tr>
<tr><th>{{T "Main courante"}}</th><td>{{.I.Journal.Seq}} {{T "entrées, tête sha256"}} <code>{{.I.Journal.Hash}}</code></td></tr>
</table>
{{if .I.Summary}}<h2>{{T "Résumé"}}</h2><p>{{.I.Summary}}</p>{{end}}
<h2>{{T "Déclarations"}}</h2>
<ul>{{range .Declarations}}<li><strong>{{.TitleIn $.Lang}}</strong>{{T " : "}}<span{{if .Overdue}} class="late"{{end}}>{{due .}}</span></li>{{end}}</ul>
<h2>{{T "Fiche"}} ({{.I.Playbook}})</h2>
<table><tr><th>{{T "Priorité"}}</th><th>{{T "Action"}}</th><th>{{T "Intitulé"}}</th><th>{{T "Statut"}}</th><th>{{T "Qui"}}</th><th>{{T "Note"}}</th></tr>
{{range .C.Checklist}}<tr><td>{{.Def.Priority}}</td><td>{{.ItemID}}</td><td>{{title .Def.TitleFR .Def.TitleEN}}{{if eq $.Lang "fr"}}<br><small>{{.Def.TitleEN}}</small>{{end}}</td>
<td class="{{if eq .Status "done"}}s-done{{else if eq .Status "n/a"}}s-na{{else if eq .Status "in-progress"}}s-doing{{end}}">{{.Status.Label $.Lang}}</td><td>{{.Assignee}}</td><td>{{.Note}}</td></tr>
{{end}}</table>
<h2>{{T "Indicateurs"}} ({{len .C.Indicators}}, {{.Pushed}} {{T "poussés"}})</h2>
<table><tr><th>{{T "Type"}}</th><th>{{T "Valeur"}}</th><th>{{T "Origine"}}</th><th>{{T "État"}}</th><th>{{T "Expiration"}}</th></tr>
{{range .C.Indicators}}<tr><td>{{.Kind}}</td><td><code>{{.Value}}</code></td><td>{{.Origin}}</td>
<td>{{if eq .State "pushed"}}{{.Mode}}{{else}}{{T "proposé"}} ({{.Suggested}}){{end}}</td><td>{{exp .ExpiresAt}}</td></tr>
{{end}}</table>
<h2>{{T "Preuves"}}</h2>
<table><tr><th>SHA-256</th><th>{{T "Taille"}}</th><th>{{T "Fichier"}}</th><th>{{T "Ajouté par"}}</th><th>{{T "Le"}}</th></tr>
{{range .C.Evidence}}<tr><td><code>{{.SHA256}}</code></td><td>{{.Size}}</td><td>{{.Name}}</td><td>{{.AddedBy}}</td><td>{{t .AddedAt}}</td></tr>
{{end}}</table>
<h2>{{T "Chronologie (main courante)"}}</h2>
<table><tr><th>#</th><th>{{T "Heure (UTC, Paris)"}}</th><th>{{T "Auteur"}}</th><th>{{T "Nature"}}</th><th>{{T "Description"}}</th><th>{{T "Empreinte"}}</th></tr>
{{range .C.Journal}}<tr><td>{{.Seq}}</td><td>{{t .At}}{{if not .EventAt.IsZero}}<br><small>{{T "survenu"}} {{t .EventAt}}</small>{{end}}</td><td>{{.Author}}</td><td>{{.Kind.Label $.Lang}}</td>
<td>{{.Text}}{{if .Accounts}}<br><small>{{T "comptes :"}} {{join .Accounts}}</small>{{end}}{{if .Machines}}<br><small>{{T "machines :"}} {{join .Machines}}</small>{{end}}</td><td><code>{{short .Hash}}</code></td></tr>
{{end}}</table>
<p class="produced"><small>{{T "Rapport produit par Vigie le"}} {{t .Now}}.</small></p>
</body></html>
`

var htmlTemplates = map[string]*htmltemplate.Template{
	"fr": htmltemplate.Must(htmltemplate.New("html").Funcs(funcsFor("fr")).Parse(htmlSource)),
	"en": htmltemplate.Must(htmltemplate.New("html").Funcs(funcsFor("en")).Parse(htmlSource)),
}

// HTML writes the incident report as one self-contained page in lang:
// inline style, no script, no external resource, printable.
func HTML(w io.Writer, c incident.Case, now time.Time, lang string) error {
	lang = string(wordsFor(lang))
	if err := htmlTemplates[lang].Execute(w, newView(c, now, lang)); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	return nil
}
