package authn

import (
	"context"
	"testing"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/scan"
)

// At the door, a DMARC failure that a trusted forwarder explains — it saw
// DMARC pass, its ARC chain verified here (auth.Results.ARCVouched, set by
// authsource.DNSAuth) — counts as a list's rewriting, not as the policy's
// failure. A trace cannot say so, hence a table test beside the golden
// files.
func TestVouchedByATrustedSealer(t *testing.T) {
	raw := checktest.Message(`From: Service Commandes <commandes@fournisseur-exemple.fr>
To: achats@example-hopital.fr
Subject: [Transféré] Confirmation de commande 24-0318`, "Votre commande 24-0318 est confirmée, livraison jeudi.\n")
	failed := auth.Results{SPF: auth.Fail, DMARC: auth.Fail, DMARCPolicy: "reject", ARC: auth.Pass}
	vouched := failed
	vouched.ARCVouched = "relais.ght-exemple.fr"
	for _, c := range []struct {
		r         auth.Results
		want, not string
	}{{vouched, "AUTH_DMARC_FAIL_LIST", "AUTH_DMARC_FAIL_REJECT"}, {failed, "AUTH_DMARC_FAIL_REJECT", "AUTH_DMARC_FAIL_LIST"}} {
		in := checktest.Input(raw)
		in.Auth = c.r
		var out scan.Emitter
		Check{}.Check(context.Background(), in, &out)
		if !out.Emitted(c.want) || out.Emitted(c.not) {
			t.Errorf("vouched by %q: want %s and not %s", c.r.ARCVouched, c.want, c.not)
		}
	}
}

// A bounce's null reverse path leaves SPF the HELO identity to check (RFC
// 7208 §2.4): a receiver that wrote only "spf=pass smtp.helo=…" said the
// bounce's server passed, not that SPF had nothing to say.
func TestNullSenderSPFIsTheHELOs(t *testing.T) {
	raw := checktest.Message(`From: Mail Delivery System <MAILER-DAEMON@mx.fournisseur-exemple.fr>
To: achats@example-hopital.fr
Subject: Undelivered Mail Returned to Sender`, "This is the mail system at host mx.fournisseur-exemple.fr.\n")
	r := auth.Results{HELOSPF: auth.Pass, HELODomain: "mx.fournisseur-exemple.fr", DKIM: []auth.DKIMResult{{Result: auth.None}}}
	for _, c := range []struct {
		mailFrom string
		spfNone  bool
	}{{scan.NullSender, false}, {"bounces@fournisseur-exemple.fr", true}} {
		in := checktest.Input(raw)
		in.Env.MailFrom, in.Auth = c.mailFrom, r
		var out scan.Emitter
		Check{}.Check(context.Background(), in, &out)
		if out.Emitted("AUTH_SPF_NONE") != c.spfNone {
			t.Errorf("MAIL FROM %q: AUTH_SPF_NONE %v, want %v", c.mailFrom, out.Emitted("AUTH_SPF_NONE"), c.spfNone)
		}
	}
}
