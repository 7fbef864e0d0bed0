package geo

import (
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"

	"github.com/oschwald/maxminddb-golang/v2"
)

// DB is the Locator over installed data files. The MMDB files and the ASN
// index are memory-mapped: opening costs no parsing (but the first time the
// ASN CSV is indexed, into the user's cache directory), and memory holds only
// the pages that lookups touch.
type DB struct {
	mmdbs []*maxminddb.Reader
	asn   *asnIndex
}

// Open maps every *.mmdb file in dir and the index of its asn-ipv*.csv files.
func Open(dir string) (*DB, error) {
	db := &DB{}
	mm, _ := filepath.Glob(filepath.Join(dir, "*.mmdb"))
	for _, p := range mm {
		r, err := maxminddb.Open(p)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("geo: open %s: %w", p, err)
		}
		db.mmdbs = append(db.mmdbs, r)
	}
	csvs, _ := filepath.Glob(filepath.Join(dir, "asn-ipv*.csv"))
	var err error
	if db.asn, err = loadASN(csvs); err != nil {
		db.Close()
		return nil, fmt.Errorf("geo: %w", err)
	}
	if len(db.mmdbs) == 0 && db.asn == nil {
		return nil, fmt.Errorf("geo: no *.mmdb or asn-ipv*.csv in %s (run scripts/install-geoip.sh)", dir)
	}
	return db, nil
}

// Close releases the MMDB files.
func (db *DB) Close() error {
	var errs []error
	for _, r := range db.mmdbs {
		errs = append(errs, r.Close())
	}
	errs = append(errs, db.asn.close())
	return errors.Join(errs...)
}

// mmdbRecord covers both the nested MaxMind layout and the flat ip-location-db one.
type mmdbRecord struct {
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"country"`
	City     any `maxminddb:"city"` // {"names": {"en": …}} or a plain name
	Location struct {
		Latitude  *float64 `maxminddb:"latitude"`
		Longitude *float64 `maxminddb:"longitude"`
	} `maxminddb:"location"`
	CountryCode string   `maxminddb:"country_code"`
	Latitude    *float64 `maxminddb:"latitude"`
	Longitude   *float64 `maxminddb:"longitude"`
	ASN         uint32   `maxminddb:"autonomous_system_number"`
	ASOrg       string   `maxminddb:"autonomous_system_organization"`
}

// Locate implements Locator.
func (db *DB) Locate(ip netip.Addr) (Location, bool) {
	var loc Location
	found := false
	for _, r := range db.mmdbs {
		if ip.Is4() != strings.Contains(r.Metadata.DatabaseType, "ipv4") && strings.Contains(r.Metadata.DatabaseType, "ipv") {
			continue
		}
		var rec mmdbRecord
		res := r.Lookup(ip)
		if !res.Found() || res.Decode(&rec) != nil {
			continue
		}
		found = true
		if loc.Country == "" {
			loc.Country = strings.ToUpper(firstNonEmpty(rec.Country.ISOCode, rec.CountryCode))
			loc.City = cityName(rec.City)
		}
		lat, lon := rec.Latitude, rec.Longitude
		if lat == nil {
			lat, lon = rec.Location.Latitude, rec.Location.Longitude
		}
		if !loc.HasCoords && lat != nil && lon != nil {
			loc.Lat, loc.Lon, loc.HasCoords = *lat, *lon, true
		}
		if loc.ASN == 0 {
			loc.ASN, loc.ASOrg = rec.ASN, rec.ASOrg
		}
	}
	if loc.ASN == 0 {
		if asn, org, ok := db.asn.find(ip); ok {
			loc.ASN, loc.ASOrg, found = asn, org, true
		}
	}
	return loc, found
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func cityName(v any) string {
	switch c := v.(type) {
	case string:
		return c
	case map[string]any:
		if names, ok := c["names"].(map[string]any); ok {
			s, _ := names["en"].(string)
			return s
		}
	}
	return ""
}

// Lazy is a DB opened on its first lookup: a hunt whose logs hold no public
// address never maps the data.
type Lazy struct {
	dir  string
	once sync.Once
	db   *DB
	err  error
}

// OpenLazy checks that dir holds data and returns a Locator that opens it
// when first asked.
func OpenLazy(dir string) (*Lazy, error) {
	mm, _ := filepath.Glob(filepath.Join(dir, "*.mmdb"))
	csvs, _ := filepath.Glob(filepath.Join(dir, "asn-ipv*.csv"))
	if len(mm) == 0 && len(csvs) == 0 {
		return nil, fmt.Errorf("geo: no *.mmdb or asn-ipv*.csv in %s (run scripts/install-geoip.sh)", dir)
	}
	return &Lazy{dir: dir}, nil
}

// Locate implements Locator; a data set that fails to open locates nothing
// (Err says why).
func (l *Lazy) Locate(ip netip.Addr) (Location, bool) {
	l.once.Do(func() { l.db, l.err = Open(l.dir) })
	if l.err != nil {
		return Location{}, false
	}
	return l.db.Locate(ip)
}

// Err is why the data could not be opened, if it could not.
func (l *Lazy) Err() error { return l.err }

// Close releases the data if it was opened.
func (l *Lazy) Close() error {
	l.once.Do(func() {}) // no opening after Close
	if l.db != nil {
		return l.db.Close()
	}
	return nil
}
