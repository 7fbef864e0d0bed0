package olemsg

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// Message is what a .msg holds that the scanner reads.
type Message struct {
	// Headers are the transport headers Outlook kept from the message as
	// it arrived (PR_TRANSPORT_MESSAGE_HEADERS), "" for a message never
	// received (a draft, a message composed and saved).
	Headers string
	// The envelope as Outlook shows it, from the properties.
	FromName, FromAddr     string // the author (PR_SENT_REPRESENTING_*, else PR_SENDER_*)
	SenderName, SenderAddr string // the mailbox that sent it, when not the author
	To, Cc                 []Address
	Subject                string
	Date                   time.Time // submit time, else delivery time
	MessageID              string
	Text                   string // PR_BODY
	HTML                   []byte // PR_HTML, else the HTML its compressed RTF encapsulates, in HTMLCharset
	HTMLCharset            string
	HTMLFromRTF            bool // HTML is read from the compressed RTF
	// RTFOnly says the body is stored only as compressed RTF
	// (PR_RTF_COMPRESSED) that could not be read: the message then has
	// no body text for the scanner.
	RTFOnly     bool
	Attachments []Attachment
	// Signed is a clear-signed message's multipart/signed MIME entity,
	// header included, which Outlook keeps as the message's one
	// attachment: it is the rebuilt message's body (its text, its
	// attachments, its signature) in place of the properties'.
	Signed []byte
	// Omitted counts attachments left out by Limits.MaxAttachments, and
	// embedded messages by Limits.MaxDepth.
	Omitted int
}

// Address is a recipient.
type Address struct{ Name, Addr string }

// Attachment is a file or an embedded message.
type Attachment struct {
	Filename  string
	MimeType  string // PR_ATTACH_MIME_TAG, "" when Outlook stored none
	ContentID string
	Data      []byte
	Message   *Message // an embedded message (PR_ATTACH_DATA_OBJ), else nil
}

// message reads the message whose streams are under prefix.
func (r *reader) message(prefix string, header, depth int) (*Message, error) {
	if err := r.budget.spent("rebuilding"); err != nil {
		return nil, err
	}
	o := r.object(prefix, header)
	m := &Message{
		Headers:   o.str(propTransportHeaders),
		Subject:   o.str(propSubject),
		MessageID: o.str(propInternetMessageID),
		Text:      o.str(propBody),
		Date:      o.time(propClientSubmitTime),
	}
	if m.Date.IsZero() {
		m.Date = o.time(propDeliveryTime)
	}
	m.FromName, m.FromAddr = o.str(propSentRepName), smtpAddr(o.str(propSentRepSMTPAddress), o.str(propSentRepEmail))
	m.SenderName, m.SenderAddr = o.str(propSenderName), smtpAddr(o.str(propSenderSMTPAddress), o.str(propSenderEmail))
	if m.FromName == "" && m.FromAddr == "" || strings.EqualFold(m.FromAddr, m.SenderAddr) {
		m.FromName, m.FromAddr = m.SenderName, m.SenderAddr
		m.SenderName, m.SenderAddr = "", ""
	}
	if h, ok := o.stream(propHTML, typeBinary); ok {
		m.HTML, m.HTMLCharset = h, charset(o.internetCodepage)
	} else if h := o.str(propHTML); h != "" {
		m.HTML, m.HTMLCharset = []byte(h), "utf-8"
	}
	if len(m.HTML) == 0 {
		r.readRTF(o, m)
	}
	m.RTFOnly = m.Text == "" && len(m.HTML) == 0 && o.has(propRTFCompressed)
	for _, p := range o.children("__recip_version1.0_#") {
		rc := r.object(p, objectHeader)
		a := Address{Name: rc.str(propDisplayName), Addr: smtpAddr(rc.str(propSMTPAddress), rc.str(propEmailAddress))}
		// A recipient whose type is not stored is a To, MAPI's default.
		switch t, ok := rc.long(propRecipientType); {
		case !ok || t == recipientTo:
			m.To = append(m.To, a)
		case t == recipientCc:
			m.Cc = append(m.Cc, a)
		}
	}
	if len(m.To) == 0 {
		m.To = names(o.str(propDisplayTo))
	}
	if len(m.Cc) == 0 {
		m.Cc = names(o.str(propDisplayCc))
	}
	for _, p := range o.children("__attach_version1.0_#") {
		if len(m.Attachments) >= r.lim.MaxAttachments {
			m.Omitted++
			continue
		}
		at, err := r.attachment(p, depth)
		if err != nil {
			return nil, err
		}
		if at == nil {
			m.Omitted++
			continue
		}
		m.Attachments = append(m.Attachments, *at)
	}
	// [MS-OXOSMIME] 2.1.3.1: Outlook keeps a clear-signed message as its
	// multipart/signed MIME entity in a single attachment.
	class := strings.ToUpper(o.str(propMessageClass))
	if strings.HasPrefix(class, "IPM.NOTE.SMIME.MULTIPARTSIGNED") && len(m.Attachments) == 1 && m.Attachments[0].Message == nil {
		if e := signedEntity(m.Attachments[0].Data); e != nil {
			m.Signed, m.Attachments = e, nil
		}
	}
	return m, nil
}

