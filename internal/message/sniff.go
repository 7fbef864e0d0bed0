package message

import (
	"bytes"
	"net/http"
	"unicode/utf8"
)

// magic is a file signature at a fixed offset.
type magic struct {
	offset int
	sig    string
	typ    string
}

// magics are checked in order; the first match wins. Offsets and bytes are
// those of each format's specification (ZIP APPNOTE §4.3.7, PE/COFF "MZ",
// [MS-CFB] §2.2 header signature, [MS-SHLLINK] §2.1 header size and CLSID,
// [MS-ONESTORE] §2.3.1 file format GUID, ECMA-119 §8.4 volume descriptor).
var magics = [...]magic{
	{0, "PK\x03\x04", "application/zip"},
	{0, "PK\x05\x06", "application/zip"},
	{0, "PK\x07\x08", "application/zip"},
	{0, "Rar!\x1a\x07", "application/vnd.rar"},
	{0, "7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"},
	{0, "\x1f\x8b", "application/gzip"},
	{0, "BZh", "application/x-bzip2"},
	{0, "\xfd7zXZ\x00", "application/x-xz"},
	{0, "MSCF\x00\x00\x00\x00", "application/vnd.ms-cab-compressed"},
	{0, "ITSF\x03\x00\x00\x00", "application/vnd.ms-htmlhelp"},
	{0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"},
	{0, "MZ", "application/x-msdownload"},
	{0, "\x7fELF", "application/x-elf"},
	{0, "\xcf\xfa\xed\xfe", "application/x-mach-binary"},
	{0, "\xce\xfa\xed\xfe", "application/x-mach-binary"},
	{0, "L\x00\x00\x00\x01\x14\x02\x00", "application/x-ms-shortcut"},
	{0, "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3", "application/onenote"},
	{0, "vhdxfile", "application/x-vhdx"},
	{0, "{\\rtf", "application/rtf"},
	{0, "\x89PNG\r\n\x1a\n", "image/png"},
	{0, "\xff\xd8\xff", "image/jpeg"},
	{0, "GIF87a", "image/gif"},
	{0, "GIF89a", "image/gif"},
	{0x8001, "CD001", "application/x-iso9660-image"},
	{0x8801, "CD001", "application/x-iso9660-image"},
	{0x9001, "CD001", "application/x-iso9660-image"},
}

// htmlStarts are the tags an HTML document (or fragment a browser would
// render as one) begins with, lower case.
var htmlStarts = [...]string{"<html", "<!doctype html", "<script", "<head", "<body", "<meta", "<form", "<iframe", "<title", "<style", "<div", "<table", "<a ", "<p>", "<p ", "<img", "<center", "<h1", "<br", "<font", "<b>", "<input", "<link", "<span"}

// Sniff names the type of data from its first bytes, regardless of what
// the sender declared: archives, executables, disk images, Office
// containers, shortcuts, PDF, images, HTML and SVG (which phishing attaches
// for their scripts and forms), else plain text or what
// net/http.DetectContentType says.
func Sniff(data []byte) string {
	for _, m := range magics {
		if len(data) >= m.offset+len(m.sig) && string(data[m.offset:m.offset+len(m.sig)]) == m.sig {
			return m.typ
		}
	}
	if len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP" {
		return "image/webp"
	}
	// Readers accept a PDF header anywhere in the first kilobyte.
	if bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return "application/pdf"
	}
	head := markupHead(data)
	if len(head) > 0 && head[0] == '<' {
		lower := bytes.ToLower(head[:min(len(head), 1024)])
		if bytes.HasPrefix(lower, []byte("<svg")) ||
			(bytes.HasPrefix(lower, []byte("<?xml")) || bytes.HasPrefix(lower, []byte("<!doctype svg"))) && bytes.Contains(lower, []byte("<svg")) {
			return "image/svg+xml"
		}
		for _, t := range htmlStarts {
			if bytes.HasPrefix(lower, []byte(t)) {
				return "text/html"
			}
		}
		if bytes.HasPrefix(lower, []byte("<?xml")) {
			if bytes.Contains(lower, []byte("<html")) {
				return "text/html"
			}
			return "text/xml"
		}
	}
	if len(data) == 0 {
		return "application/octet-stream"
	}
	if looksLikeText(data[:min(len(data), 4096)]) {
		return "text/plain"
	}
	t := http.DetectContentType(data)
	if i := bytes.IndexByte([]byte(t), ';'); i >= 0 {
		t = t[:i]
	}
	return t
}

// markupHead skips a byte-order mark, whitespace and leading comments.
func markupHead(data []byte) []byte {
	d := data[:min(len(data), 64<<10)]
	d = bytes.TrimPrefix(d, []byte("\xef\xbb\xbf"))
	for {
		d = bytes.TrimLeft(d, " \t\r\n\f")
		if !bytes.HasPrefix(d, []byte("<!--")) {
			return d
		}
		end := bytes.Index(d, []byte("-->"))
		if end < 0 {
			return nil
		}
		d = d[end+3:]
	}
}

// looksLikeText reports UTF-8 (or 8-bit) text without the control bytes of
// binary formats.
func looksLikeText(d []byte) bool {
	// A multi-byte character cut by the 4096-byte window is fine.
	for i := len(d) - 1; i >= 0 && i >= len(d)-3; i-- {
		if utf8.RuneStart(d[i]) {
			if !utf8.FullRune(d[i:]) {
				d = d[:i]
			}
			break
		}
	}
	for _, c := range d {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b {
			return false
		}
	}
	return utf8.Valid(d) || !bytes.ContainsAny(d, "\x7f")
}
