package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
)

// HealthPortal is where French health establishments report information
// system security incidents (code de la santé publique, art. L.1111-8-2 and
// R.1111-20 to R.1111-24): the report reaches the ARS and the CERT Santé.
const HealthPortal = "https://signalement.social-sante.gouv.fr"

// DefaultContacts is the contacts annex before the organisation fills in
// its own (its ARS, insurer, police station): the public contact points
// the InterCERT fiche's Contacts and Declarations annexes and the CERT
// Santé fiche name.
func DefaultContacts() []incident.Contact {
	return []incident.Contact{
		{Role: "cert-sante", Name: "CERT Santé (Agence du numérique en santé)",
			How:  "https://esante.gouv.fr/produits-services/cert-sante ; déclaration : " + HealthPortal,
			When: "Établissement de santé : déclaration obligatoire de l'incident de sécurité du SI ; appui à l'analyse (poste, serveur de messagerie, VPN)"},
		{Role: "ars", Name: "ARS de la région (à renseigner)", How: "reçoit la déclaration faite sur " + HealthPortal,
			When: "Établissement de santé : même déclaration ; prévenir aussi le référent de l'ARS si la prise en charge des patients est touchée"},
		{Role: "cnil", Name: "CNIL", How: "https://www.cnil.fr/fr/notifier-une-violation-de-donnees-personnelles",
			When: "Violation de données personnelles : notification dans les 72 h après la prise de connaissance (RGPD art. 33), initiale puis complétée"},
		{Role: "anssi", Name: "ANSSI (CERT-FR)", How: "https://www.cert.ssi.gouv.fr/contact/ ; https://cyber.gouv.fr/notifications-reglementaires",
			When: "Administrations, opérateurs d'importance vitale et de services essentiels, informations classifiées"},
		{Role: "csirt", Name: "CSIRT régional", How: "https://www.cert.ssi.gouv.fr/csirt/csirt-regionaux",
			When: "Collectivités, PME, ETI, associations : appui à la réponse à incident"},
		{Role: "assureur", Name: "Assureur cyber (à renseigner : contrat, ligne d'urgence)", How: "à renseigner",
			When: "Dès la qualification : ouvre la prise en charge et donne accès aux prestataires de l'assureur"},
		{Role: "police", Name: "Police ou gendarmerie (dépôt de plainte)",
			How:  "https://www.francenum.gouv.fr/guides-et-conseils/protection-contre-les-risques/cybersecurite/comment-porter-plainte-en-cas-de",
			When: "Déclenche l'enquête ; joindre l'export des preuves (vigie incident export) et la main courante"},
		{Role: "signalement", Name: "Signal Spam, PhishTank, abuse de l'hébergeur", How: "https://www.signal-spam.fr ; https://phishtank.org ; adresse abuse du domaine émetteur",
			When: "Alerte des tiers (fiche CERT Santé) : exports signal-spam, phishtank, arf, xarf"},
	}
}

// MergeContacts overlays the organisation's contacts on the defaults: an
// entry with a role of the defaults replaces it, others are added.
func MergeContacts(defaults, own []incident.Contact) []incident.Contact {
	out := append([]incident.Contact(nil), defaults...)
	for _, c := range own {
		replaced := false
		for i := range out {
			if out[i].Role == c.Role {
				out[i], replaced = c, true
			}
		}
		if !replaced {
			out = append(out, c)
		}
	}
	return out
}

// Contacts writes the contacts annex: who to call, how, and when.
func Contacts(w io.Writer, p incident.Profile, lang string) error {
	if lang == "en" {
		fmt.Fprintf(w, "Contacts — %s\n\n", orDefault(p.Org, "organisation"))
	} else {
		fmt.Fprintf(w, "Annexe Contacts — %s\n\n", orDefault(p.Org, "organisation"))
	}
	contacts := p.Contacts
	if len(contacts) == 0 {
		contacts = DefaultContacts()
	}
	for _, c := range contacts {
		if lang == "en" {
			c = englishContact(c)
		}
		fmt.Fprintf(w, "%s [%s]\n    %s\n    %s\n", c.Name, c.Role, c.How, c.When)
		if c.Notes != "" {
			fmt.Fprintf(w, "    %s\n", c.Notes)
		}
	}
	return nil
}

// defaultContactsEN is DefaultContacts in English, by role.
var defaultContactsEN = map[string][3]string{ // name, how, when
	"cert-sante": {"CERT Santé (French digital health agency)", "https://esante.gouv.fr/produits-services/cert-sante ; report: " + HealthPortal,
		"Health establishment: mandatory report of the information system security incident; help with the analysis (workstation, mail server, VPN)"},
	"ars": {"The region's ARS (to be filled in)", "receives the report made on " + HealthPortal,
		"Health establishment: the same report; also tell the ARS contact if patient care is affected"},
	"cnil":     {"CNIL", "", "Personal-data breach: notification within 72 h of becoming aware (GDPR art. 33), initial then completed"},
	"anssi":    {"ANSSI (CERT-FR)", "", "Public administrations, operators of vital importance and of essential services, classified information"},
	"csirt":    {"Regional CSIRT", "", "Local authorities, small and mid-sized businesses, associations: incident response support"},
	"assureur": {"Cyber insurer (to be filled in: policy, emergency line)", "to be filled in", "As soon as the incident is qualified: opens the claim and gives access to the insurer's responders"},
	"police":   {"Police or gendarmerie (complaint)", "", "Starts the investigation; attach the evidence export (vigie incident export) and the incident log"},
	"signalement": {"Signal Spam, PhishTank, the host's abuse desk", "https://www.signal-spam.fr ; https://phishtank.org ; abuse address of the sending domain",
		"Alerting third parties (CERT Santé fiche): signal-spam, phishtank, arf, xarf exports"},
}

