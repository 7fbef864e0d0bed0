package invoice

import (
	"strconv"
	"strings"
)

// laPosteSIREN is La Poste's SIREN: its thousands of establishments
// outgrew the Luhn key, and INSEE validates their SIRET by a digit sum
// divisible by 5 instead.
const laPosteSIREN = "356000000"

// luhn reports whether the digits of s pass the Luhn check.
func luhn(s string) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// digitsOnly removes the spaces and dots a number is printed with.
func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '\u00a0' || r == '-' {
			return -1
		}
		return r
	}, s)
}

// ValidSIREN reports whether s is a SIREN: nine digits with a Luhn key.
func ValidSIREN(s string) bool {
	return len(s) == 9 && allDigits(s) && (luhn(s) || s == laPosteSIREN) && s != "000000000"
}

// ValidSIRET reports whether s is a SIRET: fourteen digits, a valid
// SIREN, and a Luhn key over the whole, except La Poste's whose digits
// add up to a multiple of 5.
func ValidSIRET(s string) bool {
	if len(s) != 14 || !allDigits(s) || !ValidSIREN(s[:9]) {
		return false
	}
	if s[:9] == laPosteSIREN {
		sum := 0
		for i := 0; i < len(s); i++ {
			sum += int(s[i] - '0')
		}
		return sum%5 == 0
	}
	return luhn(s)
}

// FrenchVATKey returns the two-digit key of the French VAT number of a
// SIREN: (12 + 3 × (SIREN mod 97)) mod 97.
func FrenchVATKey(siren string) string {
	n, err := strconv.ParseUint(siren, 10, 64)
	if err != nil {
		return ""
	}
	return strconv.FormatUint(100+(12+3*(n%97))%97, 10)[1:]
}

// ValidFrenchVAT reports whether s is a French intra-community VAT number:
// FR, the numeric key of the SIREN, the SIREN.
func ValidFrenchVAT(s string) bool {
	return len(s) == 13 && s[:2] == "FR" && ValidSIREN(s[4:]) && FrenchVATKey(s[4:]) == s[2:4]
}

// SIRENOf returns the SIREN inside a SIREN, SIRET or French VAT number,
// "" when it holds none.
func SIRENOf(id string) string {
	switch {
	case ValidSIREN(id):
		return id
	case ValidSIRET(id):
		return id[:9]
	case ValidFrenchVAT(id):
		return id[4:]
	}
	return ""
}

// IDs are the company identifiers written in a text.
type IDs struct {
	SIREN, SIRET, VAT []string
}

func (ids *IDs) add(list *[]string, v string) {
	for _, x := range *list {
		if x == v {
			return
		}
	}
	if len(*list) < maxPerKind {
		*list = append(*list, v)
	}
}

// FindIDs finds the SIRET and SIREN numbers that follow their label (a
// bare nine-digit number is too often something else) and the French VAT
// numbers, whose key makes them recognisable anywhere.
func FindIDs(text string, ids *IDs) {
	eachLabelPair(text, []string{"SIRET", "Siret", "siret"}, []string{"SIREN", "Siren", "siren"}, func(i int) {
		// The number: digits with single spaces or dots, after ":", "n°"
		// or "no".
		j := i
		for j < len(text) && j < i+12 && !isDigit(text[j]) {
			j++
		}
		var num []byte
		for ; j < len(text) && len(num) < 14; j++ {
			c := text[j]
			if isDigit(c) {
				num = append(num, c)
			} else if (c == ' ' || c == '.') && j+1 < len(text) && isDigit(text[j+1]) {
				continue
			} else {
				break
			}
		}
		switch s := string(num); {
		case len(s) == 14 && ValidSIRET(s):
			ids.add(&ids.SIRET, s)
		case len(s) == 9 && ValidSIREN(s):
			ids.add(&ids.SIREN, s)
		}
	})
	for i := 0; ; {
		k := strings.Index(text[i:], "FR")
		if k < 0 {
			break
		}
		at := i + k
		i = at + 2
		if at > 0 && isAlnum(text[at-1]) || at+2 >= len(text) || !isDigit(text[at+2]) && text[at+2] != ' ' {
			continue
		}
		var num []byte
		for j := at + 2; j < len(text) && len(num) < 11; j++ {
			c := text[j]
			if isDigit(c) {
				num = append(num, c)
			} else if c != ' ' || j+1 >= len(text) || !isDigit(text[j+1]) {
				break
			}
		}
		if v := "FR" + string(num); len(num) == 11 && ValidFrenchVAT(v) {
			ids.add(&ids.VAT, v)
		}
	}
}
