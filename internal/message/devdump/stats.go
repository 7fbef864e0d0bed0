package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"vigie.dev/vigie/internal/message"
)

func init() {
	if os.Getenv("STATS") == "" {
		return
	}
	files, _ := filepath.Glob(os.Getenv("STATS"))
	codes := map[string]int{}
	var total time.Duration
	var bytes int
	noFrom, noBody := 0, 0
	type slow struct{ f string; d time.Duration }
	var slows []slow
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		t := time.Now()
		m := message.Parse(raw, message.DefaultLimits())
		d := time.Since(t)
		total += d
		bytes += len(raw)
		slows = append(slows, slow{f, d})
		for _, x := range m.Defects {
			codes[x.Code+" "+x.Detail]++
		}
		if m.FromAddr().Addr == "" { noFrom++; fmt.Println("nofrom", f, m.Header.Get("From")) }
		if m.Text == "" && m.HTMLText == "" { noBody++; fmt.Println("nobody", f) }
	}
	sort.Slice(slows, func(i, j int) bool { return slows[i].d > slows[j].d })
	for _, s := range slows[:5] { fmt.Println("slow", s.f, s.d) }
	fmt.Printf("%d files, %d bytes, %v total, %v/msg, %.1f MB/s; noFrom=%d noBody=%d\n", len(files), bytes, total, total/time.Duration(len(files)), float64(bytes)/total.Seconds()/1e6, noFrom, noBody)
	type kv struct{ k string; v int }
	var kvs []kv
	for k, v := range codes { kvs = append(kvs, kv{k, v}) }
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].v > kvs[j].v })
	for _, x := range kvs { fmt.Println(x.v, x.k) }
	os.Exit(0)
}
