package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	texttemplate "text/template"

	"vigie.dev/vigie/internal/ir/incident"
)

const warningSource = `Objet : [Alerte sécurité] Courriel frauduleux « {{.Subject}} »

Bonjour,

Vous avez reçu un courriel frauduleux{{if .From}} se présentant comme venant de {{.From}}{{end}}{{if .Subject}}, intitulé « {{.Subject}} »{{end}}.
Il s'agit d'une tentative d'hameçonnage : son but est de vous faire saisir vos identifiants ou de provoquer un paiement.

Ce qu'il faut faire :
  - ne cliquez sur aucun lien et n'ouvrez aucune pièce jointe de ce message ;
  - supprimez-le ;
  - ne répondez pas à l'expéditeur.
{{if .Hosts}}
Les liens de ce message mènent vers : {{.Hosts}} (adresse neutralisée, ne pas la recopier).
{{end}}
Si vous avez cliqué sur le lien ou saisi votre mot de passe, ce n'est pas une faute : prévenez immédiatement le service informatique{{if .Contact}} ({{.Contact}}){{end}}, qui changera votre mot de passe et vérifiera votre compte. Plus vite nous sommes prévenus, moins l'attaque a d'effet.

Nos services ne vous demanderont jamais votre mot de passe par courriel.

{{if .Signature}}{{.Signature}}{{else}}Le service informatique{{end}}
(référence incident {{.ID}})
`

var warningTemplate = texttemplate.Must(texttemplate.New("warning").Parse(warningSource))

// WarningOptions personalise the user warning.
type WarningOptions struct {
	Contact   string // how to reach the help desk
	Signature string
}

// Warning writes the French message sent to the users who received the
// campaign (the retro-hunt's "to warn" list): what arrived, what not to do,
// and to report at once if they clicked — without blame, so they do.
func Warning(w io.Writer, c incident.Case, o WarningOptions) error {
	d := struct {
		ID                   int64
		Subject, From, Hosts string
		Contact, Signature   string
	}{ID: c.Incident.ID, Contact: o.Contact, Signature: o.Signature}
	var hosts []string
	for _, ind := range c.Indicators {
		switch {
		case ind.Kind == incident.KindEmail && ind.Origin == "From" && d.From == "":
			d.From = ind.Value
		case ind.Kind == incident.KindHost && !slices.Contains(hosts, ind.Value):
			hosts = append(hosts, strings.ReplaceAll(ind.Value, ".", "[.]"))
		}
	}
	d.Hosts = strings.Join(hosts, ", ")
	for _, e := range c.Journal {
		// The analysis entry quotes the subject: « … ».
		if strings.HasPrefix(e.Text, "Analyse du message signalé") {
			if i := strings.Index(e.Text, "« "); i >= 0 {
				if j := strings.Index(e.Text[i:], " »"); j > 0 {
					d.Subject = e.Text[i+len("« ") : i+j]
				}
			}
			break
		}
	}
	if d.Subject == "" {
		d.Subject = c.Incident.Title
	}
	if err := warningTemplate.Execute(w, d); err != nil {
		return fmt.Errorf("report: warning: %w", err)
	}
	return nil
}
