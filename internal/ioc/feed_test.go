package ioc

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type feedWant struct {
	records  []string // "kind value" or "kind value | reason"
	badLines []int
	excluded int
}

func readFixture(t *testing.T, name string, f Format, opts FeedOptions) ([]Record, FeedResult) {
	t.Helper()
	fh, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	opts.Name = name
	var recs []Record
	res, err := ReadFeed(fh, f, opts, func(r Record) error { recs = append(recs, r); return nil })
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return recs, res
}

func TestReadFeedFixtures(t *testing.T) {
	tests := []struct {
		file   string
		format Format
		want   feedWant
	}{
		{"plain.txt", FormatPlain, feedWant{
			records: []string{"ip 198.51.100.7", "ip 203.0.113.0/24 | bulletproof hosting range", "ip 2001:db8:bad::/48",
				"domain login-micros0ft.example", "domain cdn-phish.example", "url https://secure-update.example/login.php?id=1",
				"email payroll@evil-invoice.example", "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
			badLines: []int{12, 13}}},
		{"drop.txt", FormatDROP, feedWant{
			records:  []string{"ip 1.10.16.0/20 | SBL256894", "ip 1.19.0.0/16 | SBL434604", "ip 2.56.192.0/22 | SBL459831", "ip 5.134.128.0/19 | SBL270738"},
			badLines: []int{8}}},
		{"ip4set.zone", FormatRbldnsd, feedWant{
			records: []string{
				"ip 192.0.2.1 | Listed in the example zone, see https://rbl.example/lookup?$",
				"ip 198.51.100.0/24", "ip 10.20.0.0/16", "ip 127.0.0.0/24", "ip 127.16.0.0/12",
				// 127.0.0.1-255
				"ip 127.0.0.1", "ip 127.0.0.2/31", "ip 127.0.0.4/30", "ip 127.0.0.8/29", "ip 127.0.0.16/28",
				"ip 127.0.0.32/27", "ip 127.0.0.64/26", "ip 127.0.0.128/25",
				// 172.16.5.4-172.16.5.11
				"ip 172.16.5.4/30 | range with its own value", "ip 172.16.5.8/30 | range with its own value",
				"ip 203.0.113.0/24 | Open proxy", "ip 198.51.100.7 | rbldnsd exclusion", "ip 10.1.2.3"},
			badLines: []int{16}, excluded: 1}},
		{"ip6trie.zone", FormatRbldnsd, feedWant{
			records: []string{"ip 2001:21ab:c000::/36 | Listed, see http://example.com/lookup?$",
				"ip 2001:21ab:def7:4242::/64 | This one smells funny", "ip 2605:6001:42::/52", "ip ::1",
				"ip 2605:6001:42::bead | rbldnsd exclusion"},
			badLines: []int{7}, excluded: 1}},
		{"dnset.zone", FormatRbldnsd, feedWant{
			records: []string{"host exact-host.example | Phishing domain", "domain whole-domain.example",
				"domain subs-only.example | Subdomains of a spam domain", "host good.whole-domain.example | rbldnsd exclusion"},
			badLines: []int{7}, excluded: 1}},
		{"feed.csv", FormatCSV, feedWant{
			records: []string{"ip 198.51.100.23 | seen probing webmail", "domain evil-bank.example | lookalike of the bank",
				"host login.evil-bank.example", "url https://evil-bank.example/a%20b | quoted, with comma"},
			badLines: []int{6, 7, 8, 9}}},
	}
	for _, tt := range tests {
		recs, res := readFixture(t, tt.file, tt.format, FeedOptions{})
		var got []string
		for _, r := range recs {
			s := string(r.Kind) + " " + r.Value
			if r.Reason != "" && !strings.HasPrefix(r.Reason, "Listed in the example") || r.Reason != "" && r.Line == 6 {
				s += " | " + r.Reason
			}
			got = append(got, s)
		}
		// Only the first record of a default-value block carries the
		// reason in the table above; compare reasons where given.
		if len(got) != len(tt.want.records) {
			t.Errorf("%s: %d records %q, want %d %q", tt.file, len(got), got, len(tt.want.records), tt.want.records)
			continue
		}
		for i, w := range tt.want.records {
			wv, wr, hasReason := strings.Cut(w, " | ")
			if gv := string(recs[i].Kind) + " " + recs[i].Value; gv != wv {
				t.Errorf("%s record %d = %q, want %q", tt.file, i, gv, wv)
			}
			if hasReason && recs[i].Reason != wr {
				t.Errorf("%s record %d reason = %q, want %q", tt.file, i, recs[i].Reason, wr)
			}
		}
		var lines []int
		for _, e := range res.Errors {
			lines = append(lines, e.Line)
			if e.File != tt.file || !strings.HasPrefix(e.Error(), tt.file+":") {
				t.Errorf("%s: error %q does not name the file", tt.file, e.Error())
			}
		}
		if !equalInts(lines, tt.want.badLines) || res.Bad != len(tt.want.badLines) {
			t.Errorf("%s: bad lines %v (%d), want %v; errors %v", tt.file, lines, res.Bad, tt.want.badLines, res.Errors)
		}
		if res.Excluded != tt.want.excluded {
			t.Errorf("%s: excluded %d, want %d", tt.file, res.Excluded, tt.want.excluded)
		}
		if res.Records != len(recs) {
			t.Errorf("%s: Records = %d, callbacks %d", tt.file, res.Records, len(recs))
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestReadFeedForcedKindAndCSVExpiry(t *testing.T) {
	recs, res := readFixture(t, "plain.txt", FormatPlain, FeedOptions{Kind: KindHost})
	// Forced host: names pass, wildcards, IPs, URLs... are malformed hosts.
	if len(recs) != 1 || recs[0].Value != "login-micros0ft.example" || res.Bad != 9 {
		t.Errorf("forced host: %v, %d bad", recs, res.Bad)
	}
	recs, _ = readFixture(t, "feed.csv", FormatCSV, FeedOptions{})
	if recs[0].Mode != Watch || recs[1].Expires.Format("2006-01-02") != "2030-01-01" || recs[2].Expires.Hour() != 12 {
		t.Errorf("csv modes/expiry: %+v", recs[:3])
	}
}

// TestReadRealFeeds reads the shared OpenPhish-derived feeds: every line
// becomes one indicator but one, a URL fragment mangled into the domain
// list ("google.com%e2%88%95admin@…"), reported with its line number.
func TestReadRealFeeds(t *testing.T) {
	for _, f := range []struct {
		path   string
		format Format
		kind   Kind
		bad    []int
	}{
		{"../../../shared/corpus/feeds/phishing-domains.txt", FormatPlain, KindDomain, []int{12940}},
		{"../../../shared/corpus/feeds/phishing-urls-2025.txt", FormatURLs, KindURL, nil},
	} {
		fh, err := os.Open(f.path)
		if err != nil {
			t.Fatalf("shared feeds missing (see ../shared/README.md): %v", err)
		}
		n := 0
		res, err := ReadFeed(fh, f.format, FeedOptions{Name: f.path, Kind: f.kind}, func(r Record) error {
			if r.Kind != f.kind {
				t.Errorf("%s:%d: kind %s", f.path, r.Line, r.Kind)
			}
			n++
			return nil
		})
		fh.Close()
		var bad []int
		for _, e := range res.Errors {
			bad = append(bad, e.Line)
		}
		if err != nil || !equalInts(bad, f.bad) || n < 8000 {
			t.Errorf("%s: %d records, %d bad (%v), %v", f.path, n, res.Bad, res.Errors, err)
		}
	}
}

func TestReadFeedLimits(t *testing.T) {
	long := strings.Repeat("a", maxLine+10) + ".example\nok.example\n"
	var got []string
	res, err := ReadFeed(strings.NewReader(long), FormatPlain, FeedOptions{Name: "long"}, func(r Record) error {
		got = append(got, r.Value)
		return nil
	})
	if err != nil || len(got) != 1 || got[0] != "ok.example" || res.Bad != 1 || res.Errors[0].Line != 1 {
		t.Errorf("long line: %v %+v %v", got, res, err)
	}
	var many strings.Builder
	for range 500 {
		many.WriteString("bad value\n")
	}
	res, _ = ReadFeed(strings.NewReader(many.String()), FormatPlain, FeedOptions{MaxErrors: 10}, func(Record) error { return nil })
	if res.Bad != 500 || len(res.Errors) != 10 || !res.Truncated {
		t.Errorf("error cap: bad %d kept %d truncated %v", res.Bad, len(res.Errors), res.Truncated)
	}
	stop := errors.New("stop here")
	_, err = ReadFeed(strings.NewReader("a.example\nb.example\n"), FormatPlain, FeedOptions{}, func(Record) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("callback error not returned: %v", err)
	}
}
