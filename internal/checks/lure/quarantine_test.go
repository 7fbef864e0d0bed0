package lure

import (
	"testing"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/urlx"
)

// TestVendorsQuarantine: a quarantine digest is a mail-security service's
// when its links stay on a listed vendor's portal or the organisation's
// own domains — the organisation's postmaster sending its gateway's
// digest too — and the phisher's fake, from his domain or with a vendor's
// name forged over links to his page, is not.
func TestVendorsQuarantine(t *testing.T) {
	c := &Check{org: []string{"atelier-exemple.fr"}}
	for _, tc := range []struct {
		name  string
		from  string
		links []string
		want  bool
	}{
		{"Mimecast digest from the organisation's postmaster", "atelier-exemple.fr", []string{"https://login-eu.mimecast.com/u/release?id=1"}, true},
		{"Barracuda digest from the vendor", "barracudanetworks.com", []string{"https://ess.barracudanetworks.com/user/quarantine"}, true},
		{"Hornetsecurity report", "hornetsecurity.com", []string{"https://cp.hornetsecurity.com/"}, true},
		{"Trend Micro end-user quarantine", "atelier-exemple.fr", []string{"https://euq.tmems-eu.trendmicro.com/release"}, true},
		{"release through a rewriter to the vendor", "atelier-exemple.fr", []string{"https://urldefense.proofpoint.com/v2/url?u=https-3A__login-2Deu.mimecast.com_u_release&d=x"}, true},
		{"fake from the phisher's domain", "quarantaine-messagerie.fr", []string{"https://quarantaine-messagerie.fr/liberer"}, false},
		{"vendor's name forged over the phisher's page", "mimecast.com", []string{"https://mimecast-release.top/login"}, false},
		{"one release link away among the vendor's", "atelier-exemple.fr", []string{"https://login-eu.mimecast.com/u/release?id=1", "https://release-mail.example.net/x"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &scan.Input{FromOrg: tc.from}
			for _, raw := range tc.links {
				u := &message.URL{Raw: raw, Host: urlx.Host(raw), Source: message.URLFromHref}
				target, host := raw, u.Host
				if urlx.MaybeWrapped(u.Host) {
					if t, rw := urlx.Unwrap(raw); rw != "" {
						target, host = t, urlx.Host(t)
					}
				}
				in.Links = append(in.Links, scan.Link{URL: u, Target: target, Host: host, Domain: urlx.Registrable(host)})
			}
			if got := c.vendorsQuarantine(in); got != tc.want {
				t.Errorf("vendorsQuarantine = %v, want %v (links %v)", got, tc.want, in.Links)
			}
		})
	}
}
