package account

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// commonPasswords is the frequency-ranked list of passwords found in
// public breach dumps that zxcvbn-ts ships (@zxcvbn-ts/language-common
// 4.1.3, src/passwords.json: 49,233 entries, lower-cased here; MIT
// licence in data/common-passwords.LICENSE). Attackers try these first,
// whatever their length.
//
//go:embed data/common-passwords.txt
var commonPasswordList string

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 50000)
	for _, l := range strings.Split(commonPasswordList, "\n") {
		if l != "" {
			m[l] = struct{}{}
		}
	}
	return m
})

// PasswordError says why a password is refused, in English (Error) and in
// French (FR) for the console.
type PasswordError struct{ EN, FR string }

func (e *PasswordError) Error() string { return "account: " + e.EN }

// keyboardRuns are sequences people type as passwords.
var keyboardRuns = []string{"azertyuiopqsdfghjklmwxcvbn", "qwertyuiopasdfghjklzxcvbnm", "qwertzuiopasdfghjklyxcvbnm",
	"abcdefghijklmnopqrstuvwxyz", "zyxwvutsrqponmlkjihgfedcba", "1234567890", "0987654321", "azertyuiop", "qwertyuiop"}

// leet undoes the usual letter substitutions.
var leet = strings.NewReplacer("@", "a", "4", "a", "0", "o", "1", "i", "!", "i", "3", "e", "$", "s", "5", "s", "7", "t", "+", "t", "8", "b", "9", "g")

// CheckPassword refuses a password that is too short or too long, or that
// an attacker guesses early: one of the common breached passwords, such a
// password with digits or symbols around it ("password1234", "P@ssw0rd!"),
// a keyboard or alphabet run, a repeated pattern, or the user name.
// ANSSI's guidance for accounts without a second factor is 12 characters
// and more, checked against a list of compromised passwords.
func CheckPassword(user, password string) error {
	if n := utf8.RuneCountInString(password); n < MinPassword {
		return &PasswordError{fmt.Sprintf("password shorter than %d characters", MinPassword),
			fmt.Sprintf("mot de passe de moins de %d caractères", MinPassword)}
	}
	if len(password) > 72 {
		return &PasswordError{"password longer than 72 bytes (bcrypt's limit)", "mot de passe de plus de 72 octets (limite de bcrypt)"}
	}
	common := &PasswordError{"password is one of the most common breached passwords, or one of them with digits or symbols added",
		"ce mot de passe figure parmi les plus courants des fuites de données, ou en est une variante (chiffres ou symboles ajoutés)"}
	lower := strings.ToLower(password)
	core := strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) })
	for _, cand := range []string{lower, core, leet.Replace(lower), strings.TrimFunc(leet.Replace(lower), func(r rune) bool { return !unicode.IsLetter(r) })} {
		if _, ok := commonPasswords()[cand]; ok {
			return common
		}
		if unit := repeatedUnit(cand); unit != cand {
			if _, ok := commonPasswords()[unit]; ok {
				return common
			}
		}
	}
	if utf8.RuneCountInString(core) < 4 {
		return &PasswordError{"password is mostly digits and symbols", "mot de passe fait surtout de chiffres et de symboles"}
	}
	for _, run := range keyboardRuns {
		if strings.Contains(run, core) || strings.Contains(run, lower) {
			return &PasswordError{"password is a keyboard or alphabet sequence", "mot de passe fait d'une suite de touches ou de lettres"}
		}
	}
	distinct := map[rune]bool{}
	for _, r := range lower {
		distinct[r] = true
	}
	if len(distinct) < 5 || repeatedUnit(lower) != lower {
		return &PasswordError{"password repeats a few characters", "mot de passe qui répète quelques caractères"}
	}
	if u := strings.ToLower(user); len(u) >= 3 && strings.Contains(lower, u) || strings.Contains(lower, "vigie") {
		return &PasswordError{"password contains the user name or the product's name", "mot de passe qui contient l'identifiant ou le nom du produit"}
	}
	return nil
}

// repeatedUnit returns the shortest u with s = u repeated, or s.
func repeatedUnit(s string) string {
	for n := 1; n <= len(s)/2; n++ {
		if len(s)%n == 0 && strings.Repeat(s[:n], len(s)/n) == s {
			return s[:n]
		}
	}
	return s
}
