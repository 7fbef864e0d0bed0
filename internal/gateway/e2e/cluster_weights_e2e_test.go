package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/store/storetest"
	"vigie.dev/vigie/internal/weights"
)

// Issue 22: with policy.learned: store, two nodes score with the learned
// model saved in their database, and a new one saved by `vigie learn
// weights save` reaches both without a restart.
func TestTwoNodesShareLearnedWeights(t *testing.T) {
	dsn := storetest.PostgresSchema(t, requirePostgres(t))
	const token = "weights-scan-token-0001"
	var addrs []string
	for range 2 {
		d := startVigie(t, func(c *config.Config) {
			c.Store = dsn
			c.Policy.Learned = config.LearnedFromStore
			c.Serve.RBL.Enabled = false
			c.Serve.HTTP.Tokens = []config.APIToken{{Name: "mta", Token: token}}
		}, nil)
		addrs = append(addrs, d.HTTPAddr)
	}
	raw, err := os.ReadFile("../../engine/testdata/chorus-pro-phish.eml")
	if err != nil {
		t.Fatal(err)
	}
	action := func(addr string) string {
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/scan", strings.NewReader(string(raw)))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var r struct {
			Verdict struct {
				Action string  `json:"action"`
				Score  float64 `json:"score"`
			} `json:"verdict"`
		}
		if err := json.Unmarshal(b, &r); err != nil || resp.StatusCode != 200 {
			t.Fatalf("scan: %d %v %.300s", resp.StatusCode, err, b)
		}
		return r.Verdict.Action
	}
	for i, a := range addrs {
		if got := action(a); got == "accept" {
			t.Fatalf("node %d accepts the phishing message with the embedded model", i+1)
		}
	}
	// A model whose thresholds nothing reaches.
	m, err := weights.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	m.Thresholds = weights.Thresholds{Tag: 900, Quarantine: 950, Reject: 0}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "learned.yaml")
	os.WriteFile(file, b, 0o600)
	out, err := exec.Command(vigieBinary(t), "learn", "weights", "save", "--store", dsn, "--by", "e2e", file).CombinedOutput()
	if err != nil {
		t.Fatalf("learn weights save: %v\n%s", err, out)
	}
	saved := time.Now()
	for i, a := range addrs {
		waitFor(t, fmt.Sprintf("node %d to score with the saved model", i+1), 60*time.Second, func() bool { return action(a) == "accept" })
		t.Logf("node %d scores with the saved model %s after it was saved", i+1, time.Since(saved).Round(time.Millisecond))
	}
}
