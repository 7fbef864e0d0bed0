package olemsg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/message"
)

func TestRead(t *testing.T) {
	for _, c := range []struct {
		file                 string
		from, sender, subj   string
		to                   []Address
		date                 time.Time
		headers, rtf         bool
		text, html           string
		attachments          []string
		embeddedSubject      string
		parsedFrom, parsedTo string
		parsedURL            string
	}{
		{file: "01-sharepoint-credential-phish.msg",
			from: "Microsoft SharePoint <no-reply@sharepoint-fichiers-exemple.com>",
			subj: "Claire Moreau a partagé « Bon de commande 2026-114.pdf » avec vous",
			to:   []Address{{"Service achats", "achats@chu-exemple.fr"}}, date: phishDate,
			text: "mot de passe Microsoft 365", html: `href="https://partage-fichiers-exemple.web.app/connexion/index.html"`,
			parsedFrom: "no-reply@sharepoint-fichiers-exemple.com", parsedTo: "achats@chu-exemple.fr",
			parsedURL: "https://partage-fichiers-exemple.web.app/connexion/index.html"},
		{file: "02-supplier-invoice-notice.msg",
			from: "Transports Bernard - Facturation <facturation@transports-bernard-exemple.fr>",
			subj: "Facture FA-2026-0412 - livraison du 28 octobre à l'hôpital",
			to:   []Address{{"Comptabilité", "comptabilite@chu-exemple.fr"}}, date: supplierDate,
			headers: true, text: "Règlement à 30 jours", attachments: []string{"FA-2026-0412.pdf"},
			parsedFrom: "facturation@transports-bernard-exemple.fr", parsedTo: "comptabilite@chu-exemple.fr"},
		{file: "03-colleague-forwarding-the-phish-as-attachment.msg",
			from: "Paul Lefèvre <paul.lefevre@chu-exemple.fr>", subj: "TR: document à signer ?",
			date: phishDate.Add(time.Hour), text: "est-ce fiable", attachments: []string{"Claire Moreau a partagé un fichier"},
			embeddedSubject: phishSpec.props[0].val.(string), parsedFrom: "paul.lefevre@chu-exemple.fr",
			parsedURL: "https://partage-fichiers-exemple.web.app/connexion/index.html"},
		{file: "04-body-only-in-compressed-rtf.msg", from: "Anne Roux <anne.roux@chu-exemple.fr>",
			subj: "Compte rendu de réunion", rtf: true, parsedFrom: "anne.roux@chu-exemple.fr"},
		{file: "05-password-phish-html-only-in-rtf.msg", from: "Support Microsoft 365 <support@microsoft365-securite-exemple.com>",
			subj: "Votre mot de passe expire aujourd'hui", to: []Address{{"Service achats", "achats@chu-exemple.fr"}}, date: phishDate,
			text: "Conserver mon mot de passe", html: `<a href="https://m365-verification-exemple.weebly.com/connexion">Conserver mon mot de passe</a>`,
			parsedFrom: "support@microsoft365-securite-exemple.com", parsedTo: "achats@chu-exemple.fr",
			parsedURL: "https://m365-verification-exemple.weebly.com/connexion"},
	} {
		t.Run(c.file, func(t *testing.T) {
			m, err := Read(fixture(t, c.file), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got := m.FromName + " <" + m.FromAddr + ">"; got != c.from {
				t.Errorf("from %q, want %q", got, c.from)
			}
			if m.Subject != c.subj || !m.Date.Equal(c.date) || (m.Headers != "") != c.headers || m.RTFOnly != c.rtf {
				t.Errorf("subject %q date %v headers %v rtf %v", m.Subject, m.Date, m.Headers != "", m.RTFOnly)
			}
			if fmt.Sprint(m.To) != fmt.Sprint(c.to) {
				t.Errorf("to %v, want %v", m.To, c.to)
			}
			if !strings.Contains(m.Text, c.text) || !strings.Contains(string(m.HTML), c.html) {
				t.Errorf("text %q html %q", m.Text, m.HTML)
			}
			var names []string
			for _, at := range m.Attachments {
				names = append(names, at.Filename)
			}
			if fmt.Sprint(names) != fmt.Sprint(c.attachments) {
				t.Errorf("attachments %v, want %v", names, c.attachments)
			}
			if c.embeddedSubject != "" && (m.Attachments[0].Message == nil || m.Attachments[0].Message.Subject != c.embeddedSubject) {
				t.Errorf("embedded message %+v", m.Attachments[0].Message)
			}

			// The rebuilt message is read by the one parser.
			raw := m.RFC822()
			pm := message.Parse(raw, message.Limits{})
			if pm.FromAddr().Addr != c.parsedFrom || pm.Subject != c.subj {
				t.Errorf("parsed from %q subject %q\n%s", pm.FromAddr().Addr, pm.Subject, raw)
			}
			if c.parsedTo != "" && !strings.Contains(pm.Header.Get("To"), c.parsedTo) {
				t.Errorf("parsed To %q", pm.Header.Get("To"))
			}
			if !strings.Contains(pm.Text+pm.HTMLText, strings.TrimSpace(c.text)) {
				t.Errorf("parsed text lacks %q: %q", c.text, pm.Text)
			}
			if c.parsedURL != "" && !hasURL(pm, c.parsedURL) {
				t.Errorf("parsed URLs lack %s", c.parsedURL)
			}
			for _, at := range c.attachments {
				if c.embeddedSubject == "" && !hasAttachment(pm, at) {
					t.Errorf("parsed attachments lack %s", at)
				}
			}
		})
	}
}

func hasURL(m *message.Message, u string) bool {
	for _, x := range m.URLs {
		if x.Raw == u {
			return true
		}
	}
	return false
}

func hasAttachment(m *message.Message, name string) bool {
	for _, a := range m.Attachments {
		if a.Filename == name && len(a.Data) > 0 {
			return true
		}
	}
	return false
}

// TestTransportHeadersWin: a received message keeps the headers it
// arrived with, Received lines included; its MIME fields are replaced.
func TestTransportHeadersWin(t *testing.T) {
	raw, err := Convert(fixture(t, "02-supplier-invoice-notice.msg"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	head := string(raw[:message.BodyStart(raw)])
	if !strings.HasPrefix(head, "Received: from mail.transports-bernard-exemple.fr") ||
		strings.Count(head, "Content-Type:") != 1 || strings.Contains(head, "Part_88") || strings.Count(head, "MIME-Version") != 1 {
		t.Errorf("header:\n%s", head)
	}
}

func TestRejects(t *testing.T) {
	phish := fixture(t, "01-sharepoint-credential-phish.msg")
	forward := fixture(t, "03-colleague-forwarding-the-phish-as-attachment.msg")
	doc := writeCFB(stream("WordDocument", bytes.Repeat([]byte{0xEC, 0xA5}, 300)), stream("1Table", make([]byte, 40)))
	for _, c := range []struct {
		name string
		b    []byte
		lim  Limits
		want error
	}{
		{"an .eml", []byte("From: a@b\r\nSubject: x\r\n\r\nhello"), Limits{}, ErrFormat},
		{"a Word document", doc, Limits{}, ErrFormat},
		{"truncated", phish[:700], Limits{}, ErrFormat},
		{"signature alone", signature, Limits{}, ErrFormat},
		{"over MaxBytes", phish, Limits{MaxBytes: 1024}, ErrTooLarge},
		{"over MaxStreams", phish, Limits{MaxStreams: 5}, ErrTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := Read(c.b, c.lim)
			if !errors.Is(err, c.want) || m != nil {
				t.Errorf("Read: %v, %v; want %v", m, err, c.want)
			}
		})
	}
	t.Run("MaxDepth", func(t *testing.T) {
		m, err := Read(forward, Limits{MaxDepth: 1})
		if err != nil || len(m.Attachments) != 1 || m.Omitted != 0 {
			t.Fatalf("depth 1: %v %+v", err, m)
		}
		twice := writeMsg(msgSpec{props: []prop{{id: propSubject, val: "TR: TR"}},
			attachs: []attachSpec{{embedded: &forwardSpec}}})
		if m, err = Read(twice, Limits{MaxDepth: 1}); err != nil || len(m.Attachments[0].Message.Attachments) != 0 || m.Attachments[0].Message.Omitted != 1 {
			t.Fatalf("depth 2 over a limit of 1: %v %+v", err, m)
		}
	})
	t.Run("MaxAttachments", func(t *testing.T) {
		many := msgSpec{props: []prop{{id: propSubject, val: "pièces"}}}
		for i := 0; i < 5; i++ {
			many.attachs = append(many.attachs, attachSpec{props: []prop{{id: propAttachLongFilename, val: fmt.Sprintf("%d.txt", i)}, {id: propAttachData, val: []byte("x")}}})
		}
		m, err := Read(writeMsg(many), Limits{MaxAttachments: 3})
		if err != nil || len(m.Attachments) != 3 || m.Omitted != 2 {
			t.Fatalf("%v %+v", err, m)
		}
	})
}

// TestHeaderInjection: a property cannot open a header field of its own.
func TestHeaderInjection(t *testing.T) {
	b := writeMsg(msgSpec{props: []prop{
		{id: propSubject, val: "Bonjour\r\nFrom: ceo@chu-exemple.fr"},
		{id: propSenderName, val: "X\r\nReply-To: a@evil.example"},
		{id: propSenderSMTPAddress, val: "x@exemple.fr"},
	}})
	raw, err := Convert(b, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	m := message.Parse(raw, message.Limits{})
	if len(m.Header.Values("From")) != 1 || m.Header.Get("Reply-To") != "" || m.FromAddr().Addr != "x@exemple.fr" {
		t.Errorf("injected:\n%s", raw)
	}
}

func BenchmarkConvert(b *testing.B) {
	raw := fixture(b, "03-colleague-forwarding-the-phish-as-attachment.msg")
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Convert(raw, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseRebuilt is BenchmarkConvert's peer: the parser reading
// the message Convert rebuilt, which the scanner does next anyway.
func BenchmarkParseRebuilt(b *testing.B) {
	raw, err := Convert(fixture(b, "03-colleague-forwarding-the-phish-as-attachment.msg"), Limits{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		message.Parse(raw, message.Limits{})
	}
}

// Directory names compare without case: a writer's lower-case hex reads.
func TestLowerCaseNames(t *testing.T) {
	lower := func(es []*cfbEntry) []*cfbEntry {
		var walk func(e *cfbEntry)
		walk = func(e *cfbEntry) {
			if strings.HasPrefix(e.name, "__") {
				e.name = strings.ToLower(e.name)
			}
			for _, c := range e.children {
				walk(c)
			}
		}
		for _, e := range es {
			walk(e)
		}
		return es
	}
	m, err := Read(writeCFB(lower(supplierSpec.entries(topHeader))...), Limits{})
	if err != nil || !strings.HasPrefix(m.Subject, "Facture FA-2026-0412") || len(m.Attachments) != 1 || len(m.To) != 1 {
		t.Fatalf("%v %+v", err, m)
	}
}

// A clear-signed message is rebuilt from the MIME entity Outlook kept:
// its text and its signature part, not an opaque smime.p7m.
func TestSignedMessage(t *testing.T) {
	raw, err := Convert(fixture(t, "06-signed-laboratory-notice.msg"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	m := message.Parse(raw, message.Limits{})
	if m.FromAddr().Addr != "resultats@laboratoire-exemple.fr" || m.Subject != "Résultats du lot 2026-118" ||
		!strings.Contains(m.Text, "lot 2026-118 est disponible") || len(m.Attachments) != 1 || m.Attachments[0].Filename != "smime.p7s" ||
		len(m.Header.Values("Content-Type")) != 1 || !strings.HasPrefix(m.Header.Get("Content-Type"), "multipart/signed") {
		t.Errorf("rebuilt:\n%s", raw)
	}
	// Without the entity's own header, its boundary line gives it.
	e := signedEntity([]byte(signedEntity06[strings.Index(signedEntity06, "\r\n\r\n")+4:]))
	if !bytes.HasPrefix(e, []byte("Content-Type: multipart/signed; boundary=\"----=_sig_7Q2\"\r\n\r\nThis is")) {
		t.Errorf("entity without header: %.80q", e)
	}
	if signedEntity([]byte("MIAGCSqGSIb3")) != nil {
		t.Error("an opaque signature taken for an entity")
	}
}

// A .msg Outlook wrote (mscfb's test vector, testdata/README.md): the
// reader agrees with Outlook's output, not only with this package's
// writer — its HTML is only in the compressed RTF, with a real CRC.
func TestOutlookWrittenFile(t *testing.T) {
	m, err := Read(fixture(t, "mscfb-test.msg"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var atts []string
	for _, a := range m.Attachments {
		atts = append(atts, a.Filename+" "+a.MimeType+" "+a.ContentID+" "+fmt.Sprint(len(a.Data)))
	}
	if m.Subject != "test" || m.FromAddr != "Richard.Lehane@records.nsw.gov.au" || !strings.HasPrefix(m.Headers, "Received: from EXCHANGE") ||
		!m.HTMLFromRTF || !bytes.HasPrefix(m.HTML, []byte("<html")) || m.RTFOnly ||
		fmt.Sprint(atts) != "[test.doc   12288 image001.gif image/gif image001.gif@01CEE437.D50CE790 2864]" {
		t.Errorf("read %q from %q headers %.30q html from RTF %v %.20q; attachments %v", m.Subject, m.FromAddr, m.Headers, m.HTMLFromRTF, m.HTML, atts)
	}
	pm := message.Parse(m.RFC822(), message.Limits{})
	if !hasURL(pm, "http://www.records.nsw.gov.au") || !hasAttachment(pm, "test.doc") || !hasAttachment(pm, "image001.gif") ||
		!strings.Contains(pm.Header.Get("Received"), "EXCHANGE.records.nsw.gov.au") {
		t.Errorf("parsed: URLs %v, %d attachments, Received %q", pm.URLs, len(pm.Attachments), pm.Header.Get("Received"))
	}
	if _, err := Read(fixture(t, "mscfb-test.xls"), Limits{}); !errors.Is(err, ErrFormat) {
		t.Errorf("an Excel workbook: %v", err)
	}
}

// A damaged recipient or attachment property stream does not hide the
// rest of the message: what their own streams hold is still read.
func TestDamagedObjectsStillRead(t *testing.T) {
	entries := supplierSpec.entries(topHeader)
	for _, e := range entries {
		if e.storage {
			for _, c := range e.children {
				if c.name == propertiesStream {
					c.data = c.data[:3]
				}
			}
		}
	}
	m, err := Read(writeCFB(entries...), Limits{})
	if err != nil || !strings.HasPrefix(m.Subject, "Facture FA-2026-0412") || len(m.Attachments) != 1 ||
		m.Attachments[0].Filename != "FA-2026-0412.pdf" || len(m.Attachments[0].Data) == 0 {
		t.Fatalf("%v %+v", err, m)
	}
	// The recipient's type was in its property stream: without it, a To.
	if fmt.Sprint(m.To) != "[{Comptabilité comptabilite@chu-exemple.fr}]" {
		t.Errorf("To %v", m.To)
	}
}

// TestContext: the reading stops when the caller's context is done (a
// scan past its deadline, a cancelled scan), and otherwise at the earlier
// of the context's deadline and Limits.Timeout.
func TestContext(t *testing.T) {
	phish := fixture(t, "01-sharepoint-credential-phish.msg")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	past, cancelPast := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancelPast()
	ahead, cancelAhead := context.WithTimeout(context.Background(), time.Hour)
	defer cancelAhead()
	for _, c := range []struct {
		name string
		ctx  context.Context
		lim  Limits
		want []error // nil: the file reads
	}{
		{"cancelled", cancelled, Limits{}, []error{ErrTooLarge, context.Canceled}},
		{"deadline passed", past, Limits{}, []error{ErrTooLarge, context.DeadlineExceeded}},
		{"deadline passed, Timeout set", past, Limits{Timeout: time.Hour}, []error{ErrTooLarge, context.DeadlineExceeded}},
		{"Timeout shorter than the deadline", ahead, Limits{Timeout: time.Nanosecond}, []error{ErrTooLarge}},
		{"deadline ahead", ahead, Limits{}, nil},
		{"no deadline", context.Background(), Limits{}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw, err := ConvertContext(c.ctx, phish, c.lim)
			if c.want == nil {
				if err != nil || len(raw) == 0 {
					t.Fatalf("ConvertContext: %d bytes, %v", len(raw), err)
				}
				return
			}
			for _, w := range c.want {
				if !errors.Is(err, w) || raw != nil {
					t.Errorf("ConvertContext: %d bytes, %v; want %v", len(raw), err, w)
				}
			}
		})
	}
}

func TestBudget(t *testing.T) {
	ahead, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	for _, c := range []struct {
		name     string
		ctx      context.Context
		timeout  time.Duration
		min, max time.Duration
	}{
		{"neither", context.Background(), 0, defaultTimeout - time.Second, defaultTimeout},
		{"Timeout alone", context.Background(), time.Minute, time.Minute - time.Second, time.Minute},
		{"deadline alone", ahead, 0, time.Hour - time.Minute, time.Hour},
		{"Timeout first", ahead, time.Minute, time.Minute - time.Second, time.Minute},
		{"deadline first", ahead, 2 * time.Hour, time.Hour - time.Minute, time.Hour},
	} {
		left := time.Until(newBudget(c.ctx, c.timeout).deadline)
		if left < c.min || left > c.max {
			t.Errorf("%s: %v left, want %v to %v", c.name, left, c.min, c.max)
		}
	}
}
