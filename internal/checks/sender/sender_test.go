package sender

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// emitted runs the check on a message and returns the signals it raised.
func emitted(t *testing.T, raw string, env scan.Envelope) map[string]string {
	t.Helper()
	b := []byte(strings.ReplaceAll(strings.TrimLeft(raw, "\n"), "\n", "\r\n"))
	in := scan.NewInput(b, message.Parse(b, message.DefaultLimits()), env)
	var out scan.Emitter
	New(nil).Check(context.Background(), in, &out)
	got := map[string]string{}
	for _, name := range []string{"REPLYTO_FREEMAIL", "REPLYTO_OTHER_DOMAIN", "ENVELOPE_NULL_SENDER", "FROM_FREE_HOSTING"} {
		if out.Emitted(name) {
			got[name] = ""
		}
	}
	return got
}

const base = "To: marie.martin@example-hopital.fr\nSubject: Information\nDate: Tue, 12 Mar 2024 09:14:01 +0100\nMessage-ID: <s1@example.net>\n"

func TestReplyToAndEnvelope(t *testing.T) {
	cases := []struct {
		name string
		raw  string
		env  scan.Envelope
		want []string // among the four signals above
	}{
		{"reply to another mailbox of the same free provider (advance-fee fraud)",
			"From: paul rose <pr3697787@gmail.com>\nReply-To: europeanbanklondom@gmail.com\n" + base + "\nAttention beneficiary.\n",
			scan.Envelope{}, []string{"REPLYTO_FREEMAIL"}},
		{"reply to a free mailbox of another provider",
			"From: Compta <compta@fournisseur-exemple.fr>\nReply-To: compta.fournisseur@outlook.fr\n" + base + "\nNouveau RIB.\n",
			scan.Envelope{}, []string{"REPLYTO_FREEMAIL"}},
		{"reply to the sender's own free mailbox",
			"From: Jeanne <jeanne.durand@gmail.com>\nReply-To: Jeanne <Jeanne.Durand@gmail.com>\n" + base + "\nBonjour.\n",
			scan.Envelope{}, nil},
		{"reply to another address of the sender's company",
			"From: Service <noreply@fournisseur-exemple.fr>\nReply-To: contact@fournisseur-exemple.fr\n" + base + "\nBonjour.\n",
			scan.Envelope{}, nil},
		{"a list that rewrote From sets Reply-To to the author's free mailbox",
			"From: \"Ann Author via dev\" <dev@lists.example.org>\nReply-To: Ann Author <author@gmail.com>\nList-Id: <dev.lists.example.org>\nList-Post: <mailto:dev@lists.example.org>\n" + base + "\nPatch.\n",
			scan.Envelope{}, nil},
		{"a list sets Reply-To to itself",
			"From: Ann Author <author@gmail.com>\nReply-To: dev@lists.example.org\nList-Id: <dev.lists.example.org>\nList-Post: <mailto:dev@lists.example.org>\n" + base + "\nPatch.\n",
			scan.Envelope{}, nil},
		{"a List-Id alone is a bulk sender's claim, not a list's Reply-To",
			"From: Colis <suivi@colis-exemple.fr>\nReply-To: suivi@lists.example.org\nList-Id: <infos.lists.example.org>\n" + base + "\nVotre colis.\n",
			scan.Envelope{}, []string{"REPLYTO_OTHER_DOMAIN"}},
		{"a rewritten From under a List-Id alone",
			"From: list@lists.example.org\nReply-To: author@gmail.com\nList-Id: <dev.lists.example.org>\n" + base + "\nPatch.\n",
			scan.Envelope{}, []string{"REPLYTO_FREEMAIL"}},
		{"null sender on an ordinary message",
			"From: \"Total AV\" <reply@telekom-exemple.com>\n" + base + "Content-Type: text/html\n\n<p>Votre appareil est infecté</p>\n",
			scan.Envelope{MailFrom: scan.NullSender}, []string{"ENVELOPE_NULL_SENDER"}},
		{"null sender on a delivery report",
			"From: MAILER-DAEMON@mx.example.net\n" + base + "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\n\nUndelivered.\n--b--\n",
			scan.Envelope{MailFrom: scan.NullSender}, nil},
		{"null sender on an out-of-office reply",
			"From: Dr Martin <p.martin@chu-exemple.fr>\nAuto-Submitted: auto-replied\n" + base + "\nJe suis absent jusqu'au 15 mars.\n",
			scan.Envelope{MailFrom: scan.NullSender}, nil},
		{"unknown envelope is not the null sender",
			"From: Service <service@fournisseur-exemple.fr>\n" + base + "\nBonjour.\n",
			scan.Envelope{}, nil},
		{"sending from a Firebase project's subdomain",
			"From: Groupe de sécurité <no-reply@rtgfyuj-13.firebaseapp.com>\n" + base + "\nVotre stockage est plein.\n",
			scan.Envelope{MailFrom: "no-reply@rtgfyuj-13.firebaseapp.com"}, []string{"FROM_FREE_HOSTING"}},
		{"bouncing through a Netlify site",
			"From: Service <service@fournisseur-exemple.fr>\n" + base + "\nBonjour.\n",
			scan.Envelope{MailFrom: "bounce@promo-x1.netlify.app"}, []string{"FROM_FREE_HOSTING"}},
		{"the platform's own domain is not a user's site",
			"From: Firebase <noreply@firebase.google.com>\n" + base + "\nYour project.\n",
			scan.Envelope{MailFrom: "bounce@google.com"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := emitted(t, tc.raw, tc.env)
			var names []string
			for n := range got {
				names = append(names, n)
			}
			slices.Sort(names)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(names, want) {
				t.Errorf("got %v, want %v", names, want)
			}
		})
	}
}

