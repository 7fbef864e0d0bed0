package gateway

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"mime/quotedprintable"
	"strings"
)

// BodyBanner puts a warning for the recipients in front of the delivered
// message's content, as a text part of its own: the clerk who reads the
// body of an invoice — and not the X-Vigie-Banner field nor a Subject cut
// short in a list — still sees "bank details never seen for this
// supplier" before paying. The message becomes a multipart/mixed whose
// first part is the warning and whose second is the original content,
// unchanged with its own content fields (RFC 2045 §3, RFC 2046 §5.1.3):
// a signed part (S/MIME, OpenPGP) stays verifiable inside it. The
// sender's DKIM signature no longer matches the new body; the gateway
// has checked it already and says so in its Authentication-Results.
type BodyBanner struct {
	// ContentType is the message's new Content-Type field value.
	ContentType string
	// Moved are the names of the content fields the message's header had,
	// now in the second part: the front end removes them from the header.
	Moved []string
	// AddMIMEVersion is set when the header had no MIME-Version.
	AddMIMEVersion bool
	// Body is the new body, CRLF line ends.
	Body []byte
}

// contentFields describe a message's content (RFC 2045 §3, RFC 2183,
// RFC 3282): they move with the content into the wrapped part.
var contentFields = []string{"Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Content-ID",
	"Content-Description", "Content-Language", "Content-Location"}

// WrapBody builds the BodyBanner that puts text in front of raw's
// content. It fails on a message with no header/body separator (nothing
// is changed then: the header banner remains).
func WrapBody(raw []byte, text string) (BodyBanner, error) {
	head, body, ok := splitMessage(raw)
	if !ok {
		return BodyBanner{}, errors.New("gateway: body banner: no end of header")
	}
	var b BodyBanner
	var part strings.Builder
	b.AddMIMEVersion = true
	for _, f := range headerFields(head) {
		name, _, _ := strings.Cut(f, ":")
		name = strings.TrimSpace(name)
		if strings.EqualFold(name, "MIME-Version") {
			b.AddMIMEVersion = false
		}
		for _, c := range contentFields {
			if strings.EqualFold(name, c) {
				part.WriteString(strings.TrimRight(f, "\r\n") + "\r\n")
				if !containsFold(b.Moved, c) {
					b.Moved = append(b.Moved, c)
				}
			}
		}
	}
	boundary := boundaryFor(raw)
	b.ContentType = `multipart/mixed; boundary="` + boundary + `"`
	var out bytes.Buffer
	out.Grow(len(body) + len(text)*2 + 512)
	out.WriteString("--" + boundary + "\r\n")
	out.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Disposition: inline\r\n\r\n")
	qp := quotedprintable.NewWriter(&out)
	qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n") + "\r\n"))
	qp.Close()
	out.WriteString("\r\n--" + boundary + "\r\n")
	out.WriteString(part.String())
	out.WriteString("\r\n")
	out.Write(body)
	// The line end before a delimiter belongs to it (RFC 2046 §5.1.1):
	// this one keeps the original's bytes whole, a bare LF at its end too.
	out.WriteString("\r\n--" + boundary + "--\r\n")
	b.Body = out.Bytes()
	return b, nil
}

// Apply returns raw with the banner: content fields removed from the
// header, the new Content-Type (and MIME-Version) added, the new body.
// The relay uses it; the milter makes the same changes through the MTA.
func (b BodyBanner) Apply(raw []byte) []byte {
	head, _, ok := splitMessage(raw)
	if !ok {
		return raw
	}
	var out bytes.Buffer
	out.Grow(len(head) + len(b.Body) + 128)
	for _, f := range headerFields(head) {
		name, _, _ := strings.Cut(f, ":")
		if containsFold(b.Moved, strings.TrimSpace(name)) {
			continue
		}
		out.WriteString(strings.TrimRight(f, "\r\n") + "\r\n")
	}
	if b.AddMIMEVersion {
		out.WriteString("MIME-Version: 1.0\r\n")
	}
	out.WriteString("Content-Type: " + Fold("Content-Type", b.ContentType, "\r\n") + "\r\n\r\n")
	out.Write(b.Body)
	return out.Bytes()
}

// splitMessage cuts raw after the blank line that ends its header.
func splitMessage(raw []byte) (head, body []byte, ok bool) {
	if bytes.HasPrefix(raw, []byte("\r\n")) || bytes.HasPrefix(raw, []byte("\n")) {
		return nil, nil, false // no header at all
	}
	i, n := bytes.Index(raw, []byte("\r\n\r\n")), 4
	if j := bytes.Index(raw, []byte("\n\n")); j >= 0 && (i < 0 || j < i) {
		i, n = j, 2
	}
	if i < 0 {
		return nil, nil, false
	}
	return raw[:i+n/2], raw[i+n:], true
}

// headerFields splits a header block into its fields, each with its
// continuation lines and line ends as they were.
func headerFields(head []byte) []string {
	var fields []string
	for len(head) > 0 {
		nl := bytes.IndexByte(head, '\n')
		line := head
		if nl >= 0 {
			line = head[:nl+1]
		}
		head = head[len(line):]
		if (line[0] == ' ' || line[0] == '\t') && len(fields) > 0 {
			fields[len(fields)-1] += string(line)
			continue
		}
		fields = append(fields, string(line))
	}
	return fields
}

// boundaryFor returns a boundary that does not occur in raw.
func boundaryFor(raw []byte) string {
	sum := sha256.Sum256(raw)
	for i := 0; ; i++ {
		b := "vigie-banner-" + hex.EncodeToString(sum[:10])
		if i > 0 {
			b += "-" + strings.Repeat("x", i)
		}
		if !bytes.Contains(raw, []byte(b)) {
			return b
		}
	}
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// BodyBannerText lays the banners out for the text part, one paragraph
// each, after a title that says who wrote them.
func BodyBannerText(banners []string) string {
	var b strings.Builder
	b.WriteString("*** Avertissement de Vigie, passerelle de messagerie / Warning from Vigie, the mail gateway ***\n")
	for _, t := range banners {
		b.WriteString("\n" + t + "\n")
	}
	b.WriteString("\n------------------------------------------------------------------------\n")
	return b.String()
}
