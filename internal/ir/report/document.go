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
| Type | {{.I.Type.FR}} |
| Gravité | **{{.I.Severity}}** ({{.I.Severity.EN}}) — périmètre {{perimeter .I.Perimeter}}, impact {{impact .I.Impact}}, urgence {{urgency .I.Urgency}} |
| Statut | {{.I.Status.FR}}{{if not .I.ClosedAt.IsZero}} le {{t .I.ClosedAt}} par {{md .I.ClosedBy}} ({{.I.Resolution.Label "fr"}}){{end}} |
| Ouvert | {{t .I.OpenedAt}} par {{md .I.OpenedBy}} |
| Responsable | {{md .I.Assignee}} |
| Prise de connaissance | {{t .I.AwareAt}} |
| Comptes affectés | {{md (join .I.Accounts)}} |
| Machines affectées | {{md (join .I.Machines)}} |
| Main courante | {{.I.Journal.Seq}} entrées, tête sha256 ` + "`{{.I.Journal.Hash}}`" + ` |

{{if .I.Summary}}## Résumé

{{md .I.Summary}}

{{end}}## Déclarations

{{range .Declarations}}- **{{.Title}}** : {{.Due}}
{{end}}
## Fiche ({{.I.Playbook}})

{{range $k, $v := .Counts}}{{$k}} : {{$v}} · {{end}}

| Priorité | Action | Intitulé | Statut | Qui | Note |
|---|---|---|---|---|---|
{{range .C.Checklist}}| {{.Def.Priority}} | {{.ItemID}} | {{md .Def.TitleFR}} | {{.Status.FR}} | {{md .Assignee}} | {{md .Note}} |
{{end}}
## Indicateurs ({{len .C.Indicators}}, {{.Pushed}} poussés)

| Type | Valeur | Origine | État | Expiration |
|---|---|---|---|---|
{{range .C.Indicators}}| {{.Kind}} | ` + "`{{md .Value}}`" + ` | {{md .Origin}} | {{if eq .State "pushed"}}{{.Mode}}{{else}}proposé ({{.Suggested}}){{end}} | {{exp .ExpiresAt}} |
{{end}}
## Preuves

| SHA-256 | Taille | Fichier | Ajouté par | Le |
|---|---|---|---|---|
{{range .C.Evidence}}| ` + "`{{.SHA256}}`" + ` | {{.Size}} | {{md .Name}} | {{md .AddedBy}} | {{t .AddedAt}} |
{{end}}
## Chronologie (main courante)

