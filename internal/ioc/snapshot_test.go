package ioc

import (
	"bytes"
	"compress/gzip"
	"net/netip"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestSnapshotRoundTrip(t *testing.T) {
	m := NewMatcher(MatcherOptions{})
	m.Replace([]Indicator{
		{ID: 1, Kind: KindDomain, Value: "phish.example", Mode: Block, Source: FeedSource("openphish"), Reason: "kit $", CreatedAt: time.Now()},
		{ID: 2, Kind: KindIP, Value: "198.51.100.0/24", Mode: Watch, Source: SourceManual, Code: 3, CreatedAt: time.Now()},
		{ID: 3, Kind: KindHost, Value: "old.example", Mode: Block, CreatedAt: time.Now(), ExpiresAt: time.Now().Add(-time.Hour)},
	})
	path := filepath.Join(t.TempDir(), "indicators.snapshot")
	if err := m.WriteSnapshot(path); err != nil {
		t.Fatal(err)
	}
	m2 := NewMatcher(MatcherOptions{})
	_, _, n, err := m2.LoadSnapshot(path)
	if err != nil || n != 2 {
		t.Fatalf("loaded %d (%v), want the 2 live ones", n, err)
	}
	if in, ok := m2.LookupDomain("www.phish.example"); !ok || in.Source != "feed:openphish" || in.Reason != "kit $" || in.AnswerCode() != CodeFeed {
		t.Errorf("domain from snapshot: %+v %v", in, ok)
	}
	if in, ok := m2.LookupIP(netip.MustParseAddr("198.51.100.9")); !ok || in.Mode != Watch {
		t.Errorf("network from snapshot: %+v %v", in, ok)
	}
	if _, _, _, err := m2.LoadSnapshot(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("missing snapshot loaded")
	}
}

// FuzzReadSnapshot: a damaged snapshot file never panics the loader.
// TestSnapshotCountBounded: a snapshot whose header claims sixteen million
// indicators and holds none costs what it holds, not what it claims.
func TestSnapshotCountBounded(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"magic":"vigie-indicators-snapshot/1","rev":3,"count":16777216}` + "\n"))
	zw.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	list, _, err := readSnapshot(bytes.NewReader(buf.Bytes()))
	runtime.ReadMemStats(&after)
	if err != nil || len(list) != 0 {
		t.Fatalf("%d indicators, %v", len(list), err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<20 {
		t.Errorf("%d MB allocated for an empty snapshot", n>>20)
	}
}

func FuzzReadSnapshot(f *testing.F) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"magic":"vigie-indicators-snapshot/1","rev":3,"count":1}` + "\n" + `{"i":1,"k":"domain","v":"a.example","m":"block","c":1}` + "\n"))
	zw.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("not gzip"))
	f.Fuzz(func(t *testing.T, data []byte) {
		list, _, err := readSnapshot(bytes.NewReader(data))
		if err == nil {
			m := NewMatcher(MatcherOptions{})
			m.Replace(list)
		}
	})
}
