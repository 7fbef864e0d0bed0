package main

import (
	"fmt"
	"os"
	"time"
	"strings"

	"vigie.dev/vigie/internal/message"
)

func main() {
	for _, f := range os.Args[1:] {
		raw, _ := os.ReadFile(f)
		t := time.Now()
		m := message.Parse(raw, message.DefaultLimits())
		d := time.Since(t)
		fmt.Printf("== %s (%d bytes, %v)\nFrom=%+v\nTo=%+v\nSubject=%q\nMID=%q Date=%v\n", f, len(raw), d, m.From, m.To, m.Subject, m.MessageID, m.Date)
		for _, p := range m.Parts { fmt.Printf("  part %+v\n", p) }
		for _, a := range m.Attachments { fmt.Printf("  att %q %s sniff=%s size=%d trunc=%v\n", a.Filename, a.DeclaredType, a.SniffedType, a.Size, a.Truncated) }
		for _, u := range m.URLs { fmt.Printf("  url %s host=%s src=%s text=%q in=%q\n", trunc(u.Raw), u.Host, u.Source, u.Text, u.In) }
		fmt.Printf("  defects %+v\n  alts %q\n", m.Defects, m.ImageAlts)
		fmt.Printf("  TEXT: %q\n  HTMLTEXT: %q\n", trunc(m.Text), trunc(m.HTMLText))
	}
}
func trunc(s string) string { s = strings.ReplaceAll(s, "\n", "⏎"); if len(s) > 300 { return s[:300] + "…" }; return s }
