package message

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestLooksLikeMessage(t *testing.T) {
	for _, c := range []struct {
		name, data string
		want       bool
	}{
		{"eml", "Received: from a by b; Mon, 1 Jan 2024 00:00:00 +0000\r\nFrom: a@b.example\r\nSubject: x\r\n\r\nbody", true},
		{"folded", "From: \"A\"\r\n <a@b.example>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n", true},
		{"mbox line", "From a@b.example Mon Jan  1 00:00:00 2024\nFrom: a@b.example\nMessage-ID: <x@y>\n\nbody", true},
		{"bom", "\xef\xbb\xbfMIME-Version: 1.0\nFrom: a@b.example\n\n", true},
		{"headers only", "From: a@b.example\nSubject: x", true},
		{"no From", "Date: Mon, 1 Jan 2024 00:00:00 +0000\nSubject: x\n\nbody", false},
		{"From alone", "From: a@b.example\nX-Thing: y\n\nbody", false},
		{"prose quoting a header", "Hello,\nFrom: a@b.example\nSubject: x\n", false},
		{"continuation first", " From: a@b.example\nSubject: x\n", false},
		{"csv", "From,Subject\na@b.example,x\n", false},
		{"empty", "", false},
		{"binary", "\x00\x01From: a\n", false},
	} {
		if got := LooksLikeMessage([]byte(c.data)); got != c.want {
			t.Errorf("%s: LooksLikeMessage(%q) = %v, want %v", c.name, c.data, got, c.want)
		}
	}
}

// A header block longer than the window is judged on what the window
// holds.
func TestLooksLikeMessageLongHeader(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("From: a@b.example\r\n")
	for b.Len() < 2*maxMessageHead {
		fmt.Fprintf(&b, "Received: from relay%d.example by mx.example; Mon, 1 Jan 2024 00:00:00 +0000\r\n", b.Len())
	}
	if !LooksLikeMessage(b.Bytes()) {
		t.Error("long header block not recognised")
	}
}

// Only the first maxEnclosed messages are kept, and only while their bytes
// fit; all are still walked into.
func TestEnclosedBounds(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: a@b.example\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n")
	for i := range maxEnclosed + 2 {
		fmt.Fprintf(&b, "--z\r\nContent-Type: message/rfc822\r\n\r\nFrom: n%d@b.example\r\nSubject: %d\r\n\r\nbody %d\r\n", i, i, i)
	}
	b.WriteString("--z\r\nContent-Type: message/rfc822\r\n\r\nFrom: big@b.example\r\n\r\n" + strings.Repeat("x", maxEnclosedBytes) + "\r\n--z--\r\n")
	m := Parse([]byte(b.String()), Limits{})
	if len(m.Enclosed) != maxEnclosed || m.Enclosed[0].Path != "1" || !bytes.HasPrefix(m.Enclosed[0].Raw, []byte("From: n0@")) {
		t.Fatalf("%d enclosed, first %+v", len(m.Enclosed), m.Enclosed[0].Path)
	}
	if !strings.Contains(m.Text, fmt.Sprintf("body %d", maxEnclosed+1)) {
		t.Error("messages beyond the bound not walked into")
	}
	one := Parse([]byte("Content-Type: message/rfc822\r\n\r\nFrom: big@b.example\r\n\r\n"+strings.Repeat("x", maxEnclosedBytes)), Limits{})
	if len(one.Enclosed) != 0 {
		t.Error("message beyond maxEnclosedBytes kept")
	}
}

func FuzzLooksLikeMessage(f *testing.F) {
	for _, s := range []string{"From: a@b\nDate: x\n\n", "From x\nFrom: a\nSubject: b", "a:\n b\nfrom:c\nreceived:d"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := LooksLikeMessage(data)
		if got && !bytes.Contains(bytes.ToLower(data[:min(len(data), maxMessageHead+3)]), []byte("from")) {
			t.Fatalf("LooksLikeMessage(%q) without a From", data)
		}
		// What a message's header is, it is with any body after it.
		if got && bytes.Contains(data, []byte("\n\n")) && !LooksLikeMessage(append(bytes.Clone(data), "\n\nmore"...)) {
			t.Fatalf("LooksLikeMessage(%q) changed by a body", data)
		}
	})
}
