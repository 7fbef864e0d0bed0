package engine

import (
	"fmt"
	"mime"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// commercialMail is a hand-written French commercial message: a supplier's
// newsletter, a shop's order confirmation, a webinar invitation, a
// federation's newsletter. auth is the trusted Authentication-Results of
// mx.chu-exemple.fr, "" when the message came through a relay the
// hospital does not know and was not authenticated (a small supplier's
// own server, a forwarder).
type commercialMail struct {
	name        string
	from        string // display name and address
	returnPath  string
	auth        string
	subject     string
	unsubscribe string // List-Unsubscribe value, "" for none
	html        string
	// absent are signals whose definition must not fire on this message,
	// whatever the weights: what a newsletter is made of is not a lure.
	absent []string
}

func (m commercialMail) raw() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "Return-Path: <%s>\r\n", m.returnPath)
	if m.auth != "" {
		fmt.Fprintf(&b, "Authentication-Results: mx.chu-exemple.fr;\r\n\t%s\r\n", m.auth)
	}
	b.WriteString("Received: from out-17.envoi-exemple.net (out-17.envoi-exemple.net [198.51.100.117])\r\n" +
		"\tby mx.chu-exemple.fr (Postfix) with ESMTPS id 4Wq8Zk1hXyz3\r\n" +
		"\tfor <achats@chu-exemple.fr>; Tue, 14 Apr 2026 09:30:02 +0200 (CEST)\r\n")
	name, addr, _ := strings.Cut(m.from, " <")
	fmt.Fprintf(&b, "From: %s <%s\r\nTo: achats@chu-exemple.fr\r\nSubject: %s\r\n",
		mime.QEncoding.Encode("utf-8", name), addr, mime.QEncoding.Encode("utf-8", m.subject))
	b.WriteString("Date: Tue, 14 Apr 2026 07:30:00 +0000\r\n")
	fmt.Fprintf(&b, "Message-ID: <%s.20260414@envoi-exemple.net>\r\n", strings.ReplaceAll(m.name, " ", "-"))
	if m.unsubscribe != "" {
		fmt.Fprintf(&b, "List-Unsubscribe: %s\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", m.unsubscribe)
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(m.html, "\n", "\r\n"))
	return []byte(b.String())
}

