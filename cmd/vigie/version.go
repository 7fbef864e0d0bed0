package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is the release, set at build time:
// go build -ldflags "-X main.version=1.4.0" ./cmd/vigie
var version = ""

func init() {
	register(command{Name: "version", Summary: "print the version, the source revision and the Go version", Run: runVersion})
}

// buildInfo describes the running binary.
type buildInfo struct {
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

func readBuildInfo() buildInfo {
	b := buildInfo{Version: version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Revision = s.Value
			case "vcs.time":
				b.Time = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	return b
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := fs.String("lang", "fr", "language: fr or en")
	asJSON := fs.Bool("json", false, "JSON output")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	b := readBuildInfo()
	if *asJSON {
		return writeJSON(stdout, b)
	}
	fmt.Fprintf(stdout, "vigie %s", b.Version)
	if b.Revision != "" {
		rev, dirty := "révision", "modifiée"
		if *lang == "en" {
			rev, dirty = "revision", "modified"
		}
		fmt.Fprintf(stdout, " (%s %.12s", rev, b.Revision)
		if b.Time != "" {
			fmt.Fprintf(stdout, ", %s", b.Time)
		}
		if b.Modified {
			fmt.Fprintf(stdout, ", %s", dirty)
		}
		fmt.Fprint(stdout, ")")
	}
	fmt.Fprintf(stdout, " %s %s\n", b.Go, b.Platform)
	return nil
}
