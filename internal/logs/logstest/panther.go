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
}

// PantherCases reads the Tests of a panther-analysis rule YAML file.
func PantherCases(t testing.TB, path string) []PantherCase {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests []struct {
			Name           string         `yaml:"Name"`
			ExpectedResult bool           `yaml:"ExpectedResult"`
			Log            map[string]any `yaml:"Log"`
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
		out = append(out, PantherCase{c.Name, c.ExpectedResult, j})
	}
	return out
}

// SharedLogs is the shared corpus of real log excerpts, beside the repository.
const SharedLogs = "../../../../shared/corpus/logs"
