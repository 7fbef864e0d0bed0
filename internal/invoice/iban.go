// Package invoice finds the bank details and company identifiers a message
// carries: IBANs and BICs in its text and HTML bodies, in the text layer of
// its PDF attachments, in structured invoices (Factur-X/ZUGFeRD CII XML
// embedded in a PDF/A-3, UBL 2.1, the formats Chorus Pro exchanges) and in
// attached bank-detail documents (RIB). It validates what it finds (IBAN
// checksum ISO 13616 and per-country length, SIREN/SIRET Luhn key, French
// VAT key) so that only real identifiers reach the supplier register and
// the invoice checks. Every reader is bounded in bytes, objects, depth and
// expansion: an attachment is hostile input.
package invoice

import "strings"

// ibanLengths is the length of an IBAN per country, from the SWIFT IBAN
// registry (ISO 13616). French overseas departments and collectivities
// that kept their own code use the French format.
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
	"BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
	"EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
	"GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
	"IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
	"LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
	"NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
	"RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
	"SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
	// French territories (same format as FR).
	"GF": 27, "GP": 27, "MQ": 27, "RE": 27, "PF": 27, "TF": 27, "YT": 27, "NC": 27, "BL": 27, "MF": 27,
	"PM": 27, "WF": 27,
}

// IBANLength returns the length of an IBAN of the country, 0 when the
// country has no IBAN in the registry.
func IBANLength(country string) int { return ibanLengths[strings.ToUpper(country)] }

