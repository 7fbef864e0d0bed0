package received

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/auth"
)

// corpusDir is the shared corpus, read-only, outside the repository
// (see ../shared/README.md). The test is skipped, with a message, when the
// corpus is not checked out next to the repository.
const corpusDir = "../../../shared/corpus"

// Trust settings of ../shared/corpus/eval.md: the receiving side of each corpus.
func phishTrust() Trust {
	return Trust{
		Hosts: []string{"*.outlook.com", "*.protection.outlook.com", "*.prod.outlook.com", "*.outlook.office365.com"},
		Networks: []netip.Prefix{
			netip.MustParsePrefix("2603:1000::/24"),     // Microsoft 365 internal hops (2603:10a6::, 2603:10b6::...)
			netip.MustParsePrefix("2a01:111:f400::/40"), // Exchange Online Protection front ends
		},
		NoAuthServID: true,
	}
}

func hamTrust() Trust {
	hosts := []string{"mail.lfdr.de", "lfdr", "*.lore.kernel.org", "*.edge.kernel.org", "*.mirrors.kernel.org",
		"smtp.subspace.kernel.org", "*.subspace.kernel.org", "lists.ettus.com", "mm2.emwd.com"}
	return Trust{
		Hosts:       hosts,
		AuthServIDs: []string{"mail.lfdr.de", "smtp.subspace.kernel.org", "lists.linux.dev", "mm2.emwd.com", "lists.ettus.com"},
	}
}

type corpusStats struct {
	n, withIP, withResults, withARC, withAny int
}

// hamSealers are the list servers whose ARC results are believed
// (configs/eval-corpus.yaml, trust.arc_sealers).
var hamSealers = []string{"subspace.kernel.org", "smtp.subspace.kernel.org", "lists.ettus.com"}

func runCorpus(t *testing.T, dir string, tr Trust, sealers []string) corpusStats {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) == 0 {
		t.Skipf("corpus %s not found: check out ../shared next to the repository", dir)
	}
	var st corpusStats
	for _, f := range files {
		h := readHeader(t, f)
		hops := Chain(h)
		ctx := tr.Context(hops)
		st.n++
		if ctx.ClientIP.IsValid() {
			st.withIP++
		} else if testing.Verbose() {
			t.Logf("no client IP: %s hop %d", filepath.Base(f), ctx.HopIndex)
		}
		_, ok := tr.Results(h, hops, ctx)
		_, arcOK := auth.ARCResults(h, sealers)
		if ok {
			st.withResults++
		}
		if arcOK {
			st.withARC++
		}
		if ok || arcOK {
			st.withAny++
		}
	}
	return st
}

func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not found at %s: check out ../shared next to the repository", corpusDir)
	}
	for _, c := range []struct {
		name       string
		trust      Trust
		sealers    []string
		minResults float64
	}{
		{"phish", phishTrust(), nil, 0.90},
		// Most ham predates the list servers' Authentication-Results: the
		// floor guards against regressions, the log tells the share.
		{"ham", hamTrust(), hamSealers, 0.35},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := runCorpus(t, filepath.Join(corpusDir, c.name), c.trust, c.sealers)
			ipShare := float64(st.withIP) / float64(st.n)
			resShare := float64(st.withResults) / float64(st.n)
			t.Logf("%s: %d messages, client IP %.1f%%, trusted Authentication-Results %.1f%%, trusted ARC results %.1f%%, either %.1f%%",
				c.name, st.n, 100*ipShare, 100*resShare, 100*float64(st.withARC)/float64(st.n), 100*float64(st.withAny)/float64(st.n))
			if ipShare < 0.95 {
				t.Errorf("client IP found for %.1f%% of messages, want >= 95%%", 100*ipShare)
			}
			if resShare < c.minResults {
				t.Errorf("authentication results found for %.1f%% of messages, want >= %.0f%%", 100*resShare, 100*c.minResults)
			}
		})
	}
}
