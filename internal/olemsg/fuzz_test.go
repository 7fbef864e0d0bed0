package olemsg

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vigie.dev/vigie/internal/message"
)

// FuzzRead: whatever the bytes, Read returns a message or an error
// wrapping ErrFormat or ErrTooLarge, within its limits, and a message
// read rebuilds into one the parser reads. The seeds are the fixtures,
// cut and with their header, FAT and directory sectors flipped.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.msg")
	files = append(files, "testdata/mscfb-test.xls")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
		for _, at := range []int{0x2C, 0x30, 0x3C, 0x4C, 512, 1024, 1024 + 116, 1024 + 120} {
			c := append([]byte(nil), b...)
			c[at] ^= 0xFF
			f.Add(c)
		}
	}
	f.Add(signature)
	f.Add([]byte("From: a@b\r\n\r\nx"))
	lim := Limits{MaxBytes: 1 << 20, Timeout: time.Second}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Read(b, lim)
		if err != nil {
			if m != nil || !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Read: %v, %v", m, err)
			}
			return
		}
		message.Parse(m.RFC822(), message.Limits{})
	})
}
