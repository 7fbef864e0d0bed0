package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// A list that tags the subject breaks the author's DKIM signature, so the
// author's DMARC fails at the hospital's door. When the list's own domain
// is authenticated (its envelope passes SPF, or it signs) and the author's
// domain asks for nothing (p=none), that failure is the ordinary fate of
// list mail; when nothing of the list is authenticated, or the author's
// domain asks for rejection (list software rewrites such an author's From,
// TestListEvidenceIsNotAForgersPass), the failure counts in full.
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
	failed := auth.Results{SPF: auth.Pass, SPFDomain: "listes.sante-exemple.fr", DMARC: auth.Fail, DMARCPolicy: "none",
		DKIM: []auth.DKIMResult{{Domain: "chu-exemple.fr", Result: auth.Fail}}}
	strict := failed
	strict.DMARCPolicy = "reject"
	unauthenticated := strict
	unauthenticated.SPF, unauthenticated.SPFDomain = auth.SoftFail, "listes.sante-exemple.fr"
	for _, c := range []struct {
		r          auth.Results
		want, not_ string
	}{
		{failed, "AUTH_DMARC_FAIL_LIST", "AUTH_DMARC_FAIL"},
		{strict, "AUTH_DMARC_FAIL_REJECT", "AUTH_DMARC_FAIL_LIST"},
		{unauthenticated, "AUTH_DMARC_FAIL_REJECT", "AUTH_DMARC_FAIL_LIST"},
	} {
		cfg := config.Default()
		s, err := New(&cfg, Options{Online: fixedAuth{c.r}})
		if err != nil {
			t.Fatal(err)
		}
		v := s.Scan(context.Background(), raw, env)
		if !v.Has(c.want) || v.Has(c.not_) {
			t.Errorf("SPF %s, p=%s: want %s and not %s, got %v", c.r.SPF, c.r.DMARCPolicy, c.want, c.not_, names(v))
		}
		for _, n := range []string{"REPLYTO_OTHER_DOMAIN", "FROM_RETURN_PATH_MISMATCH", "RECIPIENT_IN_SUBJECT"} {
			if v.Has(n) {
				t.Errorf("list traffic raised %s", n)
			}
		}
		if c.want == "AUTH_DMARC_FAIL_LIST" && v.Action != scan.Accept {
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

// listGateway is the configuration of a hospital whose MX
// (mx.chu-exemple.fr) writes Authentication-Results, as an admin sets it
// up: the MX is a trusted relay and authserv-id, and the ARC sealers the
// admin believes are Google's, groups.io's and the regional e-health
// agency's list server.
func listGateway(t *testing.T) *config.Config {
	t.Helper()
	c := config.Default()
	c.Auth.Mode = "headers"
	c.Trust.Relays = []string{"mx.chu-exemple.fr"}
	c.Trust.AuthServIDs = []string{"mx.chu-exemple.fr"}
	c.Trust.ARCSealers = []string{"google.com", "groups.io", "listes.esante-exemple.fr"}
	c.Org.Domains = []string{"chu-exemple.fr"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return &c
}

// Mail from list software of every kind — Mailman 2 and 3, Sympa,
// LISTSERV, Google Groups, groups.io, digests, announce lists — is
// accepted under the default policy with the learned weights: a list
// that tags the subject, appends a footer, rewrites From for authors
// whose domain asks for rejection or wraps the message does what lists
// do (RFC 7960 §3.2.3, §4.1).
func TestListSoftwareIsAccepted(t *testing.T) {
	s, err := New(listGateway(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/lists/*.eml")
	if len(files) < 15 {
		t.Fatalf("%d list fixtures", len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		v := scanFile(t, s, "lists/"+name)
		t.Logf("%-40s %-10s %5.2f %v", name, v.Action, v.Score, names(v))
		if v.Action != scan.Accept {
			t.Errorf("%s: %s (%.2f) %v", name, v.Action, v.Score, names(v))
		}
	}
}

// withoutFields removes the header fields whose names start with one of
// prefixes (case-insensitive), continuation lines included.
func withoutFields(raw []byte, prefixes ...string) []byte {
	head, body, _ := strings.Cut(string(raw), "\n\n")
	var out []string
	drop := false
	for _, line := range strings.Split(head, "\n") {
		if line != "" && (line[0] == ' ' || line[0] == '\t') {
			if !drop {
				out = append(out, line)
			}
			continue
		}
		drop = false
		for _, p := range prefixes {
			if len(line) >= len(p) && strings.EqualFold(line[:len(p)], p) {
				drop = true
			}
		}
		if !drop {
			out = append(out, line)
		}
	}
	return []byte(strings.Join(out, "\n") + "\n\n" + body)
}

// List headers are not evidence: anyone can write List-Id into a message
// sent from a domain of their own. A DMARC failure of a p=reject or
// p=quarantine author is explained only by a trusted ARC sealer that
// recorded a pass in a chain the gateway verified; list software that
// does not seal rewrites such an author's From to its own domain, which
// then passes. Without that evidence the failure counts in full.
func TestListEvidenceIsNotAForgersPass(t *testing.T) {
	listMsg, err := os.ReadFile("testdata/lists/sympa-esante-tag-footer-preject.eml")
	if err != nil {
		t.Fatal(err)
	}
	quarantineMsg, err := os.ReadFile("testdata/lists/sympa-esante-tag-footer-pquarantine.eml")
	if err != nil {
		t.Fatal(err)
	}
	untrusting := listGateway(t)
	untrusting.Trust.ARCSealers = []string{"google.com", "groups.io"}
	noList := withoutFields(listMsg, "List-", "X-Loop", "X-Sequence", "Sender", "Errors-To", "Precedence", "ARC-")
	// A forger's own domain, authenticated, with list headers, spoofing an
	// author whose domain publishes p=reject, and a seal it wrote itself
	// in Google's name that the gateway could not verify.
	forged := msg(`Return-Path: <bounce@diffusion-exemple.net>
Authentication-Results: mx.chu-exemple.fr;
	dkim=pass header.d=diffusion-exemple.net header.s=s1;
	spf=pass smtp.mailfrom=bounce@diffusion-exemple.net;
	dmarc=fail (p=reject dis=none) header.from=ch-vallee-exemple.fr;
	arc=fail
Received: from mta1.diffusion-exemple.net (mta1.diffusion-exemple.net [203.0.113.201])
	by mx.chu-exemple.fr (Postfix) with ESMTPS id 4ZzZ1
	for <dpo@chu-exemple.fr>; Tue, 05 Nov 2024 16:30:00 +0100 (CET)
ARC-Seal: i=1; a=rsa-sha256; d=google.com; s=arc-20240605; cv=none; b=AAAA
ARC-Message-Signature: i=1; a=rsa-sha256; d=google.com; s=arc-20240605; h=from:subject; bh=AAAA; b=AAAA
ARC-Authentication-Results: i=1; mx.google.com; dkim=pass header.d=ch-vallee-exemple.fr; spf=pass smtp.mailfrom=ch-vallee-exemple.fr; dmarc=pass header.from=ch-vallee-exemple.fr
From: Maxime Girard <maxime.girard@ch-vallee-exemple.fr>
To: dpo-reseau@diffusion-exemple.net
Subject: [dpo-reseau] Analyse d'impact
Date: Tue, 5 Nov 2024 16:29:50 +0100
Message-ID: <f1@diffusion-exemple.net>
List-Id: <dpo-reseau.diffusion-exemple.net>
List-Post: <mailto:dpo-reseau@diffusion-exemple.net>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit`, "Bonjour, voici l'analyse d'impact promise, à consulter en ligne.\n")
	for _, c := range []struct {
		name string
		cfg  *config.Config
		raw  []byte
		want string
	}{
		{"p=reject author, list's sealer not trusted", untrusting, listMsg, "AUTH_DMARC_FAIL_REJECT"},
		{"p=quarantine author, list's sealer not trusted", untrusting, quarantineMsg, "AUTH_DMARC_FAIL_QUARANTINE"},
		{"p=reject author, no list headers nor seal", listGateway(t), noList, "AUTH_DMARC_FAIL_REJECT"},
		{"forger with list headers and a seal that did not verify", listGateway(t), forged, "AUTH_DMARC_FAIL_REJECT"},
	} {
		s, err := New(c.cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		v := s.Scan(context.Background(), c.raw, scan.Envelope{})
		t.Logf("%-55s %-10s %5.2f %v", c.name, v.Action, v.Score, names(v))
		if !v.Has(c.want) || v.Has("AUTH_DMARC_FAIL_LIST") {
			t.Errorf("%s: want %s and not AUTH_DMARC_FAIL_LIST, got %v", c.name, c.want, names(v))
		}
		if v.Action == scan.Accept {
			t.Errorf("%s: accepted (%.2f)", c.name, v.Score)
		}
	}

	// A p=none author's failure without list headers is not list traffic
	// either, and a list that is not authenticated mints no From.
	pnone, err := os.ReadFile("testdata/lists/sympa-esante-tag-footer-pnone.eml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(listGateway(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	untrusted, err := New(untrusting, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v := untrusted.Scan(context.Background(), withoutFields(pnone, "List-", "X-Loop", "Sender", "Errors-To", "Precedence"), scan.Envelope{}); !v.Has("AUTH_DMARC_FAIL") || v.Has("AUTH_DMARC_FAIL_LIST") {
		t.Errorf("p=none author without list headers: %v", names(v))
	}
	rewrite, err := os.ReadFile("testdata/lists/listserv-dmarc-rewrite.eml")
	if err != nil {
		t.Fatal(err)
	}
	unauth := []byte(strings.Replace(string(rewrite), "spf=pass (mx.chu-exemple.fr", "spf=softfail (mx.chu-exemple.fr", 1))
	unauth = []byte(strings.Replace(string(unauth), "dmarc=pass (p=none", "dmarc=fail (p=none", 1))
	if v := s.Scan(context.Background(), unauth, scan.Envelope{}); !v.Has("FROM_LOCAL_RANDOM") {
		t.Errorf("generated From at a list that is not authenticated: %v", names(v))
	}
}

// A member's own post coming back from the list (Mailman 3, Sympa, Google
// Groups, From rewritten to the list's address), delivered with another
// member of the same domain in one transaction: the receiving server
// writes no "for" clause, the list's inbound hop "for <list>" is the
// first below. It is not a message sent to oneself: FROM_EQUALS_TO stays
// spared by the list's headers behind the hospital's MX and under the
// evaluation's trust (layout's deliveredTo reads the topmost Received
// field only).
func TestListOwnPostBatchedDeliveryNotSelf(t *testing.T) {
	for _, name := range []string{"mailman3-propre-message-munge-lot.eml", "sympa-propre-message-dmarc-via-lot.eml", "google-groups-propre-message-via-lot.eml"} {
		raw, err := os.ReadFile("testdata/lists/" + name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range hospitalAndEvalScanners(t) {
			if v := c.s.Scan(t.Context(), raw, scan.Envelope{}); v.Action != scan.Accept || v.Has("FROM_EQUALS_TO") {
				t.Errorf("%s, %s: %s (%.2f) %s", c.name, name, v.Action, v.Score, weighted(v))
			}
		}
	}
}
