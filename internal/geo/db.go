package geo

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/oschwald/maxminddb-golang/v2"
)

// DB is the Locator over installed data files.
type DB struct {
	mmdbs []*maxminddb.Reader
	asn   asnTable
}

// Open loads every *.mmdb and asn-ipv*.csv file in dir.
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
	for _, p := range csvs {
		if err := db.asn.load(p); err != nil {
			db.Close()
			return nil, fmt.Errorf("geo: %w", err)
		}
	}
	sort.Slice(db.asn, func(i, j int) bool { return db.asn[i].start.Less(db.asn[j].start) })
	if len(db.mmdbs) == 0 && len(db.asn) == 0 {
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
		if e, ok := db.asn.find(ip); ok {
			loc.ASN, loc.ASOrg, found = e.asn, e.org, true
		}
	}
	return loc, found
}

type asnRange struct {
	start, end netip.Addr
	asn        uint32
	org        string
}

type asnTable []asnRange

// load reads "start,end,asn,organisation" rows.
func (t *asnTable) load(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	orgs := map[string]string{} // intern organisation names
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		if len(rec) < 3 {
			continue
		}
		s, err1 := netip.ParseAddr(rec[0])
		e, err2 := netip.ParseAddr(rec[1])
		n, err3 := strconv.ParseUint(rec[2], 10, 32)
		if err1 != nil || err2 != nil || err3 != nil {
			continue // header or bad row
		}
		org := ""
		if len(rec) > 3 {
			if o, ok := orgs[rec[3]]; ok {
				org = o
			} else {
				org = strings.Clone(rec[3])
				orgs[org] = org
			}
		}
		*t = append(*t, asnRange{s, e, uint32(n), org})
	}
}

func (t asnTable) find(ip netip.Addr) (asnRange, bool) {
	i := sort.Search(len(t), func(i int) bool { return ip.Less(t[i].start) })
	if i == 0 {
		return asnRange{}, false
	}
	e := t[i-1]
	if e.start.BitLen() == ip.BitLen() && !e.end.Less(ip) {
		return e, true
	}
	return asnRange{}, false
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
