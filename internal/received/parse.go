package received

import (
	"net/netip"
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/urlx"
)

// Limits of ParseReceived: real Received fields are well under 1 KB; longer
// values are cut, and at most maxTokens tokens are looked at.
const (
	maxReceivedLen = 4096
	maxTokens      = 200
)

type tokKind uint8

const (
	tokWord    tokKind = iota
	tokComment         // text of a ( ... ) comment, outer parentheses removed
	tokLiteral         // text of a [ ... ] address literal, brackets removed
	tokAngle           // text of a < ... > path, brackets removed
)

type token struct {
	kind tokKind
	text string
}

// ParseReceived parses one unfolded Received field value. It is tolerant of
// the many shapes MTAs write (Postfix, Sendmail, Exim, qmail, Exchange and
// Microsoft 365, Gmail...): the RFC 5321 §4.4 grammar is a hope, not a fact.
// It never fails; Parsed is false when neither a "from" nor a "by" clause
// could be found.
func ParseReceived(v string) Hop {
	h := Hop{Raw: v}
	if len(v) > maxReceivedLen {
		v = v[:maxReceivedLen]
	}
	clauses, date := splitDate(v)
	if date != "" {
		h.Time, _ = message.ParseDate(date)
	}
	var buf [32]token
	toks := tokenize(clauses, buf[:0])

	var fromInfo []token // comments and literals following the "from" name
	fromName := ""       // the word or literal right after "from"
	fromIsLit := false
	clause := ""
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == tokWord && i+1 < len(toks) {
			if kw := keyword(t.text); kw != "" {
				clause = kw
				n := toks[i+1]
				i++
				switch kw {
				case "from":
					if n.kind == tokWord || n.kind == tokLiteral {
						fromName, fromIsLit = n.text, n.kind == tokLiteral
					} else {
						fromInfo = append(fromInfo, n)
					}
				case "by":
					if n.kind == tokWord && h.By == "" {
						h.By = trimHost(n.text)
					}
				case "with":
					if n.kind == tokWord && h.With == "" {
						h.With = n.text
					}
				case "id":
					if (n.kind == tokWord || n.kind == tokAngle) && h.ID == "" {
						h.ID = n.text
					}
				case "for":
					if (n.kind == tokWord || n.kind == tokAngle) && h.For == "" {
						h.For = strings.Trim(n.text, "<>")
					}
				}
				continue
			}
		}
		if clause == "from" && (t.kind == tokComment || t.kind == tokLiteral) {
			fromInfo = append(fromInfo, t)
		}
	}
	h.Parsed = fromName != "" || len(fromInfo) > 0 || h.By != ""
	fillClient(&h, fromName, fromIsLit, fromInfo)
	return h
}

// splitDate cuts v at the last ";" outside comments (RFC 5321 §4.4: the
// date-time follows the semicolon).
func splitDate(v string) (clauses, date string) {
	depth, last := 0, -1
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ';':
			if depth == 0 {
				last = i
			}
		}
	}
	if last < 0 {
		return v, ""
	}
	return v[:last], v[last+1:]
}

// wordEnd marks the bytes that end a word of a Received value.
var wordEnd = [256]bool{' ': true, '\t': true, '\r': true, '\n': true, ';': true, ',': true, '(': true, ')': true, '[': true, '<': true}

func keyword(w string) string {
	if len(w) < 2 || len(w) > 4 {
		return ""
	}
	for _, k := range [...]string{"from", "by", "via", "with", "id", "for"} {
		if strings.EqualFold(w, k) {
			return k
		}
	}
	return ""
}

// tokenize splits a Received value into words, comments (nested ones kept
// inside their outer comment), address literals and angle paths.
func tokenize(s string, toks []token) []token {
	toks = toks[:0]
	for i := 0; i < len(s) && len(toks) < maxTokens; {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == ',':
			i++
		case c == '(':
			depth, j := 0, i
			for ; j < len(s); j++ {
				if s[j] == '\\' {
					j++
					continue
				}
				if s[j] == '(' {
					depth++
				} else if s[j] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			end := min(j, len(s))
			toks = append(toks, token{tokComment, strings.TrimSpace(s[i+1 : end])})
			i = end + 1
		case c == '[' || c == '<':
			closer := byte(']')
			kind := tokLiteral
			if c == '<' {
				closer, kind = '>', tokAngle
			}
			j := strings.IndexByte(s[i+1:], closer)
			if j < 0 {
				toks = append(toks, token{kind, s[i+1:]})
				return toks
			}
			toks = append(toks, token{kind, s[i+1 : i+1+j]})
			i += j + 2
		default:
			j := i
			for j < len(s) && !wordEnd[s[j]] {
				j++
			}
			toks = append(toks, token{tokWord, s[i:j]})
			i = j
		}
	}
	return toks
}

