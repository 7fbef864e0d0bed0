package gateway

import (
	"bytes"
	"io"
	"strings"
	"testing"

	gomessage "github.com/emersion/go-message"
)

// TestWrapBody wraps messages of every shape the gateway passes on and
// reads the result back with go-message: the warning first, then the
// original content with its own content fields and bytes.
func TestWrapBody(t *testing.T) {
	const warning = "Vigie - comptabilité : coordonnées bancaires jamais vues."
	tests := []struct {
		name     string
		raw      string
		wantType string // the wrapped part's media type
		wantBody string // in the wrapped part's decoded body
		moved    []string
		mime     bool // MIME-Version added
	}{
		{"plain text without MIME fields", "From: a@example.org\r\nSubject: Facture\r\n\r\nIBAN FR76 3000\r\n",
			"text/plain", "IBAN FR76 3000", nil, true},
		{"quoted-printable text", "From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nR=C3=A9f=C3=A9rence\r\n",
			"text/plain", "Référence", []string{"Content-Type", "Content-Transfer-Encoding"}, false},
		{"folded content type", "From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n\tboundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nfacture jointe\r\n--b1--\r\n",
			"multipart/mixed", "facture jointe", []string{"Content-Type"}, false},
		{"LF line ends", "From: a@example.org\nContent-Type: text/html\n\n<p>IBAN</p>\n",
			"text/html", "<p>IBAN</p>", []string{"Content-Type"}, true},
		{"body without final line end", "From: a@example.org\r\n\r\nfin", "text/plain", "fin", nil, true},
		{"empty body", "From: a@example.org\r\n\r\n", "text/plain", "", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := WrapBody([]byte(tt.raw), warning)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(b.Moved, ",") != strings.Join(tt.moved, ",") || b.AddMIMEVersion != tt.mime {
				t.Errorf("moved %v mime %v, want %v %v", b.Moved, b.AddMIMEVersion, tt.moved, tt.mime)
			}
			out := b.Apply([]byte(tt.raw))
			e, err := gomessage.Read(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if n := len(e.Header.Values("Content-Type")); n != 1 {
				t.Errorf("%d Content-Type fields:\n%s", n, out)
			}
			if e.Header.Get("From") != "a@example.org" {
				t.Errorf("From lost:\n%s", out)
			}
			mr := e.MultipartReader()
			if mr == nil {
				t.Fatalf("not multipart:\n%s", out)
			}
			first, err := mr.NextPart()
			if err != nil {
				t.Fatal(err)
			}
			if w, _ := io.ReadAll(first.Body); !strings.Contains(string(w), warning) {
				t.Errorf("warning part %q", w)
			}
			orig, err := mr.NextPart()
			if err != nil {
				t.Fatal(err)
			}
			if ct, _, _ := orig.Header.ContentType(); ct != tt.wantType {
				t.Errorf("wrapped part is %s, want %s", ct, tt.wantType)
			}
			if body, _ := io.ReadAll(orig.Body); !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("wrapped body %q lacks %q", body, tt.wantBody)
			}
			if _, err := mr.NextPart(); err != io.EOF {
				t.Errorf("a third part: %v", err)
			}
		})
	}
}

// TestWrapBodyBoundary: a body that already contains the boundary Vigie
// would choose gets another one.
func TestWrapBodyBoundary(t *testing.T) {
	raw := []byte("From: a@example.org\r\n\r\nx\r\n")
	first := boundaryFor(raw)
	raw = append(raw, []byte("--"+first+"\r\n")...)
	b, err := WrapBody(raw, "w")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.ContentType, `"`+boundaryFor([]byte("From: a@example.org\r\n\r\nx\r\n"))+`"`) {
		t.Errorf("boundary collides with the body: %s", b.ContentType)
	}
}

// TestWrapBodyRefusesHeaderless: without a header/body separator nothing
// is wrapped (the header banner remains).
func TestWrapBodyRefusesHeaderless(t *testing.T) {
	for _, raw := range []string{"", "no separator at all", "\r\nbody only"} {
		if _, err := WrapBody([]byte(raw), "w"); err == nil {
			t.Errorf("%q wrapped", raw)
		}
	}
}

// FuzzWrapBody: any input either is refused or wraps into a message whose
// body ends with the closing boundary and still holds the original body.
func FuzzWrapBody(f *testing.F) {
	f.Add([]byte("From: a@example.org\r\nContent-Type: text/plain\r\n\r\nbody\r\n"))
	f.Add([]byte("A: b\n c\nContent-type: x\n\n"))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := WrapBody(raw, "avertissement")
		if err != nil {
			return
		}
		_, body, _ := splitMessage(raw)
		if !bytes.Contains(b.Body, body) {
			t.Fatal("original body lost")
		}
		out := b.Apply(raw)
		if !bytes.HasSuffix(out, []byte("--\r\n")) || !bytes.Contains(out, []byte("Content-Type: multipart/mixed")) {
			t.Fatalf("bad wrap:\n%q", out)
		}
	})
}
