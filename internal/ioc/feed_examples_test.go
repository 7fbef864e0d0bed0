package ioc

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestSTIXImport(t *testing.T) {
	dir := "../../../shared/corpus/conformance/stix2.1/examples/"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("shared STIX examples missing:", err)
	}
	for _, c := range []struct {
		file    string
		want    []string
		badMin  int
		records int
	}{
		{"indicator-for-c2-ip-address.json", []string{"ip 10.0.0.0"}, 0, 1},
		{"threat-reports/apt1.json", []string{"ip 223.166.0.0/15", "domain hugesoft.org"}, 1, 0},
		{"threat-reports/poisonivy.json", []string{"ip 219.76.208.163", "domain www.webserver.dynssl.com", "ip 113.10.246.30"}, 1, 0},
		{"malicious-email-indicator-with-attachment.json", nil, 1, 0},
	} {
		recs, res := readFixture(t, "../"+dir+c.file, FormatSTIX, FeedOptions{})
		var got []string
		for _, r := range recs {
			got = append(got, string(r.Kind)+" "+r.Value)
		}
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: %q not imported; got %d records", c.file, w, len(got))
			}
		}
		if res.Bad < c.badMin {
			t.Errorf("%s: %d unsupported patterns reported, want at least %d", c.file, res.Bad, c.badMin)
		}
		if c.records > 0 && len(recs) != c.records {
			t.Errorf("%s: %d records, want %d", c.file, len(recs), c.records)
		}
	}
	// Only OR-ed equality comparisons are values; the rest is reported.
	for pattern, ok := range map[string]bool{
		"[ipv4-addr:value = '198.51.100.7']":                                          true,
		"[domain-name:value = 'a.example' OR url:value = 'https://a.example/x']":      true,
		"[ipv4-addr:value = '198.51.100.7'] OR [ipv6-addr:value = '2001:db8::1']":     true,
		"[file:hashes.'SHA-256' = 'AB12']":                                            true,
		"[email-message:subject MATCHES '^Facture']":                                  false,
		"[x509-certificate:issuer = 'CN=x' AND x509-certificate:serial_number = '1']": false,
		"[file:hashes.md5 = '001dd76872d80801692ff942308c64e6']":                      false,
		"[ipv4-addr:value = '198.51.100.7'] WITHIN 300 SECONDS":                       false,
	} {
		if _, err := stixValues(pattern); (err == nil) != ok {
			t.Errorf("stixValues(%q): %v, want ok=%v", pattern, err, ok)
		}
	}
}

func TestMISPImport(t *testing.T) {
	event := `{"Event": {"info": "Campagne Chorus Pro", "Tag": [{"name": "tlp:amber"}, {"name": "phishing"}],
	  "Attribute": [
	    {"type": "domain", "value": "chorus-pro-factures.example", "to_ids": true, "comment": "page de collecte"},
	    {"type": "ip-dst|port", "value": "198.51.100.23|443", "to_ids": true},
	    {"type": "email-src", "value": "Facturation@Chorus-Pro-Factures.example", "to_ids": false},
	    {"type": "md5", "value": "001dd76872d80801692ff942308c64e6", "to_ids": true},
	    {"type": "url", "value": "https://gone.example/", "deleted": true}],
	  "Object": [{"Attribute": [{"type": "sha256", "value": "a4b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "Tag": [{"name": "tlp:red"}]}]}]}}`
	var recs []Record
	res, err := ReadFeed(strings.NewReader(event), FormatMISP, FeedOptions{Name: "event.json"}, func(r Record) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil || len(recs) != 4 || res.Bad != 1 {
		t.Fatalf("%d records, %d bad, %v: %+v", len(recs), res.Bad, err, recs)
	}
	want := []string{"domain chorus-pro-factures.example block amber page de collecte", "ip 198.51.100.23 block amber Campagne Chorus Pro",
		"email facturation@chorus-pro-factures.example watch amber Campagne Chorus Pro",
		"sha256 a4b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 block red Campagne Chorus Pro"}
	for i, r := range recs {
		mode := r.Mode
		if mode == "" {
			mode = Block
		}
		got := strings.Join([]string{string(r.Kind), r.Value, string(mode), r.TLP, r.Reason}, " ")
		if got != want[i] || !slices.Contains(r.Tags, "phishing") {
			t.Errorf("record %d = %q %v, want %q", i, got, r.Tags, want[i])
		}
	}
	b, _ := json.Marshal([]json.RawMessage{json.RawMessage(event), json.RawMessage(event)})
	if _, err := ReadFeed(bytes.NewReader(b), FormatMISP, FeedOptions{}, func(Record) error { return nil }); err != nil {
		t.Errorf("list of events: %v", err)
	}
}
