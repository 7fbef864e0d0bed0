package message

import (
	"crypto/sha256"
	"sync"
)

// A gateway sees the same pictures all day: the signature logos of its
// correspondents, the banners of the newsletters it receives. The text of
// a picture's QR code (or that it holds none) is a function of the
// picture's bytes alone, so the process keeps it, keyed by the bytes'
// SHA-256, and reads a picture it has read before for free. A sender
// cannot poison it: the entry of a picture is what reading that very
// picture gives, and finding other bytes with the same SHA-256 is out of
// reach. The message's budget (qrbudget.go) is charged as before, cached
// or not, so which pictures are read does not depend on the traffic that
// came before.
//
// Bounds: at most qrCacheEntries pictures remembered and qrCacheTextBytes
// bytes of their codes' text, under 1.5 MiB in all with the keys and the
// maps; a code's text longer than qrCacheMaxText is not kept. The
// cache has two generations: when the young one is half the bounds, it
// becomes the old one and the old one is dropped, so a picture read
// often stays and one read once goes.
const (
	qrCacheEntries   = 4096
	qrCacheTextBytes = 1 << 20
	qrCacheMaxText   = 8 << 10
)

type qrCacheGen struct {
	texts map[[sha256.Size]byte]string
	bytes int
}

var qrCache struct {
	mu         sync.Mutex
	young, old qrCacheGen
}

// ResetQRCache forgets every picture's QR reading. Benchmarks that scan
// a corpus many times call it at the start of each pass, so that only a
// picture seen again within one pass is read from the cache, as in real
// traffic.
func ResetQRCache() {
	qrCache.mu.Lock()
	qrCache.young, qrCache.old = qrCacheGen{}, qrCacheGen{}
	qrCache.mu.Unlock()
}

// qrCachedText is qrDecodedText through the cache.
func qrCachedText(data []byte) string {
	return qrCachedTextOf(data, sha256.Sum256(data))
}

// qrCachedTextOf is qrCachedText of data whose SHA-256 is key.
func qrCachedTextOf(data []byte, key [sha256.Size]byte) string {
	if text, ok := qrCacheGet(key); ok {
		return text
	}
	text := qrDecodedText(data)

	qrCachePut(key, text)
	return text
}

func qrCacheGet(key [sha256.Size]byte) (string, bool) {
	qrCache.mu.Lock()
	defer qrCache.mu.Unlock()
	if text, ok := qrCache.young.texts[key]; ok {
		return text, true
	}
	text, ok := qrCache.old.texts[key]
	if ok {
		qrCacheAdd(key, text)
	}
	return text, ok
}

func qrCachePut(key [sha256.Size]byte, text string) {
	if len(text) > qrCacheMaxText {
		return
	}
	qrCache.mu.Lock()
	qrCacheAdd(key, text)
	qrCache.mu.Unlock()
}

// qrCacheAdd adds an entry to the young generation, turning it old first
// when it holds half the bounds. The caller holds the lock.
func qrCacheAdd(key [sha256.Size]byte, text string) {
	y := &qrCache.young
	if _, ok := y.texts[key]; ok {
		return
	}
	if y.texts == nil || len(y.texts) >= qrCacheEntries/2 || y.bytes+len(text) > qrCacheTextBytes/2 {
		qrCache.old = *y
		*y = qrCacheGen{texts: make(map[[sha256.Size]byte]string)}
	}
	y.texts[key] = text
	y.bytes += len(text)
}
