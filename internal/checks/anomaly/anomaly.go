// Package anomaly scores the header and structure anomalies that CERT
// Santé's mx_sec_conf (rules/anomalies.md) asks a gateway to watch: a
// message dated in the future or long before it arrived, without Date or
// Message-ID, with raw 8-bit bytes in its From field, with headers
// base64-encoded for no reason, or with 8-bit text declared as 7-bit. Such
// anomalies are how a sender makes the filter and the reader see different
// things; none is proof alone, each adds to the rest.
//
// fiche.yaml maps every rspamd symbol of the fiche to the Vigie signal that
// covers it (here or in another family, such as the parser's MALFORMED_*
// for duplicate unique fields) or says why none does.
//
// The dates are compared with the message's arrival (scan.Envelope.Arrival:
// the gateway's clock when it receives the message, or for a stored message
// the time the trusted relay wrote in its Received field), never with the
// clock of whoever scans it later; with no arrival known, dates are not
// judged.
package anomaly

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

//go:embed signals.yaml
var signals []byte

//go:embed fiche.yaml
var ficheData []byte

var definitions = scan.MustDefinitions("anomaly", signals)

// Fiche is fiche.yaml: the date thresholds and the fiche's symbols.
type Fiche struct {
	Dates struct {
		Future time.Duration `yaml:"future"`
		Past   time.Duration `yaml:"past"`
	} `yaml:"dates"`
	Symbols []Symbol `yaml:"symbols"`
}

// Symbol is one rspamd symbol of the fiche and what Vigie raises for it.
type Symbol struct {
	Symbol  string   `yaml:"symbol"`
	Signals []string `yaml:"signals"`
	Source  string   `yaml:"source,omitempty"`
	Why     string   `yaml:"why,omitempty"` // why nothing covers it
}

// ReadFiche parses fiche.yaml's format.
func ReadFiche(data []byte) (Fiche, error) {
	var f Fiche
	if err := yaml.Unmarshal(data, &f); err != nil {
		return f, fmt.Errorf("anomaly: fiche: %w", err)
	}
	if f.Dates.Future <= 0 || f.Dates.Past <= 0 {
		return f, fmt.Errorf("anomaly: fiche: dates.future and dates.past must be positive durations")
	}
	for _, s := range f.Symbols {
		if s.Symbol == "" || (len(s.Signals) == 0) == (s.Why == "") || (len(s.Signals) > 0) == (s.Source == "") {
			return f, fmt.Errorf("anomaly: fiche: %q needs signals with a source, or a reason why none", s.Symbol)
		}
	}
	return f, nil
}

// EmbeddedFiche is the fiche.yaml built into the binary.
func EmbeddedFiche() Fiche {
	f, err := ReadFiche(ficheData)
	if err != nil {
		panic(err)
	}
	return f
}

// Check is the anomaly family: one check.
type Check struct {
	future, past time.Duration
}

// New builds the family from the embedded fiche.
func New() *Check {
	f := EmbeddedFiche()
	return &Check{future: f.Dates.Future, past: f.Dates.Past}
}

// Name implements scan.Check.
func (*Check) Name() string { return "anomaly" }

// Signals implements scan.Family.
func (*Check) Signals() []scan.Definition { return definitions }

// Checks implements scan.Family.
func (c *Check) Checks() []scan.Check { return []scan.Check{c} }

// Check implements scan.Check.
func (c *Check) Check(_ context.Context, in *scan.Input, out *scan.Emitter) {
	m := in.Msg
	h := m.Header
	if !h.Has("Date") {
		out.Emit("MISSING_DATE", "")
	} else if !m.Date.IsZero() && !in.Env.Arrival.IsZero() {
		d := m.Date.Sub(in.Env.Arrival)
		switch {
		case d > c.future:
			out.Emit("DATE_IN_FUTURE", Offset(d))
		case d < -c.past:
			out.Emit("DATE_IN_PAST", Offset(d))
		}
	}
	if m.MessageID == "" || in.Env.MessageIDAdded {
		// Added on the way in by a relay of ours: missing at the door.
		out.Emit("MISSING_MESSAGE_ID", "")
	}
	fromEightBit(m, out)
	if f := excessBase64(h); f != "" {
		out.Emit("HEADER_EXCESS_BASE64", f)
	}
	if p, ok := bad7bit(m.Parts); ok {
		out.Emit("BAD_CTE_7BIT", p.ContentType+"; charset="+p.Charset)
	}
	// An ERP, a supervision server or a laboratory system of a small
	// organisation writes priority without a mail client's name, from
	// its own domain, which answers for it.
	if !in.SenderAnswers() && !in.Env.Authenticated {
		if f := priorityWithoutClient(h); f != "" {
			out.Emit("PRIORITY_NO_CLIENT", f)
		}
	}
}

// clientFields are the fields a mail client writes about itself: its name
// (X-Mailer, User-Agent), Microsoft's MIME library (X-MimeOLE) and the
// conversation index Outlook and Exchange add to every message they
// compose (Thread-Index, [MS-OXOMSG] §2.2.1.3).
var clientFields = [...]string{"X-Mailer", "User-Agent", "X-MimeOLE", "Thread-Index"}

