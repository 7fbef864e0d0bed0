package journal

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sealed returns a chain of n entries sealed with s.
func sealed(t *testing.T, s Sealer, id int64, n int) []Entry {
	t.Helper()
	es := chain(t, id, n)
	for i := range es {
		seal, err := s.Seal(id, es[i].Head())
		if err != nil {
			t.Fatal(err)
		}
		es[i].Seal = seal
	}
	return es
}

// rechain rewrites every link after a change, the way someone with the
// database but without the key would.
func rechain(id int64, es []Entry) {
	prev := Genesis(id)
	for i := range es {
		es[i].Prev = prev
		es[i].Hash = es[i].Sum()
		prev = es[i].Hash
	}
}

func TestSealers(t *testing.T) {
	dir := t.TempDir()
	hmacPath := filepath.Join(dir, "hmac.key")
	os.WriteFile(hmacPath, []byte("  un secret d'au moins trente-deux octets, gardé hors de la base\n"), 0o600)
	_, priv, _ := ed25519.GenerateKey(nil)
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	edPath := filepath.Join(dir, "ed25519.pem")
	os.WriteFile(edPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	edSealer, err := LoadKey(edPath)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, _ := edSealer.(*Ed25519).Public()
	pubPath := filepath.Join(dir, "ed25519.pub")
	os.WriteFile(pubPath, pubPEM, 0o644)
	for _, path := range []string{hmacPath, edPath} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			s, err := LoadKey(path)
			if err != nil {
				t.Fatal(err)
			}
			checker := s
			if path == edPath {
				if checker, err = LoadKey(pubPath); err != nil {
					t.Fatal(err)
				}
				if _, err := checker.Seal(1, Head{}); err == nil {
					t.Error("a public key made a seal")
				}
			}
			es := sealed(t, s, 4, 5)
			head := es[4].Head()
			if err := Verify(4, es, Check{Head: head, Sealer: checker}); err != nil {
				t.Fatalf("sealed chain: %v", err)
			}
			// A full re-chain from the database: consistent links, no key.
			es[2].Text = "rien à signaler"
			rechain(4, es)
			err = Verify(4, es, Check{Head: es[4].Head(), Sealer: checker})
			var ce *ChainError
			if !errors.As(err, &ce) || ce.Seq != 3 || !strings.Contains(ce.FR(), "sceau") {
				t.Errorf("re-chained journal: %v", err)
			}
			// Without the key the same re-chain passes: that is what the
			// key is for.
			if err := Verify(4, es, Check{Head: es[4].Head()}); err != nil {
				t.Errorf("re-chain without key check: %v", err)
			}
		})
	}
	short := filepath.Join(dir, "short.key")
	os.WriteFile(short, []byte("court"), 0o600)
	if _, err := LoadKey(short); err == nil {
		t.Error("a 5-byte HMAC key was accepted")
	}
}

func TestAnchorsCatchTruncationAndRechain(t *testing.T) {
	const id = 9
	es := chain(t, id, 6)
	published := Anchor{Head: es[5].Head(), From: "rapport envoyé au CERT"}
	// The last entry is deleted and the head rewound to the one before:
	// the chain itself is consistent again.
	cut := es[:5]
	if err := Verify(id, cut, Check{Head: cut[4].Head()}); err != nil {
		t.Fatalf("truncated chain without anchor should look intact: %v", err)
	}
	err := Verify(id, cut, Check{Head: cut[4].Head(), Anchors: []Anchor{published}})
	var ce *ChainError
	if !errors.As(err, &ce) || !strings.Contains(ce.FR(), "tronquée") {
		t.Errorf("truncation against a published head: %v", err)
	}
	// A full re-chain after editing entry 2 no longer holds the old head.
	re := chain(t, id, 6)
	re[1].Text = "autre"
	rechain(id, re)
	if err := Verify(id, re, Check{Head: re[5].Head(), Anchors: []Anchor{published}}); err == nil {
		t.Error("re-chained journal verified against the published head")
	}
	// A hash given without its number is found at any position.
	if err := Verify(id, es, Check{Head: es[5].Head(), Anchors: []Anchor{{Head: Head{Hash: es[2].Hash}}}}); err != nil {
		t.Errorf("hash-only anchor: %v", err)
	}
}

