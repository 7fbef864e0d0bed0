package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/report"
)

// conformance is the shared corpus of schemas (OASIS STIX 2.1, X-ARF v4)
// and the MISP core format specification.
const conformance = "../../../../shared/corpus/conformance"

// compiler loads every schema under dir by its $id.
func compiler(t *testing.T, dir string) (*jsonschema.Compiler, map[string]string) {
	t.Helper()
	comp := jsonschema.NewCompiler()
	comp.AssertFormat()
	ids := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return err
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		rel, _ := filepath.Rel(dir, path)
		ids[filepath.ToSlash(rel)] = id
		return comp.AddResource(id, doc)
	})
	if err != nil {
		t.Fatalf("schemas %s: %v", dir, err)
	}
	return comp, ids
}

func validate(t *testing.T, comp *jsonschema.Compiler, id string, doc []byte) {
	t.Helper()
	sch, err := comp.Compile(id)
	if err != nil {
		t.Fatalf("compile %s: %v", id, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("%s: %v\n%s", id, err, doc)
	}
}

// watchedCase is the campaign case plus the attacker's sign-in IP put on
// watch (InterCERT 7.a), the way the fiches share it.
func watchedCase(t *testing.T) (incident.Case, *incident.Service) {
	t.Helper()
	c, svc := campaignService(t)
	if _, err := svc.Block(context.Background(), c.Incident.ID, incident.BlockRequest{Values: []string{"ip:198.51.100.9"}, Mode: "watch", By: "bob"}); err != nil {
		t.Fatal(err)
	}
	c, err := svc.Load(context.Background(), c.Incident.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c, svc
}

var stixID = regexp.MustCompile(`^[a-z0-9-]+--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestSTIXConformance(t *testing.T) {
	c, svc := watchedCase(t)
	comp, ids := compiler(t, filepath.Join(conformance, "stix2.1", "schemas"))
	bundle := func(c incident.Case, tlp string) ([]byte, []map[string]any) {
		t.Helper()
		var out bytes.Buffer
		if err := report.STIX(&out, c, report.ShareOptions{Org: "CH Exemple", TLP: tlp}); err != nil {
			t.Fatal(err)
		}
		var b struct {
			Objects []map[string]any `json:"objects"`
		}
		json.Unmarshal(out.Bytes(), &b)
		return out.Bytes(), b.Objects
	}
	raw, objs := bundle(c, "ambre")
	validate(t, comp, ids["common/bundle.json"], raw)
	schemaOf := map[string]string{"indicator": "sdos/indicator.json", "identity": "sdos/identity.json",
		"report": "sdos/report.json", "marking-definition": "common/marking-definition.json"}
	byID := map[string]map[string]any{}
	for _, o := range objs {
		typ := o["type"].(string)
		b, _ := json.Marshal(o)
		validate(t, comp, ids[schemaOf[typ]], b)
		id := o["id"].(string)
		// STIX 2.1 §2.9: the id is TYPE--UUID, and unique in the bundle.
		if !stixID.MatchString(id) || !strings.HasPrefix(id, typ+"--") {
			t.Errorf("id %s", id)
		}
		if byID[id] != nil {
			t.Errorf("id %s twice", id)
		}
		byID[id] = o
		// §3.2: modified is later than or equal to created.
		if m, ok := o["modified"].(string); ok && m < o["created"].(string) {
			t.Errorf("%s modified %s before created %s", id, m, o["created"])
		}
	}
	// Every reference resolves inside the bundle; every indicator and the
	// report carry the TLP 2.0 AMBER marking.
	amber := "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
	if byID[amber] == nil {
		t.Error("the TLP:AMBER marking definition is not in the bundle")
	}
	var patterns []string
	watched := false
	for id, o := range byID {
		for _, ref := range refs(o) {
			if byID[ref] == nil {
				t.Errorf("%s refers to %s, not in the bundle", id, ref)
			}
		}
		if o["type"] == "indicator" || o["type"] == "report" {
			if m, _ := o["object_marking_refs"].([]any); len(m) != 1 || m[0] != amber {
				t.Errorf("%s marking %v", id, o["object_marking_refs"])
			}
		}
		if o["type"] == "indicator" {
			patterns = append(patterns, o["pattern"].(string))
			if o["pattern"] == "[ipv4-addr:value = '198.51.100.9']" {
				watched = slices.Contains(o["indicator_types"].([]any), any("anomalous-activity"))
			}
		}
	}
	all := strings.Join(patterns, "\n")
	for _, want := range []string{
		"[url:value = 'https://chorus-pro-factures.weebly.com/consulter?id=88213']",
		"[domain-name:value = 'chorus-pro-factures.weebly.com']",
		"[ipv4-addr:value = '203.0.113.45']",
		"[email-addr:value = 'notification-choruspro-fr@abatos.fr']",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no pattern %s in\n%s", want, all)
		}
	}
	if !watched {
		t.Error("the watched attacker IP is not shared as anomalous activity")
	}

	// The same case exported twice is the same bundle.
	if again, _ := bundle(c, "amber"); !bytes.Equal(again, raw) {
		t.Error("STIX export is not deterministic")
	}
	// A change (one more indicator pushed) keeps every id and created,
	// and moves modified forward on what changed only (§3.6 versioning).
	if _, err := svc.Block(context.Background(), c.Incident.ID, incident.BlockRequest{Values: []string{"https://chorus-pro-factures.weebly.com/consulter?id=88213"}, Mode: "block", By: "bob"}); err != nil {
		t.Fatal(err)
	}
	c2, _ := svc.Load(context.Background(), c.Incident.ID)
	_, objs2 := bundle(c2, "amber")
	moved := 0
	for _, o := range objs2 {
		old := byID[o["id"].(string)]
		if old == nil {
			t.Errorf("new id %s after a change", o["id"])
			continue
		}
		if o["created"] != old["created"] {
			t.Errorf("%s created %v → %v", o["id"], old["created"], o["created"])
		}
		if o["modified"] != old["modified"] {
			moved++
			if o["modified"].(string) < old["modified"].(string) {
				t.Errorf("%s modified went back", o["id"])
			}
		}
	}
	if moved != 2 { // the pushed URL indicator and the report
		t.Errorf("%d objects changed their modified, want 2", moved)
	}
	// TLP: unknown or TLP 1.0 names are refused; French and English 2.0
	// names give the same marking.
	for _, bad := range []string{"white", "blanc", "orange", "rose"} {
		if err := report.STIX(&bytes.Buffer{}, c, report.ShareOptions{TLP: bad}); err == nil {
			t.Errorf("TLP %q accepted", bad)
		}
	}
	for fr, en := range map[string]string{"rouge": "red", "clair": "clear", "vert": "green", "ambre+strict": "TLP:AMBER+STRICT"} {
		a, _ := bundle(c, fr)
		b, _ := bundle(c, en)
		if !bytes.Equal(a, b) {
			t.Errorf("TLP %s and %s differ", fr, en)
		}
	}
}

// refs lists the identifiers an object refers to.
func refs(o map[string]any) []string {
	var out []string
	if s, ok := o["created_by_ref"].(string); ok {
		out = append(out, s)
	}
	for _, k := range []string{"object_refs", "object_marking_refs"} {
		l, _ := o[k].([]any)
		for _, v := range l {
			out = append(out, v.(string))
		}
	}
	return out
}

var uuidRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// TestMISPConformance checks the event against the MUSTs of the MISP core
// format (conformance/misp/misp-core-format.md).
func TestMISPConformance(t *testing.T) {
	spec, err := os.ReadFile(filepath.Join(conformance, "misp", "misp-core-format.md"))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := watchedCase(t)
	var out bytes.Buffer
	if err := report.MISP(&out, c, report.ShareOptions{Org: "CH Exemple", TLP: "rouge"}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Event map[string]any `json:"Event"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	ev := doc.Event
	str := func(m map[string]any, k string) string {
		t.Helper()
		s, ok := m[k].(string)
		if !ok {
			t.Errorf("%s is not a JSON string: %v", k, m[k])
		}
		return s
	}
	// Event: uuid, id, info, date, timestamps, org ids, distribution,
	// threat level, analysis MUST be present (as strings), published a boolean.
	for _, k := range []string{"uuid", "id", "info", "date", "timestamp", "publish_timestamp", "org_id", "orgc_id",
		"distribution", "threat_level_id", "analysis", "sharing_group_id"} {
		str(ev, k)
	}
	if _, ok := ev["published"].(bool); !ok {
		t.Error("published is not a boolean")
	}
	if !uuidRe.MatchString(str(ev, "uuid")) {
		t.Errorf("event uuid %v", ev["uuid"])
	}
	for _, k := range []string{"id", "timestamp", "publish_timestamp", "org_id", "orgc_id"} {
		if _, err := strconv.ParseUint(str(ev, k), 10, 64); err != nil {
			t.Errorf("%s %q is not an unsigned integer", k, ev[k])
		}
	}
	for _, k := range []string{"Org", "Orgc"} {
		o := ev[k].(map[string]any)
		for _, f := range []string{"id", "name", "uuid"} {
			str(o, f)
		}
	}
	// The valid category/type pairs are the spec's table.
	attrs := ev["Attribute"].([]any)
	if len(attrs) == 0 {
		t.Fatal("no attribute")
	}
	sawWatched := false
	for _, a := range attrs {
		m := a.(map[string]any)
		for _, k := range []string{"uuid", "id", "event_id", "category", "type", "value", "timestamp", "distribution", "sharing_group_id"} {
			str(m, k)
		}
		if d, ok := m["deleted"].(bool); !ok || d {
			t.Errorf("attribute deleted = %v, want false", m["deleted"])
		}
		if _, ok := m["to_ids"].(bool); !ok {
			t.Errorf("attribute to_ids = %v", m["to_ids"])
		}
		if m["distribution"] != "4" && m["sharing_group_id"] != "0" {
			t.Errorf("sharing_group_id %v with distribution %v", m["sharing_group_id"], m["distribution"])
		}
		if !bytes.Contains(spec, []byte(m["type"].(string))) || !bytes.Contains(spec, []byte(m["category"].(string))) {
			t.Errorf("type %v / category %v not in the MISP core format", m["type"], m["category"])
		}
		if m["value"] == "198.51.100.9" {
			sawWatched = true
			if m["to_ids"] != false {
				t.Error("the watched attacker IP is marked for IDS")
			}
		}
	}
	if !sawWatched {
		t.Error("the watched attacker IP is not shared")
	}
	var tags []string
	for _, tg := range ev["Tag"].([]any) {
		tags = append(tags, tg.(map[string]any)["name"].(string))
	}
	if !slices.Contains(tags, "tlp:red") {
		t.Errorf("tags %v, want tlp:red", tags)
	}
	if err := report.MISP(&bytes.Buffer{}, c, report.ShareOptions{TLP: "white"}); err == nil {
		t.Error("TLP white accepted")
	}
}

// TestXARFConformance validates the X-ARF report against the v4 schemas.
func TestXARFConformance(t *testing.T) {
	c, svc := watchedCase(t)
	comp, ids := compiler(t, filepath.Join(conformance, "xarf", "schemas", "v4"))
	doc, err := svc.Report(context.Background(), c.Incident.ID, incident.ReportRequest{Format: "xarf",
		Org: "CH Exemple", From: "abuse@example-hopital.fr", By: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	validate(t, comp, ids["xarf-v4-master.json"], doc.Data)
	validate(t, comp, ids["types/content-phishing.json"], doc.Data)
	var rep map[string]any
	json.Unmarshal(doc.Data, &rep)
	if rep["url"] != "https://chorus-pro-factures.weebly.com/consulter?id=88213" || rep["source_identifier"] != "chorus-pro-factures.weebly.com" {
		t.Errorf("report %v", rep)
	}
	ev := rep["evidence"].([]any)[0].(map[string]any)
	if ev["content_type"] != "message/rfc822" || !strings.HasPrefix(ev["hash"].(string), "sha256:") {
		t.Errorf("evidence %v", ev)
	}
	// Without a reporting mailbox there is no valid report.
	if _, err := svc.Report(context.Background(), c.Incident.ID, incident.ReportRequest{Format: "xarf", By: "alice"}); err == nil ||
		!strings.Contains(incident.Message(err, "fr"), "boîte abuse") {
		t.Errorf("xarf without contact: %v", err)
	}
}
