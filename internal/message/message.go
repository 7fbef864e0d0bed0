// Package message turns raw RFC 5322/MIME bytes into a Message: decoded
// headers, text and HTML bodies in UTF-8, attachments with hashes and sniffed
// types, and every URL the message carries. Parsing never fails: a broken
// message yields a partial Message plus Defects that the scanner turns into
// MALFORMED_* and OVERSIZE signals. ParseDate is the one reader of mail
// dates (Date and Received fields).
//
// Parse keeps one piece of state across messages: a cache of the QR
// readings of the pictures it has read, keyed by the pictures' SHA-256,
// bounded to 4,096 pictures and 1 MiB of text, under 1.5 MiB in all
// (qrcache.go); ResetQRCache empties it.
package message

import (
	"sort"
	"strings"
	"time"
)

// Limits bound the work done on one message. The zero value is not useful;
// start from DefaultLimits.
type Limits struct {
	MaxSize        int64 // bytes of raw message read; the rest is ignored (OVERSIZE)
	MaxHeaderBytes int   // bytes of one header block
	MaxDepth       int   // MIME nesting depth
	MaxParts       int   // MIME parts in all
	MaxPartBytes   int64 // decoded bytes kept per part
	MaxTextBytes   int   // decoded bytes of Text and of HTML kept in all
	MaxURLs        int   // URLs kept
	// MaxInflatedBytes bounds the bytes inflated from the compressed
	// streams of all a message's attachments together (a PDF's
	// FlateDecode streams), on top of each file's own bounds
	// (pdfMaxTotalOutput): a message of hundreds of small PDFs of deflate
	// bombs took seconds when only each file was bounded. Once spent,
	// each further file inflates only its first 64 KiB
	// (pdfMinInflatedBytes: bombs sent first must not hide the links of
	// the file after them), and an OVERSIZE defect names the first
	// attachment not read whole; the message is still scanned, on what
	// was read.
	MaxInflatedBytes int
}

// DefaultLimits are sized for a gateway: generous for real mail, cheap for
// hostile input.
func DefaultLimits() Limits {
	return Limits{
		MaxSize:        50 << 20,
		MaxHeaderBytes: 1 << 20,
		MaxDepth:       20,
		MaxParts:       500,
		MaxPartBytes:   25 << 20,
		MaxTextBytes:   2 << 20,
		MaxURLs:        1000,
		// Four PDFs inflated to their file's bound (8 MiB), twice what
		// a message keeps for the invoice reader (pdfMaxKeptOutput):
		// real mail's PDFs inflate to a few megabytes, and 32 MiB of
		// zeros inflate in tens of milliseconds.
		MaxInflatedBytes: 32 << 20,
	}
}

// Field is one header field, in message order.
type Field struct {
	Name  string // as written (case kept)
	Value string // unfolded and RFC 2047-decoded to UTF-8
	Raw   string // unfolded but undecoded value, for parsers of structured fields
}

// Header is the ordered list of a header block's fields (top first).
type Header struct {
	Fields []Field
}

