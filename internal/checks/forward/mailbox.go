package forward

import (
	"strings"
)

// mailbox is an address of a block as a mail client wrote it, read back
// into a display name and an address.
type mailbox struct {
	name, addr string
}

// onBehalf are the words Outlook writes between the mailbox that sent a
// message and the one it was sent for ("x@y on behalf of Name"), in the
// languages of the labels.
var onBehalf = []string{" on behalf of ", " de la part de ", " au nom de ", " im auftrag von ", " en nombre de ",
	" em nome de ", " per conto di ", " namens "}

// parseSender reads the sender field of a block: the original's author,
// and the mailbox that sent it for the author when Outlook wrote both
// ("x@y on behalf of Name").
func parseSender(v string) (from mailbox, sender string) {
	lower := strings.ToLower(v)
	for _, w := range onBehalf {
		i := strings.Index(lower, w)
		if i <= 0 || i+len(w) >= len(v) {
			continue
		}
		s, f := parseMailbox(v[:i]), parseMailbox(v[i+len(w):])
		if f.addr == "" {
			// Outlook shows only the name of whom it was sent for.
			f.addr = s.addr
		}
		if s.addr != "" && !strings.EqualFold(s.addr, f.addr) {
			sender = s.addr
		}
		return f, sender
	}
	return parseMailbox(v), ""
}

// parseMailbox reads one mailbox as the clients write it in a block:
// "Name <a@b>"; Gmail's bold "*Name* <a@b>"; Outlook's plain text
// "Name [mailto:a@b]", "Name <mailto:a@b>" and "a@b<mailto:a@b>"; a bare
// address; a name alone. A display name that itself holds an address,
// which Outlook writes without its quotes ("Bank <a@bank> <b@other>"),
// is everything before the last angle address.
func parseMailbox(v string) mailbox {
	v = strings.TrimSpace(dropLinkTargets(v))
	var m mailbox
	if n := len(v); n > 0 && (v[n-1] == '>' || v[n-1] == ']') {
		open := byte('<')
		if v[n-1] == ']' {
			open = '['
		}
		if i := strings.LastIndexByte(v, open); i >= 0 {
			a := strings.TrimSpace(v[i+1 : n-1])
			if len(a) > 7 && strings.EqualFold(a[:7], "mailto:") {
				a = a[7:]
			}
			if strings.Contains(a, "@") && !strings.ContainsAny(a, " <>[]") {
				m = mailbox{name: v[:i], addr: a}
			}
		}
	}
	if m.addr == "" {
		// No bracketed address: "a@b", "Name a@b" or a name alone.
		for _, f := range strings.Fields(v) {
			if strings.Contains(f, "@") && !strings.ContainsAny(f, "<>\"") {
				m = mailbox{name: strings.Replace(v, f, "", 1), addr: f}
				break
			}
		}
		if m.addr == "" {
			m.name = v
		}
	}
	m.name = strings.TrimSpace(m.name)
	if len(m.name) >= 2 && m.name[0] == '"' && m.name[len(m.name)-1] == '"' {
		m.name = m.name[1 : len(m.name)-1]
	}
	m.name = strings.Trim(m.name, " \t*")
	if strings.EqualFold(m.name, m.addr) {
		// Outlook writes "a@b <a@b>" for a sender without a name.
		m.name = ""
	}
	return m
}

// dropLinkTargets removes what Exchange's plain text writes after an
// address that was a link in the HTML it converts, "<mailto:" and the
// address again: "a@b<mailto:a@b>", inside the angle brackets of a named
// sender too ("Name <a@b<mailto:a@b>>", which read as a name alone and
// lost the address) or after them ("Name <a@b><mailto:a@b>"). A target
// is dropped only where it repeats the address it follows; another
// address stays, and the field reads as before.
func dropLinkTargets(v string) string {
	const open = "<mailto:"
	lower := strings.ToLower(v)
	for i := 0; i < len(lower); {
		j := strings.Index(lower[i:], open)
		if j < 0 {
			break
		}
		j += i
		k := strings.IndexByte(lower[j:], '>')
		if k < 0 {
			break
		}
		k += j
		target, before := lower[j+len(open):k], strings.TrimSuffix(lower[:j], ">")
		if n := len(before) - len(target); target != "" && strings.HasSuffix(before, target) && (n == 0 || strings.IndexByte(" \t<\"'(,;:[", before[n-1]) >= 0) {
			v, lower = v[:j]+v[k+1:], lower[:j]+lower[k+1:]
			i = j
			continue
		}
		i = k + 1
	}
	return v
}

// String writes the mailbox as a header field's value, its display name
// quoted (RFC 5322 §3.2.4) so that an address in it stays in the name;
// a name alone gets an empty address, which parses as a name.
func (m mailbox) String() string {
	if m.name == "" {
		if m.addr == "" {
			return ""
		}
		return "<" + m.addr + ">"
	}
	q := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(m.name)
	return `"` + q + `" <` + m.addr + ">"
}

// parseList reads the recipients of a block: Outlook separates them with
// semicolons, the others with commas. At most max are read.
func parseList(v string, max int) string {
	var out []string
	add := func(e string) bool {
		if m := parseMailbox(e); m.addr != "" {
			out = append(out, m.String())
		}
		return len(out) < max
	}
	quoted, angle, start := false, false, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '<':
			angle = true
		case c == '>':
			angle = false
		case !angle && (c == ';' || c == ','):
			if !add(v[start:i]) {
				return strings.Join(out, ", ")
			}
			start = i + 1
		}
	}
	add(v[start:])
	return strings.Join(out, ", ")
}
