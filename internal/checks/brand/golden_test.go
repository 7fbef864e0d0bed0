package brand

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/rdap"
)

// goldenOptions are the organisation of the golden messages: a hospital
// whose director's name is abused in CEO fraud.
var goldenOptions = Options{OrgDomains: []string{"example-hopital.fr"}, VIPs: []string{"Claire Dubois"}}

// TestGolden compares what the family emits for each testdata/NN-name.eml
// with NN-name.signals (go test -update rewrites them).
// The domains' registry is served in process (RDAP, RFC 9083): every
// domain registered in 1999 but ca-nord-securite.fr, ten days ago (dates
// invented).
func TestGolden(t *testing.T) {
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		date := "1999-03-15T00:00:00Z"
		if strings.HasSuffix(r.URL.Path, "/ca-nord-securite.fr") {
			date = time.Now().Add(-10 * 24 * time.Hour).UTC().Format(time.RFC3339)
		}
		w.Write([]byte(`{"events":[{"eventAction":"registration","eventDate":"` + date + `"}]}`))
	}))
	defer reg.Close()
	o := goldenOptions
	o.Registered = (&rdap.Client{BaseURL: reg.URL}).Registered
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	checktest.GoldenExcept(t, map[string]string{
		"BRAND_CLAIM_LEADS_ELSEWHERE": "raised only in a rebuilt original (scan.Envelope.Rebuilt), which a golden message, scanned as it arrives, is not: claim_test.go and the forward family's golden messages",
	}, c)
}
