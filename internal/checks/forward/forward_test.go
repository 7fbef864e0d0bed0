package forward

import (
	"context"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/fwdblock"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// The sender field of a block, as the clients write it, read back and
// written as the rebuilt original's From, which the parser must read as
// the same name and address.
func TestParseSender(t *testing.T) {
	cases := []struct {
		name, v, fromName, fromAddr, sender string
	}{
		{"name and address", "Microsoft account team <no-reply@account-exemple.com>", "Microsoft account team", "no-reply@account-exemple.com", ""},
		{"Outlook drops the quotes of a name holding an address", "Bank <no.reply.alerts@bank-exemple.com> <info-yagcf@mailer-exemple.com>", "Bank <no.reply.alerts@bank-exemple.com>", "info-yagcf@mailer-exemple.com", ""},
		{"quoted name with a comma", `"Dupont, Jean" <jean@exemple.fr>`, "Dupont, Jean", "jean@exemple.fr", ""},
		{"Gmail bold", "*Fedex* <services@colis-exemple.us>", "Fedex", "services@colis-exemple.us", ""},
		{"Outlook plain text, mailto in angles", "John Smith <mailto:john@exemple.com>", "John Smith", "john@exemple.com", ""},
		{"Outlook plain text, address and mailto", "john@exemple.com<mailto:john@exemple.com>", "", "john@exemple.com", ""},
		{"Exchange plain text, address link inside the angles", "Russell, Kent <Kent.Russell@fournisseur-exemple.com<mailto:Kent.Russell@fournisseur-exemple.com>>", "Russell, Kent", "Kent.Russell@fournisseur-exemple.com", ""},
		{"Exchange plain text, address link after the angles", "Arnaldo Sans <asans@universite-exemple.edu><mailto:asans@universite-exemple.edu>", "Arnaldo Sans", "asans@universite-exemple.edu", ""},
		// A link to another address is no rendering of the one it
		// follows: it is not dropped, and the brand's address is not
		// read as the sender.
		{"Exchange plain text, link to another address", "Microsoft <no-reply@microsoft.com<mailto:collect@phish-exemple.com>>", "Microsoft <no-reply@microsoft.com<mailto:collect@phish-exemple.com>>", "", ""},
		{"link target repeating only the end of an address", "Support <help@bank-exemple.com<mailto:p@bank-exemple.com>>", "Support <help@bank-exemple.com<mailto:p@bank-exemple.com>>", "", ""},
		{"Outlook plain text, mailto in square brackets", "John Smith [mailto:john@exemple.com]", "John Smith", "john@exemple.com", ""},
		{"address as its own name", "jean@exemple.fr <jean@exemple.fr>", "", "jean@exemple.fr", ""},
		{"bare address", "jean@exemple.fr", "", "jean@exemple.fr", ""},
		{"name alone", "AARON RAMSEY", "AARON RAMSEY", "", ""},
		{"on behalf of, name only (Portuguese)", "help@shop-exemple.net <help@shop-exemple.net> em nome de KETO Shop", "KETO Shop", "help@shop-exemple.net", ""},
		{"on behalf of, both addresses", "Assistant <assist@agence-exemple.com> on behalf of Director <dir@banque-exemple.com>", "Director", "dir@banque-exemple.com", "assist@agence-exemple.com"},
		{"de la part de", "secretariat@exemple.fr de la part de Direction <direction@exemple.fr>", "Direction", "direction@exemple.fr", "secretariat@exemple.fr"},
		{"au nom de", "envoi@exemple.fr au nom de Service client", "Service client", "envoi@exemple.fr", ""},
		{"im Auftrag von", "a@beispiel.de im Auftrag von Buchhaltung <b@beispiel.de>", "Buchhaltung", "b@beispiel.de", "a@beispiel.de"},
		{"en nombre de", "a@ejemplo.es en nombre de Soporte", "Soporte", "a@ejemplo.es", ""},
		{"per conto di", "a@esempio.it per conto di Ufficio <u@esempio.it>", "Ufficio", "u@esempio.it", "a@esempio.it"},
		{"namens", "a@voorbeeld.nl namens Klantenservice", "Klantenservice", "a@voorbeeld.nl", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			from, sender := parseSender(tc.v)
			if from.name != tc.fromName || from.addr != tc.fromAddr || sender != tc.sender {
				t.Fatalf("got %+v sender %q", from, sender)
			}
			m := message.Parse([]byte("From: "+from.String()+"\r\n\r\n"), message.DefaultLimits())
			if a := m.FromAddr(); a.Name != tc.fromName || a.Addr != tc.fromAddr {
				t.Errorf("From: %s parses as %+v", from.String(), a)
			}
		})
	}
	if got := parseList(`jean.dupont@exemple.fr <merci@exemple.com>; "Martin, Claire" <c@exemple.fr>, bob@exemple.org`, 10); got != `"jean.dupont@exemple.fr" <merci@exemple.com>, "Martin, Claire" <c@exemple.fr>, <bob@exemple.org>` {
		t.Errorf("recipients: %s", got)
	}
	if got := parseList(`Christian Koenig <Christian.Koenig@exemple.com<mailto:Christian.Koenig@exemple.com>>; liste@exemple.org<mailto:liste@exemple.org>`, 10); got != `"Christian Koenig" <Christian.Koenig@exemple.com>, <liste@exemple.org>` {
		t.Errorf("Exchange plain-text recipients: %s", got)
	}
}