// priorityWithoutClient returns the fields by which a message asks to be
// read first — high priority (X-Priority 1 or 2, Importance: high,
// X-MSMail-Priority: high, RFC 2156 §5.3.4 and Microsoft's fields) or a
// follow-up flag for the recipient (X-Message-Flag) — when no mail client
// that sets them left its name. People raise a message's priority in their
// mail client, which names itself; the same fields written by a script are
// bulk mail dressing itself up as urgent (rspamd's MISSING_MIMEOLE and
// SpamAssassin's rule of that name: Microsoft's priority field without the
// Microsoft software that writes it).
func priorityWithoutClient(h message.Header) string {
	var asked []string
	if v := strings.TrimSpace(h.Get("X-Priority")); v != "" && (v[0] == '1' || v[0] == '2') && (len(v) == 1 || v[1] < '0' || v[1] > '9') {
		asked = append(asked, "X-Priority "+v[:1])
	}
	for _, name := range [...]string{"Importance", "X-MSMail-Priority"} {
		if strings.EqualFold(strings.TrimSpace(h.Get(name)), "high") {
			asked = append(asked, name+" high")
		}
	}
	if h.Has("X-Message-Flag") {
		asked = append(asked, "X-Message-Flag")
	}
	if len(asked) == 0 {
		return ""
	}
	for _, name := range clientFields {
		if h.Has(name) {
			return ""
		}
	}
	return strings.Join(asked, ", ")
}

// Offset writes a date's distance from the arrival for the signal's
// detail: hours under two days, days beyond ("+3h", "-100d").
func Offset(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	if d < 47*time.Hour+30*time.Minute {
		return fmt.Sprintf("%s%dh", sign, int(d.Round(time.Hour)/time.Hour))
	}
	return fmt.Sprintf("%s%dd", sign, int(d.Round(24*time.Hour)/(24*time.Hour)))
}

// fromEightBit looks at the first From field as written: raw bytes above
// 127 in its address are INVALID_FROM_8BIT (rspamd's test on the address
// itself: an internationalised address, RFC 6531, hides letters of other
// alphabets), elsewhere — the display name — FROM_NAME_8BIT (RFC 2047
// encodes non-ASCII names; raw UTF-8 is for SMTPUTF8 transfers only,
// RFC 6532 §3).
func fromEightBit(m *message.Message, out *scan.Emitter) {
	raws := m.Header.RawValues("From")
	if len(raws) == 0 || isASCII(raws[0]) {
		return
	}
	for _, a := range m.From {
		if !isASCII(a.Addr) {
			out.Emit("INVALID_FROM_8BIT", a.Addr)
			return
		}
	}
	out.Emit("FROM_NAME_8BIT", m.FromAddr().Name)
}

// excessFields are the fields rspamd checks for needless base64
// (FROM_, TO_, REPLYTO_ and SUBJ_EXCESS_BASE64).
var excessFields = [...]string{"Subject", "From", "Reply-To", "To"}

// excessBase64 returns the fields whose first value holds a B-encoded
// word (RFC 2047 §4.1) although the decoded text is printable ASCII,
// which needs no encoding: a way to keep words from filters that read
// the raw header.
func excessBase64(h message.Header) string {
	var names []string
	for _, name := range excessFields {
		for _, f := range h.Fields {
			if !strings.EqualFold(f.Name, name) {
				continue
			}
			if hasBWord(f.Raw) && printableASCII(f.Value) {
				names = append(names, name)
			}
			break
		}
	}
	return strings.Join(names, ", ")
}

// hasBWord reports a non-empty encoded-word in the B encoding:
// "=?charset?B?text?=".
func hasBWord(raw string) bool {
	for i := 0; ; {
		j := strings.Index(raw[i:], "=?")
		if j < 0 {
			return false
		}
		i += j + 2
		q := strings.IndexByte(raw[i:], '?')
		if q < 0 || q > 40 || i+q+3 >= len(raw) {
			return false
		}
		if e := raw[i+q+1]; (e == 'B' || e == 'b') && raw[i+q+2] == '?' && raw[i+q+3] != '?' {
			return true
		}
	}
}

// bad7bit returns the first displayed text part that names an 8-bit
// charset and carries 8-bit bytes while its transfer encoding says 7bit
// (declared or by default, RFC 2045 §6.1): readers disagree on such text.
// Not counted: unlabelled or US-ASCII-labelled 8-bit text, the habit of
// old mailers, and a part inside a multipart the sender declared 8bit or
// binary — it said the content was 8-bit, one level too high.
func bad7bit(parts []message.Part) (message.Part, bool) {
	for _, p := range parts {
		if !p.Raw8Bit || (p.Encoding != "" && p.Encoding != "7bit" && p.Encoding != "7-bit") {
			continue
		}
		switch p.Charset {
		case "", "us-ascii", "ascii":
			continue
		}
		if !declared8BitAbove(parts, p.Path) {
			return p, true
		}
	}
	return message.Part{}, false
}

// declared8BitAbove reports whether an entity enclosing the part at path
// ("1.2" is inside "1", inside the root "") declares 8bit or binary.
func declared8BitAbove(parts []message.Part, path string) bool {
	for path != "" {
		path = path[:max(strings.LastIndexByte(path, '.'), 0)]
		for _, q := range parts {
			if q.Path == path && (q.Encoding == "8bit" || q.Encoding == "binary") {
				return true
			}
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x7f || (c < 0x20 && c != '\t') {
			return false
		}
	}
	return true
}
