package selftest

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"strings"
	"text/template"
	"time"
)

// funcs are the helpers message templates call.
var funcs = template.FuncMap{
	"eicar":        eicar,
	"base64":       func(s string) string { return wrap76(base64.StdEncoding.EncodeToString([]byte(s))) },
	"zip":          zipFile,
	"zipEncrypted": zipEncrypted,
	"filler":       filler,
	"dateOffset": func(d string) (string, error) {
		dd, err := time.ParseDuration(d)
		return rfc5322Date(time.Now().Add(dd)), err
	},
}

// eicar returns the EICAR anti-virus test file (eicar.org): an inert
// 68-character string that every anti-virus product reports as if it were
// malware, so that a chain can be tested without danger. It is assembled
// here so that this source file itself is not flagged.
func eicar() string {
	return `X5O!P%@AP[4\PZX54(P^)7CC)7}$` + "EICAR-STANDARD-" + "ANTIVIRUS-TEST-FILE!$H+H*"
}

// zipFile returns a base64 zip (76-column lines) holding one file.
func zipFile(name, content string) (string, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return "", err
	}
	w.Write([]byte(content))
	if err := zw.Close(); err != nil {
		return "", err
	}
	return wrap76(base64.StdEncoding.EncodeToString(b.Bytes())), nil
}

// zipEncrypted returns a base64 zip holding one file encrypted with the
// traditional PKWARE scheme (APPNOTE.TXT §6.1, "ZipCrypto"), the one every
// archiver opens and that malware campaigns send with the password in the
// message. archive/zip does not write it, hence this small encoder.
func zipEncrypted(name, content, password string) (string, error) {
	data := []byte(content)
	crc := crc32.ChecksumIEEE(data)
	var k zipKeys
	k.init(password)
	header := make([]byte, 12)
	rand.Read(header[:11])
	header[11] = byte(crc >> 24) // §6.1.6: the check byte is the CRC's high byte
	enc := make([]byte, 0, 12+len(data))
	for _, p := range append(header, data...) {
		enc = append(enc, p^k.stream())
		k.update(p)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store, Flags: 0x1, Modified: time.Now(),
		CRC32: crc, CompressedSize64: uint64(len(enc)), UncompressedSize64: uint64(len(data))})
	if err != nil {
		return "", err
	}
	w.Write(enc)
	if err := zw.Close(); err != nil {
		return "", err
	}
	return wrap76(base64.StdEncoding.EncodeToString(b.Bytes())), nil
}

// zipKeys is the ZipCrypto key state (APPNOTE.TXT §6.1.5).
type zipKeys [3]uint32

var crcTable = crc32.MakeTable(crc32.IEEE)

func crcByte(crc uint32, b byte) uint32 { return crcTable[byte(crc)^b] ^ crc>>8 }

func (k *zipKeys) init(password string) {
	*k = zipKeys{0x12345678, 0x23456789, 0x34567890}
	for i := 0; i < len(password); i++ {
		k.update(password[i])
	}
}

func (k *zipKeys) update(b byte) {
	k[0] = crcByte(k[0], b)
	k[1] = (k[1]+k[0]&0xff)*134775813 + 1
	k[2] = crcByte(k[2], byte(k[1]>>24))
}

func (k *zipKeys) stream() byte {
	t := uint16(k[2] | 2)
	return byte((uint32(t) * uint32(t^1)) >> 8)
}

// filler returns about n bytes of base64 lines, to make a message large.
func filler(n int) (string, error) {
	if n <= 0 || n > 64<<20 {
		return "", fmt.Errorf("filler: size %d out of range", n)
	}
	raw := make([]byte, n*3/4)
	rand.Read(raw)
	return wrap76(base64.StdEncoding.EncodeToString(raw)), nil
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76])
		b.WriteString("\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}
