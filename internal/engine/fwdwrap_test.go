package engine

import (
	"encoding/base64"
	"html"
	"os"
	"regexp"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/corpus"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// forwardShapes write an original out in the body of a forward, as a
// phisher types one and as the mail clients write one (the shapes of
// internal/checks/forward/README.md). Each returns the forward's header
// fields after From and Subject, and its plain text and HTML bodies.
var forwardShapes = []struct {
	name, from, authres, client string
	wrap                        func(o carried) (headers, text, htmlBody string)
}{
	// A phisher on a free mailbox types a block under "TR:": no marker,
	// no client markup, no thread headers.
	{"typed block, free mailbox", "Paul Girard <paul.girard.62@gmail.com>",
		"spf=pass smtp.mailfrom=gmail.com; dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com",
		"mail-oi1-f171.google.com", func(o carried) (string, string, string) {
			block := "De : " + o.from + "\nEnvoyé : " + o.date + "\nÀ : " + o.to + "\nObjet : " + o.subject + "\n"
			return "", "Regarde ce message.\n\n" + block + "\n" + o.text,
				"<div>Regarde ce message.</div><div>" + strings.ReplaceAll(html.EscapeString(block), "\n", "<br>") + "</div><br>" + o.html
		}},
	// A partner's colleague forwards from Outlook: the rule, the bold
	// labels in divRplyFwdMsg, Thread-Topic and a child Thread-Index.
	{"Outlook, authenticated partner", "Claire Martin <claire.martin@partenaire-exemple.fr>",
		"spf=pass smtp.mailfrom=partenaire-exemple.fr; dkim=pass header.d=partenaire-exemple.fr; dmarc=pass header.from=partenaire-exemple.fr",
		"mail-eopbgr.partenaire-exemple.fr", func(o carried) (string, string, string) {
			idx := base64.StdEncoding.EncodeToString([]byte("\x01\xda\x7a\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff\x10\x20\x30\x40\x00\x00\x12\x34\x56"))
			h := "Thread-Topic: " + o.subject + "\nThread-Index: " + idx
			block := "De : " + o.from + "\nEnvoyé : " + o.date + "\nÀ : " + o.to + "\nObjet : " + o.subject + "\n"
			hb := `<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt"><b>De&nbsp;:</b> ` + html.EscapeString(o.from) +
				`<br><b>Envoyé&nbsp;:</b> ` + html.EscapeString(o.date) + `<br><b>À&nbsp;:</b> ` + html.EscapeString(o.to) +
				`<br><b>Objet&nbsp;:</b> ` + html.EscapeString(o.subject) + `</font><div>&nbsp;</div></div>`
			return h, "Pour information.\n\n________________________________\n" + block + "\n" + o.text,
				`<div>Pour information.</div><hr style="display:inline-block;width:98%" tabindex="-1">` + hb + o.html
		}},
	// A relative forwards from Gmail: its marker, the bold sender, and
	// In-Reply-To and References naming the original.
	{"Gmail, authenticated relative", "=?UTF-8?Q?Marc_Lef=C3=A8vre?= <marc.lefevre.1958@gmail.com>",
		"spf=pass smtp.mailfrom=gmail.com; dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com",
		"mail-ej1-f54.google.com", func(o carried) (string, string, string) {
			h := ""
			if o.id != "" {
				h = "In-Reply-To: <" + o.id + ">\nReferences: <" + o.id + ">"
			}
			name, addr := o.fromName, o.fromAddr
			text := "---------- Forwarded message ---------\nFrom: *" + name + "* <" + addr + ">\nDate: " + o.date + "\nSubject: " + o.subject + "\nTo: " + o.to + "\n\n\n" + o.text
			hb := `<div dir="ltr"><br><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>From: <strong class="gmail_sendername" dir="auto">` +
				html.EscapeString(name) + `</strong> <span dir="auto">&lt;` + html.EscapeString(addr) + `&gt;</span><br>Date: ` + html.EscapeString(o.date) +
				`<br>Subject: ` + html.EscapeString(o.subject) + `<br>To: ` + html.EscapeString(o.to) + `<br></div><br><br>` + o.html + `</div></div>`
			return h, text, hb
		}},
	// A relative forwards from Yahoo Mail's web client: its English
	// marker, the From/To/Sent/Subject lines, the yahoo_quoted division,
	// its X-Mailer, and no In-Reply-To nor References — Yahoo writes none
	// on a forward (testdata/hospital/yahoo-transfert-*).
	{"Yahoo, authenticated relative", "Nadia Benali <nadia.benali69@yahoo.fr>",
		"spf=pass smtp.mailfrom=yahoo.fr; dkim=pass header.d=yahoo.fr; dmarc=pass header.from=yahoo.fr",
		"sonic305-3.consmr.mail.ir2.yahoo.com", func(o carried) (string, string, string) {
			h := "X-Mailer: WebService/1.1.24562 YMailNorrin"
			text := "Regarde ce message.\n\n\n   ----- Forwarded Message -----\n   From: " + o.from + "\n   To: " + o.to + "\n   Sent: " + o.date + "\n   Subject: " + o.subject + "\n\n" + o.text
			hb := `<div class="ydp3f1c2a8byahoo-style-wrap"><div>Regarde ce message.</div></div><div id="yahoo_quoted_8812734510" class="yahoo_quoted">` +
				`<div style="font-family:'Helvetica Neue', Helvetica, Arial, sans-serif;font-size:13px;color:#26282a;"><div>----- Forwarded Message -----</div>` +
				`<div><b>From:</b> ` + html.EscapeString(o.from) + `</div><div><b>To:</b> ` + html.EscapeString(o.to) + `</div><div><b>Sent:</b> ` + html.EscapeString(o.date) +
				`</div><div><b>Subject:</b> ` + html.EscapeString(o.subject) + `</div><div><br></div><div><br></div>` + o.html + `</div></div>`
			return h, text, hb
		}},
	// A phisher on a free mailbox writes the Gmail shape through SMTP
	// submission, with a References field of his own making: the
	// markup and thread headers of the genuine client, naming a message
	// no one received.
	{"Gmail markup, forged thread", "Paul Girard <paul.girard.62@gmail.com>",
		"spf=pass smtp.mailfrom=gmail.com; dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com",
		"mail-oi1-f171.google.com", func(o carried) (string, string, string) {
			h := "References: <CAFk3q9sZx0Lr2Tq8vWm1nYp4bGd7hJc5eK6fA3uXw9oQ2iRt8Q@mail.gmail.com>"
			name, addr := o.fromName, o.fromAddr
			text := "---------- Forwarded message ---------\nFrom: *" + name + "* <" + addr + ">\nDate: " + o.date + "\nSubject: " + o.subject + "\nTo: " + o.to + "\n\n\n" + o.text
			hb := `<div dir="ltr"><br><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>From: <strong class="gmail_sendername" dir="auto">` +
				html.EscapeString(name) + `</strong> <span dir="auto">&lt;` + html.EscapeString(addr) + `&gt;</span><br>Date: ` + html.EscapeString(o.date) +
				`<br>Subject: ` + html.EscapeString(o.subject) + `<br>To: ` + html.EscapeString(o.to) + `<br></div><br><br>` + o.html + `</div></div>`
			return h, text, hb
		}},
}

// carried is what a forward shows of its original.
type carried struct {
	from, fromName, fromAddr, to, date, subject, id, text, html string
}

var bodyInner = regexp.MustCompile(`(?is)<body[^>]*>(.*?)(</body>|$)`)

func carriedOf(m *message.Message) carried {
	f := m.FromAddr()
	o := carried{fromName: f.Name, fromAddr: f.Addr, to: m.Header.Get("To"), date: m.Header.Get("Date"),
		subject: m.Subject, id: m.MessageID, text: m.Text, html: m.HTML}
	o.from = strings.TrimSpace(f.Name + " <" + f.Addr + ">")
	if f.Name == "" {
		o.from = f.Addr
	}
	if b := bodyInner.FindStringSubmatch(o.html); b != nil {
		o.html = b[1]
	}
	if o.html == "" {
		o.html = strings.ReplaceAll(html.EscapeString(o.text), "\n", "<br>")
	}
	if o.text == "" {
		o.text = m.HTMLText
	}
	return o
}

func forwardOf(shape int, o carried) []byte {
	s := forwardShapes[shape]
	extra, text, hb := s.wrap(o)
	clean := func(v string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(v) }
	h := "Return-Path: <bounce@" + s.client + ">\n" +
		"Authentication-Results: mx.example-hopital.fr; " + s.authres + "\n" +
		"Received: from " + s.client + " (" + s.client + " [198.51.100.23])\n" +
		"\tby mx.example-hopital.fr (Postfix) with ESMTP id 4Xc9; Wed, 20 Mar 2024 10:02:11 +0100 (CET)\n" +
		"From: " + s.from + "\nTo: agent@example-hopital.fr\nSubject: TR: " + clean(o.subject) +
		"\nDate: Wed, 20 Mar 2024 10:02:09 +0100\nMessage-ID: <fwd1@" + s.client + ">\nMIME-Version: 1.0\n"
	if extra != "" {
		h += strings.NewReplacer("\r", " ").Replace(extra) + "\n"
	}
	h += "Content-Type: multipart/alternative; boundary=\"=_fwd\"\n"
	body := "--=_fwd\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + text +
		"\n--=_fwd\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n<html><body>" + hb + "</body></html>\n--=_fwd--\n"
	return []byte(strings.ReplaceAll(strings.ReplaceAll(h, "\r\n", "\n"), "\n", "\r\n") + "\r\n" + strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))
}

