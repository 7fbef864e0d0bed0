package engine

import (
	"context"
	"testing"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// Shape heuristics do not apply to names that are known: a top site's or
// a big provider's host is never a look-alike nor "randomly generated", a
// click-tracking redirect to a top site leads nowhere unknown, and a bulk
// sender's per-recipient bounce address is not a throw-away mailbox.
func TestKnownNamesAreNotJudgedByTheirShape(t *testing.T) {
	raw := msg(`Return-Path: <Online#3.19965.2a-726zgP3UI7kTO9RR.1.b@lettre.exemple-editeur.fr>
From: La lettre Santé numérique <Online#3.19965.2a-726zgP3UI7kTO9RR.1@lettre.exemple-editeur.fr>
To: jean.dupont@example-hopital.fr
Subject: Dossier : la messagerie sécurisée à l'hôpital
Date: Tue, 12 Mar 2024 07:00:00 +0100
Message-ID: <l1@lettre.exemple-editeur.fr>
List-Unsubscribe: <https://lettre.exemple-editeur.fr/desinscription?u=726zgP3UI7kTO9RR>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8`, `<p>Ce mois-ci : la messagerie sécurisée de santé.</p>
<p><img src="https://lh3.googleusercontent.com/a/illustration.png" alt="illustration"></p>
<p><a href="https://www.exemple-editeur.fr/clic?url=https://www.youtube.com/watch?v=abc">La vidéo</a></p>
<p>Texte complet sur notre site. Pour ne plus recevoir cette lettre, suivez le lien de désinscription.</p>`)
	cfg := config.Default()
	cfg.Auth.Mode = "headers"
	s, err := New(&cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := s.Scan(context.Background(), raw, scan.Envelope{})
	for _, n := range []string{"FROM_LOCAL_RANDOM", "URL_BRAND_IN_DOMAIN", "URL_OPEN_REDIRECT", "URL_RANDOM_DOMAIN"} {
		if v.Has(n) {
			t.Errorf("raised %s: %v", n, v.Signals)
		}
	}
	// The same generated From with no bounce processing behind it is still
	// a generated mailbox.
	thrown := msg(`Return-Path: <x8Rk2pQzLmWv@envoi-colis-suivi.fr>
From: Suivi colis <x8Rk2pQzLmWv@envoi-colis-suivi.fr>
To: jean.dupont@example-hopital.fr
Subject: Votre colis
Date: Tue, 12 Mar 2024 07:00:00 +0100
Message-ID: <c1@envoi-colis-suivi.fr>
Content-Type: text/plain; charset=utf-8`, "Votre colis est en attente.\n")
	if v := s.Scan(context.Background(), thrown, scan.Envelope{}); !v.Has("FROM_LOCAL_RANDOM") {
		t.Errorf("generated sender without bounce tracking not flagged: %v", names(v))
	}
}

// A brand's own infrastructure is never impersonation: Google Groups
// distributes from googlegroups.com and says so, GitHub (Microsoft's)
// writes about Microsoft accounts from github.com.
func TestBrandInfrastructureIsTheBrand(t *testing.T) {
	cfg := config.Default()
	cfg.Auth.Mode = "headers"
	s, err := New(&cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, raw := range map[string][]byte{
		"google groups": msg(`From: "'Claire Petit' via Infirmiers hygiène" <infirmiers-hygiene@googlegroups.com>
To: infirmiers-hygiene@googlegroups.com
Subject: Affiches hygiène des mains
Date: Tue, 12 Mar 2024 09:00:00 +0100
Message-ID: <g1@mail.gmail.com>
Content-Type: text/plain; charset=utf-8`, "Bonjour, les affiches sont dans le dossier Google Drive du groupe.\n\n--\nVous recevez ce message, car vous êtes abonné au groupe Google Groupes « Infirmiers hygiène ».\n"),
		"github": msg(`From: GitHub <noreply@github.com>
To: dsi@example-hopital.fr
Subject: [GitHub] A third-party OAuth application has been added to your account
Date: Tue, 12 Mar 2024 09:00:00 +0100
Message-ID: <gh1@github.com>
Content-Type: text/plain; charset=utf-8`, "The Microsoft Teams application was recently authorized to access your account.\nVisit https://github.com/settings/connections/applications for more information.\n"),
	} {
		v := s.Scan(context.Background(), raw, scan.Envelope{})
		for _, n := range []string{"BRAND_MENTION_UNOFFICIAL", "BRAND_DISPLAY_NAME", "BRAND_SUBJECT_OTHER_SENDER"} {
			if v.Has(n) {
				t.Errorf("%s: %s %v", name, n, v.Signals)
			}
		}
	}
}
