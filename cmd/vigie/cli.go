package main

import (
	"encoding/json"
	"io"
	"strings"
)

// multiFlag collects a repeated string flag (--ioc a --ioc b).
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// writeJSON writes v indented, for the --json outputs of the commands.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
