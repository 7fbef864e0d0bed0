package message

import (
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkCorpusPhish(b *testing.B) {
	files, _ := filepath.Glob("../../../shared/corpus/phish/*.eml")
	if len(files) == 0 {
		b.Skip("no corpus")
	}
	var raws [][]byte
	n := 0
	for _, f := range files {
		r, _ := os.ReadFile(f)
		raws = append(raws, r)
		n += len(r)
	}
	b.SetBytes(int64(n / len(raws)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Parse(raws[i%len(raws)], DefaultLimits())
	}
}
