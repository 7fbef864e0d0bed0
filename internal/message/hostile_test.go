package message

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// measure parses raw and reports how long it took and how many bytes were
// allocated meanwhile.
func measure(t *testing.T, raw []byte, lim Limits) (*Message, time.Duration, uint64) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	// CPU time of this thread, not wall time: the budget is about the
	// parser's work, which other jobs on a loaded machine do not change.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := threadCPU(t)
	m := Parse(raw, lim)
	d := threadCPU(t) - start
	runtime.ReadMemStats(&after)
	for _, def := range m.Defects {
		if strings.Contains(def.Detail, "internal parser error") {
			t.Fatalf("parser panicked: %s", def.Detail)
		}
	}
	return m, d, after.TotalAlloc - before.TotalAlloc
}

func threadCPU(t *testing.T) time.Duration {
	t.Helper()
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		t.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// quick fails the test when parsing took more than the hostile-input budget.
func quick(t *testing.T, d time.Duration) {
	t.Helper()
	// The scan's per-message deadline is 10 s; parsing must leave most of
	// it to the checks even under the race detector (about 0.1 s of CPU
	// without it).
	if d > 5*time.Second {
		t.Errorf("took %v of CPU, budget 5s", d)
	}
}

const hostileHeader = "From: attacker@example.net\r\nTo: victim@example.org\r\nSubject: hostile\r\nMIME-Version: 1.0\r\n"

func TestHostile50MBAttachment(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 100 MB")
	}
	var b bytes.Buffer
	b.WriteString(hostileHeader)
	b.WriteString("Content-Type: multipart/mixed; boundary=big\r\n\r\n--big\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n")
	b.WriteString("--big\r\nContent-Type: application/octet-stream; name=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	line := b64encode(strings.Repeat("MZ payload ", 6)[:57]) + "\r\n" // one 76-character line
	for b.Len() < 55<<20 {
		b.WriteString(line)
	}
	b.WriteString("--big--\r\n")
	raw := b.Bytes()

	m, d, alloc := measure(t, raw, DefaultLimits())
	quick(t, d)
	if !m.HasDefect(DefectOversize) || m.Size != int64(len(raw)) {
		t.Errorf("Size %d, defects %+v", m.Size, m.Defects)
	}
	if len(m.Attachments) != 1 {
		t.Fatalf("Attachments = %d", len(m.Attachments))
	}
	a := m.Attachments[0]
	if !a.Truncated || int64(len(a.Data)) != DefaultLimits().MaxPartBytes || a.Size <= int64(len(a.Data)) || len(a.SHA256) != 64 {
		t.Errorf("attachment: Truncated %v, kept %d, Size %d", a.Truncated, len(a.Data), a.Size)
	}
	if m.Text != "see attachment" {
		t.Errorf("Text = %q", m.Text)
	}
	if alloc > 2*uint64(len(raw)) {
		t.Errorf("allocated %d MB for a %d MB message", alloc>>20, len(raw)>>20)
	}
	t.Logf("55 MB attachment: %v, %d MB allocated", d, alloc>>20)
}

func TestHostile50MBText(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 100 MB")
	}
	var b bytes.Buffer
	b.WriteString(hostileHeader)
	b.WriteString("Content-Type: text/html; charset=utf-8\r\n\r\n")
	chunk := `<p>Texte <a href="https://spam.example/x">lien</a> &eacute;t&eacute; www.spam.example/y</p>` + "\r\n"
	for b.Len() < 50<<20 {
		b.WriteString(chunk)
	}
	raw := b.Bytes()
	m, d, alloc := measure(t, raw, DefaultLimits())
	quick(t, d)
	lim := DefaultLimits()
	if !m.HasDefect(DefectOversize) || len(m.HTML) > lim.MaxTextBytes || len(m.HTMLText) > lim.MaxTextBytes || len(m.URLs) == 0 {
		t.Errorf("HTML %d HTMLText %d URLs %d defects %+v", len(m.HTML), len(m.HTMLText), len(m.URLs), m.Defects)
	}
	if alloc > uint64(len(raw)) {
		t.Errorf("allocated %d MB for a %d MB message", alloc>>20, len(raw)>>20)
	}
	t.Logf("50 MB HTML: %v, %d MB allocated", d, alloc>>20)
}

func TestHostileDeepNesting(t *testing.T) {
	var b strings.Builder
	b.WriteString(hostileHeader)
	for i := range 100 {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"level%d\"\r\n\r\n--level%d\r\n", i, i)
	}
	b.WriteString("Content-Type: text/plain\r\n\r\ndeep inside\r\n")
	for i := 99; i >= 0; i-- {
		fmt.Fprintf(&b, "--level%d--\r\n", i)
	}
	m, d, _ := measure(t, []byte(b.String()), DefaultLimits())
	quick(t, d)
	if !m.HasDefect(DefectDepth) {
		t.Errorf("defects %+v", m.Defects)
	}
	if len(m.Parts) != DefaultLimits().MaxDepth+1 {
		t.Errorf("%d parts", len(m.Parts))
	}

	// message/rfc822 inside message/rfc822, as deep.
	b.Reset()
	for range 100 {
		b.WriteString("Subject: fwd\r\nContent-Type: message/rfc822\r\n\r\n")
	}
	b.WriteString("Subject: last\r\n\r\nbody\r\n")
	m, d, _ = measure(t, []byte(b.String()), DefaultLimits())
	quick(t, d)
	if !m.HasDefect(DefectDepth) {
		t.Errorf("rfc822 nesting: defects %+v", m.Defects)
	}
}

