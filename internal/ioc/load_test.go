package ioc

import (
	"bufio"
	"fmt"
	"os"
	"testing"

	"vigie.dev/vigie/internal/store"
)

func fmtSscan(s string, n *int) (int, error) { return fmt.Sscan(s, n) }

// scaledFeedRows returns n store rows built from the shared phishing
// domain and URL feeds, repeated under numbered prefixes to reach n.
func scaledFeedRows(t testing.TB, n int) []store.IndicatorRow {
	t.Helper()
	var base []Record
	for _, f := range []struct {
		path   string
		format Format
	}{{"../../../shared/corpus/feeds/phishing-domains.txt", FormatPlain}, {"../../../shared/corpus/feeds/phishing-urls-2025.txt", FormatURLs}} {
		fh, err := os.Open(f.path)
		if err != nil {
			t.Fatalf("shared feeds missing (see ../shared/README.md): %v", err)
		}
		_, err = ReadFeed(bufio.NewReader(fh), f.format, FeedOptions{Name: f.path}, func(r Record) error {
			base = append(base, r)
			return nil
		})
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	rows := make([]store.IndicatorRow, 0, n)
	for copyN := 0; len(rows) < n; copyN++ {
		for _, r := range base {
			if len(rows) == n {
				break
			}
			v := r.Value
			if copyN > 0 {
				switch r.Kind {
				case KindURL:
					v = v + fmt.Sprintf("?copy=%d", copyN)
				case KindDomain:
					v = fmt.Sprintf("c%d.%s", copyN, v)
				default:
					continue
				}
			}
			rows = append(rows, store.IndicatorRow{Kind: string(r.Kind), Value: v, Mode: "block", Source: "feed:openphish", Reason: "phishing"})
		}
	}
	return rows
}