func TestGeneratedLocal(t *testing.T) {
	for local, want := range map[string]bool{
		"aNiOPsklEuPFaAJ":                      true,
		"renew_KXjPtSDyOob":                    true,
		"Online#3.21186.45-m2NUOKj6j6GVpsRR.1": false, // a newsletter's numbered per-message address
		"SRS0=x9Qz=KL=example.org=bob":         false,
		"jean.dupont":                          false,
		// Role mailboxes named with business abbreviations
		// (businessAbbreviations), and generated strings that carry one.
		"perfmgmt":          false,
		"ecthrsvcs":         false,
		"riskmgmt":          false,
		"acctgdept":         false,
		"itsvcdesk":         false,
		"INTLMKTG":          false,
		"xkqzvmgmt":         true,
		"pjkmvbtc.svc":      true,
		"zlxwgyuqyrir-dept": true,
		"gytqopmxdktjxlv":   true,
	} {
		if got := generatedLocal(local) != ""; got != want {
			t.Errorf("%s: got %v", local, got)
		}
	}
}

func TestNumberedLocal(t *testing.T) {
	for local, want := range map[string]bool{
		"Weaver_Erich_85918":       true,
		"NEW_OFFRE_1_1802":         true,
		"department-client-n18610": true,
		"lina_Maria_1202":          true,
		"marie-helene_1975":        false, // a hyphenated first name and a birth year
		"jean-pierre.martin_1962":  false,
		"famille_leroy_2019":       false,
		"jdupont1978":              false,
		"sandrine-62-lens":         false,
		"NEW_OFFRE_7_2024":         true, // a year-like serial after a campaign counter
		"department-client-n2019":  true, // "n" for numéro before a year-like serial
	} {
		if got := numberedLocal(local); got != want {
			t.Errorf("%s: got %v", local, got)
		}
	}
}

// FAKE_REPLY reads a reply's prefix written with French typography's
// space before the colon ("RE :", a no-break or a narrow no-break space)
// as "RE:", and a forward's ("TR :") as no reply.
func TestFakeReplyTypographicSpaces(t *testing.T) {
	const head = "From: Direction <direction@fournisseur-exemple.fr>\nTo: marie.martin@example-hopital.fr\nDate: Tue, 12 Mar 2024 09:14:01 +0100\nMessage-ID: <s1@example.net>\n"
	cases := []struct {
		subject, thread string
		want            bool
	}{
		{"RE: Virement urgent", "", true},
		{"RE : Virement urgent", "", true},
		{"=?UTF-8?Q?RE=C2=A0:_Virement_urgent?=", "", true},
		{"=?UTF-8?Q?RE=E2=80=AF:_Virement_urgent?=", "", true},
		{"=?UTF-8?Q?Re=E2=80=AF:_Virement_urgent?=", "In-Reply-To: <a@fournisseur-exemple.fr>\nReferences: <a@fournisseur-exemple.fr>\n", false},
		{"=?UTF-8?Q?TR=C2=A0:_Virement_urgent?=", "", false},
		{"=?UTF-8?Q?R=C3=A9union=C2=A0:_ordre_du_jour?=", "", false},
	}
	for _, tc := range cases {
		b := []byte(strings.ReplaceAll("Subject: "+tc.subject+"\n"+tc.thread+head+"\nBonjour.\n", "\n", "\r\n"))
		in := scan.NewInput(b, message.Parse(b, message.DefaultLimits()), scan.Envelope{})
		var out scan.Emitter
		New(nil).Check(context.Background(), in, &out)
		if got := out.Emitted("FAKE_REPLY"); got != tc.want {
			t.Errorf("%q: FAKE_REPLY %v, want %v", in.Msg.Subject, got, tc.want)
		}
	}
}