// Get returns the decoded value of the first field named name, or "".
func (h Header) Get(name string) string {
	for _, f := range h.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Values returns the decoded values of every field named name, top first.
func (h Header) Values(name string) []string {
	var out []string
	for _, f := range h.Fields {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// RawValues returns the undecoded values of every field named name, top first.
func (h Header) RawValues(name string) []string {
	var out []string
	for _, f := range h.Fields {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Raw)
		}
	}
	return out
}

// Has reports whether a field named name is present.
func (h Header) Has(name string) bool {
	for _, f := range h.Fields {
		if strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}

// Address is a mailbox from an address header.
type Address struct {
	Name string // display name, decoded
	Addr string // local@domain as written
}

// Domain returns the lower-cased domain part of the address, or "".
func (a Address) Domain() string {
	i := strings.LastIndexByte(a.Addr, '@')
	if i < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(a.Addr[i+1:], "."))
}

// Local returns the local part of the address.
func (a Address) Local() string {
	i := strings.LastIndexByte(a.Addr, '@')
	if i < 0 {
		return a.Addr
	}
	return a.Addr[:i]
}

// Part describes one node of the MIME tree.
type Part struct {
	Path        string // "1", "1.2", ... ("" for a single-part message body)
	Depth       int
	ContentType string // lower-cased media type, "text/plain" by default
	Charset     string
	Encoding    string // Content-Transfer-Encoding, lower-cased
	Disposition string // "inline", "attachment" or ""
	Filename    string
	Size        int64 // decoded size
	// Raw8Bit is set for a displayed text body sent without a transfer
	// encoding (7bit, 8bit, binary or none) whose bytes go above 127:
	// whether that is allowed depends on Encoding (RFC 2045 §2.7, §6.2).
	Raw8Bit bool
}

// Attachment is a leaf part that is not a displayed body: anything with a
// file name, an attachment disposition, or a non-text type.
type Attachment struct {
	Filename     string
	DeclaredType string // from Content-Type
	SniffedType  string // from the first bytes: "application/zip", "application/x-msdownload", ...
	Size         int64
	SHA256       string // hex of the decoded bytes
	Data         []byte // decoded bytes, at most Limits.MaxPartBytes
	Truncated    bool   // Data is shorter than the part
	Path         string // MIME path of the part
	// PDFStreams are the FlateDecode streams of a PDF that the parser
	// inflated whole in search of links, in the order of the file, so
	// that a later reader of the same Data (internal/invoice) does not
	// inflate them again. Read-only: the slices are shared.
	PDFStreams []Inflated
	// Parsed is a reader's reading of Data kept for the next reader of
	// the same message (internal/invoice's PDF: the lure family reads a
	// PDF's text before the invoice family reads it for IBANs), nil
	// until one is kept. Set through &Message.Attachments[i] while the
	// message is scanned, read-only after.
	Parsed any
}

// Inflated is one FlateDecode stream of a PDF attachment, inflated whole:
// its zlib data starts at Data[At] and takes Used bytes, checksum
// included, so any reader whose stream starts at At and holds at least
// Used bytes inflates exactly Out.
type Inflated struct {
	At, Used int
	Out      []byte
}

// FindInflated returns the stream of streams (as Attachment.PDFStreams
// orders them) that starts at at and fits in n bytes.
func FindInflated(streams []Inflated, at, n int) ([]byte, bool) {
	i := sort.Search(len(streams), func(i int) bool { return streams[i].At >= at })
	if i < len(streams) && streams[i].At == at && streams[i].Used <= n {
		return streams[i].Out, true
	}
	return nil, false
}

// URLSource says where a URL was found.
type URLSource string

const (
	URLFromText       URLSource = "text"
	URLFromHref       URLSource = "href"
	URLFromSrc        URLSource = "src"
	URLFromForm       URLSource = "form"
	URLFromMeta       URLSource = "meta-refresh"
	URLFromCSS        URLSource = "css"
	URLFromAttachment URLSource = "attachment"
	// URLFromQR is the address a QR code of an attached or inline
	// picture holds (qr.go): In names the picture.
	URLFromQR URLSource = "qr-code"
)

// URL is one link found in the message.
type URL struct {
	Raw    string    // as found, entity- and QP-decoded
	Host   string    // lower-cased host, IDNA ASCII (punycode) form, no port
	Source URLSource // where it was found
	Text   string    // for <a href>, the visible link text (trimmed)
	In     string    // attachment file name when Source is URLFromAttachment
}

// Defect codes, used as signal names by the scanner.
const (
	DefectHeader    = "MALFORMED_HEADER"     // unparsable header lines, missing colon, NUL bytes
	DefectMIME      = "MALFORMED_MIME"       // broken boundaries, bad multipart
	DefectEncoding  = "MALFORMED_ENCODING"   // bad base64/QP, unknown charset
	DefectDepth     = "MALFORMED_MIME_DEPTH" // nesting beyond MaxDepth
	DefectParts     = "MALFORMED_MIME_PARTS" // more parts than MaxParts
	DefectOversize  = "OVERSIZE"             // raw message or a part beyond its limit
	DefectHeaderBig = "OVERSIZE_HEADER"      // header block beyond MaxHeaderBytes
)

// Defect is something wrong with the message's form.
type Defect struct {
	Code   string
	Detail string
}

// Message is a parsed message. Parse always returns one, however broken the input.
type Message struct {
	Header    Header
	From      []Address
	Sender    []Address
	ReplyTo   []Address
	To        []Address
	Cc        []Address
	Subject   string
	MessageID string // without angle brackets
	Date      time.Time

	Text string // every text/plain body part, UTF-8, joined by "\n", invisible characters left out
	// TextZeroWidth counts the zero-width characters left out of Text
	// that stood inside a word (between two letters).
	TextZeroWidth int
	// MixedScriptWords counts the words of Text and HTMLText that mixed
	// Latin letters with Cyrillic or Greek ones drawn alike ("сode"),
	// given back in Latin letters there (unconfuse).
	MixedScriptWords int
	HTML             string // every text/html body part, UTF-8, joined by "\n"
	// HTMLText is the visible text of HTML: tags, scripts, styles and
	// comments removed, entities decoded, whitespace folded, mixed-script
	// words in Latin letters (MixedScriptWords).
	HTMLText string
	// ImageAlts are the alt texts of the HTML's images (brands hide there).
	ImageAlts []string
	// MailtoLinks counts the body HTML's <a> anchors whose href is a
	// mailto: URL. URLs keeps no mailto: (an address is not a web site),
	// yet an image wrapped in one is a link to click all the same.
	MailtoLinks int
	// MailtoDomains are the lower-cased domains of those anchors'
	// addresses, the first maxMailtoDomains of them: where the message
	// asks to be written to (an opt-out "mailto:remove@…").
	MailtoDomains []string

	// CalendarOrganizers are the lower-cased addresses of the ORGANIZER
	// properties of the calendar invitations (text/calendar, .ics) the
	// message carries; their SUMMARY, DESCRIPTION, LOCATION and COMMENT
	// are in Text, their links in URLs.
	CalendarOrganizers []string
	// CalendarAttendees are the lower-cased addresses of their ATTENDEE
	// properties: whom the invitation invites.
	CalendarAttendees []string

	Parts       []Part
	Attachments []Attachment
	// Enclosed are the messages carried whole as message/rfc822 parts,
	// whose text and attachments are also the fields above.
	Enclosed []Enclosed
	URLs     []URL
	Defects  []Defect

	Size int64 // raw size in bytes
}

// FromAddr returns the first From address, or the zero Address.
//
// A display name cut off from its address by a stray comma
// (`"Vinaigre@Slim.de", <x@y.example>`, a trick to show a fake address)
// parses as two entries; they are joined back into one.
func (m *Message) FromAddr() Address {
	if len(m.From) == 0 {
		return Address{}
	}
	a := m.From[0]
	if a.Addr == "" && len(m.From) > 1 && m.From[1].Addr != "" {
		b := m.From[1]
		if b.Name == "" {
			b.Name = a.Name
		}
		if b.Name == "" {
			b.Name = a.Addr
		}
		return b
	}
	if a.Addr != "" && !strings.Contains(a.Addr, "@") && len(m.From) > 1 && m.From[1].Addr != "" {
		// A bare word parsed as a local address: it was meant as a name.
		b := m.From[1]
		if b.Name == "" {
			b.Name = a.Addr
		}
		return b
	}
	return a
}

// HasDefect reports whether a defect with the code was recorded.
func (m *Message) HasDefect(code string) bool {
	for _, d := range m.Defects {
		if d.Code == code {
			return true
		}
	}
	return false
}
