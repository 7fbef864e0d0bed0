package forward

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// Header blocks as the mail clients write them (addresses are examples),
// and where the original's body starts after them.
func TestFindBlock(t *testing.T) {
	cases := []struct {
		name, text, from, subject, to, body string
	}{
		{"Outlook, English", "FYI\r\n\r\n________________________________\r\nFrom: Microsoft account team <no-reply@account-exemple.com>\r\nSent: Sunday, January 15, 2023 2:03 PM\r\nTo: Jean <jean@example.org>\r\nSubject: Unusual sign-in activity\r\n\r\nWe detected something unusual.",
			"Microsoft account team <no-reply@account-exemple.com>", "Unusual sign-in activity", "Jean <jean@example.org>", "\r\nWe detected"},
		{"Outlook, French", "Bonjour,\n\nDe : Facturation <facturation@fournisseur-exemple.fr>\nEnvoyé : lundi 8 avril 2024 09:41\nÀ : Claire <c@example.fr>\nObjet : Facture FA-2024-01127\n\nMadame,",
			"Facturation <facturation@fournisseur-exemple.fr>", "Facture FA-2024-01127", "Claire <c@example.fr>", "\nMadame"},
		{"Outlook, French, no-break spaces", "De\u00a0: Facturation <f@fournisseur-exemple.fr>\nEnvoyé\u00a0: lundi 8 avril 2024\nObjet\u00a0: Facture\nMadame,",
			"Facturation <f@fournisseur-exemple.fr>", "Facture", "", "Madame"},
		{"Outlook, Portuguese, Cc", "________________________________\nDe: Nigel Prideaux <info@mail-exemple.com>\nEnviado: terça-feira, 14 de fevereiro de 2023 11:30\nCc: a@example.org\nAssunto: Your Urgent Notice\n\nGreet to you,",
			"Nigel Prideaux <info@mail-exemple.com>", "Your Urgent Notice", "", "\nGreet"},
		{"Outlook, plain text of old versions", "-----Original Message-----\nFrom: John Smith [mailto:john@fournisseur-exemple.com]\nSent: Monday, April 8, 2024 9:41 AM\nTo: Claire\nSubject: Quote 2024-118\nImportance: High\n\nHello,",
			"John Smith [mailto:john@fournisseur-exemple.com]", "Quote 2024-118", "Claire", "\nHello"},
		{"Outlook, bold labels rendered as text", "*From:* Service <s@exemple.com>\n*Sent:* Monday\n*Subject:* Notice\n\nText",
			"Service <s@exemple.com>", "Notice", "", "\nText"},
		{"Gmail", "---------- Forwarded message ---------\nFrom: *Fedex* <services@colis-exemple.us>\nDate: Thu, Apr 6, 2023 at 11:24 PM\nSubject: Your package delivery Notification\nTo: <jean@example.org>\n\n\nPackage pending",
			"Fedex* <services@colis-exemple.us>", "Your package delivery Notification", "<jean@example.org>", "\n\nPackage"},
		{"Thunderbird: subject and date above the sender", "-------- Forwarded Message --------\nSubject: \tOrder 4471\nDate: \tMon, 8 Apr 2024 09:41:00 +0200\nFrom: \tShop <orders@shop-exemple.com>\nTo: \tClaire <c@example.fr>\n\n\nThank you",
			"Shop <orders@shop-exemple.com>", "Order 4471", "Claire <c@example.fr>", "\n\nThank you"},
		{"Thunderbird, French", "-------- Message transféré --------\nSujet : \tProgramme\nDate : \tFri, 12 Jun 2026 14:30:00 +0200\nDe : \tSecrétariat <congres@exemple.org>\nPour : \tNicolas <n@exemple.fr>\n\n\nChers collègues",
			"Secrétariat <congres@exemple.org>", "Programme", "Nicolas <n@exemple.fr>", "\n\nChers"},
		{"Apple Mail, quoted", "> Begin forwarded message:\n> \n> From: Banque <alerte@banque-exemple.fr>\n> Subject: Alerte\n> Date: 8 April 2024 at 09:41:00 CEST\n> To: c@example.fr\n> Reply-To: support@autre-exemple.fr\n> \n> Madame,",
			"Banque <alerte@banque-exemple.fr>", "Alerte", "c@example.fr", "> \n> Madame"},
		{"flattened by HTML", "De: Emmanuel Hudson <emhudson@free-exemple.com> Enviado: quarta-feira, 3 de maio de 2023 16:39 Para: jean <j@example.org> Assunto: REPLY IMMEDIATELY Dear beneficiary",
			"Emmanuel Hudson <emhudson@free-exemple.com>", "REPLY IMMEDIATELY Dear beneficiary", "jean <j@example.org>", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, ok := findBlock(tc.text)
			if !ok || b.from != tc.from || b.subject != tc.subject || b.to != tc.to {
				t.Fatalf("got %+v %v", b, ok)
			}
			body := ""
			if b.end >= 0 {
				body = tc.text[b.end:]
			}
			if tc.body == "" && b.end >= 0 || !strings.HasPrefix(body, tc.body) {
				t.Errorf("body %q, want it to start with %q (end %d)", body, tc.body, b.end)
			}
		})
	}
	for _, text := range []string{
		"Hello,\nthe patch from: Dan fixes it.\nThanks",
		strings.Repeat("x", 3100) + "\nFrom: a <a@b.example>\nSent: now\nSubject: late quotation",
		"From: a <a@b.example>\nSubject: no date\n\nbody",
	} {
		if b, ok := findBlock(text); ok {
			t.Errorf("%.40q: found %+v", text, b)
		}
	}
}

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
}

