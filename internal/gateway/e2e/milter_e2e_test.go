package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/trace"
)

const phishFixture = "../../engine/testdata/chorus-pro-phish.eml"

func TestPostfixMilter(t *testing.T) {
	requireTools(t)
	sk := startSink(t, freePort(t))
	v := startVigie(t, nil, nil)
	pf := startPostfix(t, v.MilterAddr, sk.port)

	t.Run("clean message delivered with our headers", func(t *testing.T) {
		r := swaks(t, pf.port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml")
		if !strings.HasPrefix(r, "250") {
			t.Fatalf("reply %q, want 250", r)
		}
		msgs := sk.waitMessages(t, 1, 60*time.Second)
		m := msgs[0]
		for _, want := range []string{"X-Vigie-Verdict: accept", "X-Vigie-Score:", "Authentication-Results: vigie; spf=pass smtp.mailfrom=partner.test"} {
			if !strings.Contains(m, want) {
				t.Errorf("delivered message lacks %q:\n%s", want, m)
			}
		}
	})

	t.Run("phishing rejected with 550 5.7.1", func(t *testing.T) {
		r := swaks(t, pf.port, "notification@abatos.fr", "bob@example.test", phishFixture)
		if !strings.HasPrefix(r, "550 5.7.1") {
			t.Fatalf("reply %q, want 550 5.7.1", r)
		}
		if strings.Contains(strings.ToLower(r), "score") || strings.Contains(r, "LURE") {
			t.Errorf("reject reply leaks configuration: %q", r)
		}
	})

	t.Run("malformed message gets a verdict", func(t *testing.T) {
		r := swaks(t, pf.port, "odd@partner.test", "bob@example.test", "testdata/malformed.eml")
		if strings.HasPrefix(r, "4") || !(strings.HasPrefix(r, "250") || strings.HasPrefix(r, "550")) {
			t.Fatalf("reply %q, want a verdict (250 or 550)", r)
		}
		v.Trace.Flush()
		recs, err := v.Trace.Search(context.Background(), trace.Query{Sender: "odd@partner.test"})
		if err != nil || len(recs) != 1 {
			t.Fatalf("trace of the malformed message: %v, %v", recs, err)
		}
		t.Logf("malformed: %s score %.1f signals %v", recs[0].Action, recs[0].Score, recs[0].Signals)
	})

	t.Run("trace finds the campaign by URL domain", func(t *testing.T) {
		v.Trace.Flush()
		recs, err := v.Trace.Search(context.Background(), trace.Query{Sender: "notification@abatos.fr"})
		if err != nil || len(recs) != 1 {
			t.Fatalf("trace by sender: %v, %v", recs, err)
		}
		if len(recs[0].URLs) == 0 {
			t.Fatal("no URL traced for the phishing message")
		}
		byDomain, err := v.Trace.Search(context.Background(), trace.Query{Domain: recs[0].Domains[len(recs[0].Domains)-1]})
		if err != nil || len(byDomain) == 0 {
			t.Fatalf("trace by domain %v: %v, %v", recs[0].Domains, byDomain, err)
		}
	})

	t.Run("Vigie stopped: tempfail, message kept by the client", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := v.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
		before := len(sk.messages())
		r := swaks(t, pf.port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml")
		if !strings.HasPrefix(r, "4") {
			t.Fatalf("reply %q with the milter down, want a 4xx tempfail", r)
		}
		// Refused at end of DATA, the message is not in Postfix's queue.
		if n := len(sk.messages()); n != before {
			t.Errorf("a message was delivered unscanned while the milter was down")
		}
	})
}

func TestPostfixMilterQuarantineHold(t *testing.T) {
	requireTools(t)
	sk := startSink(t, freePort(t))
	v := startVigie(t, func(c *config.Config) { c.Policy.RejectAt = 0 }, nil) // never reject: quarantine instead
	pf := startPostfix(t, v.MilterAddr, sk.port)
	r := swaks(t, pf.port, "notification@abatos.fr", "bob@example.test", phishFixture)
	if !strings.HasPrefix(r, "250") {
		t.Fatalf("reply %q, want 250 (held)", r)
	}
	waitFor(t, "the message in Postfix's hold queue", 60*time.Second, func() bool { return pf.held() == 1 })
	es, err := v.Quarantine.List(context.Background(), storeFilterAll())
	if err != nil || len(es) != 1 {
		t.Fatalf("our quarantine: %v, %v", es, err)
	}
	raw, _, err := v.Quarantine.Raw(context.Background(), es[0].ID)
	if err != nil || !strings.Contains(string(raw), "Facture") {
		t.Fatalf("quarantined copy: %v", err)
	}
	if n := len(sk.messages()); n != 0 {
		t.Errorf("held message was delivered")
	}
}

func TestPostfixMilterFailOpen(t *testing.T) {
	requireTools(t)
	sk := startSink(t, freePort(t))
	// The scan outlives the milter deadline: fail-open accepts, marked unscanned.
	v := startVigie(t, func(c *config.Config) {
		c.Serve.FailOpen = true
		c.Serve.Milter.Timeout = 300 * time.Millisecond
	}, fakeAuth{delay: 5 * time.Second})
	pf := startPostfix(t, v.MilterAddr, sk.port)
	r := swaks(t, pf.port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml")
	if !strings.HasPrefix(r, "250") {
		t.Fatalf("reply %q, want 250 in fail-open mode", r)
	}
	m := sk.waitMessages(t, 1, 60*time.Second)[0]
	if !strings.Contains(m, "X-Vigie-Verdict: unscanned") {
		t.Errorf("fail-open message lacks X-Vigie-Verdict: unscanned:\n%s", m)
	}
}

func TestPostfixMilterDeadlineTempfail(t *testing.T) {
	requireTools(t)
	sk := startSink(t, freePort(t))
	v := startVigie(t, func(c *config.Config) { c.Serve.Milter.Timeout = 300 * time.Millisecond }, fakeAuth{delay: 5 * time.Second})
	pf := startPostfix(t, v.MilterAddr, sk.port)
	r := swaks(t, pf.port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml")
	if !strings.HasPrefix(r, "451 4.7.1") {
		t.Fatalf("reply %q, want 451 4.7.1", r)
	}
}

func TestPostfixMilterTag(t *testing.T) {
	requireTools(t)
	sk := startSink(t, freePort(t))
	v := startVigie(t, func(c *config.Config) { c.Policy.TagAt = 0.1 }, nil) // everything is tagged
	pf := startPostfix(t, v.MilterAddr, sk.port)
	if r := swaks(t, pf.port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml"); !strings.HasPrefix(r, "250") {
		t.Fatalf("reply %q", r)
	}
	m := sk.waitMessages(t, 1, 60*time.Second)[0]
	for _, want := range []string{"X-Vigie-Verdict: tag", "X-Vigie-Signals: ", "Subject: [SUSPECT] Compte rendu de la reunion de jeudi"} {
		if !strings.Contains(m, want) {
			t.Errorf("tagged message lacks %q:\n%s", want, m)
		}
	}
	if strings.Count(m, "Subject:") != 1 {
		t.Errorf("Subject not replaced in place:\n%s", m)
	}
}
