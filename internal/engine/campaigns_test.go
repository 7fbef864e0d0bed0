package engine

import (
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// campaign builds a message as it reaches the hospital's MX: one hop from
// an outside host, with the MX's Authentication-Results.
func campaign(client, authres, headers, body string) []byte {
	h := "Return-Path: <bounce@" + client + ">\n" +
		"Authentication-Results: mx.example-hopital.fr; " + authres + "\n" +
		"Received: from " + client + " (" + client + " [198.51.100.23])\n" +
		"\tby mx.example-hopital.fr (Postfix) with ESMTP id 4Xc9; Wed, 20 Mar 2024 10:02:11 +0100 (CET)\n" +
		"To: agent@example-hopital.fr\nDate: Wed, 20 Mar 2024 10:02:09 +0100\nMessage-ID: <c1@" + client + ">\n" +
		strings.TrimSpace(headers) + "\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8"
	return msg(h, body)
}

// The French campaigns of the last years, written as they arrive (not taken
// from the evaluation corpus): each is held in quarantine or refused.
func TestFrenchCampaignsAreCaught(t *testing.T) {
	c := gatewayConfig(t)
	c.Org.VIPs = []string{"Claire Dubois"}
	s, err := New(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range frenchCampaigns() {
		t.Run(tc.name, func(t *testing.T) {
			v := s.Scan(t.Context(), tc.raw, scan.Envelope{})
			if v.Action.Rank() < tc.min.Rank() {
				t.Errorf("%s (%.1f), want at least %s; signals %v", v.Action, v.Score, tc.min, names(v))
			}
		})
	}
}

type campaignCase struct {
	name string
	raw  []byte
	min  scan.Action
}

// frenchCampaigns are ten campaign families that Cybermalveillance.gouv.fr
// has documented in its public alerts, written as they reach a hospital.
// They are also the fixtures that exercise the lure phrases whose source
// is those families (TestLurePhrasesHaveEvidence).
func frenchCampaigns() []campaignCase {
	return []campaignCase{
		{"Ameli carte Vitale", campaign("mail.ameli-remb-exemple.com", "spf=pass smtp.mailfrom=ameli-remb-exemple.com; dkim=none; dmarc=none header.from=ameli-remb-exemple.com",
			`From: "Assurance Maladie" <noreply@ameli-remb-exemple.com>
Subject: Votre carte Vitale arrive à expiration`,
			`<p>Cher assuré,</p><p>Votre carte Vitale arrive à expiration. Pour recevoir la nouvelle carte, mettez à jour vos informations avant le 31 mars (frais d'envoi : 1,49 €).</p><p><a href="https://ameli-vitale-renouvellement.pages.dev/">Mettre à jour mes informations</a></p>`), scan.Quarantine},
		{"ANTAI fine", campaign("srv1.amendes-paiement-exemple.fr", "spf=none smtp.mailfrom=amendes-paiement-exemple.fr; dkim=none; dmarc=none header.from=amendes-paiement-exemple.fr",
			`From: "ANTAI - Service des amendes" <info@amendes-paiement-exemple.fr>
Subject: Avis de contravention en attente de paiement`,
			`<p>Avis de contravention n° 2024-118834 : amende forfaitaire de 35 €, majorée à 75 € sans paiement sous 72 heures.</p><p><a href="https://bit.ly/3xAmende">Payer l'amende</a></p>`), scan.Quarantine},
		{"Colissimo fees", campaign("mta.colis-suivi-exemple.top", "spf=pass smtp.mailfrom=colis-suivi-exemple.top; dkim=pass header.d=colis-suivi-exemple.top; dmarc=pass header.from=colis-suivi-exemple.top",
			`From: "Colissimo" <suivi@colis-suivi-exemple.top>
Subject: Votre colis est en attente de livraison`,
			`<p>Votre colis est en attente de livraison : des frais de réexpédition de 2,99 € sont à régler.</p><p><a href="https://reexpedition-colis-7fk2.europe-west1.run.app/">Programmer la livraison</a></p>`), scan.Quarantine},
		{"Microsoft 365 password expiry", campaign("smtp.m365-securite-exemple.com", "spf=pass smtp.mailfrom=m365-securite-exemple.com; dkim=none; dmarc=none header.from=m365-securite-exemple.com",
			`From: "Microsoft 365" <it-support@m365-securite-exemple.com>
Subject: Votre mot de passe expire aujourd'hui`,
			`<p>Le mot de passe de agent@example-hopital.fr expire aujourd'hui.</p><p><a href="https://login-m365-portail.firebaseapp.com/?u=agent@example-hopital.fr">Conserver le même mot de passe</a></p>`), scan.Quarantine},
		{"DocuSign share from a free mailbox", campaign("mail-yw1.google.com", "spf=pass smtp.mailfrom=gmail.com; dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com",
			`From: "DocuSign via Ressources Humaines" <rh.documents.signature@gmail.com>
Subject: Avenant à votre contrat 2024 : révisez et signez`,
			`<p>Un document a été partagé avec vous : Avenant contrat 2024.</p><p><a href="https://docs.google.com/forms/d/e/1FAIpQLSe-avenant/viewform">Consulter le document</a></p>`), scan.Quarantine},
		{"bank details change", campaign("mail.medi-fournitures-exemple.com", "spf=pass smtp.mailfrom=medi-fournitures-exemple.com; dkim=none; dmarc=none header.from=medi-fournitures-exemple.com",
			`From: "Service Comptabilité Médi-Fournitures" <compta@medi-fournitures-exemple.com>
Reply-To: compta.medifournitures@outlook.fr
Subject: Changement de coordonnées bancaires`,
			`<p>Bonjour,</p><p>Suite à un changement de banque, merci de noter nos nouvelles coordonnées bancaires (nouveau RIB ci-joint) pour le règlement des factures en attente.</p>`), scan.Quarantine},
		{"CEO fraud", campaign("mail-ot1.google.com", "spf=pass smtp.mailfrom=gmail.com; dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com",
			`From: "Claire Dubois" <claire.dubois.direction@gmail.com>
Subject: Demande confidentielle`,
			`<p>Êtes-vous disponible ? J'ai besoin que vous traitiez un virement urgent et confidentiel aujourd'hui.</p>`), scan.Quarantine},
		{"fake police summons", campaign("mail-pl1.google.com", "spf=pass smtp.mailfrom=gmail.com; dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com",
			`From: "Gendarmerie Nationale - Brigade numérique" <convocation.brigade@gmail.com>
Subject: Convocation judiciaire`,
			`<p>Une plainte déposée contre vous pour pédopornographie fait l'objet de poursuites judiciaires. Répondez sous 72 heures pour éviter un mandat d'arrêt.</p>`), scan.Quarantine},
		{"tax refund", campaign("out.dgfip-remb-exemple.com", "spf=pass smtp.mailfrom=dgfip-remb-exemple.com; dkim=none; dmarc=none header.from=dgfip-remb-exemple.com",
			`From: "impots.gouv.fr" <remboursement@dgfip-remb-exemple.com>
Subject: Vous êtes éligible à un remboursement`,
			`<p>Après le calcul de votre taxe, vous êtes éligible à un remboursement de 243,50 €.</p><p><a href="https://k7f2qx9w.xyz/remboursement">Demander le remboursement</a></p>`), scan.Quarantine},
		{"CPF rights", campaign("mail.cpf-droits-exemple.fr", "spf=pass smtp.mailfrom=cpf-droits-exemple.fr; dkim=pass header.d=cpf-droits-exemple.fr; dmarc=pass header.from=cpf-droits-exemple.fr",
			`From: "Mon Compte Formation" <info@cpf-droits-exemple.fr>
Subject: Vos droits CPF expirent le 31/12`,
			`<p>Vos droits CPF (1 250 €) expirent le 31 décembre. Utilisez-les avant qu'il ne soit trop tard.</p><p><a href="https://cpf-droits-exemple.fr/activer">Activer mes droits</a></p>`), scan.Quarantine},
	}
}
