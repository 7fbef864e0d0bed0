package sieve

import (
	"fmt"
	"strconv"
	"strings"
)

// Effect is what an action does to a message, in the terms of an audit of
// a compromised mailbox (InterCERT fiche, actions 2.a and 6.a).
type Effect string

const (
	Forward   Effect = "forward"   // redirect, or a notify to a mailto: address
	Delete    Effect = "delete"    // discard, or fileinto a trash folder
	MarkRead  Effect = "mark-read" // addflag/setflag \Seen, fileinto :flags "\\Seen"
	Move      Effect = "move"      // fileinto another folder
	Reject    Effect = "reject"    // reject/ereject: bounced to the sender
	AutoReply Effect = "auto-reply"
)

// Action is one action command of a script and the conditions under which
// it runs.
type Action struct {
	// Index numbers the script's actions in order from 1: with the script
	// name it identifies the rule to disable.
	Index   int      `json:"index"`
	Command string   `json:"command"`
	Effects []Effect `json:"effects"`
	Targets []string `json:"targets,omitempty"` // forwarding addresses
	Folder  string   `json:"folder,omitempty"`
	Copy    bool     `json:"copy,omitempty"` // :copy: the user keeps a copy
	// When is the chain of conditions, rendered as Sieve ("" when the
	// action runs for every message).
	When string `json:"when,omitempty"`
	// Text is the command as written in the script.
	Text     string `json:"text"`
	Disabled bool   `json:"disabled,omitempty"` // inside "if false"
	start    int
	end      int
}

// Actions lists the actions of a parsed script that matter to an audit
// (keep, stop and require are left out). script is the text it was parsed
// from.
func Actions(script string, cmds []Command) []Action {
	var out []Action
	walk(script, cmds, nil, false, &out)
	return out
}

func walk(script string, cmds []Command, when []string, disabled bool, out *[]Action) {
	var prev []string // conditions of the if/elsif chain so far, negated
	for _, c := range cmds {
		switch c.Name {
		case "if", "elsif", "else":
			if c.Name == "if" {
				prev = nil
			}
			var cond []string
			cond = append(cond, when...)
			for _, p := range prev {
				cond = append(cond, "not "+p)
			}
			off := disabled
			if len(c.Tests) == 1 {
				t := RenderTest(c.Tests[0])
				cond = append(cond, t)
				prev = append(prev, t)
				if c.Name == "if" && c.Tests[0].Name == "false" {
					off = true
				}
			}
			walk(script, c.Block, cond, off, out)
			continue
		}
		a := Action{Command: c.Name, When: strings.Join(when, " and "), Disabled: disabled, start: c.Start, end: c.End}
		if c.End <= len(script) && c.Start <= c.End {
			a.Text = script[c.Start:c.End]
		}
		strs := func() []string {
			var s []string
			for _, arg := range c.Args {
				s = append(s, arg.Strings...)
			}
			return s
		}
		switch c.Name {
		case "redirect":
			a.Effects = []Effect{Forward}
			a.Targets = strs()
			a.Copy = hasTag(c.Args, ":copy")
		case "discard":
			a.Effects = []Effect{Delete}
		case "fileinto":
			a.Folder = lastString(c.Args)
			a.Copy = hasTag(c.Args, ":copy")
			if TrashFolder(a.Folder) {
				a.Effects = []Effect{Delete}
			} else {
				a.Effects = []Effect{Move}
			}
			if seen(tagValue(c.Args, ":flags")) {
				a.Effects = append(a.Effects, MarkRead)
			}
		case "addflag", "setflag":
			if seen(strs()) {
				a.Effects = []Effect{MarkRead}
			}
		case "reject", "ereject":
			a.Effects = []Effect{Reject}
		case "vacation":
			a.Effects = []Effect{AutoReply}
		case "notify":
			for _, s := range strs() {
				if strings.HasPrefix(strings.ToLower(s), "mailto:") {
					a.Effects = []Effect{Forward}
					a.Targets = append(a.Targets, strings.TrimPrefix(strings.TrimPrefix(s, "mailto:"), "MAILTO:"))
				}
			}
		}
		if len(a.Effects) == 0 {
			continue
		}
		a.Index = len(*out) + 1
		*out = append(*out, a)
	}
}

func hasTag(args []Arg, tag string) bool {
	for _, a := range args {
		if a.Tag == tag {
			return true
		}
	}
	return false
}

// tagValue returns the strings following a tag (":flags" "\\Seen").
func tagValue(args []Arg, tag string) []string {
	for i, a := range args {
		if a.Tag == tag && i+1 < len(args) {
			return args[i+1].Strings
		}
	}
	return nil
}

// lastString is the last string argument (fileinto's folder).
func lastString(args []Arg) string {
	for i := len(args) - 1; i >= 0; i-- {
		if len(args[i].Strings) > 0 {
			return args[i].Strings[len(args[i].Strings)-1]
		}
	}
	return ""
}

func seen(flags []string) bool {
	for _, f := range flags {
		for _, w := range strings.Fields(f) {
			if strings.EqualFold(w, `\Seen`) {
				return true
			}
		}
	}
	return false
}

// TrashFolder reports whether a folder name is a trash folder in the
// usual English and French names of mail clients and servers.
func TrashFolder(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	if i := strings.LastIndexAny(n, "./"); i >= 0 {
		n = n[i+1:]
	}
	switch n {
	case "trash", "deleted", "deleted items", "deleted messages", "corbeille", "éléments supprimés", "elements supprimes":
		return true
	}
	return false
}

// RenderTest writes a test back as Sieve, for people.
func RenderTest(t Test) string {
	var b strings.Builder
	b.WriteString(t.Name)
	for _, a := range t.Args {
		b.WriteByte(' ')
		b.WriteString(renderArg(a))
	}
	if len(t.Tests) > 0 {
		var ts []string
		for _, x := range t.Tests {
			ts = append(ts, RenderTest(x))
		}
		if t.Name == "not" && len(ts) == 1 {
			b.WriteString(" " + ts[0])
		} else {
			b.WriteString(" (" + strings.Join(ts, ", ") + ")")
		}
	}
	return b.String()
}

func renderArg(a Arg) string {
	switch {
	case a.Tag != "":
		return a.Tag
	case a.Num != nil:
		return strconv.FormatInt(*a.Num, 10)
	case a.List || len(a.Strings) != 1:
		q := make([]string, len(a.Strings))
		for i, s := range a.Strings {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	return strconv.Quote(a.Strings[0])
}

// Disable returns the script with the action of the given index wrapped in
// "if false { … }": the rule no longer runs, its text stays, and the
// script still compiles. An action already disabled is an error.
func Disable(script string, index int) (string, error) {
	cmds, err := Parse(script)
	if err != nil {
		return "", err
	}
	for _, a := range Actions(script, cmds) {
		if a.Index != index {
			continue
		}
		if a.Disabled {
			return "", fmt.Errorf("sieve: action %d (%s) is already disabled", index, a.Command)
		}
		return script[:a.start] + "if false { " + script[a.start:a.end] + " }" + script[a.end:], nil
	}
	return "", fmt.Errorf("sieve: the script has no action %d", index)
}

// Includes lists the personal scripts a script includes (RFC 6609
// "include"; ":global" scripts are the server's, not the user's).
func Includes(cmds []Command) []string {
	var out []string
	for _, c := range cmds {
		if c.Name == "include" && !hasTag(c.Args, ":global") {
			if s := lastString(c.Args); s != "" {
				out = append(out, s)
			}
		}
		out = append(out, Includes(c.Block)...)
	}
	return out
}
