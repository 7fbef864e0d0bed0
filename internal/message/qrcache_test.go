package message

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// qrMail is a message whose inline pictures are pics, in order.
func qrMail(pics ...[]byte) []byte {
	var b bytes.Buffer
	b.WriteString("From: it@example.org\r\nTo: claire@chu-exemple.fr\r\nSubject: MFA\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/related; boundary=b\r\n\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Bonjour</p>\r\n")
	for i, data := range pics {
		fmt.Fprintf(&b, "--b\r\nContent-Type: image/png\r\nContent-Disposition: inline; filename=\"p%d.png\"\r\n"+
			"Content-Transfer-Encoding: base64\r\n\r\n%s\r\n", i, base64.StdEncoding.EncodeToString(data))
	}
	b.WriteString("--b--\r\n")
	return b.Bytes()
}

func qrURLs(m *Message) (urls []string) {
	for _, u := range m.URLs {
		if u.Source == URLFromQR {
			urls = append(urls, u.Raw)
		}
	}
	return urls
}

// A picture read before gives the same reading from the cache, and the
// message's budget is charged all the same: a code beyond the budget is
// not read because an earlier message had it read.
func TestQRCacheSameReadingSameBudget(t *testing.T) {
	ResetQRCache()
	target := "https://mfa-renew.example.net/?e=claire%40chu-exemple.fr"
	code, logo := qrPNG(t, target, 160), pictureNoCode(t, 200, 60)
	for pass := range 2 {
		if got := qrURLs(Parse(qrMail(logo, code), Limits{})); len(got) != 1 || got[0] != target {
			t.Errorf("pass %d: QR URLs %q", pass, got)
		}
		if _, ok := qrCacheGet(sha256.Sum256(code)); !ok {
			t.Errorf("pass %d: the code is not in the cache", pass)
		}
		if text, ok := qrCacheGet(sha256.Sum256(logo)); !ok || text != "" {
			t.Errorf("pass %d: the logo's reading %q, %v", pass, text, ok)
		}
	}
	// The budget goes to the cheapest pictures first: a code as large as
	// the two pictures before it is left out.
	big, big2, bigCode := pictureNoCode(t, 640, 640), pictureNoCode(t, 640, 639), qrPNG(t, target, 640)
	qrURLs(Parse(qrMail(bigCode), Limits{}))
	if got := qrURLs(Parse(qrMail(big, big2, bigCode), Limits{})); len(got) != 0 {
		t.Errorf("a cached code beyond the budget was read: %q", got)
	}
	ResetQRCache()
	if _, ok := qrCacheGet(sha256.Sum256(code)); ok {
		t.Error("ResetQRCache kept an entry")
	}
}

// The cache stays within its bounds, and a picture read often stays in it
// while pictures read once pass.
func TestQRCacheBounds(t *testing.T) {
	defer ResetQRCache()
	ResetQRCache()
	key := func(i int) [sha256.Size]byte { return sha256.Sum256([]byte(fmt.Sprint(i))) }
	often := [sha256.Size]byte{1}
	qrCachePut(often, "https://often.example/")
	for i := range 5 * qrCacheEntries {
		qrCachePut(key(i), strings.Repeat("x", i%700))
		if i%(qrCacheEntries/4) == 0 {
			if _, ok := qrCacheGet(often); !ok {
				t.Fatalf("after %d entries, the picture read often is gone", i)
			}
		}
		n := len(qrCache.young.texts) + len(qrCache.old.texts)
		if size := qrCache.young.bytes + qrCache.old.bytes; n > qrCacheEntries || size > qrCacheTextBytes {
			t.Fatalf("after %d entries: %d entries, %d bytes", i, n, size)
		}
	}
	long := [sha256.Size]byte{2}
	qrCachePut(long, strings.Repeat("y", qrCacheMaxText+1))
	if _, ok := qrCacheGet(long); ok {
		t.Error("a text past qrCacheMaxText was kept")
	}
}

// Scans read and fill the cache at once (go test -race).
func TestQRCacheConcurrent(t *testing.T) {
	defer ResetQRCache()
	ResetQRCache()
	pics := [][]byte{qrPNG(t, "https://a.example/", 100), pictureNoCode(t, 60, 60), qrPNG(t, "https://b.example/", 120)}
	want := []string{"https://a.example/", "", "https://b.example/"}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 6 {
				if j := (g + i) % len(pics); qrCachedText(pics[j]) != want[j] {
					t.Errorf("picture %d read wrong", j)
				}
			}
		})
	}
	wg.Wait()
}
