package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/store/storetest"
)

// Two `vigie serve` processes share one PostgreSQL database: an indicator
// added through one node applies to the next message scanned by the other
// without a restart (LISTEN/NOTIFY; the delay is logged).
func TestTwoNodesShareIndicators(t *testing.T) {
	dsn := storetest.PostgresSchema(t, requirePostgres(t))
	dir := t.TempDir()
	bin := vigieBinary(t)
	const token = "cluster-test-token"
	nodes := make([]int, 2)
	for i := range nodes {
		nodes[i] = freePort(t)
		cfg := fmt.Sprintf(`data_dir: %s
store: "%s"
serve:
  milter: {enabled: false}
  relay: {enabled: false}
  rbl: {enabled: false}
  http: {enabled: true, listen: "127.0.0.1:%d", tokens: [%s]}
auth:
  mode: headers
`, filepath.Join(dir, fmt.Sprint("node", i)), dsn, nodes[i], token)
		path := filepath.Join(dir, fmt.Sprintf("node%d.yaml", i))
		os.WriteFile(path, []byte(cfg), 0o644)
		cmd := exec.Command(bin, "serve", "--config", path)
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			cmd.Process.Signal(os.Interrupt)
			cmd.Wait()
			if t.Failed() {
				t.Logf("node %d:\n%s", i, logs.String())
			}
		})
		waitListening(t, nodes[i])
	}
	msg := []byte("From: Facturation <factures@fournisseur-exemple.fr>\r\nTo: compta@example.test\r\nSubject: Facture\r\n" +
		"Message-ID: <c1@fournisseur-exemple.fr>\r\nDate: Tue, 12 Mar 2024 10:00:00 +0100\r\nContent-Type: text/html\r\n\r\n" +
		`<p>Bonjour, votre document :</p><a href="https://factures-campagne.example/doc">voir</a>`)
	scanOn := func(port int) []string {
		req, _ := http.NewRequest("POST", fmt.Sprintf("http://127.0.0.1:%d/api/v1/scan", port), bytes.NewReader(msg))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Verdict struct {
				Signals []struct{ Name string } `json:"signals"`
			} `json:"verdict"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range r.Verdict.Signals {
			names = append(names, s.Name)
		}
		return names
	}
	if got := strings.Join(scanOn(nodes[1]), ","); strings.Contains(got, "IOC_BLOCK") {
		t.Fatalf("blocked before any indicator: %s", got)
	}
	out, err := exec.Command(bin, "ioc", "add", "factures-campagne.example", "--kind", "domain", "--mode", "block",
		"--reason", "campagne", "--store", dsn).CombinedOutput()
	if err != nil {
		t.Fatalf("ioc add: %v\n%s", err, out)
	}
	// LISTEN/NOTIFY usually brings the indicator within milliseconds; the
	// deadline is generous because the machine may be loaded: the test is
	// that every node applies it without a restart, the latency is logged.
	added := time.Now()
	for _, i := range []int{1, 0} {
		waitFor(t, fmt.Sprintf("node %d to apply the indicator", i+1), 60*time.Second, func() bool {
			return strings.Contains(strings.Join(scanOn(nodes[i]), ","), "IOC_BLOCK")
		})
		t.Logf("node %d applies the indicator %s after it was added", i+1, time.Since(added).Round(time.Millisecond))
	}
}
