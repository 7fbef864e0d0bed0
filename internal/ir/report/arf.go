package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/textproto"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/message"
)

// ARFOptions address an abuse report.
type ARFOptions struct {
	From         string // the reporting mailbox (abuse desk, RSSI)
	To           string // the provider's abuse address
	ReportingMTA string // our gateway's host name
	UserAgent    string // "": "Vigie/1"
	// Lang "en" writes the explanation in English only; by default it is
	// in French, then English (an abuse desk may be anywhere).
	Lang string
	Now  time.Time
}

// ARF writes an abuse report in the Abuse Reporting Format (RFC 5965): a
// multipart/report with report-type feedback-report whose parts are a
// human-readable explanation (in French and English), the machine-readable
// message/feedback-report fields, and the original message unchanged. The
// feedback type is "fraud" (RFC 5965 §7.3: phishing and other fraud).
// original is the reported message; evidenceSum its SHA-256 in the case.
func ARF(w io.Writer, c incident.Case, original []byte, evidenceSum string, o ARFOptions) error {
	if o.From == "" || o.To == "" {
		return fmt.Errorf("report: arf: a From and a To address are required")
	}
	if o.UserAgent == "" {
		o.UserAgent = "Vigie/1"
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	var ips, domains, uris []string
	var mailFrom string
	for _, ind := range c.Indicators {
		if evidenceSum != "" && ind.Evidence != evidenceSum {
			continue
		}
		switch {
		case ind.Kind == incident.KindIP:
			ips = append(ips, ind.Value)
		case ind.Kind == incident.KindDomain:
			domains = append(domains, ind.Value)
		case ind.Kind == incident.KindURL:
			uris = append(uris, ind.Value)
		case ind.Kind == incident.KindEmail && ind.Origin == "Return-Path":
			mailFrom = ind.Value
		}
	}
	orig := crlf(original)
	subject := headerOf(original, "Subject")
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d/%s/%d", c.Incident.ID, evidenceSum, o.Now.UnixNano())))
	boundary := "vigie-arf-" + hex.EncodeToString(sum[:12])
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", o.From)
	h("To", o.To)
	h("Date", o.Now.Format(time.RFC1123Z))
	prefix := "Signalement d'abus / Abuse report: "
	if o.Lang == "en" {
		prefix = "Abuse report: "
	}
	h("Subject", mime.QEncoding.Encode("utf-8", prefix+oneLine(subject)))
	h("Message-ID", fmt.Sprintf("<arf-%d-%s@%s>", c.Incident.ID, hex.EncodeToString(sum[12:20]), hostOr(o.ReportingMTA)))
	h("MIME-Version", "1.0")
	h("Content-Type", fmt.Sprintf("multipart/report; report-type=feedback-report; boundary=%q", boundary))
	b.WriteString("\r\n")

	// Part 1: for the human at the abuse desk.
	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", boundary)
	var text strings.Builder
	if o.Lang != "en" {
		fmt.Fprintf(&text, "Bonjour,\n\nLe message ci-joint, reçu par notre organisation, fait partie d'une campagne d'hameçonnage "+
			"(incident %d). Il semble émis depuis votre réseau ou votre service. Merci de faire cesser ces envois et de "+
			"désactiver les contenus frauduleux.\n\n", c.Incident.ID)
	}
	fmt.Fprintf(&text, "Hello,\n\nThe attached message, received by our organisation, belongs to a phishing campaign "+
		"(incident %d). It appears to come from your network or service. Please stop these messages and take the "+
		"fraudulent content down.\n\n", c.Incident.ID)
	for _, ip := range ips {
		fmt.Fprintf(&text, "Source IP: %s\n", ip)
	}
	for _, u := range uris {
		fmt.Fprintf(&text, "URL: %s\n", defang(u))
	}
	fmt.Fprintf(&text, "SHA-256 of the original message: %s\n", evidenceSum)
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(text.String(), "\n", "\r\n")))
	qp.Close()
	b.WriteString("\r\n")

	// Part 2: RFC 5965 §3.1 fields.
	fmt.Fprintf(&b, "--%s\r\nContent-Type: message/feedback-report\r\n\r\n", boundary)
	h("Feedback-Type", "fraud")
	h("User-Agent", o.UserAgent)
	h("Version", "1")
	if mailFrom != "" {
		h("Original-Mail-From", "<"+mailFrom+">")
	}
	for _, rcpt := range c.Incident.Accounts {
		if strings.Contains(rcpt, "@") {
			h("Original-Rcpt-To", "<"+rcpt+">")
		}
	}
	if t, ok := dateOf(original); ok {
		h("Arrival-Date", t.Format(time.RFC1123Z))
	}
	if o.ReportingMTA != "" {
		h("Reporting-MTA", "dns; "+o.ReportingMTA)
	}
	if len(ips) > 0 {
		h("Source-IP", ips[0])
	}
	for _, d := range domains {
		h("Reported-Domain", d)
	}
	for _, u := range uris {
		h("Reported-URI", u)
	}
	b.WriteString("\r\n")

	// Part 3: the original, with all its headers.
	cte := "7bit"
	for _, c := range orig {
		if c >= 0x80 {
			cte = "8bit"
			break
		}
	}
	fmt.Fprintf(&b, "--%s\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: %s\r\n\r\n", boundary, cte)
	b.Write(orig)
	if !bytes.HasSuffix(orig, []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	_, err := w.Write(b.Bytes())
	return err
}

// crlf normalises line endings to CRLF, as a MIME body part needs.
func crlf(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}

// headerOf returns the decoded value of a header of a raw message.
func headerOf(raw []byte, name string) string {
	r := textproto.NewReader(bufioReader(raw))
	h, _ := r.ReadMIMEHeader()
	v := h.Get(name)
	if dec, err := new(mime.WordDecoder).DecodeHeader(v); err == nil {
		v = dec
	}
	return v
}

// dateOf reads a raw message's Date field with Vigie's one date parser.
func dateOf(raw []byte) (time.Time, bool) { return message.ParseDate(headerOf(raw, "Date")) }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// defang keeps a URL from being clickable in a human-readable text.
func defang(u string) string {
	u = strings.Replace(u, "http", "hxxp", 1)
	return strings.ReplaceAll(u, ".", "[.]")
}

func hostOr(h string) string {
	if h == "" {
		return "vigie.invalid"
	}
	return h
}
