// Package geo locates IP addresses — country, coordinates and autonomous system —
// for the sign-in detections (impossible travel, new country, new ASN). The data
// comes from files the project's setup installs (scripts/install-geoip.sh): a
// city-level MMDB (MaxMind DB format, GeoLite2 or DB-IP, flat ip-location-db or
// nested MaxMind layout) and an IP-range → ASN CSV. Tests use Static instead.
package geo

import (
	"net/netip"
	"sort"
)

// Location is what is known of an address. Zero fields are unknown.
type Location struct {
	Country   string  `json:"country,omitempty"` // ISO 3166-1 alpha-2
	City      string  `json:"city,omitempty"`
	Lat       float64 `json:"lat,omitempty"`
	Lon       float64 `json:"lon,omitempty"`
	HasCoords bool    `json:"-"`
	ASN       uint32  `json:"asn,omitempty"`
	ASOrg     string  `json:"as_org,omitempty"`
}

// Locator finds the location of an address; ok is false when nothing is known.
type Locator interface {
	Locate(ip netip.Addr) (Location, bool)
}

// Public reports whether an address is on the public internet: private, loopback,
// link-local, CGNAT and documentation ranges have no meaningful location.
func Public(ip netip.Addr) bool {
	if !ip.IsValid() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() || ip.IsMulticast() {
		return false
	}
	return !cgnat.Contains(ip)
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// Static is an in-memory Locator over prefixes, longest match first: the fake
// internet of tests and generated data sets, or a site's own overrides.
type Static struct {
	entries []staticEntry
}

type staticEntry struct {
	p   netip.Prefix
	loc Location
}

// Add maps a prefix to a location.
func (s *Static) Add(p netip.Prefix, loc Location) {
	s.entries = append(s.entries, staticEntry{p.Masked(), loc})
	sort.SliceStable(s.entries, func(i, j int) bool { return s.entries[i].p.Bits() > s.entries[j].p.Bits() })
}

// Locate implements Locator.
func (s *Static) Locate(ip netip.Addr) (Location, bool) {
	for _, e := range s.entries {
		if e.p.Contains(ip) {
			return e.loc, true
		}
	}
	return Location{}, false
}

// Chain asks each locator in turn and merges what they know (first answer wins per field).
type Chain []Locator

// Locate implements Locator.
func (c Chain) Locate(ip netip.Addr) (Location, bool) {
	var out Location
	found := false
	for _, l := range c {
		loc, ok := l.Locate(ip)
		if !ok {
			continue
		}
		found = true
		if out.Country == "" {
			out.Country, out.City = loc.Country, loc.City
		}
		if !out.HasCoords && loc.HasCoords {
			out.Lat, out.Lon, out.HasCoords = loc.Lat, loc.Lon, true
		}
		if out.ASN == 0 {
			out.ASN, out.ASOrg = loc.ASN, loc.ASOrg
		}
	}
	return out, found
}
