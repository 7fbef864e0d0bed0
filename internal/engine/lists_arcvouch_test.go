package engine

import (
	"context"
	"os"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// A trusted sealer's recorded DMARC pass explains the author's failure
// here (AUTH_DMARC_FAIL_LIST) only when it is about this message: the
// sealer sealed last (an untrusted hop that sealed after it may have
// changed the body, its cv=pass being its own word; RFC 8617 §5.2), and
// the pass it recorded was for this From's domain (an instance's results
// are only as good as its sealer, and they are about what it received;
// §7). Twins of the Sympa list's genuine post of a p=reject author
// (accepted, vouched by the list's trusted seal): the post resealed by an
// untrusted relay with its body swapped for a lure, and the list's seal
// recording a member's own domain's pass beneath a From of another
// p=reject domain asking for new bank details.
func TestListVouchReadsOnlyTheLastTrustedSealForThisFrom(t *testing.T) {
	raw, err := os.ReadFile("testdata/lists/sympa-esante-tag-footer-preject.eml")
	if err != nil {
		t.Fatal(err)
	}
	genuine := string(raw)
	head, _, ok := strings.Cut(genuine, "\r\n\r\n")
	if !ok {
		head, _, _ = strings.Cut(genuine, "\n\n")
	}
	nl := "\n"
	if strings.Contains(head, "\r\n") {
		nl = "\r\n"
	}
	lines := func(s string) string { return strings.ReplaceAll(s, "\n", nl) }

	// The replay: a member's relay received the genuine post and sealed
	// i=2 after the list's i=1, the body now a credential lure.
	replay := strings.Replace(head,
		`arc=pass ("listes.esante-exemple.fr:s=arc2024:i=1")`,
		`arc=pass ("relais-partage.net:s=arc1:i=2")`, 1)
	replay = strings.Replace(replay,
		"Received: from listes.esante-exemple.fr (listes.esante-exemple.fr [198.51.100.70])",
		"Received: from mail.relais-partage.net (mail.relais-partage.net [203.0.113.90])", 1)
	replay = strings.Replace(replay, "ARC-Seal: i=1;", lines(`ARC-Seal: i=2; a=rsa-sha256; d=relais-partage.net; s=arc1; cv=pass; b=AAAA
ARC-Message-Signature: i=2; a=rsa-sha256; d=relais-partage.net; s=arc1; h=from:to:subject:date:message-id; bh=AAAA; b=AAAA
ARC-Authentication-Results: i=2; relais-partage.net; arc=pass; dmarc=pass header.from=ch-vallee-exemple.fr
Received: from listes.esante-exemple.fr (listes.esante-exemple.fr [198.51.100.70])
	by mail.relais-partage.net (Postfix) with ESMTPS id 7QpL2
	for <relais@relais-partage.net>; Tue, 05 Nov 2024 16:02:10 +0100 (CET)
ARC-Seal: i=1;`), 1)
	lure := lines(`Bonjour à tous,

L'analyse d'impact dont nous parlions est partagée avec le réseau. Pour
la consulter, connectez-vous avec l'identifiant et le mot de passe de
votre messagerie professionnelle avant vendredi :
https://dpo-reseau-partage.web.app/connexion

Maxime Girard
DPO, CH de la Vallée
`)

	// Another From: the list's seal records the pass of the member's own
	// domain, the From is a p=reject hospital's finance office.
	otherFrom := strings.Replace(head,
		"dmarc=pass (p=reject dis=none) header.from=ch-vallee-exemple.fr",
		"dmarc=pass (p=none dis=none) header.from=envoi-adherent.net", 1)
	otherFrom = strings.Replace(otherFrom,
		"header.from=ch-vallee-exemple.fr;\r\n\tarc=pass", "header.from=ch-montagne-exemple.fr;\r\n\tarc=pass", 1)
	otherFrom = strings.Replace(otherFrom,
		"header.from=ch-vallee-exemple.fr;\n\tarc=pass", "header.from=ch-montagne-exemple.fr;\n\tarc=pass", 1)
	otherFrom = strings.Replace(otherFrom,
		"From: Maxime Girard <maxime.girard@ch-vallee-exemple.fr>",
		"From: Direction des finances <finances@ch-montagne-exemple.fr>", 1)
	bank := lines(`Bonjour,

Suite au changement de notre établissement bancaire, merci de noter nos
nouvelles coordonnées bancaires pour le règlement des factures en attente :
IBAN FR76 3000 4000 0500 0012 3456 789 - BIC BNPAFRPPXXX.
Merci de confirmer la mise à jour par retour de mail.

Direction des finances
CH de la Montagne
`)

	s, err := New(listGateway(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := s.Scan(context.Background(), raw, scan.Envelope{})
	t.Logf("%-10s %-10s %5.2f %s", "genuine", v.Action, v.Score, weighted(v))
	if v.Action != scan.Accept || !v.Has("AUTH_DMARC_FAIL_LIST") {
		t.Errorf("the genuine post: %s %.2f %v", v.Action, v.Score, names(v))
	}
	for _, c := range []struct{ name, raw string }{
		{"replay", replay + nl + nl + lure},
		{"otherFrom", otherFrom + nl + nl + bank},
	} {
		v := s.Scan(context.Background(), []byte(c.raw), scan.Envelope{})
		t.Logf("%-10s %-10s %5.2f %s", c.name, v.Action, v.Score, weighted(v))
		if v.Has("AUTH_DMARC_FAIL_LIST") || !v.Has("AUTH_DMARC_FAIL_REJECT") || v.Action == scan.Accept {
			t.Errorf("%s: %s %.2f, want AUTH_DMARC_FAIL_REJECT, not the list's vouch", c.name, v.Action, v.Score)
		}
	}
}