// NormalizeIBAN removes the spaces, hyphens and dots an IBAN is written
// with and upper-cases it ("fr76 3000…" → "FR763000…").
func NormalizeIBAN(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-' || c == '.' || c == '\t':
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 32)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// ValidIBAN reports whether s (normalised) is an IBAN: a registry country,
// that country's length, alphanumeric, and the ISO 13616 / ISO 7064
// mod 97-10 check (the number read with the first four characters moved to
// the end, letters as 10…35, leaves 1).
func ValidIBAN(s string) bool {
	if len(s) < 15 || len(s) > 34 || ibanLengths[s[:min(2, len(s))]] != len(s) {
		return false
	}
	if s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9' {
		return false
	}
	rem := 0
	for i := 0; i < len(s); i++ {
		c := s[(i+4)%len(s)]
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A'+10)) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// MaskIBAN shows an IBAN as people compare them, without writing it whole
// into logs and headers: country, check digits and the last four
// characters (FR76 … 1234).
func MaskIBAN(s string) string {
	if len(s) < 8 {
		return s
	}
	return s[:4] + " … " + s[len(s)-4:]
}

// FormatIBAN writes an IBAN in groups of four, as printed.
func FormatIBAN(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return isUpper(c) || isDigit(c) || c >= 'a' && c <= 'z' }

// FindIBANs calls fn with each valid IBAN written in text, in the paper
// format (groups of four separated by a space) or the electronic one (no
// separator). A candidate starts at a word boundary with a registry
// country and two digits; its characters are gathered up to the country's
// length across single separators, and it must end at a word boundary and
// pass the checksum, which leaves one false candidate in 97.
func FindIBANs(text string, fn func(iban string)) {
	for i := 0; i+4 <= len(text); i++ {
		if !isDigit(text[i+3]) {
			i++ // nor can the next position start one: its check digits would begin here
			continue
		}
		if !isDigit(text[i+2]) || !isAlnum(text[i]) || i > 0 && isAlnum(text[i-1]) {
			continue
		}
		cc := [2]byte{text[i] &^ 0x20, text[i+1] &^ 0x20} // upper-cased
		n := ibanLengths[string(cc[:])]
		if n == 0 {
			continue
		}
		var buf [34]byte
		k, j := 0, i
		for j < len(text) && k < n {
			ch := text[j]
			switch {
			case isDigit(ch) || isUpper(ch):
				buf[k] = ch
				k++
				j++
			case ch >= 'a' && ch <= 'z':
				buf[k] = ch - 32
				k++
				j++
			case (ch == ' ' || ch == '-' || ch == '.') && k > 0 && j+1 < len(text) && isAlnum(text[j+1]):
				j++
			case ch == 0xc2 && j+2 < len(text) && text[j+1] == 0xa0 && k > 0: // no-break space
				j += 2
			default:
				k = -1
			}
			if k < 0 {
				break
			}
		}
		if k != n || j < len(text) && isAlnum(text[j]) {
			continue
		}
		if s := string(buf[:k]); ValidIBAN(s) {
			fn(s)
			i = j - 1
		}
	}
}

// ValidBIC reports whether s is a BIC (ISO 9362): four letters of the
// institution, a country that has IBANs, two characters of location and
// an optional three of branch.
func ValidBIC(s string) bool {
	if len(s) != 8 && len(s) != 11 {
		return false
	}
	for i := 0; i < 4; i++ {
		if !isUpper(s[i]) {
			return false
		}
	}
	if ibanLengths[s[4:6]] == 0 && s[4:6] != "US" && s[4:6] != "CA" {
		return false
	}
	for i := 6; i < len(s); i++ {
		if !isUpper(s[i]) && !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// FindBICs calls fn with each BIC that follows a "BIC" or "SWIFT" label
// within a few characters: without its label an eight-letter capitalised
// word ("PAIEMENT") is as likely as a bank code.
func FindBICs(text string, fn func(bic string)) {
	eachLabel(text, []string{"BIC", "Bic", "bic", "SWIFT", "Swift", "swift"}, func(at int) {
		// Skip the label's tail (" code", "/SWIFT", " : ").
		rest := text[at:min(len(text), at+40)]
		for _, tok := range strings.FieldsFunc(rest, func(r rune) bool {
			return r == ' ' || r == ':' || r == '/' || r == '\n' || r == '\t' || r == '(' || r == ')' || r == '.' || r == ',' || r == ';'
		}) {
			t := strings.ToUpper(tok)
			if t == "CODE" || t == "SWIFT" || t == "BIC" {
				continue
			}
			if ValidBIC(tok) {
				fn(tok)
			}
			break
		}
	})
}

// eachLabel calls fn with the offset just past each occurrence of one of
// the labels (as written: "SIRET", "Siret", "siret") that starts a word.
// strings.Index is vectorised: a few passes over a long text cost less
// than one byte-by-byte case-folding pass.
func eachLabel(text string, labels []string, fn func(after int)) {
	for _, label := range labels {
		for i := 0; ; {
			k := strings.Index(text[i:], label)
			if k < 0 {
				break
			}
			at := i + k
			i = at + len(label)
			if at > 0 && isAlnum(text[at-1]) {
				continue
			}
			fn(i)
		}
	}
}

// eachLabelPair is eachLabel(text, append(first, second...), fn) in fewer
// passes: first[k] and second[k] differ by their last byte only ("SIRET"
// and "SIREN"), so one pass for their stem finds first[k]'s occurrences
// and tells whether second[k] occurs at all; its own pass runs only then.
// fn is called at the same offsets in the same order as eachLabel's. A
// stem must not overlap itself ("SIRE" cannot: no proper prefix of it is
// a suffix of it). On a newsletter's long text the six passes were most
// of what the invoice check cost, and a SIREN label is rare.
func eachLabelPair(text string, first, second []string, fn func(after int)) {
	var seen [8]bool // at most eight pairs
	for k, label := range first {
		stem := label[:len(label)-1]
		end, other := label[len(label)-1], second[k][len(label)-1]
		for i := 0; ; {
			j := strings.Index(text[i:], stem)
			if j < 0 {
				break
			}
			at := i + j
			i = at + len(stem)
			if i >= len(text) {
				break
			}
			switch text[i] {
			case other:
				seen[k] = true
			case end:
				i++
				if at > 0 && isAlnum(text[at-1]) {
					continue
				}
				fn(i)
			}
		}
	}
	for k, label := range second {
		if seen[k] {
			eachLabel(text, []string{label}, fn)
		}
	}
}
