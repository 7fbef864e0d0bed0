package engine

import (
	"context"
	"os"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// FuzzScan runs the whole pipeline — parser, trace, every check — on
// arbitrary bytes: it must always return a verdict, quickly.
func FuzzScan(f *testing.F) {
	// A forward, so that the forward family's block search and rebuilt
	// original are fuzzed through the pipeline too, and a forward as
	// attachment for the attached message's scan.
	for _, name := range []string{"chorus-pro-phish.eml", "chorus-pro-official.eml", "modern/transfert-outlook-facture-pdf.eml", "modern/transfert-piece-jointe-outlook-facture-fournisseur.eml"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(message40KB())
	f.Add([]byte("From: a\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: application/zip; name=a.zip\r\nContent-Transfer-Encoding: base64\r\n\r\nUEsDBAoAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n--x--"))
	c := config.Default()
	c.Auth.Mode = "headers"
	c.Org.Domains = []string{"example-hopital.fr"}
	c.Org.VIPs = []string{"Claire Dubois"}
	s, err := New(&c, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		start := time.Now()
		v := s.Scan(context.Background(), raw, scan.Envelope{})
		if v == nil || v.Action == "" {
			t.Fatal("no verdict")
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("scan took %s", d)
		}
	})
}
