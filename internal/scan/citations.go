package scan

import (
	"net/url"
	"strings"
	"unicode"

	"vigie.dev/vigie/internal/message"
)

// CitedSources counts the registrable domains a message's links cite, as
// a digest of sources does (a press review, a software newsletter's list
// of vendors), skipping the hosts skip reports (nil: none). A link cites
// its source (Citation) when it leads to a page of the site, not its
// home, under words of its own — a headline, a product's name — or
// written out in the text; each anchor text counts once. This is what a
// digest has and padding lacks: a footer of social-network icons or of
// small sites' home pages (image-only anchors, the bare name or domain of
// the site, the same words under every link, headlines in a hidden span:
// a citation's words are in the text the reader sees, Message.HTMLText,
// or Message.Text when there is no HTML) reaches ten domains without citing anything, and a spare that counts a message's domains served a
// lure padded with them (engine TestPaddingBuysNoSpare).
func CitedSources(in *Input, skip func(host string) bool) int {
	domains := map[string]bool{}
	anchors := map[string]bool{}
	for i, l := range in.Links {
		if i >= 300 {
			break
		}
		if l.Domain == "" || domains[l.Domain] || skip != nil && skip(l.Host) || !Citation(l) {
			continue
		}
		key := strings.ToLower(l.Raw)
		if l.Source == message.URLFromHref {
			key = anchorKey(l.Text)
		}
		if anchors[key] || !strings.Contains(in.visibleKey(), key) {
			continue // the same words as another source's link, or words the reader does not see
		}
		anchors[key], domains[l.Domain] = true, true
	}
	return len(domains)
}

// Citation reports a link that cites a page of its source: an address
// written out in the text, or an anchor whose text is words of its own,
// leading below the site's home page. An anchor that is an image, the
// site's bare name ("facebook", "Neowin") or its domain
// ("atelier-bois-exemple.fr") names the site without citing anything.
func Citation(l Link) bool {
	if !deepPath(l.Target) {
		return false
	}
	switch l.Source {
	case message.URLFromText:
		return true
	case message.URLFromHref:
		return wordsOfItsOwn(l.Text, l.Domain)
	}
	return false
}

// deepPath reports an address that leads below a site's home page: a
// path other than "/" or a query.
func deepPath(raw string) bool {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return false
	}
	return strings.Trim(u.Path, "/") != "" || u.RawQuery != ""
}

// wordsOfItsOwn reports an anchor text holding a word of letters that is
// not merely the site's name or domain (domain is the link's registrable
// domain): "Les urgences face à la pénurie", "Google SearchTool", a
// written-out address with its path; not "", "facebook", "Facebook.com"
// or "www.atelier-bois-exemple.fr".
func wordsOfItsOwn(text, domain string) bool {
	t := strings.ToLower(strings.TrimSpace(text))
	if !strings.ContainsFunc(t, unicode.IsLetter) {
		return false
	}
	t = strings.TrimPrefix(strings.TrimPrefix(t, "https://"), "http://")
	t = strings.TrimSuffix(strings.TrimPrefix(t, "www."), "/")
	label := domain
	if i := strings.IndexByte(domain, '.'); i > 0 {
		label = domain[:i]
	}
	s := squeeze(t)
	return t != domain && s != squeeze(label) && s != squeeze(domain)
}

// squeeze keeps s's letters and digits.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// anchorKey is an anchor text as compared between links: lower-cased,
// spaces folded.
func anchorKey(text string) string {
	return strings.Join(strings.Fields(strings.ToLower(text)), " ")
}
