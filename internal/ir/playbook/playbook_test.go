package playbook

import (
	"strings"
	"testing"
)

func TestCatalogue(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Types(), ","); got != "mailbox-compromise,phishing-campaign" {
		t.Errorf("Types = %s", got)
	}
	// The InterCERT fiche has measures 1 to 10 and these 27 actions.
	want := "1.a 1.b 1.c 2.a 2.b 2.c 3 4.a 4.b 5.a 5.b 6.a 6.b 7.a 7.b 7.c 8.a 8.b 8.c 9.a 9.b 9.c 9.d 10.a 10.b"
	p, err := c.ForType("mailbox-compromise")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	measures := map[int]bool{}
	for _, it := range p.Items {
		ids = append(ids, it.ID)
		measures[it.Measure] = true
	}
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("InterCERT actions:\n got %s\nwant %s", got, want)
	}
	for m := 1; m <= 10; m++ {
		if !measures[m] {
			t.Errorf("measure %d missing", m)
		}
	}
	// Priorities as in the fiche's table.
	prio := map[int]Priority{1: "P0", 2: "P0", 3: "P1", 4: "P1", 5: "P1", 6: "P2", 7: "P2", 8: "P3", 9: "P4", 10: "P4"}
	for _, it := range p.Items {
		if it.Priority != prio[it.Measure] {
			t.Errorf("action %s: priority %s, want %s", it.ID, it.Priority, prio[it.Measure])
		}
	}
	if it, ok := c.Item(p.ID, "7.c"); !ok || len(it.Notes) == 0 || it.Notes[0].Kind != "IMPACT" {
		t.Errorf("7.c lost its IMPACT note: %+v", it)
	}
}

func TestChecklistOrder(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range c.Types() {
		items, err := c.Checklist(typ)
		if err != nil {
			t.Fatal(err)
		}
		last := -1
		var cnil bool
		for _, it := range items {
			if r := it.Priority.Rank(); r < last {
				t.Errorf("%s: %s (%s) after a lower priority", typ, it.ID, it.Priority)
			} else {
				last = r
			}
			if it.ID == "D.cnil" {
				cnil = it.DeadlineHours == 72 && it.Condition == "personal-data"
			}
		}
		if !cnil {
			t.Errorf("%s: no CNIL declaration with a 72-hour deadline", typ)
		}
		if items[0].Priority != "P0" {
			t.Errorf("%s: first item %s is %s", typ, items[0].ID, items[0].Priority)
		}
	}
	if _, err := c.Checklist("ransomware"); err == nil {
		t.Error("Checklist of an unknown type succeeded")
	}
}

func TestParseRejects(t *testing.T) {
	for name, src := range map[string]string{
		"no items":      "id: x\ntitle_fr: a\ntitle_en: b\n",
		"bad priority":  "id: x\ntitle_fr: a\ntitle_en: b\nitems:\n - {id: a, priority: P9, title_fr: t, title_en: t, text_fr: t}\n",
		"duplicate":     "id: x\ntitle_fr: a\ntitle_en: b\nitems:\n - {id: a, priority: P0, title_fr: t, title_en: t, text_fr: t}\n - {id: a, priority: P0, title_fr: t, title_en: t, text_fr: t}\n",
		"unknown field": "id: x\ntitle_fr: a\ntitle_en: b\ncolour: red\nitems:\n - {id: a, priority: P0, title_fr: t, title_en: t, text_fr: t}\n",
		"note kind":     "id: x\ntitle_fr: a\ntitle_en: b\nitems:\n - {id: a, priority: P0, title_fr: t, title_en: t, text_fr: t, notes: [{kind: NB, fr: x, en: y}]}\n",
		"no english":    "id: x\ntitle_fr: a\ntitle_en: b\nitems:\n - {id: a, priority: P0, title_fr: t, text_fr: t}\n",
	} {
		if _, err := Parse([]byte(src)); err == nil {
			t.Errorf("%s: Parse succeeded", name)
		}
	}
}

func FuzzParse(f *testing.F) {
	b, _ := files.ReadFile("declarations.yaml")
	f.Add(b)
	f.Add([]byte("id: x\nitems: [{id: a}]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err == nil && (p.ID == "" || len(p.Items) == 0) {
			t.Fatalf("accepted an invalid playbook: %+v", p)
		}
	})
}