// The visible lines of the HTML that clients write around a block, each
// byte tied to the markup it comes from.
func TestHTMLLines(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"Outlook on the web", `<html><head><style>p{margin:0}</style></head><body><div>FYI</div><hr><div id="divRplyFwdMsg"><font><b>De:</b> Chase &lt;a@b.example&gt;<br><b>Assunto:</b> Conta</font><div>&nbsp;</div></div><p>Dear &amp; co</p>`,
			"FYI\nDe: Chase <a@b.example>\nAssunto: Conta\n \nDear & co\n"},
		{"Outlook desktop (Word)", `<p class=MsoNormal><b><span lang=FR>De&nbsp;:</span></b><span lang=FR> Service &lt;s@x.example&gt;<br><b>Objet&nbsp;:</b> Facture<o:p></o:p></span></p><!-- c --><xml><o:x>hidden</o:x></xml>`,
			"De : Service <s@x.example>\nObjet : Facture\n"},
		{"Thunderbird", `-------- Forwarded Message --------<table class="moz-email-headers-table"><tr><th>Subject: </th><td>Test</td></tr><tr><th>From: </th><td>A <a class="x" href="mailto:a@x.example">&lt;a@x.example&gt;</a></td></tr></table>`,
			"-------- Forwarded Message --------\nSubject: Test \nFrom: A <a@x.example> \n"},
		{"broken markup", `<p>a<b c="x>y`, "a"},
		{"comments that end as browsers end them", `<!-->De: a<br><!--->Objet: b<!-- x --!>c<!-- y --->d`, "De: a\nObjet: bcd"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text, at := htmlLines(tc.doc, window)
			if text != tc.want || len(at) != len(text) {
				t.Errorf("got %q (%d offsets)", text, len(at))
			}
			for i := 1; i < len(at); i++ {
				if at[i] < at[i-1] || at[i] >= len(tc.doc) {
					t.Fatalf("offset %d of %q", at[i], text[:i+1])
				}
			}
		})
	}
}