// fillClient reads the "from" clause. The shapes seen in real traces:
//
//	Postfix, Sendmail, Gmail  from HELO (RDNS [IP])      RDNS "unknown" when not confirmed
//	Sendmail, Gmail           from HELO ([IP])
//	Exchange, Microsoft 365   from HELO (IP)
//	Exim                      from [IP] (port=N helo=HELO)   from RDNS ([IP]:port helo=HELO)
//	qmail, IronPort           from RDNS (HELO name) (IP)      RDNS "unknown" when not known
//	SendGrid                  from [IP] (unknown)
func fillClient(h *Hop, name string, nameIsLit bool, info []token) {
	var buf [16]token
	var (
		commentIP, litIP netip.Addr
		rdns, helo       string
		rdnsSeen         bool // a "name [ip]" comment named the reverse DNS
		exim             bool // "([ip]:port helo=x)": the "from" name is the rDNS
	)
	for _, t := range info {
		if t.kind == tokLiteral {
			if a, ok := parseIP(t.text); ok && !litIP.IsValid() {
				litIP = a
			}
			continue
		}
		// A comment: split it into words and literals.
		sub := tokenize(t.text, buf[:0])
		for k := 0; k < len(sub); k++ {
			s := sub[k]
			switch {
			case s.kind == tokLiteral:
				if a, ok := parseIP(s.text); ok && !commentIP.IsValid() {
					commentIP = a
				}
				if k+1 < len(sub) && strings.HasPrefix(sub[k+1].text, ":") {
					exim = true // [ip]:port
				}
			case s.kind != tokWord:
			case strings.EqualFold(s.text, "HELO") || strings.EqualFold(s.text, "EHLO"):
				if k+1 < len(sub) && helo == "" {
					helo = sub[k+1].text
					k++
				}
			case len(s.text) > 5 && strings.EqualFold(s.text[:5], "helo="):
				exim = true
				if helo == "" {
					helo = s.text[5:]
				}
			default:
				if a, ok := parseIP(s.text); ok {
					if !commentIP.IsValid() {
						commentIP = a
					}
					continue
				}
				// "name [ip]": the receiver's record of the reverse DNS.
				if k+1 < len(sub) && sub[k+1].kind == tokLiteral && !rdnsSeen && k == 0 {
					rdnsSeen = true
					rdns = unknownToEmpty(s.text)
				} else if k == 0 && len(sub) == 1 && !rdnsSeen && isUnknown(s.text) {
					rdnsSeen = true // SendGrid "(unknown)"
				}
			}
		}
	}

	// The address: one recorded in a comment is what the receiver saw;
	// a literal in the "from" position is what the client said in its HELO
	// (Sendmail), unless nothing else was recorded (Exim).
	switch {
	case commentIP.IsValid():
		h.IP = commentIP
	case litIP.IsValid():
		h.IP = litIP
	}
	if nameIsLit {
		if a, ok := parseIP(name); ok && !h.IP.IsValid() {
			h.IP = a
		}
		if helo == "" {
			helo = "[" + name + "]"
		}
	} else if name != "" {
		if a, ok := parseIP(name); ok {
			// qmail "from 137.22.240.204 (EHLO x)": the peer address.
			if !h.IP.IsValid() {
				h.IP = a
			}
		} else if helo != "" || exim {
			// Exim and qmail put the host name first and the HELO in a
			// comment; Exim leaves the HELO out when it equals the name.
			if !rdnsSeen {
				rdns = unknownToEmpty(name)
			}
			if helo == "" {
				helo = name
			}
		} else {
			helo = name
		}
	}
	h.HELO = trimHost(helo)
	h.RDNS = trimHost(rdns)
	h.RDNSKnown = rdnsSeen || exim && name != ""
	if isUnknown(h.HELO) {
		h.HELO = ""
	}
}

// parseIP reads an address as MTAs print it: "1.2.3.4", "IPv6:2001:db8::1",
// "1.2.3.4:25", "fe80::1%3" (zone dropped), "::ffff:1.2.3.4" (unmapped).
func parseIP(s string) (netip.Addr, bool) {
	if len(s) < 2 || len(s) > 64 {
		return netip.Addr{}, false
	}
	if len(s) > 5 && strings.EqualFold(s[:5], "IPv6:") {
		s = s[5:]
	}
	if !urlx.MayBeAddr(s) {
		return netip.Addr{}, false // a host name, most tokens of a trace
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, err2 := netip.ParseAddrPort(s)
		if err2 != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.WithZone("").Unmap(), true
}

func isUnknown(s string) bool {
	return s == "" || strings.EqualFold(s, "unknown") || strings.EqualFold(s, "<unknown>")
}

func unknownToEmpty(s string) string {
	if isUnknown(s) {
		return ""
	}
	return s
}

// trimHost drops the trailing dot of an absolute name ("mail-sor-f41.google.com.").
func trimHost(s string) string {
	return strings.TrimSuffix(s, ".")
}
