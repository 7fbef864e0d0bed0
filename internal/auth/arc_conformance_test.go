package auth

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"vigie.dev/vigie/internal/dnsx/dnstest"
)

// arcKnownFailures lists validation-suite tests we do not pass, with the
// reason; the test fails when one starts passing.
var arcKnownFailures = map[string]string{
	"ams_fields_c_na": "the suite signed with relaxed/relaxed and dropped c=; we keep the RFC 6376 §3.5 default simple/simple that RFC 8617 §4.1.2 inherits",
}

type arcCase struct {
	scenario, name, description string
	message                     string
	cv                          string
}

// loadARCSuite reads the ValiMail ARC validation suite. It walks YAML nodes
// rather than decoding into maps because the suite repeats some test names.
func loadARCSuite(t *testing.T, path string) (cases [][]arcCase, records []map[string]string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("%s: %v", path, err)
		}
		root := doc.Content[0]
		var scenario []arcCase
		txt := map[string]string{}
		desc := ""
		for i := 0; i+1 < len(root.Content); i += 2 {
			key, val := root.Content[i].Value, root.Content[i+1]
			switch key {
			case "description":
				desc = strings.TrimSpace(val.Value)
			case "txt_records", "txt-records":
				for j := 0; j+1 < len(val.Content); j += 2 {
					txt[val.Content[j].Value] = strings.Join(strings.Fields(val.Content[j+1].Value), "")
				}
			case "tests":
				for j := 0; j+1 < len(val.Content); j += 2 {
					c := arcCase{name: val.Content[j].Value}
					tc := val.Content[j+1]
					for k := 0; k+1 < len(tc.Content); k += 2 {
						v := tc.Content[k+1].Value
						switch tc.Content[k].Value {
						case "message":
							c.message = v
						case "cv":
							c.cv = strings.ToLower(strings.TrimSpace(v))
						case "description":
							c.description = v
						}
					}
					scenario = append(scenario, c)
				}
			}
		}
		for i := range scenario {
			scenario[i].scenario = desc
		}
		cases = append(cases, scenario)
		records = append(records, txt)
	}
	return cases, records
}

// TestARCConformance runs the ARC validation suite (testdata/arc, MIT,
// written for draft-ietf-dmarc-arc-protocol-18, whose validation rules
// RFC 8617 kept) with the keys served by dnstest. An empty expected cv is
// the suite's way of saying the newest seal says cv=fail: the chain fails.
func TestARCConformance(t *testing.T) {
	cases, records := loadARCSuite(t, "testdata/arc/arc-draft-validation-tests.yml")
	var passed, total int
	var failedKnown []string
	for si, scenario := range cases {
		srv := dnstest.Start(t, "")
		for name, txt := range records[si] {
			// Key records in the suite are folded; RFC 6376 §3.6.2.2
			// concatenates strings, white space in p= is ignored.
			srv.AddRR(dnstest.TXT(name, 300, txt))
		}
		r := srv.Resolver()
		for _, c := range scenario {
			total++
			want := c.cv
			if want == "" {
				want = "fail"
			}
			fields, body := splitMessage([]byte(c.message))
			got, _, reason := checkARC(context.Background(), r, fields, body)
			ok := string(got) == want
			why, known := arcKnownFailures[c.name]
			switch {
			case ok && known:
				t.Errorf("%s: passes now; remove it from arcKnownFailures", c.name)
			case ok:
				passed++
			case known:
				failedKnown = append(failedKnown, c.name+": "+why)
			default:
				t.Errorf("%s [%s] %s: got %s (%s), want %s", c.name, c.scenario, c.description, got, reason, want)
			}
		}
	}
	t.Logf("arc conformance: %d/%d passed", passed, total)
	for _, f := range failedKnown {
		t.Logf("known failure %s", f)
	}
}