// signedEntity returns a multipart/signed MIME entity with its header: as
// stored, or with a Content-Type written from its first boundary line
// when the header was left out; nil for anything else.
func signedEntity(data []byte) []byte {
	head := data
	for _, sep := range []string{"\r\n\r\n", "\n\n"} {
		if i := bytes.Index(data, []byte(sep)); i >= 0 {
			head = data[:i]
			break
		}
	}
	lower := strings.ToLower(string(head[:min(len(head), 4096)]))
	if strings.Contains(lower, "content-type:") && strings.Contains(lower, "multipart/signed") {
		return data
	}
	// The first boundary line, after a preamble if any.
	for _, line := range strings.Split(string(data[:min(len(data), 4096)]), "\n") {
		line = strings.TrimSpace(line)
		if b, ok := strings.CutPrefix(line, "--"); ok && b != "" && len(b) <= 70 && !strings.ContainsAny(b, "\"\\") {
			return append([]byte("Content-Type: multipart/signed; boundary=\""+b+"\"\r\n\r\n"), data...)
		}
	}
	return nil
}

// readRTF reads the body of a message that has no PR_HTML from its
// compressed RTF: the HTML it encapsulates, else its text when there is
// no plain body. The RTF decompressed in one file counts against
// Limits.MaxBytes; an RTF that does not read leaves the message as it is.
func (r *reader) readRTF(o *object, m *Message) {
	c, ok := o.stream(propRTFCompressed, typeBinary)
	if !ok {
		return
	}
	raw, err := decompressRTF(c, int(min(r.lim.MaxBytes-r.rtfBytes, 1<<30)))
	if err != nil {
		return
	}
	r.rtfBytes += int64(len(raw))
	body, html, cp := rtfBody(raw)
	if cp == 0 {
		cp = o.internetCodepage
	}
	switch {
	case html && len(bytes.TrimSpace(body)) > 0:
		m.HTML, m.HTMLCharset, m.HTMLFromRTF = body, charset(cp), true
	case !html && m.Text == "":
		m.Text = strings.TrimSpace(decode8(body, cp))
	}
}

// attachment reads the attachment storage at prefix; nil for an embedded
// message deeper than Limits.MaxDepth.
func (r *reader) attachment(prefix string, depth int) (*Attachment, error) {
	o := r.object(prefix, objectHeader)
	at := &Attachment{Filename: o.str(propAttachLongFilename), MimeType: o.str(propAttachMimeTag),
		ContentID: o.str(propAttachContentID)}
	if at.Filename == "" {
		at.Filename = o.str(propAttachFilename)
	}
	if at.Filename == "" {
		at.Filename = o.str(propDisplayName)
	}
	inner := fmt.Sprintf("%s__substg1.0_%04X%04X", prefix, propAttachData, typeObject)
	if r.streams.storages[inner] && r.streams.data[inner+"/"+propertiesStream] != nil {
		if depth >= r.lim.MaxDepth {
			return nil, nil
		}
		var err error
		if at.Message, err = r.message(inner+"/", embeddedHeader, depth+1); err != nil {
			return nil, err
		}
		return at, nil
	}
	at.Data, _ = o.stream(propAttachData, typeBinary)
	return at, nil
}

// smtpAddr picks the SMTP address: the explicit one, else the address
// property when it is one (not an Exchange "/O=…" distinguished name).
func smtpAddr(smtp, addr string) string {
	if smtp != "" {
		return smtp
	}
	if strings.Contains(addr, "@") && !strings.HasPrefix(addr, "/") {
		return addr
	}
	return ""
}

// names splits PR_DISPLAY_TO ("Jean Dupont; Marie Martin"): names only.
func names(s string) []Address {
	var out []Address
	for _, n := range strings.Split(s, ";") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, Address{Name: n})
		}
	}
	return out
}