// A forward is recognised by its subject prefix, or without one by the
// marker line a client writes right above the block; a reply quoting a
// message under the same marker is not a forward.
func TestRecognition(t *testing.T) {
	block := "From: Microsoft account team <no-reply@account-exemple.com>\nSent: Sunday, January 15, 2023 2:03 PM\nSubject: Unusual sign-in activity\n\nWe detected something unusual.\n"
	cases := []struct {
		subject, body string
		judged        bool
	}{
		{"Fw: Unusual sign-in", block, true},
		{"TR: Unusual sign-in", "Regarde\n\n" + block, true},
		{"Unusual sign-in", "---------- Forwarded message ---------\n" + block, true},
		{"Unusual sign-in", "Look:\n\n-------- Message transféré --------\n" + block, true},
		{"Unusual sign-in", "Begin forwarded message:\n\n" + block, true},
		{"Unusual sign-in", "Début du message réexpédié :\n\n" + block, true},
		{"Unusual sign-in", "-----Message d'origine-----\n" + block, true},
		{"Unusual sign-in", block, false},
		{"Unusual sign-in", "---------- Forwarded message ---------\nSee below, the forwarded message is a test.\n" + block, false},
		{"RE: Unusual sign-in", "Thanks.\n\n-----Original Message-----\n" + block, false},
		{"Re: Unusual sign-in", block, false},
	}
	for _, tc := range cases {
		raw := []byte("From: Jean <jean@example.org>\r\nTo: abuse@example.org\r\nSubject: " + tc.subject + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + tc.body)
		judged := false
		c := &Check{Inner: func(context.Context, []byte, scan.Envelope) *scan.Verdict {
			judged = true
			return &scan.Verdict{}
		}}
		in := scan.NewInput(raw, message.Parse(raw, message.DefaultLimits()), scan.Envelope{})
		c.Check(context.Background(), in, &scan.Emitter{})
		if judged != tc.judged {
			t.Errorf("%q %.60q: judged %v", tc.subject, tc.body, judged)
		}
	}
}

const outlookForward = `From: Jean <jean@example.org>
To: abuse@example.org
Subject: Fw: Unusual sign-in
Date: Mon, 16 Jan 2023 16:52:33 +0000
Message-ID: <f1@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="m"

--m
Content-Type: multipart/alternative; boundary="a"

--a
Content-Type: text/plain; charset=utf-8

Is this real?

________________________________
From: Bank <no-reply@bank-exemple.com> <alerts@mailer-exemple.com>
Sent: Sunday, January 15, 2023 2:03 PM
To: Jean <jean@example.org>
Subject: Unusual sign-in activity

[https://img.exemple.com/logo.png]<https://bank-login-exemple.web.app/>
--a
Content-Type: text/html; charset=utf-8

<html><head><style>p{margin:0}</style></head><body><div>Is this real?</div><hr>
<div id="divRplyFwdMsg"><font><b>From:</b> Bank &lt;no-reply@bank-exemple.com&gt; &lt;alerts@mailer-exemple.com&gt;<br>
<b>Sent:</b> Sunday, January 15, 2023 2:03 PM<br><b>To:</b> Jean &lt;jean@example.org&gt;<br>
<b>Subject:</b> Unusual sign-in activity</font><div>&nbsp;</div></div>
<a href="https://bank-login-exemple.web.app/"><img src="https://img.exemple.com/logo.png"></a>
</body></html>
--a--
--m
Content-Type: application/pdf; name="releve.pdf"
Content-Disposition: attachment; filename="releve.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcTl8uXrCg==
--m--
`

