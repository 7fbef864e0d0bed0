package ioc

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
)

// Export then import is a backup: a removed indicator stays removed, and
// source, author, reason, creation time, tags, confidence, TLP, rbldnsd
// code and sightings come back as they were. Importing twice changes
// nothing.
func TestJSONBackupIsLossless(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		svc := NewService(db, ServiceOptions{})
		created := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
		svc.now = func() time.Time { return created }
		live, err := svc.Add(ctx, NewIndicator{Value: "login-micros0ft.example", Source: IncidentSource(7), Reason: "kit de phishing",
			AddedBy: "alice", Tags: []string{"phishing", "o365"}, Confidence: 80, TLP: "amber", TTL: Forever})
		if err != nil {
			t.Fatal(err)
		}
		gone, err := svc.Add(ctx, NewIndicator{Value: "198.51.100.7", Source: FeedSource("drop"), Reason: "SBL1", AddedBy: "cron", Code: 5})
		if err != nil {
			t.Fatal(err)
		}
		svc.now = time.Now
		if err := svc.Remove(ctx, gone.ID, "bob"); err != nil {
			t.Fatal(err)
		}
		if err := db.Indicators().RecordHits(ctx, map[int64]int64{live.ID: 3}, created.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		var backup bytes.Buffer
		if _, err := svc.Export(ctx, &backup, ExportJSON, Filter{All: true}); err != nil {
			t.Fatal(err)
		}

		fdb, err := store.Open(ctx, storetest.Backends(t)[0].DSN, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer fdb.Close()
		fresh := NewService(fdb, ServiceOptions{})
		for round := range 2 {
			res, err := fresh.Import(ctx, bytes.NewReader(backup.Bytes()), ImportOptions{Format: FormatJSON, Name: "backup.json"})
			if err != nil || !res.Complete() {
				t.Fatalf("round %d: %+v %v", round, res, err)
			}
		}
		got, err := fresh.List(ctx, Filter{All: true})
		if err != nil || len(got) != 2 {
			t.Fatalf("restored %d rows (%v), want 2 (re-import adds nothing)", len(got), err)
		}
		live2, gone2 := got[0], got[1]
		if live2.Value == "198.51.100.7" {
			live2, gone2 = got[1], got[0]
		}
		if live2.Source != "incident:7" || live2.AddedBy != "alice" || live2.Reason != "kit de phishing" ||
			!live2.CreatedAt.Equal(created) || !slices.Equal(live2.Tags, []string{"phishing", "o365"}) ||
			live2.Confidence != 80 || live2.TLP != "amber" || !live2.ExpiresAt.IsZero() || live2.Hits != 3 ||
			live2.FirstHitAt.IsZero() || live2.Status(time.Now()) != StatusActive {
			t.Errorf("live indicator not restored as it was: %+v", live2)
		}
		if gone2.Status(time.Now()) != StatusRemoved || gone2.RemovedBy != "bob" || gone2.Source != "feed:drop" ||
			gone2.AddedBy != "cron" || gone2.Code != 5 {
			t.Errorf("removed indicator came back wrong: %+v", gone2)
		}
		if n, _ := fresh.List(ctx, Filter{}); len(n) != 1 {
			t.Errorf("%d live indicators after restore, want 1: a removed one came back", len(n))
		}
	})
}

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
