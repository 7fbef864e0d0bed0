package message

import (
	"bytes"
)

// maxBoundary bounds a boundary; RFC 2046 §5.1.1 allows 70 characters,
// mailers write a little more.
const maxBoundary = 200

// splitMultipart cuts a multipart body into the bodies of its parts (RFC
// 2046 §5.1.1). A delimiter is "--boundary" at the start of a line followed
// by blanks only; the line break before it belongs to it. The preamble and
// epilogue are dropped. found is false when no delimiter occurs; closed is
// false when the close delimiter is missing (a truncated message): the last
// part then runs to the end. At most max parts are returned; more reports
// that some were left out.
func splitMultipart(body []byte, boundary string, max int) (parts [][]byte, found, closed, more bool) {
	if boundary == "" || len(boundary) > maxBoundary {
		return nil, false, false, false
	}
	delim := make([]byte, 0, len(boundary)+2)
	delim = append(append(delim, "--"...), boundary...)
	partStart := -1
	pos := 0
	for pos < len(body) {
		k := bytes.Index(body[pos:], delim)
		if k < 0 {
			break
		}
		at := pos + k
		after := at + len(delim)
		pos = after
		if at > 0 && body[at-1] != '\n' {
			continue
		}
		lineEnd := bytes.IndexByte(body[after:], '\n')
		if lineEnd < 0 {
			lineEnd = len(body)
		} else {
			lineEnd += after
		}
		rest := body[after:lineEnd]
		isClose := bytes.HasPrefix(rest, []byte("--"))
		if isClose {
			rest = rest[2:]
		}
		if len(bytes.Trim(rest, " \t\r")) != 0 {
			continue // "--boundaryX": a longer boundary, or text
		}
		found = true
		if partStart >= 0 {
			end := at
			// The CRLF before the delimiter is part of it.
			if end > partStart && body[end-1] == '\n' {
				end--
				if end > partStart && body[end-1] == '\r' {
					end--
				}
			}
			if len(parts) == max {
				return parts, true, false, true
			}
			parts = append(parts, body[partStart:end])
		}
		if isClose {
			return parts, true, true, false
		}
		partStart = min(lineEnd+1, len(body))
		pos = partStart
	}
	if partStart >= 0 {
		if len(parts) == max {
			return parts, found, false, true
		}
		parts = append(parts, body[partStart:])
	}
	return parts, found, false, false
}

// guessBoundary looks for the boundary a multipart body really uses when its
// declared one is missing or never occurs: the first line that looks like a
// delimiter and occurs again further on. Each check scans the rest of the
// body; budget bounds the bytes all checks may scan and is decremented.
func guessBoundary(body []byte, budget *int64) string {
	pos := 0
	for checks := 0; pos < len(body) && checks < 8 && *budget > 0; {
		k := bytes.Index(body[pos:], []byte("--"))
		if k < 0 {
			return ""
		}
		at := pos + k
		pos = at + 2
		if at > 0 && body[at-1] != '\n' {
			continue
		}
		end := bytes.IndexByte(body[at:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += at
		}
		cand := bytes.TrimRight(body[at+2:end], " \t\r")
		cand = bytes.TrimSuffix(cand, []byte("--"))
		if len(cand) < 3 || len(cand) > maxBoundary || bytes.ContainsAny(cand, " \t\"") ||
			len(bytes.Trim(cand, "-=_")) == 0 { // a rule line of dashes is not a boundary
			continue
		}
		checks++
		*budget -= int64(len(body) - end)
		if bytes.Contains(body[end:], append([]byte("\n--"), cand...)) {
			return string(cand)
		}
	}
	return ""
}
