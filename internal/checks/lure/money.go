package lure

import (
	"strings"
)

// bigSum returns the first sum of money in the millions written in s
// ("US$18.5 million", "$1,500,000.00", "€ 1.700.000", "2M USD",
// "4 843 000,00 euros"), or "" when there is none. Advance-fee letters
// dangle a personal fortune of that size (SpamAssassin's LOTS_OF_MONEY and
// US_DOLLARS rules); sums of a billion and more are news about companies
// and states, not offers, and are left out.
func bigSum(s string) string { return sumBetween(s, 1e6, 1e9) }

// sumBetween returns the first sum of money of at least lo and under hi
// written with its currency in s, or "".
func sumBetween(s string, lo, hi float64) string {
	s = s[:min(len(s), 20000)]
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || i > 0 && (s[i-1] >= '0' && s[i-1] <= '9' || s[i-1] == '.' || s[i-1] == ',') {
			continue
		}
		// Glued to a word, a number is a reference (NP11395138351), unless
		// the word is a currency code (GBP4,843,000.00).
		if i > 0 && isASCIILetter(s[i-1]) && !currencyBefore(s[max(0, i-6):i]) {
			continue
		}
		v, end := parseAmount(s, i)
		if v < lo || v >= hi {
			i = end
			continue
		}
		if currencyBefore(s[max(0, i-6):i]) || currencyAfter(s[end:min(len(s), end+16)]) {
			start := i
			for start > 0 && i-start < 5 && s[start-1] != ' ' && s[start-1] != '\n' {
				start--
			}
			return strings.TrimSpace(s[start:min(len(s), end+8)])
		}
		i = end
	}
	return ""
}

// parseAmount reads a number at s[i:]: groups of three digits separated
// by ",", "." or spaces, an optional decimal part of one or two digits,
// and an optional "million"/"m" multiplier. It returns its value and where
// it ends.
func parseAmount(s string, i int) (float64, int) {
	j := i
	digits := func() int {
		k := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j - k
	}
	lead := digits()
	v := atof(s[i:j])
	groups := 0
	for lead <= 3 {
		sep := groupSep(s, j)
		k := j + sep
		if sep == 0 || k+3 > len(s) || !allDigits(s[k:k+3]) || k+3 < len(s) && s[k+3] >= '0' && s[k+3] <= '9' {
			break
		}
		j = k + 3
		v = v*1000 + atof(s[j-3:j])
		groups++
	}
	// A decimal part: ".50", ",00", or ".5" before a multiplier.
	frac := 0.0
	if j+1 < len(s) && (s[j] == '.' || s[j] == ',') && s[j+1] >= '0' && s[j+1] <= '9' {
		k := j + 1
		for k < len(s) && k-j <= 2 && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k-j-1 <= 2 && (k == len(s) || s[k] < '0' || s[k] > '9') {
			div := 10.0
			for _, c := range s[j+1 : k] {
				frac += float64(c-'0') / div
				div *= 10
			}
			j = k
		}
	}
	// A multiplier after the number: "million(s)", "m", "mn", "mio".
	rest := strings.ToLower(s[j:min(len(s), j+12)])
	t := strings.TrimLeft(rest, " \t\r\n")
	for _, w := range []string{"millions", "million", "mio", "mn", "m"} {
		if strings.HasPrefix(t, w) && (len(t) == len(w) || !isDigitOrLetter(t[len(w)])) {
			if groups == 0 {
				return (v + frac) * 1e6, j + (len(rest) - len(t)) + len(w)
			}
		}
	}
	return v + frac, j
}

// groupSep returns the length of a thousands separator at s[k:]: a comma,
// a dot, a space, or a no-break space (U+00A0, U+202F) as French
// typography writes "1 500 000 €"; 0 when there is none.
func groupSep(s string, k int) int {
	switch {
	case k >= len(s):
		return 0
	case s[k] == ',' || s[k] == '.' || s[k] == ' ':
		return 1
	case strings.HasPrefix(s[k:], "\u00a0"):
		return 2
	case strings.HasPrefix(s[k:], "\u202f"):
		return 3
	}
	return 0
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func atof(s string) float64 {
	v := 0.0
	for i := 0; i < len(s); i++ {
		v = v*10 + float64(s[i]-'0')
	}
	return v
}

// currencyBefore reports a currency sign or code just before an amount
// ("$", "US$", "€ ", "GBP", "USD "), spaces between allowed, the no-break
// ones French typography writes too.
func currencyBefore(s string) bool {
	t := strings.ToLower(strings.TrimRight(s, " \u00a0\u202f"))
	for _, c := range []string{"$", "€", "£", "usd", "eur", "gbp"} {
		if strings.HasSuffix(t, c) {
			return true
		}
	}
	return false
}

// currencyAfter reports a currency word or sign right after an amount
// ("USD", "dollars", "of US dollars", "d'euros", "€").
func currencyAfter(s string) bool {
	t := strings.ToLower(strings.TrimLeft(s, " \u00a0\u202f"))
	for _, p := range []string{"of ", "de ", "d'", "d’"} {
		t = strings.TrimPrefix(t, p)
	}
	t = strings.TrimPrefix(t, "us ")
	t = strings.TrimPrefix(t, "united states ")
	for _, c := range []string{"$", "€", "£", "usd", "eur", "gbp", "dollar", "euro", "pound", "livre"} {
		if strings.HasPrefix(t, c) {
			return true
		}
	}
	return false
}
