package auth

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
)

// TestARCMailAuthCorpus validates real chains (Google, and a chain of
// three) from the mail-auth corpus with the published keys served by DNS.
func TestARCMailAuthCorpus(t *testing.T) {
	tests := []struct {
		file    string
		sealers []string
	}{
		{"001.txt", []string{"google.com"}},
		{"002.txt", nil}, // sealers checked for being non-empty only
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			srv, raw := loadMailAuthCase(t, filepath.Join("testdata/mail-auth/arc", tt.file))
			fields, body := splitMessage(raw)
			res, sealers, reason := checkARC(context.Background(), srv.Resolver(), fields, body)
			if res != Pass {
				t.Fatalf("ARC = %s (%s), want pass", res, reason)
			}
			if tt.sealers != nil && !slices.Equal(sealers, tt.sealers) || len(sealers) == 0 {
				t.Errorf("sealers = %v, want %v", sealers, tt.sealers)
			}
			// Any change to a sealed field breaks the newest seal or AMS.
			tampered := strings.Replace(string(raw), "ARC-Authentication-Results: i=1;", "ARC-Authentication-Results: i=1; ", 1)
			tampered = strings.Replace(tampered, "Subject:", "Subject: Re:", 1)
			fields, body = splitMessage([]byte(tampered))
			if res, _, _ := checkARC(context.Background(), srv.Resolver(), fields, body); res != Fail {
				t.Errorf("tampered message: ARC = %s, want fail", res)
			}
		})
	}
}

// arcHeader builds a header with ARC sets described as "i:cv" for each
// seal; AMS and AAR are added for every instance unless listed in skip.
func arcHeader(seals []string, skip ...string) message.Header {
	var h message.Header
	add := func(name, v string) {
		if !slices.Contains(skip, fmt.Sprintf("%s:%s", name, strings.Fields(v)[0])) {
			h.Fields = append(h.Fields, message.Field{Name: name, Value: v, Raw: v})
		}
	}
	for k := len(seals) - 1; k >= 0; k-- {
		i, cv, _ := strings.Cut(seals[k], ":")
		d := "list" + i + ".example"
		add("ARC-Seal", fmt.Sprintf("i=%s; a=rsa-sha256; cv=%s; d=%s; s=s1; t=1; b=AAAA", i, cv, d))
		add("ARC-Message-Signature", fmt.Sprintf("i=%s; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=s1; h=from; bh=AAAA; b=AAAA", i, d))
		add("ARC-Authentication-Results", fmt.Sprintf("i=%s; mx.%s; spf=pass smtp.mailfrom=sender.example; dkim=pass header.d=sender.example; dmarc=pass header.from=sender.example", i, d))
	}
	h.Fields = append(h.Fields, message.Field{Name: "From", Value: "a@sender.example", Raw: "a@sender.example"})
	return h
}

func TestARCStructure(t *testing.T) {
	tests := []struct {
		name  string
		h     message.Header
		want  Result
		count int // sealers
	}{
		{"none", arcHeader(nil), None, 0},
		{"one", arcHeader([]string{"1:none"}), Pass, 1},
		{"three", arcHeader([]string{"1:none", "2:pass", "3:pass"}), Pass, 3},
		{"newest says fail", arcHeader([]string{"1:none", "2:fail"}), Fail, 2},
		{"first not none", arcHeader([]string{"1:pass"}), Fail, 1},
		{"second none", arcHeader([]string{"1:none", "2:none"}), Fail, 2},
		{"gap", arcHeader([]string{"1:none", "3:pass"}), Fail, 2},
		{"starts at 2", arcHeader([]string{"2:pass"}), Fail, 1},
		{"duplicate", arcHeader([]string{"1:none", "1:none"}), Fail, 1},
		{"missing AMS", arcHeader([]string{"1:none", "2:pass"}, "ARC-Message-Signature:i=2;"), Fail, 2},
		{"missing AAR", arcHeader([]string{"1:none"}, "ARC-Authentication-Results:i=1;"), Fail, 1},
		{"instance 51", arcHeader([]string{"51:pass"}), Fail, 0},
		{"instance 0", arcHeader([]string{"0:none"}), Fail, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := parseARCChain(headerFields(tt.h))
			if ch.result != tt.want || len(ch.sealers()) != tt.count {
				t.Errorf("chain = %s (%s), %d sealers %v; want %s, %d", ch.result, ch.reason, len(ch.sealers()), ch.sealers(), tt.want, tt.count)
			}
		})
	}
}

func TestARCResults(t *testing.T) {
	h := arcHeader([]string{"1:none", "2:pass"})
	tests := []struct {
		name    string
		h       message.Header
		trusted []string
		ok      bool
		source  string
	}{
		{"newest trusted", h, []string{"list2.example"}, true, "arc:list2.example"},
		{"older trusted", h, []string{"list1.example"}, true, "arc:list1.example"},
		{"wildcard", h, []string{"*.example"}, true, "arc:list2.example"},
		{"untrusted", h, []string{"list3.example"}, false, ""},
		{"trusted sealer saw a broken chain", arcHeader([]string{"1:none", "2:fail"}), []string{"list2.example"}, true, "arc:list2.example"},
		{"broken after the trusted sealer", arcHeader([]string{"1:none", "2:fail"}), []string{"list1.example"}, false, ""},
		{"incomplete chain", arcHeader([]string{"1:none", "2:pass"}, "ARC-Message-Signature:i=2;"), []string{"list1.example", "list2.example"}, false, ""},
		{"no chain", arcHeader(nil), []string{"list1.example"}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := ARCResults(tt.h, tt.trusted)
			if ok != tt.ok || r.Source != tt.source {
				t.Fatalf("ARCResults = %+v, %v; want ok=%v source %q", r, ok, tt.ok, tt.source)
			}
			if !ok {
				return
			}
			if r.SPF != Pass || r.SPFDomain != "sender.example" || r.DMARC != Pass || r.DMARCDomain != "sender.example" ||
				!slices.Equal(r.DKIMPass(), []string{"sender.example"}) || len(r.ARCSealers) != 2 {
				t.Errorf("results = %+v", r)
			}
		})
	}

	// A real Google ARC-Authentication-Results.
	_, raw := loadMailAuthCase(t, "testdata/mail-auth/arc/001.txt")
	r, ok := ARCResults(headerOf(raw), []string{"google.com"})
	if !ok {
		t.Fatal("google.com chain not used")
	}
	if r.SPF != Pass || r.SPFDomain != "ietf.org" || r.DMARC != Fail || r.DMARCDomain != "stalw.art" {
		t.Errorf("google results = %+v", r)
	}
	if got := r.DKIMPass(); !slices.Equal(got, []string{"ietf.org", "ietf.org"}) {
		t.Errorf("dkim pass = %v", got)
	}
}
