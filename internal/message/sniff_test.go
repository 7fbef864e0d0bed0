package message

import (
	"strings"
	"testing"
)

func TestSniff(t *testing.T) {
	iso := make([]byte, 0x8001+5)
	copy(iso[0x8001:], "CD001")
	iso2 := make([]byte, 0x9001+5)
	copy(iso2[0x9001:], "CD001")
	tests := []struct {
		name string
		data string
		want string
	}{
		{"zip", "PK\x03\x04\x14\x00\x00\x00", "application/zip"},
		{"empty zip", "PK\x05\x06\x00\x00", "application/zip"},
		{"rar4", "Rar!\x1a\x07\x00\xcf", "application/vnd.rar"},
		{"rar5", "Rar!\x1a\x07\x01\x00", "application/vnd.rar"},
		{"7z", "7z\xbc\xaf\x27\x1c\x00\x04", "application/x-7z-compressed"},
		{"gzip", "\x1f\x8b\x08\x00", "application/gzip"},
		{"bzip2", "BZh91AY&SY", "application/x-bzip2"},
		{"xz", "\xfd7zXZ\x00\x00\x04", "application/x-xz"},
		{"cab", "MSCF\x00\x00\x00\x00\x1a\x02", "application/vnd.ms-cab-compressed"},
		{"chm", "ITSF\x03\x00\x00\x00`\x00", "application/vnd.ms-htmlhelp"},
		{"ole2", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "application/x-ole-storage"},
		{"pe", "MZ\x90\x00\x03\x00\x00\x00", "application/x-msdownload"},
		{"elf", "\x7fELF\x02\x01\x01", "application/x-elf"},
		{"lnk", "L\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0", "application/x-ms-shortcut"},
		{"onenote", "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3\x00", "application/onenote"},
		{"vhdx", "vhdxfile\x00\x00", "application/x-vhdx"},
		{"iso 0x8001", string(iso), "application/x-iso9660-image"},
		{"iso 0x9001", string(iso2), "application/x-iso9660-image"},
		{"rtf", "{\\rtf1\\ansi\\deff0", "application/rtf"},
		{"pdf", "%PDF-1.7\n%\xe2\xe3", "application/pdf"},
		{"pdf after junk", strings.Repeat("x", 500) + "%PDF-1.4", "application/pdf"},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00", "image/png"},
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"},
		{"gif", "GIF89a\x01\x00", "image/gif"},
		{"webp", "RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"},
		{"html doctype", "<!DOCTYPE html><html>", "text/html"},
		{"html bom blank", "\xef\xbb\xbf \r\n<HTML><body>", "text/html"},
		{"html script", "\n\n<script>window.location='x'</script>", "text/html"},
		{"html after comment", "<!-- saved from url=(0014)about:internet -->\r\n<html>", "text/html"},
		{"html form", "<form action=x>", "text/html"},
		{"html meta", "<meta http-equiv=refresh content=0>", "text/html"},
		{"html iframe", "<iframe src=x>", "text/html"},
		{"svg", "<svg xmlns=\"http://www.w3.org/2000/svg\">", "image/svg+xml"},
		{"svg xml", "<?xml version=\"1.0\"?>\n<!-- c -->\n<svg>", "image/svg+xml"},
		{"svg doctype", "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\">\n<svg>", "image/svg+xml"},
		{"xml", "<?xml version=\"1.0\"?><root/>", "text/xml"},
		{"text", "Bonjour,\r\nvoici le document.\r\n", "text/plain"},
		{"latin-1 text", "caf\xe9 cr\xe8me", "text/plain"},
		{"binary", "\x00\x01\x02\x03\x04\x05", "application/octet-stream"},
		{"empty", "", "application/octet-stream"},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.data)); got != tt.want {
			t.Errorf("%s: Sniff = %q, want %q", tt.name, got, tt.want)
		}
	}
}
