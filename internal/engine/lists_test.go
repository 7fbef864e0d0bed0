package engine

import (
	"context"
	"testing"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// A list that tags the subject breaks the author's DKIM signature, so the
// author's DMARC fails at the hospital's door. When the list's own domain
// is authenticated (its envelope passes SPF, or it signs), that failure is
// the ordinary fate of list mail; when nothing of the list is
// authenticated, the failure counts in full.
func TestListRewritesDoNotCountAsForgery(t *testing.T) {
	raw := msg(`From: Jeanne Martin <jeanne.martin@chu-exemple.fr>
To: infectio-reseau@listes.sante-exemple.fr
Subject: [infectio-reseau] Protocole BMR : mise à jour de la fiche
Date: Tue, 12 Mar 2024 10:00:00 +0100
Message-ID: <p1@chu-exemple.fr>
List-Id: Réseau infectiologie <infectio-reseau.listes.sante-exemple.fr>
List-Post: <mailto:infectio-reseau@listes.sante-exemple.fr>
List-Unsubscribe: <mailto:infectio-reseau-leave@listes.sante-exemple.fr>
Reply-To: infectio-reseau@listes.sante-exemple.fr
Content-Type: text/plain; charset=utf-8`, "Bonjour à tous, la fiche BMR a été mise à jour après le comité du 7 mars.\n")
	env := scan.Envelope{MailFrom: "infectio-reseau-bounces@listes.sante-exemple.fr"}
	failed := auth.Results{SPF: auth.Pass, SPFDomain: "listes.sante-exemple.fr", DMARC: auth.Fail, DMARCPolicy: "reject",
		DKIM: []auth.DKIMResult{{Domain: "chu-exemple.fr", Result: auth.Fail}}}
	unauthenticated := failed
	unauthenticated.SPF, unauthenticated.SPFDomain = auth.SoftFail, "listes.sante-exemple.fr"
	for _, c := range []struct {
		r          auth.Results
		want, not_ string
	}{
		{failed, "AUTH_DMARC_FAIL_LIST", "AUTH_DMARC_FAIL_REJECT"},
		{unauthenticated, "AUTH_DMARC_FAIL_REJECT", "AUTH_DMARC_FAIL_LIST"},
	} {
		cfg := config.Default()
		s, err := New(&cfg, Options{Online: fixedAuth{c.r}})
		if err != nil {
			t.Fatal(err)
		}
		v := s.Scan(context.Background(), raw, env)
		if !v.Has(c.want) || v.Has(c.not_) {
			t.Errorf("SPF %s: want %s and not %s, got %v", c.r.SPF, c.want, c.not_, names(v))
		}
		for _, n := range []string{"REPLYTO_OTHER_DOMAIN", "FROM_RETURN_PATH_MISMATCH", "RECIPIENT_IN_SUBJECT"} {
			if v.Has(n) {
				t.Errorf("list traffic raised %s", n)
			}
		}
		if c.r.SPF == auth.Pass && v.Action != scan.Accept {
			t.Errorf("authenticated list message: %s %.1f %v", v.Action, v.Score, names(v))
		}
	}
}

// Older list software says who it is in Mailing-List, not List-Id; its
// subject tag repeats the list's address, which is not the recipient's
// address put in the subject by a bulk mailer.
func TestOlderListSoftwareIsListTraffic(t *testing.T) {
	raw := msg(`Return-Path: <sentto-2242572-5597-1034026967-jean=example-hopital.fr@returns.groups.example.com>
From: Marc Petit <marc.petit@exemple-fai.fr>
To: randonneesalpines@groups.example.com
Subject: Re: [randonneesalpines] Sortie du 14 : covoiturage
Date: Mon, 7 Oct 2002 16:42:27 -0500
Message-ID: <a05200a0e@exemple-fai.fr>
In-Reply-To: <049d01c26e44@exemple-fai.fr>
Mailing-List: list randonneesalpines@groups.example.com; contact randonneesalpines-owner@groups.example.com
Precedence: bulk
List-Unsubscribe: <mailto:randonneesalpines-unsubscribe@groups.example.com>
Reply-To: randonneesalpines@groups.example.com
Content-Type: text/plain; charset=us-ascii`, "Je peux prendre trois personnes depuis Grenoble, départ 7 h.\n")
	cfg := config.Default()
	cfg.Auth.Mode = "headers"
	s, err := New(&cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := s.Scan(context.Background(), raw, scan.Envelope{})
	for _, n := range []string{"REPLYTO_OTHER_DOMAIN", "FROM_RETURN_PATH_MISMATCH", "RECIPIENT_IN_SUBJECT", "SUBJECT_GIBBERISH"} {
		if v.Has(n) {
			t.Errorf("list traffic raised %s: %v", n, names(v))
		}
	}
	if v.Action != scan.Accept {
		t.Errorf("list message: %s %.1f %v", v.Action, v.Score, names(v))
	}
}

// fixedAuth stands in for live DNS with the results a test gives.
type fixedAuth struct{ r auth.Results }

func (a fixedAuth) Authenticate(context.Context, []byte, *message.Message, *scan.Envelope) auth.Results {
	return a.r
}
