package sender

import (
	"regexp"
	"strings"

	"vigie.dev/vigie/internal/scan"
)

// contactCue is a request, on the address's own line or the line before,
// to write to the address that follows: "contact … at", "email me at",
// "reply to my private email", "Email:", "écrivez-moi à", "courriel :"
// (RE2's \b is ASCII-only, so "écrivez" is matched without it).
// The advance-fee, recovery, romance and fake-prize letters carry no
// link: they ask the reader to write to a free mailbox typed in the
// text, another than the one that sent them (SpamAssassin's FreeMail
// plugin, rule FREEMAIL_REPLY: "From and body contain different
// freemails"; the FBI's IC3 and Cybermalveillance.gouv.fr warnings on
// recovery and advance-fee fraud quote such addresses).
var contactCue = regexp.MustCompile(`(?i)\b(?:contact(?:ez|er)?|e-?mail(?: me| us)(?: at)?|e-?mail(?: address)?\s*:|write (?:to|me|us)|reply (?:to|me)|send (?:it|them|your [a-z ]{1,30}) to|reach (?:me|us)|private (?:e-?mail|address)|courriel|r[ée]pond(?:ez|re)|adresse (?:e-?)?mail|correo|escr[ií]b)|[ée]cri(?:vez|re)`)

// quotedHeaderLine is a line that belongs to a quoted or forwarded
// message rather than to the writer's words: a quoted line (RFC 3676
// §4.5), an attribution ("On … wrote:", "Le … a écrit :") or a header
// line of a quoted original ("From:", "De :", "To:", "Para:", "Cc:").
func quotedHeaderLine(line string) bool {
	l := strings.TrimSpace(line)
	if strings.HasPrefix(l, ">") || strings.HasPrefix(l, "|") {
		return true
	}
	low := strings.ToLower(l)
	for _, p := range []string{"from:", "de:", "de :", "to:", "à:", "à :", "para:", "cc:", "sent by", "envoyé par", "reply-to:", "répondre à"} {
		if strings.HasPrefix(low, p) {
			return true
		}
	}
	return strings.HasSuffix(low, "wrote:") || strings.HasSuffix(low, "écrit :") || strings.HasSuffix(low, "écrit:") || strings.HasSuffix(low, "escreveu:")
}

var bodyAddress = regexp.MustCompile(`(?i)[a-z0-9][a-z0-9._+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)+`)

// bodyFreemailContact reports the free mailbox the text asks the reader
// to write to when it is not the sender's own: BODY_FREEMAIL_CONTACT.
// Spared: the sender's own address and, from an authenticated sender,
// the same person's address on a free provider (dave.jiang@intel.com
// signing with dave.jiang@gmail.com: samePerson); quoted lines and the
// header block of a quoted or forwarded original (the person quoted is
// not who asks); the Reply-To address, already judged by replyTo (one
// fact, one signal). A colleague's signature with a personal address, a
// treasurer's or a classified ad's Gmail carry no other sign and stay
// below tagging: the signal only corroborates. A text naming three or
// more free mailboxes (a newsletter's masthead crediting its editors, a
// directory) points to a team, not to the one address the letter wants
// answered; a list that rewrote From (ListRewroteFrom) hides the
// author's own address, so "not the sender's" cannot be told.
func (c *Check) bodyFreemailContact(in *scan.Input, out *scan.Emitter) {
	body := in.Body()
	if !c.freemailAfterAt(in, body) {
		return
	}
	if in.ListRewroteFrom() {
		return
	}
	from := strings.ToLower(in.Msg.FromAddr().Addr)
	replyTo := map[string]bool{}
	for _, rt := range in.Msg.ReplyTo {
		replyTo[strings.ToLower(rt.Addr)] = true
	}
	prev, found, others := "", "", map[string]bool{}
	for line := range strings.Lines(body) {
		if !strings.Contains(line, "@") || quotedHeaderLine(line) {
			if strings.TrimSpace(line) != "" {
				prev = line
			}
			continue
		}
		for _, ix := range bodyAddress.FindAllStringIndex(line, 4) {
			a := strings.ToLower(strings.TrimRight(line[ix[0]:ix[1]], ".-"))
			d := a[strings.LastIndexByte(a, '@')+1:]
			if a == from || replyTo[a] || !c.freemailIn(in, d) {
				continue
			}
			if in.SenderAuthenticated() && samePerson(a, in) {
				continue
			}
			others[a] = true
			if found == "" && (contactCue.MatchString(line[:ix[0]]) || contactCue.MatchString(prev)) {
				found = a
			}
		}
		prev = line
	}
	if found != "" && len(others) < 3 {
		out.Emit("BODY_FREEMAIL_CONTACT", found)
	}
}

// freemailAfterAt reports that some "@" of the text is followed by a free
// provider's domain: the cheap first look that spares most mail, whose
// addresses (a list's, a colleague's signature) are on other domains, the
// line-by-line reading and its regular expressions. Its domain is cut as
// bodyAddress's is at the latest (letters, digits, dots and hyphens, up to
// a doubled dot), so it never misses an address the reading would find.
func (c *Check) freemailAfterAt(in *scan.Input, body string) bool {
	for i := 0; i < len(body); {
		j := strings.IndexByte(body[i:], '@')
		if j < 0 {
			return false
		}
		k := i + j + 1
		e := k
		for e < len(body) && domainByte(body[e]) && !(body[e] == '.' && e+1 < len(body) && body[e+1] == '.') {
			e++
		}
		if d := strings.ToLower(strings.TrimRight(body[k:e], ".-")); d != "" && c.freemailIn(in, d) {
			return true
		}
		i = k
	}
	return false
}

// domainByte reports a byte a domain name is written with.
func domainByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '.' || b == '-'
}

// samePerson reports an address whose local part is the sender's own
// local part or carries a word of the sender's name: the person's
// private mailbox in a signature.
func samePerson(addr string, in *scan.Input) bool {
	from := in.Msg.FromAddr()
	local := addr[:strings.LastIndexByte(addr, '@')]
	if strings.EqualFold(local, from.Local()) {
		return true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(from.Name+" "+from.Local()), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 0x80)
	}) {
		if len(w) >= 4 && strings.Contains(local, w) {
			return true
		}
	}
	return false
}
