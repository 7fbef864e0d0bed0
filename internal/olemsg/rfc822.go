package olemsg

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"
)

// mimeHeaders are the transport headers a rebuilt message replaces: its
// body is this package's MIME, not the one the headers described.
var mimeHeaders = map[string]bool{"mime-version": true, "content-type": true,
	"content-transfer-encoding": true, "content-disposition": true}

// RFC822 writes the message as an RFC 5322 message: the transport headers
// Outlook kept (their MIME fields aside), else a header rebuilt from the
// properties; the bodies; the attachments, an embedded message as a
// message/rfc822 part.
func (m *Message) RFC822() []byte {
	var b bytes.Buffer
	if strings.TrimSpace(m.Headers) != "" {
		transportHeaders(&b, m.Headers)
	} else {
		m.header(&b)
	}
	b.WriteString("MIME-Version: 1.0\r\n")
	if m.Signed != nil {
		b.Write(m.Signed)
		return b.Bytes()
	}
	h, content := m.body()
	if len(m.Attachments) == 0 {
		for _, k := range []string{"Content-Type", "Content-Transfer-Encoding"} {
			if v := h.Get(k); v != "" {
				b.WriteString(k + ": " + v + "\r\n")
			}
		}
		b.WriteString("\r\n")
		b.Write(content)
		return b.Bytes()
	}
	w := multipart.NewWriter(&b)
	b.WriteString("Content-Type: multipart/mixed; boundary=\"" + w.Boundary() + "\"\r\n\r\n")
	pw, _ := w.CreatePart(h)
	pw.Write(content)
	for _, at := range m.Attachments {
		h := textproto.MIMEHeader{}
		name := oneLine(at.Filename)
		if at.Message != nil {
			h.Set("Content-Type", "message/rfc822")
			if name != "" {
				h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
			}
			p, _ := w.CreatePart(h)
			p.Write(at.Message.RFC822())
			continue
		}
		ct := "application/octet-stream"
		if mt, _, err := mime.ParseMediaType(at.MimeType); err == nil && strings.Contains(mt, "/") {
			ct = mt
		}
		params := map[string]string{}
		if name != "" {
			params["name"] = name
		}
		h.Set("Content-Type", orPlain(mime.FormatMediaType(ct, params), ct))
		h.Set("Content-Disposition", orPlain(mime.FormatMediaType("attachment", map[string]string{"filename": name}), "attachment"))
		h.Set("Content-Transfer-Encoding", "base64")
		if cid := strings.Trim(oneLine(at.ContentID), "<> "); cid != "" && !strings.ContainsAny(cid, "<>") {
			h.Set("Content-ID", "<"+cid+">")
		}
		p, _ := w.CreatePart(h)
		base64Lines(p, at.Data)
	}
	w.Close()
	return b.Bytes()
}

// transportHeaders writes the stored header without its MIME fields, with
// CRLF line ends.
func transportHeaders(b *bytes.Buffer, h string) {
	h = strings.ReplaceAll(h, "\r\n", "\n")
	if i := strings.Index(h, "\n\n"); i >= 0 {
		h = h[:i]
	}
	skip := false
	for _, line := range strings.Split(h, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			name, _, ok := strings.Cut(line, ":")
			skip = !ok || mimeHeaders[strings.ToLower(strings.TrimSpace(name))]
		}
		if !skip {
			b.WriteString(line + "\r\n")
		}
	}
}

// header writes a header rebuilt from the properties.
func (m *Message) header(b *bytes.Buffer) {
	field := func(name, value string) {
		if value != "" {
			b.WriteString(name + ": " + value + "\r\n")
		}
	}
	field("From", address(Address{m.FromName, m.FromAddr}))
	field("Sender", address(Address{m.SenderName, m.SenderAddr}))
	field("To", addressList(m.To))
	field("Cc", addressList(m.Cc))
	field("Subject", mime.QEncoding.Encode("utf-8", oneLine(m.Subject)))
	if !m.Date.IsZero() {
		field("Date", m.Date.Format(time.RFC1123Z))
	}
	if id := oneLine(m.MessageID); strings.HasPrefix(id, "<") && strings.HasSuffix(id, ">") {
		field("Message-ID", id)
	}
}

// body returns the body part's header and content: the plain text and
// the HTML as alternatives, one of them alone, or an empty text.
func (m *Message) body() (textproto.MIMEHeader, []byte) {
	html := len(m.HTML) > 0
	switch {
	case m.Text != "" && html:
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		for _, p := range []func() (textproto.MIMEHeader, []byte){
			func() (textproto.MIMEHeader, []byte) { return textPart("text/plain", "utf-8", []byte(m.Text)) },
			func() (textproto.MIMEHeader, []byte) { return textPart("text/html", m.htmlCharset(), m.HTML) },
		} {
			h, content := p()
			pw, _ := w.CreatePart(h)
			pw.Write(content)
		}
		w.Close()
		return textproto.MIMEHeader{"Content-Type": {"multipart/alternative; boundary=\"" + w.Boundary() + "\""}}, b.Bytes()
	case html:
		return textPart("text/html", m.htmlCharset(), m.HTML)
	}
	return textPart("text/plain", "utf-8", []byte(m.Text))
}

func (m *Message) htmlCharset() string {
	switch {
	case m.HTMLCharset != "":
		return m.HTMLCharset
	case utf8.Valid(m.HTML):
		return "utf-8"
	}
	return "windows-1252"
}

// textPart returns a text part, quoted-printable.
func textPart(ct, cs string, data []byte) (textproto.MIMEHeader, []byte) {
	var b bytes.Buffer
	q := quotedprintable.NewWriter(&b)
	q.Write(data)
	q.Close()
	b.WriteString("\r\n")
	return textproto.MIMEHeader{"Content-Type": {mime.FormatMediaType(ct, map[string]string{"charset": cs})},
		"Content-Transfer-Encoding": {"quoted-printable"}}, b.Bytes()
}

func base64Lines(w io.Writer, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		w.Write([]byte(enc[:76] + "\r\n"))
		enc = enc[76:]
	}
	w.Write([]byte(enc + "\r\n"))
}

// address writes a mailbox; a name alone (a sender Outlook knew only by
// name) is written as the phrase.
func address(a Address) string {
	a.Name, a.Addr = oneLine(a.Name), oneLine(a.Addr)
	switch {
	case a.Addr != "":
		return (&mail.Address{Name: a.Name, Address: a.Addr}).String()
	case a.Name != "":
		return mime.QEncoding.Encode("utf-8", a.Name)
	}
	return ""
}

func addressList(as []Address) string {
	var out []string
	for _, a := range as {
		if s := address(a); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, ", ")
}

// oneLine keeps a property value from opening a new header field.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == 0 {
			return ' '
		}
		return r
	}, s))
}

func orPlain(formatted, plain string) string {
	if formatted == "" {
		return plain
	}
	return formatted
}