// TestWrappedInForwards scores each training message of the shared corpus
// written out in a forward of each shape and reports, per shape, how many
// phishing messages are detected (tagged or more) and held (quarantined
// or more), and how many legitimate ones are flagged and held. Training
// part only; set VIGIE_FWD_WRAP=1 to run it (it reads 1,558 messages).
func TestWrappedInForwards(t *testing.T) {
	if os.Getenv("VIGIE_FWD_WRAP") == "" {
		t.Skip("VIGIE_FWD_WRAP not set")
	}
	items, err := corpus.List([]string{sharedCorpus + "/phish"}, []string{sharedCorpus + "/ham", sharedCorpus + "/ham-business"})
	if err != nil {
		t.Skip(err)
	}
	items = corpus.Only(items, corpus.Train)
	s, err := New(gatewayConfig(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	type tally struct{ n, flagged, held, fp, suspect int }
	counts := map[string]*tally{}
	for _, it := range items {
		raw, err := corpus.Read(it.Path, 32<<20)
		if err != nil {
			t.Fatal(err)
		}
		o := carriedOf(message.Parse(raw, message.DefaultLimits()))
		for i, sh := range forwardShapes {
			v := s.Scan(t.Context(), forwardOf(i, o), scan.Envelope{})
			k := sh.name + " / " + string(it.Label)
			c := counts[k]
			if c == nil {
				c = &tally{}
				counts[k] = c
			}
			c.n++
			if v.Action.Rank() >= scan.Tag.Rank() {
				c.flagged++
			}
			if v.Action.Rank() >= scan.Quarantine.Rank() {
				c.held++
			}
			if v.Has("FORWARDED_PHISH") {
				c.fp++
			}
			if v.Has("FORWARDED_SUSPECT_UNVOUCHED") {
				c.suspect++
			}
		}
	}
	for _, sh := range forwardShapes {
		for _, l := range []corpus.Label{corpus.Phish, corpus.Ham} {
			c := counts[sh.name+" / "+string(l)]
			if c == nil {
				continue
			}
			t.Logf("%-32s %-5s n=%d flagged=%d (%.1f%%) held=%d (%.1f%%) FORWARDED_PHISH=%d FORWARDED_SUSPECT_UNVOUCHED=%d",
				sh.name, l, c.n, c.flagged, 100*float64(c.flagged)/float64(c.n), c.held, 100*float64(c.held)/float64(c.n), c.fp, c.suspect)
		}
	}
}