| # | Heure (UTC, Paris) | Auteur | Nature | Description |
|---|---|---|---|---|
{{range .C.Journal}}| {{.Seq}} | {{t .At}}{{if not .EventAt.IsZero}} (survenu {{t .EventAt}}){{end}} | {{md .Author}} | {{.Kind.FR}} | {{md .Text}}{{if .Accounts}} — comptes : {{md (join .Accounts)}}{{end}}{{if .Machines}} — machines : {{md (join .Machines)}}{{end}} |
{{end}}
_Rapport produit par Vigie le {{t .Now}}._
`

var mdTemplate = texttemplate.Must(texttemplate.New("md").Funcs(texttemplate.FuncMap(funcs)).Parse(mdSource))

// Markdown writes the incident report in Markdown.
func Markdown(w io.Writer, c incident.Case, now time.Time) error {
	if err := mdTemplate.Execute(w, newView(c, now)); err != nil {
		return fmt.Errorf("report: markdown: %w", err)
	}
	return nil
}

const htmlSource = `<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
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
<p><span class="sev sev{{printf "%d" .I.Severity}}">{{.I.Severity}}</span>
périmètre {{perimeter .I.Perimeter}}, impact {{impact .I.Impact}}, urgence {{urgency .I.Urgency}} — {{.I.Type.FR}}, {{.I.Status.FR}}{{if .I.Resolution}} ({{.I.Resolution.Label "fr"}}){{end}}</p>
<table>
<tr><th>Ouvert</th><td>{{t .I.OpenedAt}} par {{.I.OpenedBy}}</td></tr>
<tr><th>Responsable</th><td>{{.I.Assignee}}</td></tr>
<tr><th>Prise de connaissance</th><td>{{t .I.AwareAt}}</td></tr>
<tr><th>Comptes affectés</th><td>{{join .I.Accounts}}</td></tr>
<tr><th>Machines affectées</th><td>{{join .I.Machines}}</td></tr>
<tr><th>Main courante</th><td>{{.I.Journal.Seq}} entrées, tête sha256 <code>{{.I.Journal.Hash}}</code></td></tr>
</table>
{{if .I.Summary}}<h2>Résumé</h2><p>{{.I.Summary}}</p>{{end}}
<h2>Déclarations</h2>
<ul>{{range .Declarations}}<li><strong>{{.Title}}</strong> : <span{{if .Overdue}} class="late"{{end}}>{{.Due}}</span></li>{{end}}</ul>
<h2>Fiche ({{.I.Playbook}})</h2>
<table><tr><th>Priorité</th><th>Action</th><th>Intitulé</th><th>Statut</th><th>Qui</th><th>Note</th></tr>
{{range .C.Checklist}}<tr><td>{{.Def.Priority}}</td><td>{{.ItemID}}</td><td>{{.Def.TitleFR}}<br><small>{{.Def.TitleEN}}</small></td>
<td class="{{if eq .Status "done"}}s-done{{else if eq .Status "n/a"}}s-na{{else if eq .Status "in-progress"}}s-doing{{end}}">{{.Status.FR}}</td><td>{{.Assignee}}</td><td>{{.Note}}</td></tr>
{{end}}</table>
<h2>Indicateurs ({{len .C.Indicators}}, {{.Pushed}} poussés)</h2>
<table><tr><th>Type</th><th>Valeur</th><th>Origine</th><th>État</th><th>Expiration</th></tr>
{{range .C.Indicators}}<tr><td>{{.Kind}}</td><td><code>{{.Value}}</code></td><td>{{.Origin}}</td>
<td>{{if eq .State "pushed"}}{{.Mode}}{{else}}proposé ({{.Suggested}}){{end}}</td><td>{{exp .ExpiresAt}}</td></tr>
{{end}}</table>
<h2>Preuves</h2>
<table><tr><th>SHA-256</th><th>Taille</th><th>Fichier</th><th>Ajouté par</th><th>Le</th></tr>
{{range .C.Evidence}}<tr><td><code>{{.SHA256}}</code></td><td>{{.Size}}</td><td>{{.Name}}</td><td>{{.AddedBy}}</td><td>{{t .AddedAt}}</td></tr>
{{end}}</table>
<h2>Chronologie (main courante)</h2>
<table><tr><th>#</th><th>Heure (UTC, Paris)</th><th>Auteur</th><th>Nature</th><th>Description</th><th>Empreinte</th></tr>
{{range .C.Journal}}<tr><td>{{.Seq}}</td><td>{{t .At}}{{if not .EventAt.IsZero}}<br><small>survenu {{t .EventAt}}</small>{{end}}</td><td>{{.Author}}</td><td>{{.Kind.FR}}</td>
<td>{{.Text}}{{if .Accounts}}<br><small>comptes : {{join .Accounts}}</small>{{end}}{{if .Machines}}<br><small>machines : {{join .Machines}}</small>{{end}}</td><td><code>{{short .Hash}}</code></td></tr>
{{end}}</table>
<p><small>Rapport produit par Vigie le {{t .Now}}.</small></p>
</body></html>
`

var htmlTemplate = htmltemplate.Must(htmltemplate.New("html").Funcs(funcs).Parse(htmlSource))

// HTML writes the incident report as one self-contained page: inline
// style, no script, no external resource, printable.
func HTML(w io.Writer, c incident.Case, now time.Time) error {
	if err := htmlTemplate.Execute(w, newView(c, now)); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	return nil
}