// englishContact gives a default contact in English; the organisation's
// own entries are shown as written.
func englishContact(c incident.Contact) incident.Contact {
	for _, d := range DefaultContacts() {
		if d.Role != c.Role || d.Name != c.Name || d.When != c.When {
			continue
		}
		en := defaultContactsEN[c.Role]
		c.Name, c.When = en[0], en[2]
		if en[1] != "" {
			c.How = en[1]
		}
	}
	return c
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// HealthReport writes the CERT Santé / ARS report of a health
// establishment pre-filled from the case, field by field as the portal
// asks for them, with "à renseigner" where the case cannot know; in lang
// (the portal is French: the English version is for a reader who is not).
func HealthReport(w io.Writer, c incident.Case, p incident.Profile, now time.Time, lang string) error {
	inc := c.Incident
	tr := wordsFor(lang)
	f := func(k, v string) {
		if strings.TrimSpace(v) == "" {
			v = tr.t("à renseigner")
		}
		fmt.Fprintf(w, "%-42s %s\n", tr.t(k)+strings.TrimRight(tr.t(" : "), " "), journal.Printable(v))
	}
	fmt.Fprintln(w, tr.t("DÉCLARATION D'INCIDENT DE SÉCURITÉ DES SYSTÈMES D'INFORMATION — ÉTABLISSEMENT DE SANTÉ"))
	fmt.Fprintf(w, tr.t("(art. L.1111-8-2 du code de la santé publique ; à saisir sur %s ; transmise à l'ARS et au CERT Santé)")+"\n\n", HealthPortal)
	if !p.Health() {
		fmt.Fprintf(w, "%s\n\n", tr.t("NB : aucun numéro FINESS n'est configuré (incidents.profile.finess) ; cette déclaration ne concerne que les établissements de santé."))
	}
	fmt.Fprintln(w, tr.t("1. Établissement et déclarant"))
	f("Établissement", p.Org)
	f("N° FINESS", p.FINESS)
	f("Région (ARS)", p.Region)
	f("Déclarant", p.Reporter)
	f("Courriel", p.Email)
	f("Téléphone", p.Phone)
	fmt.Fprintln(w, "\n"+tr.t("2. Incident"))
	f("Référence interne", fmt.Sprintf(tr.t("incident %d"), inc.ID))
	f("Nature", inc.Type.Label(lang))
	f("Date de détection (prise de connaissance)", journal.FormatTime(inc.AwareAt))
	f("Date de la déclaration", journal.FormatTime(now))
	f("Gravité (grille InterCERT)", fmt.Sprintf("%s (%s %s, %s %s, %s %s)", inc.Severity.Label(lang),
		tr.t("périmètre"), inc.Perimeter.In(incident.Perimeter, lang), tr.t("impact"), inc.Impact.In(incident.Impact, lang),
		tr.t("urgence"), inc.Urgency.In(incident.Urgency, lang)))
	f("Description", inc.Summary)
	f("Comptes concernés", strings.Join(inc.Accounts, ", "))
	f("Machines concernées", strings.Join(inc.Machines, ", "))
	f("Impact sur la prise en charge des patients", "")
	f("Activités ou services perturbés", "")
	personal := tr.t("non établie à ce stade")
	if d, ok := inc.CNILDeadline(); ok {
		personal = tr.t("possible — notification CNIL avant le") + " " + journal.FormatTime(d)
	}
	f("Atteinte à des données de santé ou personnelles", personal)
	fmt.Fprintln(w, "\n"+tr.t("3. Éléments techniques"))
	var urls, ips, senders []string
	for _, ind := range c.Indicators {
		switch ind.Kind {
		case incident.KindURL:
			urls = append(urls, defang(ind.Value))
		case incident.KindIP:
			ips = append(ips, ind.Value)
		case incident.KindEmail:
			senders = append(senders, ind.Value)
		}
	}
	f("URL malveillantes (neutralisées)", strings.Join(urls, " ; "))
	f("Adresses IP", strings.Join(ips, ", "))
	f("Expéditeurs", strings.Join(senders, ", "))
	f("Preuves conservées", fmt.Sprintf(tr.t("%d fichier(s), empreintes SHA-256 dans l'export"), len(c.Evidence)))
	fmt.Fprintln(w, "\n"+tr.t("4. Mesures"))
	var done, doing []string
	for _, it := range c.Checklist {
		title := it.ItemID + " " + pickLang(lang, it.Def.TitleFR, it.Def.TitleEN)
		switch it.Status {
		case incident.Done:
			done = append(done, title)
		case incident.InProgress:
			doing = append(doing, title)
		}
	}
	f("Mesures prises", strings.Join(done, " ; "))
	f("Mesures en cours", strings.Join(doing, " ; "))
	f("Demande d'appui du CERT Santé", "")
	fmt.Fprintf(w, "\n"+tr.t("Main courante : %d entrées, tête sha256 %s (à citer pour authentifier ce dossier).")+"\n", inc.Journal.Seq, inc.Journal.Hash)
	return nil
}
