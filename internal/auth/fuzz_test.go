package auth

import (
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/dnsx"
)

// keyResolver answers every TXT query with one key record, in memory: the
// fuzz targets must not touch the network.
type keyResolver struct{ rec string }

func (k keyResolver) LookupTXT(_ context.Context, name string) ([]string, error) {
	if k.rec == "" {
		return nil, &dnsx.Error{Name: name, Type: "TXT", Kind: dnsx.KindNotFound}
	}
	return []string{k.rec}, nil
}
func (keyResolver) LookupIP(_ context.Context, h string) ([]netip.Addr, error) {
	return nil, &dnsx.Error{Name: h, Type: "A/AAAA", Kind: dnsx.KindNotFound}
}
func (keyResolver) LookupMX(_ context.Context, n string) ([]*net.MX, error) {
	return nil, &dnsx.Error{Name: n, Type: "MX", Kind: dnsx.KindNotFound}
}
func (keyResolver) LookupAddr(_ context.Context, ip netip.Addr) ([]string, error) {
	return nil, &dnsx.Error{Name: ip.String(), Type: "PTR", Kind: dnsx.KindNotFound}
}

func addCorpusSeeds(f *testing.F, globs ...string) {
	for _, g := range globs {
		files, _ := filepath.Glob(g)
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
}

// FuzzARC feeds arbitrary messages to the ARC parser, the structural
// validation, the signature checks and ARCResults.
func FuzzARC(f *testing.F) {
	addCorpusSeeds(f, "testdata/mail-auth/arc/*.txt", "testdata/dkim/*.msg")
	f.Add([]byte("ARC-Seal: i=1; a=rsa-sha256; cv=none; d=x.example; s=s; b=AAAA\r\n" +
		"ARC-Message-Signature: i=1; a=rsa-sha256; d=x.example; s=s; h=from; bh=AAAA; b=AAAA\r\n" +
		"ARC-Authentication-Results: i=1; x.example; spf=pass smtp.mailfrom=a@b.example\r\n\r\nbody\r\n"))
	key := strings.TrimSpace(readFileF(f, "testdata/dkim/test.txt"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		fields, body := splitMessage(raw)
		checkARC(context.Background(), keyResolver{key}, fields, body)
		ARCResults(headerOf(raw), []string{"x.example", "*.example"})
	})
}

// FuzzTagList checks the RFC 6376 tag-list parser and the b= remover.
func FuzzTagList(f *testing.F) {
	for _, s := range []string{"v=1; a=rsa-sha256; b=abc; bh=def", "a=; b", ";;", " b = x ; ", "i=1; cv=none;", "k=ed25519; p="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags, err := parseTagList(s)
		if err == nil {
			for name := range tags {
				if !validTagName(name) {
					t.Fatalf("accepted tag name %q", name)
				}
			}
		}
		out := removeSigValue("X:" + s)
		if !strings.HasPrefix(out, "X:") {
			t.Fatalf("removeSigValue lost the field name: %q", out)
		}
		parseKeyRecord(s, "rsa")
		parseKeyRecord(s, "ed25519")
	})
}

// FuzzDMARCRecord checks the DMARC record reader.
func FuzzDMARCRecord(f *testing.F) {
	for _, s := range []string{"v=DMARC1; p=reject", "v=DMARC1;p=quarantine;sp=none;pct=20;rua=mailto:a@b", "v=DMARC1; p=x; rua=y:z", "v=DMARC1; pct=-1; p=none"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rec, err := parseDMARC(s)
		if err == nil && rec == nil {
			t.Fatal("nil record without error")
		}
		if err == nil {
			evalDMARC(dmarcLookup{rec: rec, domain: "example.com"}, "a.example.com", Results{}, sampler(s))
		}
	})
}

// FuzzSPFRecord checks the RFC 7208 §12 syntax checker.
func FuzzSPFRecord(f *testing.F) {
	for _, s := range []string{"v=spf1 -all", "v=spf1 a:%{d}.x.example/24//64 mx ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.com exists:%{ir}.%{l1r+-}.x.example redirect=x.example exp=e.example ~all",
		"v=spf1 a:foo:bar/baz.example.com", "v=spf1 %{", "v=spf1 exp=%{c}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSPFRecord(s)
	})
}

// FuzzAuthResults checks the one Authentication-Results reader: it keeps
// its bounds, never returns nothing without an error, and what it reads
// merges into Results that can always be written back. Received-SPF is
// read with the same tokenizer.
func FuzzAuthResults(f *testing.F) {
	for _, s := range []string{
		"mx.google.com; dkim=pass header.i=@ietf.org header.s=ietf1; spf=pass smtp.mailfrom=a@ietf.org; dmarc=fail (p=NONE) header.from=stalw.art",
		"x; none",
		"spf=pass (sender IP is 198.51.100.55) smtp.mailfrom=mg.example.com; dkim=pass (signature was verified) header.d=mg.example.com;dmarc=bestguesspass action=none header.from=mg.example.com;compauth=pass reason=109",
		`lists.example.com; dkim=fail reason="signature verification failed" (1024-bit key; unprotected) header.d=example.be header.b="R2fp79iK"; dkim-atps=neutral`,
		"mx.example.net 1; dkim/1 = pass (good (nested)) header.d = example.org ; spf=none",
		"Pass (mx: domain of a@b.example designates 192.0.2.1 as permitted sender) receiver=mx; client-ip=192.0.2.1; envelope-from=<a@b.example>; helo=b.example;",
		`a; b="\"; c=(`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, res, err := ParseAuthResults(s)
		if err == nil && len(res) == 0 && id == "" {
			t.Fatal("no error, no authserv-id and no result")
		}
		if len(res) > maxMethods {
			t.Fatalf("%d results", len(res))
		}
		var r Results
		r.Merge(res)
		r.Merge(res)
		if len(r.DKIM) > maxMethods {
			t.Fatalf("%d DKIM results kept", len(r.DKIM))
		}
		FormatAuthResults(id, r)
		ParseReceivedSPF(s)
	})
}

// FuzzCanon checks message splitting and canonicalization.
func FuzzCanon(f *testing.F) {
	addCorpusSeeds(f, "testdata/dkim/*.message")
	f.Add([]byte("A: b\n c\n\nbody  \t\n\n\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		fields, body := splitMessage(raw)
		for _, fl := range fields {
			if !strings.HasSuffix(fl.text, "\r\n") {
				t.Fatalf("field without CRLF: %q", fl.text)
			}
			canonHeaderRelaxed(fl.name, fieldValue(fl))
		}
		if b := canonBodyRelaxed(body); len(b) > 0 && !strings.HasSuffix(string(b), "\r\n") {
			t.Fatalf("relaxed body without final CRLF")
		}
		if b := canonBodySimple(body); !strings.HasSuffix(string(b), "\r\n") {
			t.Fatalf("simple body without final CRLF")
		}
	})
}

func readFileF(f *testing.F, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return string(b)
}
