package ioc_test

import (
	"bufio"
	"fmt"
	"os"
	"testing"

	"vigie.dev/vigie/internal/ioc"
)

func fmtSscan(s string, n *int) (int, error) { return fmt.Sscan(s, n) }

// scaledFeedRows returns n store rows built from the shared phishing
// domain and URL feeds, repeated under numbered prefixes to reach n.
func scaledFeedRows(t testing.TB, n int) []ioc.Row {
	t.Helper()
	var base []ioc.Record
	for _, f := range []struct {
		path   string
		format ioc.Format
	}{{"../../../shared/corpus/feeds/phishing-domains.txt", ioc.FormatPlain}, {"../../../shared/corpus/feeds/phishing-urls-2025.txt", ioc.FormatURLs}} {
		fh, err := os.Open(f.path)
		if err != nil {
			t.Fatalf("shared feeds missing (see ../shared/README.md): %v", err)
		}
		_, err = ioc.ReadFeed(bufio.NewReader(fh), f.format, ioc.FeedOptions{Name: f.path}, func(r ioc.Record) error {
			base = append(base, r)
			return nil
		})
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	rows := make([]ioc.Row, 0, n)
	for copyN := 0; len(rows) < n; copyN++ {
		for _, r := range base {
			if len(rows) == n {
				break
			}
			v := r.Value
			if copyN > 0 {
				switch r.Kind {
				case ioc.KindURL:
					v = v + fmt.Sprintf("?copy=%d", copyN)
				case ioc.KindDomain:
					v = fmt.Sprintf("c%d.%s", copyN, v)
				default:
					continue
				}
			}
			rows = append(rows, ioc.Row{Kind: string(r.Kind), Value: v, Mode: "block", Source: "feed:openphish", Reason: "phishing"})
		}
	}
	return rows
}