func TestHasMarker(t *testing.T) {
	for text, want := range map[string]bool{
		"Hi\n\n---------- Forwarded message ---------\nFrom: a":          true,
		"> Début du message réexpédié :\n>\n> De: a":                     true,
		"-----Ursprüngliche Nachricht-----\r\nVon: a":                    true,
		"--------  Original Message  --------":                           true,
		"The forwarded message is below.\nFrom: a":                       false,
		"---\nbegin forwarded message is what Apple writes:\n":           false,
		strings.Repeat("x\n", 1600) + "---------- Forwarded message ---": false,
	} {
		if hasMarker(text) != want {
			t.Errorf("%.50q: %v", text, !want)
		}
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

func FuzzFindBlock(f *testing.F) {
	for _, s := range []string{"From: a <a@b>\nSent: x\nSubject: y\n", "De : \nEnvoyé :\nObjet :", "from:from:subject:date:", "*From:* *Date:* *Subject:*",
		"Subject: s\nDate: d\nFrom: x <a@b> <c@d>\nTo: e\n\nbody", "> From: a [mailto:a@b]\n> Sent: x\n> Subject: y\n>\n",
		"From: a@b em nome de N\nDate: x\nSubject: y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, ok := findBlock(s)
		if !ok {
			return
		}
		if b.from == "" || len(b.from) > 210 || len(b.subject) > 210 || b.end > len(s) || b.end > window || b.start > b.end && b.end >= 0 {
			t.Errorf("%q: %+v", s, b)
		}
		from, _ := parseSender(b.from)
		if strings.ContainsAny(from.addr, "<>\r\n") {
			t.Errorf("%q: address %q", s, from.addr)
		}
	})
}

// hasMarker reads only the lines holding "---" or a colon: it answers as
// reading every line does.
func FuzzHasMarker(f *testing.F) {
	for _, s := range []string{"---------- Forwarded message ---------\nFrom: a", "x: y\n\nBegin forwarded message:\n", "---\n:\n-----Original Message-----",
		"a:b:c\n> Début du message réexpédié :\u00a0\n", strings.Repeat(":\n", 1600), strings.Repeat("---", 1100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := hasMarker(s), markerEveryLine(s); got != want {
			t.Errorf("%q: %v, every line says %v", s, got, want)
		}
	})
}

// markerEveryLine is hasMarker reading every line, as it did first.
func markerEveryLine(text string) bool {
	text = text[:min(len(text), window)]
	for line := range strings.SplitSeq(text, "\n") {
		if markerLine(line) {
			return true
		}
	}
	return false
}

// BenchmarkHasMarker runs the test on the bodies of the shared corpus's
// legitimate mail, none of them a forward: every message pays for it.
// every-line is the test reading every line, for comparison.
func BenchmarkHasMarker(b *testing.B) {
	files, _ := filepath.Glob("../../../../shared/corpus/ham/*.eml")
	if len(files) == 0 {
		b.Skip("no shared corpus")
	}
	var texts []string
	for _, name := range files[:min(len(files), 300)] {
		raw, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		m := message.Parse(raw, message.DefaultLimits())
		texts = append(texts, m.Text, m.HTMLText)
	}
	for _, bc := range []struct {
		name string
		f    func(string) bool
	}{{"lines", hasMarker}, {"every-line", markerEveryLine}} {
		b.Run(bc.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				bc.f(texts[n%len(texts)])
				n++
			}
		})
	}
}

// Any HTML gives lines tied to offsets inside it, and any forward gives a
// rebuilt original the parser reads.
func FuzzHTMLLines(f *testing.F) {
	for _, s := range []string{"<b>From:</b> a &lt;a@b&gt;<br>Sent: x<br>Subject: y<div>z", "<!--", "<style>x", "&#x110000;&#0;&amp", "<a b='>'>c</a>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		text, at := htmlLines(doc, window)
		if len(at) != len(text) || len(text) > window+8 {
			t.Fatalf("%d bytes, %d offsets", len(text), len(at))
		}
		for i, o := range at {
			if o < 0 || o >= len(doc) || i > 0 && o < at[i-1] {
				t.Fatalf("offset %d at %d", o, i)
			}
		}
		raw := []byte("Subject: Fw: x\r\nContent-Type: text/html\r\n\r\n" + doc)
		in := scan.NewInput(raw, message.Parse(raw, message.DefaultLimits()), scan.Envelope{})
		if fd, ok := find(in.Msg); ok {
			message.Parse(original(in, fd), message.DefaultLimits())
		}
	})
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
	fd, ok := find(in.Msg)
	if !ok || fd.kind != "" {
		t.Fatalf("block %+v %v, want one that cannot be cut", fd, ok)
	}
	m := message.Parse(original(in, fd), message.DefaultLimits())
	if !strings.Contains(m.Text, "Facture impayée") || !strings.Contains(m.Text, "signature") {
		t.Errorf("rebuilt body %q", m.Text)
	}
}
