package message

import (
	"encoding/base64"
	"strings"
)

func b64encode(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// wrap76 cuts an encoding into CRLF-terminated lines of 76 characters
// (RFC 2045 §6.8).
func wrap76(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/38)
	for len(s) > 76 {
		b.WriteString(s[:76])
		b.WriteString("\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}
