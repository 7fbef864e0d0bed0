package scan

import (
	"fmt"
	"testing"

	"vigie.dev/vigie/internal/message"
)

func link(src message.URLSource, raw, text, domain string) Link {
	return Link{URL: &message.URL{Raw: raw, Source: src, Text: text}, Target: raw, Host: "www." + domain, Domain: domain}
}

func TestCitation(t *testing.T) {
	for _, c := range []struct {
		name string
		l    Link
		want bool
	}{
		{"headline to an article", link(message.URLFromHref, "https://www.lemonde.fr/sante/article/2026/05/18/x.html", "Les urgences face à la pénurie", "lemonde.fr"), true},
		{"product name to a page", link(message.URLFromHref, "http://www.frysianfools.com/ggsearch/", "Google SearchTool", "frysianfools.com"), true},
		{"written-out address with its path as anchor", link(message.URLFromHref, "http://www.sulaco.co.za/downloads.htm", "http://www.sulaco.co.za/downloads.htm", "sulaco.co.za"), true},
		{"address written out in the text", link(message.URLFromText, "https://www.bmj.com/content/389/bmj-2026-081234", "", "bmj.com"), true},
		{"page with a query", link(message.URLFromHref, "https://www.paessler.com/?ref=LG", "IPCheck Server Monitor", "paessler.com"), true},
		{"home page under a name", link(message.URLFromHref, "https://www.axialis.com/", "Axialis Software", "axialis.com"), false},
		{"home page written out in the text", link(message.URLFromText, "https://www.tightvnc.com/", "", "tightvnc.com"), false},
		{"social network under its bare name", link(message.URLFromHref, "https://www.facebook.com/exemple", "facebook", "facebook.com"), false},
		{"page under its bare domain", link(message.URLFromHref, "https://www.atelier-bois-exemple.fr/p", "www.atelier-bois-exemple.fr", "atelier-bois-exemple.fr"), false},
		{"hyphenated name squeezed", link(message.URLFromHref, "https://www.atelier-bois-exemple.fr/p", "Atelier Bois Exemple", "atelier-bois-exemple.fr"), false},
		{"image-only anchor", link(message.URLFromHref, "https://www.x.com/exemple", "", "x.com"), false},
		{"digits only", link(message.URLFromHref, "https://www.x.com/exemple", "2026", "x.com"), false},
		{"image source", link(message.URLFromSrc, "https://www.exemple.fr/logo.png", "", "exemple.fr"), false},
		{"unparsable address", link(message.URLFromText, "http://[::1", "", "exemple.fr"), false},
	} {
		if got := Citation(c.l); got != c.want {
			t.Errorf("%s: Citation = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCitedSources(t *testing.T) {
	// An Input is one message: its visible text is folded once
	// (visibleKey), so each changed text is a new Input.
	var links []Link
	html := ""
	for i := range 12 {
		d := fmt.Sprintf("source%d.fr", i)
		links = append(links, link(message.URLFromHref, "https://www."+d+"/article", fmt.Sprintf("Titre %d", i), d))
		html += fmt.Sprintf("Titre  %d\n", i)
	}
	input := func(html string) *Input {
		return &Input{Msg: &message.Message{HTMLText: html}, Links: links}
	}
	in := input(html)
	if n := CitedSources(in, nil); n != 12 {
		t.Errorf("twelve headlines: %d sources, want 12", n)
	}
	if n := CitedSources(in, func(h string) bool { return h == "www.source0.fr" }); n != 11 {
		t.Errorf("one source skipped: %d, want 11", n)
	}
	if n := CitedSources(input("Titre 0"), nil); n != 1 {
		t.Errorf("eleven headlines the reader does not see: %d sources, want 1", n)
	}
	for i := range links {
		links[i].Text = "En savoir plus"
	}
	if n := CitedSources(input("En savoir plus"), nil); n != 1 {
		t.Errorf("one anchor text under every link: %d sources, want 1", n)
	}
	if n := CitedSources(&Input{Links: links}, nil); n != 0 {
		t.Errorf("no message text: %d sources, want 0", n)
	}
}
