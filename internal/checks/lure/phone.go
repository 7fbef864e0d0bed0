package lure

import "strings"

// PhoneNumber returns the first telephone number written in s: nine to
// fifteen digits in three groups or more of at most four, separated by
// spaces, dots, dashes or parentheses, with an optional leading +. Long
// digit runs (order and reference numbers) and dates are not numbers to call.
func PhoneNumber(s string) string {
	s = s[:min(len(s), 20000)]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '+' || c == '(' || c >= '0' && c <= '9') || i > 0 && isDigitOrLetter(s[i-1]) {
			continue
		}
		digits, groups, group, longest, j := 0, 0, 0, 0, i
		if c == '+' || c == '(' {
			j++
		}
	scan:
		for ; j < len(s); j++ {
			d := s[j]
			switch {
			case d >= '0' && d <= '9':
				digits++
				group++
				longest = max(longest, group)
			case phoneSep(d):
				// One or two separators ("-", ") "), then a digit.
				k := j + 1
				if k < len(s) && phoneSep(s[k]) {
					k++
				}
				if k == len(s) || s[k] < '0' || s[k] > '9' {
					break scan
				}
				if group > 0 {
					groups++
				}
				group = 0
				j = k - 1
			default:
				break scan
			}
		}
		if group > 0 {
			groups++
		}
		// Numbers to call are written in groups of two to four digits
		// (+1 818 492 9813, 01 23 45 67 89); order numbers are not, nor
		// are references that open with a year (2024-03-4471).
		if digits >= 9 && digits <= 15 && groups >= 3 && longest <= 4 && (j == len(s) || !isDigitOrLetter(s[j])) && !yearFirst(s[i:j]) {
			return strings.TrimSpace(s[i:j])
		}
		i = j
	}
	return ""
}

// yearFirst reports a number whose first group is a year (19xx or 20xx).
func yearFirst(n string) bool {
	return len(n) > 4 && (strings.HasPrefix(n, "19") || strings.HasPrefix(n, "20")) && !isDigitOrLetter(n[4]) && n[3] >= '0' && n[3] <= '9'
}

func phoneSep(c byte) bool { return c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' }

func isDigitOrLetter(c byte) bool { return c >= '0' && c <= '9' || isASCIILetter(c) }