// The original is rebuilt with the block's sender, recipients and
// subject, its own body cut after the block (the HTML, without the
// forwarder's words) and the forward's attachments; the check reports it
// when the inner scan flags it, and leaves an internal user's report
// alone.
func TestCheckScansTheOriginal(t *testing.T) {
	raw := []byte(strings.ReplaceAll(outlookForward, "\n", "\r\n"))
	var got []byte
	c := &Check{Inner: func(_ context.Context, inner []byte, _ scan.Envelope) *scan.Verdict {
		got = inner
		return &scan.Verdict{Action: scan.Tag, Signals: []scan.Signal{{Name: "BRAND_DISPLAY_NAME", Weight: 5}}}
	}}
	run := func(env scan.Envelope) *scan.Emitter {
		in := scan.NewInput(raw, message.Parse(raw, message.DefaultLimits()), env)
		var out scan.Emitter
		c.Check(context.Background(), in, &out)
		return &out
	}
	if out := run(scan.Envelope{}); !out.Emitted("FORWARDED_PHISH") {
		t.Error("no FORWARDED_PHISH")
	}
	m := message.Parse(got, message.DefaultLimits())
	from := m.FromAddr()
	if from.Addr != "alerts@mailer-exemple.com" || from.Name != "Bank <no-reply@bank-exemple.com>" || m.Subject != "Unusual sign-in activity" || len(m.To) != 1 {
		t.Errorf("original: from %+v subject %q to %v", from, m.Subject, m.To)
	}
	if strings.Contains(m.HTMLText, "real") || strings.Contains(m.HTMLText, "Sent") || m.Text != "" || !strings.Contains(m.HTML, "bank-login-exemple.web.app") {
		t.Errorf("original's body: text %q html %q", m.Text, m.HTMLText)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "releve.pdf" || !strings.HasPrefix(string(m.Attachments[0].Data), "%PDF") || len(m.Defects) > 0 {
		t.Errorf("attachments %+v defects %v", m.Attachments, m.Defects)
	}
	got = nil
	if out := run(scan.Envelope{Authenticated: true}); out.Emitted("FORWARDED_PHISH") || got != nil {
		t.Error("an internal user's report was judged")
	}
}

// A forward whose block cannot be cut carries its whole body into the
// rebuilt original: the body starts at the first empty line, whatever
// line ends come after it (a bare-LF message holding a CRLF blank line
// further down lost everything above it).
func TestOriginalBodyStartsAfterTheHeader(t *testing.T) {
	raw := []byte("From: Jean <jean@example.org>\nSubject: Fw: facture\nContent-Type: text/plain; charset=utf-8\n\n" +
		"De: Service <s@fournisseur-exemple.fr> Envoyé: lundi Objet: Facture impayée réglez immédiatement\n" +
		"la suite\r\n\r\nsignature\n")
	in := scan.NewInput(raw, message.Parse(raw, message.DefaultLimits()), scan.Envelope{})
	fd, ok := fwdblock.Find(in.Msg)
	if !ok || fd.Kind != "" {
		t.Fatalf("block %+v %v, want one that cannot be cut", fd, ok)
	}
	m := message.Parse(original(in, fd), message.DefaultLimits())
	if !strings.Contains(m.Text, "Facture impayée") || !strings.Contains(m.Text, "signature") {
		t.Errorf("rebuilt body %q", m.Text)
	}
}

// Any forward gives a rebuilt original the parser reads, and any block's
// sender field an address without angle brackets or line breaks.
func FuzzOriginal(f *testing.F) {
	for _, s := range []string{"<b>From:</b> a &lt;a@b&gt;<br>Sent: x<br>Subject: y<div>z", "From: a <a@b>\nSent: x\nSubject: y\n",
		"Subject: s\nDate: d\nFrom: x <a@b> <c@d>\nTo: e\n\nbody", "> From: a [mailto:a@b]\n> Sent: x\n> Subject: y\n>\n",
		"From: a@b em nome de N\nDate: x\nSubject: y"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, body string, html bool) {
		typ := "text/plain"
		if html {
			typ = "text/html"
		}
		raw := []byte("Subject: Fw: x\r\nContent-Type: " + typ + "\r\n\r\n" + body)
		in := scan.NewInput(raw, message.Parse(raw, message.DefaultLimits()), scan.Envelope{})
		if in.Forward == nil {
			return
		}
		from, _ := parseSender(in.Forward.From)
		if strings.ContainsAny(from.addr, "<>\r\n") {
			t.Errorf("%q: address %q", body, from.addr)
		}
		message.Parse(original(in, *in.Forward), message.DefaultLimits())
	})
}
