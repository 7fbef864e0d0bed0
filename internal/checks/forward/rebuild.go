package forward

import (
	"bytes"
	"encoding/base64"
	"mime"
	"mime/quotedprintable"
	"strings"

	"vigie.dev/vigie/internal/fwdblock"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// maxAttachBytes bounds the attachments a rebuilt original carries.
const maxAttachBytes = 8 << 20

// original rebuilds the forwarded message: the block's sender,
// recipients and subject, the forward's date, and the original's body
// when it could be cut from the forward with the forward's attachments
// (a forward carries the original's), else the forward's whole body.
func original(in *scan.Input, f fwdblock.Found) []byte {
	var h bytes.Buffer
	field := func(name, v string) {
		v = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' {
				return ' '
			}
			return r
		}, v)
		if v != "" {
			h.WriteString(name + ": " + v + "\r\n")
		}
	}
	from, sender := parseSender(f.From)
	field("From", from.String())
	if sender != "" {
		field("Sender", "<"+sender+">")
	}
	field("To", parseList(f.To, 50))
	field("Cc", parseList(f.Cc, 50))
	if r := parseMailbox(f.ReplyTo); r.addr != "" {
		field("Reply-To", r.String())
	}
	field("Subject", f.Subject)
	m := in.Msg
	field("Date", m.Header.Get("Date"))
	if m.MessageID != "" {
		field("Message-ID", "<"+m.MessageID+">")
	}
	if f.Kind != "" {
		field("MIME-Version", "1.0")
		writeBody(&h, f, m.Attachments)
		return h.Bytes()
	}
	for _, name := range []string{"MIME-Version", "Content-Type", "Content-Transfer-Encoding"} {
		if vs := m.Header.RawValues(name); len(vs) > 0 {
			field(name, vs[0])
		}
	}
	h.WriteString("\r\n")
	h.Write(in.Raw[message.BodyStart(in.Raw):])
	return h.Bytes()
}

// writeBody writes the Content-Type and body of a rebuilt original: its
// text, quoted-printable, and the attachments after it in a
// multipart/mixed.
func writeBody(h *bytes.Buffer, f fwdblock.Found, attachments []message.Attachment) {
	text := func() {
		h.WriteString("Content-Type: " + f.Kind + "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
		w := quotedprintable.NewWriter(h)
		w.Write([]byte(f.Body))
		w.Close()
		h.WriteString("\r\n")
	}
	if len(attachments) == 0 {
		text()
		return
	}
	// "=_" never occurs in quoted-printable nor in base64.
	const boundary = "=_vigie-forwarded-original"
	h.WriteString("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n--" + boundary + "\r\n")
	text()
	total := 0
	for _, a := range attachments {
		if total += len(a.Data); total > maxAttachBytes {
			break
		}
		typ := a.DeclaredType
		if typ == "" || strings.ContainsAny(typ, "\r\n;\"") {
			typ = "application/octet-stream"
		}
		h.WriteString("--" + boundary + "\r\nContent-Type: " + typ + "\r\n")
		if d := mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename}); a.Filename != "" && d != "" {
			h.WriteString("Content-Disposition: " + d + "\r\n")
		}
		h.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 76 {
			h.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		h.WriteString(enc + "\r\n")
	}
	h.WriteString("--" + boundary + "--\r\n")
}

// clip bounds s to n bytes and marks the cut, never inside a character:
// the values go into the rebuilt original's header and the signal's
// explanation.