// HELO_OTHER_DOMAIN: a server that introduces itself by the bare name of a
// domain (no host label) other than the domains it sends for names an
// organisation, not itself. A server named after its own domain, a host
// name, an authenticated submission and a domain passing DMARC are left
// alone.
func TestHELOOtherDomain(t *testing.T) {
	raw := []byte(strings.ReplaceAll("From: Offres <promo@offres-exemple.fr>\n"+base+"\nBonjour.\n", "\n", "\r\n"))
	ip := netip.MustParseAddr("203.0.113.9")
	for _, c := range []struct {
		name, helo, mailFrom, dmarc string
		authenticated               bool
		want                        bool
		rdns                        string
	}{
		{"another domain's bare name", "jardins-exemple.co.uk", "promo@offres-exemple.fr", "none", false, true, ""},
		{"another domain's bare name, envelope elsewhere", "kimmy-exemple.com", "bounce@envoi-exemple.net", "", false, true, ""},
		{"the sender's own domain", "offres-exemple.fr", "promo@offres-exemple.fr", "none", false, false, ""},
		{"the envelope sender's domain", "envoi-exemple.net", "bounce@envoi-exemple.net", "none", false, false, ""},
		{"a host name", "mta7.envoi-exemple.net", "promo@offres-exemple.fr", "none", false, false, ""},
		{"a domain that passes DMARC", "agence-exemple.fr", "promo@offres-exemple.fr", "pass", false, false, ""},
		{"an authenticated submission", "portable-exemple.fr", "promo@offres-exemple.fr", "", true, false, ""},
		{"a public suffix itself", "co.uk", "promo@offres-exemple.fr", "", false, false, ""},
		{"a hoster's name, the address its own", "hebergeur-exemple.net", "promo@offres-exemple.fr", "none", false, false, "vega.hebergeur-exemple.net"},
		{"a hoster's name, the address another's", "hebergeur-exemple.net", "promo@offres-exemple.fr", "none", false, true, "vps-3a7f.autre-exemple.net"},
	} {
		env := scan.Envelope{ClientIP: ip, HELO: c.helo, MailFrom: c.mailFrom, Authenticated: c.authenticated, RDNS: c.rdns, RDNSKnown: c.rdns != ""}
		in := scan.NewInput(raw, message.Parse(raw, message.DefaultLimits()), env)
		in.Auth.DMARC = auth.Result(c.dmarc)
		var out scan.Emitter
		New(nil).Check(context.Background(), in, &out)
		if got := out.Emitted("HELO_OTHER_DOMAIN"); got != c.want {
			t.Errorf("%s (HELO %s): HELO_OTHER_DOMAIN %v, want %v", c.name, c.helo, got, c.want)
		}
	}
}

