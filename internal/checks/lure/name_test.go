package lure

import (
	"fmt"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/checks/sender"
)

// An urgency word inside the name of the sender's own service (DGS-Urgent,
// the ministry's health-alert system) is the service's name: it does not
// count where the name is written — display name, subject reference, the
// service's page in the body. Urgency in the message's own words still
// counts, and so does a name that is its urgency words alone, one on a
// free mailbox, or one from a sender whose domain does not answer for it.
func TestServiceNameIsNoUrgency(t *testing.T) {
	const (
		pass     = "spf=pass smtp.mailfrom=sante.gouv.fr; dkim=pass header.d=sante.gouv.fr; dmarc=pass header.from=sante.gouv.fr"
		none     = "spf=none smtp.mailfrom=alerte-exemple.fr; dkim=none; dmarc=none header.from=alerte-exemple.fr"
		gmail    = "spf=pass smtp.mailfrom=gmail.com; dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com"
		dgsBody  = "DGS-URGENT N°2026-11\n\nRupture de stock d'amoxicilline : recommandations.\nhttps://sante.gouv.fr/professionnels/article/dgs-urgent\n"
		dgsTitle = "DGS-URGENT N°2026-11 : rupture de stock d'amoxicilline"
	)
	for _, c := range []struct {
		name, auth, from, subject, body string
		want                            bool
	}{
		{"the ministry's alert under its service's name", pass, "DGS-Urgent <dgs-urgent@sante.gouv.fr>", dgsTitle, dgsBody, false},
		{"the same name in other case and spacing", pass, "DGS Urgent <dgs-urgent@sante.gouv.fr>", "dgs-urgent n°12", "Dgs urgent : fiche jointe.\n", false},
		{"the message's own urgency still counts", pass, "DGS-Urgent <dgs-urgent@sante.gouv.fr>", dgsTitle, dgsBody + "Réponse urgente attendue.\n", true},
		{"a name that is its urgency word alone", pass, "Urgent <dgs-urgent@sante.gouv.fr>", "Urgent : rupture", "Urgent.\n", true},
		{"a sender whose domain does not answer", none, "Alerte-Urgent <alerte@alerte-exemple.fr>", "ALERTE-URGENT n°3", "Alerte-Urgent n°3.\n", true},
		{"an ordinary urgency phrase as an authenticated sender's name", pass, "Paiement Urgent <paiement@sante.gouv.fr>", "Paiement urgent : facture", "Paiement urgent de votre facture.\n", true},
		{"the same phrase hyphenated", pass, "Paiement-Urgent <paiement@sante.gouv.fr>", "Paiement-Urgent : facture", "Paiement-Urgent.\n", true},
		{"the same phrase in capitals", pass, "PAIEMENT URGENT <paiement@sante.gouv.fr>", "PAIEMENT URGENT", "PAIEMENT URGENT.\n", true},
		{"capitals throughout around an acronym", pass, "SERVICE DGS URGENT <paiement@sante.gouv.fr>", "DGS URGENT", "DGS URGENT.\n", true},
		{"an acronym after the word", pass, "Urgent ARS <alerte@sante.gouv.fr>", "Urgent ARS n°4", "Urgent ARS n°4 : consignes.\n", false},
		{"a free mailbox's display name", gmail, "Service Urgent <service.urgent.fr@gmail.com>", "Service Urgent : votre dossier", "Service urgent.\n", true},
	} {
		raw := checktest.Message(fmt.Sprintf("Authentication-Results: mx.vigie.test; %s\nReceived: from smtp-out.exemple.fr (smtp-out.exemple.fr [192.0.2.61])\n\tby mx.vigie.test (Postfix) with ESMTPS id 4Wdh; Mon, 22 Jun 2026 16:34:52 +0200\nFrom: %s\nTo: agent@example-hopital.fr\nSubject: %s\nDate: Mon, 22 Jun 2026 14:34:49 +0000\nMessage-ID: <n@x>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8",
			c.auth, c.from, c.subject), c.body)
		l, err := New(nil)
		if err != nil {
			t.Fatal(err)
		}
		got := false
		for _, s := range checktest.Emitted(raw, l, sender.New(nil)) {
			got = got || s.Name == "LURE_URGENCY"
		}
		if got != c.want {
			t.Errorf("%s: LURE_URGENCY %v, want %v", c.name, got, c.want)
		}
	}
}