// TestFrenchCommercialMailIsAccepted: the bulk mail a hospital's buyers,
// managers and nurses receive from its suppliers, shops, software vendors
// and federation — with search and sign-up forms, "cliquez ici pour lire
// la suite", a "mot de passe oublié ?" footer, an opt-out on the sender's
// own site — is accepted, authenticated or not, and the signals that used
// to read those parts as lures stay silent.
func TestFrenchCommercialMailIsAccepted(t *testing.T) {
	s := modernConfig(t)
	const espAuth = "dkim=pass header.d=%[1]s header.s=s1; spf=pass smtp.mailfrom=bounce.envoi-exemple.net; dmarc=pass (p=none dis=none) header.from=%[1]s"
	newsletterFooter := `<p>Vous recevez cette lettre en tant que client. <a href="https://www.%[1]s/compte/preferences">Gérer mes abonnements</a> ·
<a href="https://www.%[1]s/desinscription">Se désinscrire : cliquez ici</a></p>`
	tests := []commercialMail{{
		name:        "lettre fournisseur dispositifs medicaux",
		from:        "Medi-Fournitures Exemple <lettre@medi-fournitures-exemple.fr>",
		returnPath:  "b.4f1e.achats=chu-exemple.fr@bounce.envoi-exemple.net",
		auth:        fmt.Sprintf(espAuth, "medi-fournitures-exemple.fr"),
		subject:     "Nouveautés avril : gants nitrile, champs opératoires et tarifs 2026",
		unsubscribe: "<https://www.medi-fournitures-exemple.fr/desinscription?u=8812>",
		html: `<html><body>
<p>Bonjour,</p>
<p>Notre gamme de gants d'examen nitrile s'agrandit : tailles XS à XL, sans poudre, conformes EN 455.
<a href="https://www.medi-fournitures-exemple.fr/catalogue/gants">Cliquez ici pour découvrir la gamme</a>.</p>
<form method="get" action="https://www.medi-fournitures-exemple.fr/recherche">
<input type="text" name="q" placeholder="Référence ou produit"><input type="submit" value="Rechercher">
</form>
<p>Mot de passe oublié ? Cliquez sur le bouton « Réinitialiser » de la page
<a href="https://www.medi-fournitures-exemple.fr/compte/mot-de-passe">Mon mot de passe</a>.</p>
` + fmt.Sprintf(newsletterFooter, "medi-fournitures-exemple.fr") + `
</body></html>`,
		absent: []string{"HTML_FORM", "LURE_CREDENTIALS", "BULK_NO_LIST_UNSUBSCRIBE"},
	}, {
		name:       "lettre petit fournisseur sans authentification ni list-unsubscribe",
		from:       "Labo Réactifs Exemple <info@labo-reactifs-exemple.fr>",
		returnPath: "info@labo-reactifs-exemple.fr",
		subject:    "La lettre du laboratoire - avril 2026",
		html: `<html><body>
<h1>La lettre du laboratoire</h1>
<p>Nouveaux réactifs de biochimie et automates en démonstration dans votre région.
Pour en savoir plus, <a href="https://www.labo-reactifs-exemple.fr/actualites/avril">cliquez ici</a>.</p>
<p>Abonnez un collègue :</p>
<form method="post" action="https://www.labo-reactifs-exemple.fr/lettre/abonnement">
<input type="hidden" name="liste" value="lettre"><input type="email" name="adresse"><input type="submit" value="Abonner">
</form>
<p>Pour ne plus recevoir cette lettre, <a href="https://www.labo-reactifs-exemple.fr/lettre/desinscription">cliquez ici pour vous désinscrire</a>.</p>
</body></html>`,
		absent: []string{"HTML_FORM", "LURE_CREDENTIALS", "BULK_NO_LIST_UNSUBSCRIBE"},
	}, {
		name:       "confirmation de commande boutique",
		from:       "Bureau Pro Exemple <commandes@bureau-pro-exemple.fr>",
		returnPath: "rebond@bureau-pro-exemple.fr",
		auth:       "dkim=pass header.d=bureau-pro-exemple.fr header.s=k1; spf=pass smtp.mailfrom=bureau-pro-exemple.fr; dmarc=pass (p=quarantine dis=none) header.from=bureau-pro-exemple.fr",
		subject:    "Confirmation de votre commande n° 2026-448817",
		html: `<html><body>
<p>Bonjour,</p>
<p>Nous vous remercions pour votre commande n° 2026-448817 du 14 avril 2026 :</p>
<table><tr><td>Ramettes papier A4 80 g (x 10)</td><td>42,90 € HT</td></tr>
<tr><td>Classeurs à levier (x 20)</td><td>37,80 € HT</td></tr></table>
<p>Livraison prévue le 16 avril au service des achats. Pour suivre votre colis,
<a href="https://www.bureau-pro-exemple.fr/commandes/2026-448817/suivi">cliquez ici</a>.</p>
<p>Votre facture sera disponible dans votre espace client dès l'expédition.</p>
<p>Le service clients Bureau Pro Exemple — du lundi au vendredi, de 8 h à 18 h.</p>
</body></html>`,
		absent: []string{"HTML_FORM", "LURE_CREDENTIALS", "BULK_NO_LIST_UNSUBSCRIBE"},
	}, {
		name:        "invitation webinaire editeur",
		from:        "Logiciel Bloc Exemple <evenements@logiciel-bloc-exemple.fr>",
		returnPath:  "b.77a0.achats=chu-exemple.fr@bounce.envoi-exemple.net",
		auth:        fmt.Sprintf(espAuth, "logiciel-bloc-exemple.fr"),
		subject:     "Webinaire le 28 avril : planifier le bloc opératoire en 2026",
		unsubscribe: "<https://www.logiciel-bloc-exemple.fr/desinscription?u=3391>",
		html: `<html><body>
<p>Madame, Monsieur,</p>
<p>Nous vous invitons à notre webinaire du mardi 28 avril, de 11 h à 12 h : planification du bloc,
retours d'expérience de deux centres hospitaliers et questions-réponses.</p>
<p>Pour vous inscrire, cliquez sur le bouton ci-dessous — les places sont limitées.</p>
<p><a href="https://www.logiciel-bloc-exemple.fr/webinaires/bloc-2026">Je m'inscris</a></p>
<p>La veille, vous recevrez le lien pour rejoindre la session.</p>
<p><a href="https://www.logiciel-bloc-exemple.fr/webinaires/bloc-2026.ics">Ajouter à mon agenda</a></p>
` + fmt.Sprintf(newsletterFooter, "logiciel-bloc-exemple.fr") + `
</body></html>`,
		absent: []string{"HTML_FORM", "LURE_CREDENTIALS", "BULK_NO_LIST_UNSUBSCRIBE"},
	}, {
		name:        "lettre federation hospitaliere",
		from:        "Fédération hospitalière Exemple <lettre@federation-hospitaliere-exemple.fr>",
		returnPath:  "b.19c2.achats=chu-exemple.fr@bounce.envoi-exemple.net",
		auth:        fmt.Sprintf(espAuth, "federation-hospitaliere-exemple.fr"),
		subject:     "La lettre de la Fédération - n° 412",
		unsubscribe: "<https://www.federation-hospitaliere-exemple.fr/lettre/desinscription?u=77>",
		html: `<html><body>
<h1>La lettre de la Fédération</h1>
<p>Campagne tarifaire 2026 : ce que prévoit l'arrêté pour les établissements publics de santé.
<a href="https://www.federation-hospitaliere-exemple.fr/actualites/campagne-tarifaire-2026">Lire la suite</a></p>
<p>Attractivité des métiers soignants : le rapport du groupe de travail est en ligne.
Pour le télécharger, <a href="https://www.federation-hospitaliere-exemple.fr/publications/attractivite">cliquez ici</a>.</p>
<form method="get" action="https://www.federation-hospitaliere-exemple.fr/recherche">
<input type="search" name="texte"><input type="submit" value="OK">
</form>
<p>Adhérents : retrouvez les notes juridiques dans votre espace adhérent.</p>
` + fmt.Sprintf(newsletterFooter, "federation-hospitaliere-exemple.fr") + `
</body></html>`,
		absent: []string{"HTML_FORM", "LURE_CREDENTIALS", "BULK_NO_LIST_UNSUBSCRIBE"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := s.Scan(t.Context(), tt.raw(), scan.Envelope{})
			t.Logf("%5.2f %-10s %s", v.Score, v.Action, weighted(v))
			if v.Action != scan.Accept {
				t.Errorf("%s (%.2f) %s", v.Action, v.Score, weighted(v))
			}
			for _, name := range tt.absent {
				for _, sig := range v.Signals {
					if sig.Name == name {
						t.Errorf("%s raised (%s): %s", name, sig.Detail, weighted(v))
					}
				}
			}
		})
	}
}
