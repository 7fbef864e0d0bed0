package scan

import "vigie.dev/vigie/internal/warninglist"

// TopSite reports whether a registrable domain is one of the sites that
// must never be taken for an attacker's: the top sites, the big providers'
// domains and the other protected MISP warning lists (package
// warninglist). Heuristics that guess from a name's shape ("randomly
// generated", "looks like a brand") do not apply to them: their names are
// known, whatever they look like.
func TopSite(domain string) bool {
	return domain != "" && warninglist.MustDefault().HostListed(domain, warninglist.Protected)
}
