package selftest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The encrypted zip opens with its password (ZipCrypto, APPNOTE §6.1) and
// is flagged as encrypted, as archivers and Vigie's attach check read it.
func TestZipEncrypted(t *testing.T) {
	s, err := zipEncrypted("facture.txt", "contenu de test", "2580")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := base64.StdEncoding.DecodeString(strings.ReplaceAll(s, "\n", ""))
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	f := zr.File[0]
	if f.Flags&1 == 0 {
		t.Fatal("not flagged as encrypted")
	}
	rc, _ := f.OpenRaw()
	enc, _ := io.ReadAll(rc)
	var k zipKeys
	k.init("2580")
	var plain []byte
	for _, c := range enc {
		p := c ^ k.stream()
		k.update(p)
		plain = append(plain, p)
	}
	if got := string(plain[12:]); got != "contenu de test" {
		t.Fatalf("decrypted %q", got)
	}
	if plain[11] != byte(f.CRC32>>24) {
		t.Fatal("check byte is not the CRC's high byte")
	}
}

// An administrator's case directory adds cases; a malformed or colliding
// case is refused with the file named.
func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	good := "id: local-invoice\ncategory: attachment\nrule: \"attachment.md#reject\"\nexpect: stop\nfr: Facture\nen: Invoice\nmessage: |\n  From: a@{{.AttackDomain}}\n  To: {{.To}}\n\n  x\n"
	os.WriteFile(filepath.Join(dir, "local.yaml"), []byte(good), 0o644)
	cases, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cases {
		found = found || c.ID == "local-invoice"
	}
	if !found {
		t.Fatal("local case not loaded")
	}
	for name, body := range map[string]string{
		"dup.yaml":     strings.Replace(good, "local-invoice", "eicar-body", 1),
		"norule.yaml":  strings.Replace(good, "rule: \"attachment.md#reject\"\n", "", 1),
		"badtpl.yaml":  strings.Replace(good, "{{.To}}", "{{.Nope", 1),
		"unknown.yaml": good + "colour: blue\n",
	} {
		d := t.TempDir()
		os.WriteFile(filepath.Join(d, name), []byte(body), 0o644)
		if _, err := Load(d); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v, want one naming the file", name, err)
		}
	}
}

func FuzzParseCase(f *testing.F) {
	entries, _ := battery.ReadDir("battery")
	for _, e := range entries[:3] {
		b, _ := battery.ReadFile("battery/" + e.Name())
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := parseCase(b, "fuzz.yaml")
		if err != nil {
			return
		}
		c.Render(Vars{Domain: "d.test", To: "a@d.test"})
	})
}

// The IMAP response reader, fed anything: no panic, bounded reads.
func FuzzIMAPResponses(f *testing.F) {
	f.Add([]byte("* SEARCH 3 7\r\nv1 OK done\r\n"))
	f.Add([]byte("* 3 FETCH (UID 7 BODY[HEADER.FIELDS (SUBJECT)] {20}\r\nSubject: [SUSPECT] x\r\n)\r\nv1 OK\r\n"))
	f.Add([]byte("* 1 FETCH {99999999999}\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := &imapConn{r: bufio.NewReaderSize(bytes.NewReader(b), maxIMAPLine), w: io.Discard}
		lines, _ := c.cmd("NOOP")
		searchUIDs(lines)
		taggedHeader(strings.Join(lines, "\n"))
	})
}

func TestIMAPQuoteAndLiterals(t *testing.T) {
	if got := quote("a\"b\\c\r\nd"); got != `"a\"b\\cd"` {
		t.Errorf("quote: %s", got)
	}
	c := &imapConn{r: bufio.NewReader(strings.NewReader("* 1 FETCH (BODY[] {24}\r\nX-Vigie-Verdict: tag\r\n\r\n)\r\nv1 OK\r\n")), w: io.Discard}
	lines, err := c.cmd("UID FETCH 1 (BODY[])")
	if err != nil || len(lines) != 1 || !taggedHeader(lines[0]) || !strings.HasSuffix(lines[0], "\r\n)") {
		t.Fatalf("literal: %q %v", lines, err)
	}
}