func TestStateDigest(t *testing.T) {
	const id = 5
	es := chain(t, id, 3)
	state := NewDigest("case").Int(id).Str("aware").Time(time.Unix(1700000000, 0)).Sum()
	var prev *Entry = &es[1]
	last, err := Seal(id, prev, Draft{Author: "a", Text: "mise à jour", State: state}, es[1].At.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	es[2] = last
	if err := Verify(id, es, Check{Head: last.Head(), State: state}); err != nil {
		t.Fatalf("state: %v", err)
	}
	moved := NewDigest("case").Int(id).Str("aware").Time(time.Unix(1700000000-2*86400, 0)).Sum()
	err = Verify(id, es, Check{Head: last.Head(), State: moved})
	var ce *ChainError
	if !errors.As(err, &ce) || ce.Seq != 3 {
		t.Errorf("moved aware_at: %v", err)
	}
}

func TestWitness(t *testing.T) {
	w := OpenWitness(filepath.Join(t.TempDir(), "heads"))
	for i := int64(1); i <= 3; i++ {
		if err := w.Record(7, Head{Seq: i, Hash: strings.Repeat("a", int(i))}); err != nil {
			t.Fatal(err)
		}
	}
	w.Record(17, Head{Seq: 1, Hash: "b"})
	hs, err := w.Heads(7)
	if err != nil || len(hs) != 3 {
		t.Fatalf("heads = %v, %v", hs, err)
	}
	if l := Latest(hs); len(l) != 1 || l[0].Seq != 3 {
		t.Errorf("latest = %v", l)
	}
}

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Facture n° 42 — à régler", "Facture n° 42 — à régler"},
		{"ok\n#3  2024-03-12 fausse entrée", `ok\n#3  2024-03-12 fausse entrée`},
		{"\x1b[2J\x1b]0;titre\x07", `\u{001b}[2J\u{001b}]0;titre\u{0007}`},
		{"a\r\tb", `a\r\tb`},
		{"x\u202egnp.exe", `x\u{202e}gnp.exe`},
		{"l1\u2028l2\u0085", `l1\u{2028}l2\u{0085}`},
		{"bad\xffbyte", `bad\xffbyte`},
	}
	for _, tt := range tests {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.ContainsAny(Printable(tt.in), "\n\r\x1b\x07") {
			t.Errorf("Printable(%q) still has a control character", tt.in)
		}
	}
}

func FuzzPrintable(f *testing.F) {
	f.Add("a\nb\x1b[31m")
	f.Fuzz(func(t *testing.T, s string) {
		out := Printable(s)
		for _, r := range out {
			if unsafeRune(r) {
				t.Fatalf("Printable(%q) = %q keeps %U", s, out, r)
			}
		}
	})
}

// ParsePublicKey takes what Public writes and refuses anything that is
// not an ed25519 public key (the console's verify form takes it).
func TestParsePublicKey(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := NewEd25519(priv)
	pub, err := s.Public()
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParsePublicKey(pub, "test")
	if err != nil {
		t.Fatal(err)
	}
	h := Head{Seq: 1, Hash: strings.Repeat("ab", 32)}
	seal, err := s.Seal(7, h)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Check(7, h, seal); err != nil {
		t.Errorf("the public key does not check its private half's seal: %v", err)
	}
	if _, err := k.Seal(7, h); err == nil {
		t.Error("a public key sealed")
	}
	if k.Fingerprint() != s.Fingerprint() || !strings.HasPrefix(k.Fingerprint(), "sha256:") || len(k.Fingerprint()) != 23 {
		t.Errorf("fingerprints %q %q", k.Fingerprint(), s.Fingerprint())
	}
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	for name, b := range map[string][]byte{
		"private key": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		"HMAC secret": []byte(strings.Repeat("s", 40)),
		"bad DER":     pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte("junk")}),
		"too large":   []byte(strings.Repeat("x", maxKeyFile+1)),
		"empty":       nil,
	} {
		if _, err := ParsePublicKey(b, name); err == nil {
			t.Errorf("%s accepted as a public key", name)
		}
	}
}