func TestHostileDeclaredGigabyte(t *testing.T) {
	var b strings.Builder
	b.WriteString(hostileHeader)
	b.WriteString("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n")
	b.WriteString("Content-Type: application/octet-stream; name=\"huge.iso\"; size=1000000000\r\n")
	b.WriteString("Content-Length: 1000000000\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	b.WriteString(wrap76(b64encode(strings.Repeat("A", 1<<20))))
	// The message stops here: no more data, no close delimiter.
	m, d, alloc := measure(t, []byte(b.String()), DefaultLimits())
	quick(t, d)
	if !m.HasDefect(DefectMIME) || len(m.Attachments) != 1 || m.Attachments[0].Size != 1<<20 {
		t.Errorf("defects %+v attachments %d", m.Defects, len(m.Attachments))
	}
	if alloc > 16<<20 {
		t.Errorf("allocated %d MB for a 1.4 MB message", alloc>>20)
	}
}

func TestHostileHugeHeader(t *testing.T) {
	var b strings.Builder
	b.WriteString(hostileHeader)
	for i := range 100000 {
		fmt.Fprintf(&b, "X-Filler-%06d: %s\r\n", i, "padding value")
	}
	b.WriteString("\r\nthe body\r\n")
	m, d, alloc := measure(t, []byte(b.String()), DefaultLimits())
	quick(t, d)
	if !m.HasDefect(DefectHeaderBig) || m.Subject != "hostile" || m.Text != "the body\n" {
		t.Errorf("defects %+v subject %q text %q", m.Defects, m.Subject, m.Text)
	}
	if n := len(m.Header.Fields); n == 0 || n >= 100000 {
		t.Errorf("%d fields kept", n)
	}
	t.Logf("100,000-line header (%d MB): %v, %d MB allocated", b.Len()>>20, d, alloc>>20)

	// One field folded over 100,000 lines.
	b.Reset()
	b.WriteString("Subject: start\r\n")
	for range 100000 {
		b.WriteString(" more\r\n")
	}
	b.WriteString("\r\nbody")
	m, d, _ = measure(t, []byte(b.String()), DefaultLimits())
	quick(t, d)
	if m.Text != "body" || !strings.HasPrefix(m.Subject, "start more more") {
		t.Errorf("folded: text %q subject %.30q", m.Text, m.Subject)
	}

	// No empty line at all: everything is header.
	m, d, _ = measure(t, bytes.Repeat([]byte("X: y\r\n"), 300000), DefaultLimits())
	quick(t, d)
	if !m.HasDefect(DefectHeaderBig) {
		t.Errorf("defects %+v", m.Defects)
	}
}

func TestHostileManyParts(t *testing.T) {
	var b strings.Builder
	b.WriteString(hostileHeader)
	b.WriteString("Content-Type: multipart/mixed; boundary=p\r\n\r\n")
	for i := range 20000 {
		fmt.Fprintf(&b, "--p\r\nContent-Type: text/plain\r\n\r\npart %d\r\n", i)
	}
	b.WriteString("--p--\r\n")
	m, d, _ := measure(t, []byte(b.String()), DefaultLimits())
	quick(t, d)
	if !m.HasDefect(DefectParts) || len(m.Parts) != DefaultLimits().MaxParts {
		t.Errorf("%d parts, defects %+v", len(m.Parts), m.Defects)
	}
}

func TestHostileNULAndBrokenBoundaries(t *testing.T) {
	tests := map[string]string{
		"NUL everywhere":         "Fr\x00om: a@b.c\r\nSubject: \x00\x00\r\nContent-Type: multipart/mixed; boundary=\"b\x00\"\r\n\r\n--b\x00\r\n\x00\r\n\r\n\x00--b\x00--",
		"no boundary parameter":  "Content-Type: multipart/mixed\r\n\r\n--zz9\r\nContent-Type: text/plain\r\n\r\nsalvaged\r\n--zz9--\r\n",
		"empty boundary":         "Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\ntext\r\n--\r\n",
		"boundary never used":    "Content-Type: multipart/mixed; boundary=nothere\r\n\r\nplain text after all\r\n",
		"1000-char boundary":     "Content-Type: multipart/mixed; boundary=" + strings.Repeat("b", 1000) + "\r\n\r\n--" + strings.Repeat("b", 1000) + "\r\nx\r\n",
		"child reuses boundary":  "Content-Type: multipart/mixed; boundary=s\r\n\r\n--s\r\nContent-Type: multipart/mixed; boundary=s\r\n\r\n--s\r\nContent-Type: text/plain\r\n\r\ninner\r\n--s--\r\n--s--\r\n",
		"delimiter garbage":      "Content-Type: multipart/mixed; boundary=g\r\n\r\n--g garbage\r\n--g\r\n\r\nreal\r\n--g--trailing",
		"header-less part":       "Content-Type: multipart/mixed; boundary=h\r\n\r\n--h\r\nno header line\r\nmore\r\n--h--\r\n",
		"bad base64 part":        "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!====????\r\n",
		"unknown encoding":       "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 a\r\n",
		"encoded multipart":      "Content-Type: multipart/mixed; boundary=e\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64encode("--e\r\nContent-Type: text/plain\r\n\r\ndecoded first\r\n--e--\r\n") + "\r\n",
		"unterminated comment":   "Content-Type: text/html\r\n\r\n<p>a</p><!-- " + strings.Repeat("<a href=x>", 1000),
		"unclosed quotes":        "Content-Type: text/html\r\n\r\n" + strings.Repeat(`<a href="x `, 20000),
		"url( without end":       "Content-Type: text/html\r\n\r\n<style>" + strings.Repeat("url('", 100000) + "</style>",
		"www and :// storm":      "Content-Type: text/plain\r\n\r\n" + strings.Repeat("www.a ", 50000) + strings.Repeat("x://y ", 50000),
		"encoded-word storm":     "Subject: " + strings.Repeat("=?utf-8?q?", 50000) + "\r\n\r\n",
		"address comma storm":    "From: " + strings.Repeat("a,", 200000) + "\r\n\r\n",
		"paren storm":            "From: " + strings.Repeat("(", 100000) + "a@b.c" + strings.Repeat(")", 100000) + "\r\n\r\n",
		"closing paren storm":    "Content-Type: text/plain\r\n\r\nhttps://x.example/" + strings.Repeat(")", 100000),
		"two content types":      "Content-Type: text/plain\r\nContent-Type: text/html\r\n\r\n<b>x</b>",
		"attribute storm":        "Content-Type: text/html\r\n\r\n<a" + strings.Repeat(" x=1", 400000) + " href=https://late.example/>t</a>",
		"guessed at every level": guessChain(20),
	}
	for name, raw := range tests {
		t.Run(name, func(t *testing.T) {
			m, d, _ := measure(t, []byte(raw), DefaultLimits())
			quick(t, d)
			if d > 200*time.Millisecond {
				t.Logf("slow: %v", d)
			}
			_ = m
		})
	}
	m := Parse([]byte(tests["no boundary parameter"]), DefaultLimits())
	if m.Text != "salvaged" || !m.HasDefect(DefectMIME) {
		t.Errorf("no boundary parameter: text %q defects %+v", m.Text, m.Defects)
	}
	m = Parse([]byte(tests["boundary never used"]), DefaultLimits())
	if !strings.Contains(m.Text, "plain text after all") || !m.HasDefect(DefectMIME) {
		t.Errorf("boundary never used: text %q defects %+v", m.Text, m.Defects)
	}
	m = Parse([]byte(tests["encoded multipart"]), DefaultLimits())
	if m.Text != "decoded first" {
		t.Errorf("encoded multipart: text %q", m.Text)
	}
	m = Parse([]byte(tests["attribute storm"]), DefaultLimits())
	if len(m.URLs) != 1 || m.URLs[0].Host != "late.example" {
		t.Errorf("attribute storm: URLs %+v", m.URLs)
	}
	m = Parse([]byte(tests["two content types"]), DefaultLimits())
	if m.Text != "<b>x</b>" || !m.HasDefect(DefectMIME) {
		t.Errorf("two content types: text %q defects %+v", m.Text, m.Defects)
	}
	m = Parse([]byte(tests["NUL everywhere"]), DefaultLimits())
	if !m.HasDefect(DefectHeader) {
		t.Errorf("NUL: defects %+v", m.Defects)
	}
}

// guessChain nests multiparts whose boundary parameter is missing, so each
// level has its boundary guessed, over a large body.
func guessChain(depth int) string {
	var b strings.Builder
	b.WriteString(hostileHeader)
	for i := range depth {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed\r\n\r\n--lvl%03d\r\n", i)
	}
	b.WriteString("Content-Type: text/plain\r\n\r\n")
	b.WriteString(strings.Repeat("--x\r\n--y\r\n--z\r\nfiller line\r\n", 100000))
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "--lvl%03d--\r\n", i)
	}
	return b.String()
}

// endless is a reader that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

type failing struct{ r io.Reader }

func (f failing) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

func TestParseReaderBounded(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxSize = 1 << 20
	m := ParseReader(io.MultiReader(strings.NewReader("Subject: endless\r\n\r\n"), endless{}), lim)
	if !m.HasDefect(DefectOversize) || m.Size != lim.MaxSize+1 || m.Subject != "endless" {
		t.Errorf("Size %d Subject %q defects %+v", m.Size, m.Subject, m.Defects)
	}
	m = ParseReader(failing{strings.NewReader("Subject: cut\r\n\r\nbody")}, lim)
	if !m.HasDefect(DefectMIME) || m.Text != "body" {
		t.Errorf("read error: text %q defects %+v", m.Text, m.Defects)
	}
}