// HELO_NOT_FQDN: a HELO without a dot, or under a top-level domain that
// does not exist, is no name the DNS resolves (RFC 5321 §2.3.5); the
// private-use names small organisations give their servers are spared, and
// so is a bare host name from a sender whose domain answers for the
// message (aligned SPF or DKIM, no broken DMARC record).
func TestHELONotFQDN(t *testing.T) {
	raw := []byte(strings.ReplaceAll("From: Offres <promo@offres-exemple.fr>\n"+base+"\nBonjour.\n", "\n", "\r\n"))
	for _, c := range []struct {
		helo string
		want bool
		rdns string
		// spf is the SPF result for the MAIL FROM's domain, dmarc the
		// From domain's DMARC result ("" when not evaluated).
		spf, spfDomain, dmarc string
	}{
		// A supervision server's own Postfix on its default host name,
		// SPF pass for the sender's domain, no DMARC record.
		{"centreon-central", false, "supervision.offres-exemple.fr", "pass", "offres-exemple.fr", "none"},
		{"centreon-central", false, "", "", "", "pass"},
		// The pass is another domain's, or the record cannot be read.
		{"centreon-central", true, "", "pass", "envoi-exemple.net", "none"},
		{"centreon-central", true, "", "pass", "offres-exemple.fr", "permerror"},
		{"droplet-6524", true, "", "none", "", "none"},
		// A made-up dotted name is no default host name: a pass spares
		// it not.
		{"ad.d1.2b.d4", true, "", "", "", "pass"},
		{"localhost", true, "", "", "", ""},
		{"egjnshh.xch", true, "", "", "", ""},
		{"ad.d1.2b.d4", true, "", "", "", ""}, // an address spelled in hexadecimal labels
		{"150-95-25-91.openstacklocal", true, "", "", "", ""},
		{"mta7.envoi-exemple.net", false, "", "", "", ""},
		{"exchange.iptronix-exemple.local", false, "", "", "", ""},
		{"srv-mail.chu-exemple.lan", false, "", "", "", ""},
		{"exch01.clinique-exemple.corp", false, "", "", "", ""},
		{"routeur.home.arpa", false, "", "", "", ""},
		{"mail.offres-exemple.fr", false, "", "", "", ""},
		// A laboratory's server named in its internal namespace, its
		// address's reverse name under the laboratory's public domain.
		{"srv-sil.labo-exemple.intra", false, "mail.labo-exemple.fr", "", "", ""},
		{"srv-sil.labo-exemple.intra", true, "vps-3a7f.autre-exemple.net", "", "", ""},
		{"srv-sil.labo-exemple.intra", true, "", "", "", ""},
		{"egjnshh.xch", true, "egjnshh.example.com", "", "", ""},
	} {
		env := scan.Envelope{ClientIP: netip.MustParseAddr("203.0.113.9"), HELO: c.helo, MailFrom: "promo@offres-exemple.fr", RDNS: c.rdns, RDNSKnown: c.rdns != ""}
		in := scan.NewInput(raw, message.Parse(raw, message.DefaultLimits()), env)
		in.Auth.SPF, in.Auth.SPFDomain, in.Auth.DMARC = auth.Result(c.spf), c.spfDomain, auth.Result(c.dmarc)
		var out scan.Emitter
		New(nil).Check(context.Background(), in, &out)
		if got := out.Emitted("HELO_NOT_FQDN"); got != c.want {
			t.Errorf("HELO %s (spf %s %s, dmarc %s): HELO_NOT_FQDN %v, want %v", c.helo, c.spf, c.spfDomain, c.dmarc, got, c.want)
		}
	}
}

// A small establishment's own ISP mailbox may carry its office's name; a
// desk phishing poses as, an address that does not spell the
// establishment, a name without one, or a forged From may not.
func TestEstablishmentOffice(t *testing.T) {
	for _, tc := range []struct {
		from, dmarc string
		want        bool
	}{
		{`"EHPAD Les Tilleuls - Service comptabilité" <ehpad.lestilleuls@orange.fr>`, "pass", true},
		{`"Service facturation (Mairie de Saint-Exemple)" <mairie.saint-exemple@wanadoo.fr>`, "pass", true},
		{`"SSIAD du Val, Service de soins infirmiers" <ssiad.duval@orange.fr>`, "pass", true},
		{`"EHPAD Les Tilleuls - Service comptabilité" <ehpad.lestilleuls@orange.fr>`, "none", false},
		{`"EHPAD Les Tilleuls - Service comptabilité" <ehpad.lestilleuls@orange.fr>`, "fail", false},
		{`"EHPAD Les Tilleuls - Service informatique" <ehpad.lestilleuls@orange.fr>`, "pass", false},
		{`"Mairie de Saint-Exemple - Support messagerie" <mairie.saint-exemple@gmail.com>`, "pass", false},
		{`"EHPAD Les Tilleuls - Service comptabilité" <compta.paiement2026@gmail.com>`, "pass", false},
		{`"Service comptabilité" <ehpad.lestilleuls@orange.fr>`, "pass", false},
		{`"Webmail - Service" <webmail@gmail.com>`, "pass", false},
		{`"Tribunal de Paris - Service" <tribunal.paris@gmail.com>`, "pass", false},
		{`"EHPAD Les Tilleuls - Service comptabilité - Urgent" <ehpad.lestilleuls@orange.fr>`, "pass", false},
	} {
		m := message.Parse([]byte("From: "+tc.from+"\r\nSubject: x\r\n\r\nx\r\n"), message.Limits{})
		in := &scan.Input{Msg: m}
		in.Auth.DMARC = auth.Result(tc.dmarc)
		if got := establishmentOffice(in, m.FromAddr()); got != tc.want {
			t.Errorf("%s (dmarc=%s): got %v", tc.from, tc.dmarc, got)
		}
	}
}
