package logstest

import (
	"encoding/json"
	"os"
	"testing"

	"gopkg.in/yaml.v3"
)

// PantherCase is one labelled test event of a panther-analysis rule file.
type PantherCase struct {
	Name     string
	Expected bool
	JSON     []byte // the event, as one JSON line
	// Threshold is the rule's: how many matching events raise an alert.
	Threshold int
	// Mocks are the rule's configuration the case sets (KNOWN_EXCEPTIONS…),
	// as JSON.
	Mocks map[string]string
}

// PantherCases reads the Tests of a panther-analysis rule YAML file.
func PantherCases(t testing.TB, path string) []PantherCase {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Threshold int `yaml:"Threshold"`
		Tests     []struct {
			Name           string         `yaml:"Name"`
			ExpectedResult bool           `yaml:"ExpectedResult"`
			Log            map[string]any `yaml:"Log"`
			Mocks          []struct {
				Name  string `yaml:"objectName"`
				Value string `yaml:"returnValue"`
			} `yaml:"Mocks"`
		} `yaml:"Tests"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []PantherCase
	for _, c := range doc.Tests {
		j, err := json.Marshal(c.Log)
		if err != nil {
			t.Fatalf("%s %s: %v", path, c.Name, err)
		}
		pc := PantherCase{Name: c.Name, Expected: c.ExpectedResult, JSON: j, Threshold: max(doc.Threshold, 1), Mocks: map[string]string{}}
		for _, m := range c.Mocks {
			pc.Mocks[m.Name] = m.Value
		}
		out = append(out, pc)
	}
	return out
}

// SharedLogs is the shared corpus of real log excerpts, beside the repository.
const SharedLogs = "../../../../shared/corpus/logs"
