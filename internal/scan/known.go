package scan

// TopSite reports whether a registrable domain is one of the sites that
// must never be taken for an attacker's, on the scanner's warning lists
// (Input.Lists; warninglist.Set.TopSite): the top sites, the big
// providers' domains and the other protected MISP warning lists.
// Heuristics that guess from a name's shape ("randomly generated", "looks
// like a brand") do not apply to them: their names are known, whatever
// they look like.
func (in *Input) TopSite(domain string) bool {
	return in.Lists.TopSite(domain)
}
