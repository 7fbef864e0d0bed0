package account

import (
	"errors"
	"testing"
)

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		user, pw string
		ok       bool
	}{
		{"alice", "password1234", false},      // issue 18: a common password with digits
		{"alice", "P@ssw0rd2024!", false},     // leet and a year
		{"alice", "motdepasse123", false},     // French, in the breached list
		{"alice", "azertyuiopqs", false},      // keyboard run
		{"alice", "123456789012", false},      // digits only
		{"alice", "passwordpassword", false},  // a common word repeated
		{"alice", "abababababab", false},      // few characters
		{"alice", "alice-est-la-2026", false}, // the user name
		{"alice", "qwertyuiop123", false},     // in the list
		{"alice", "court", false},             // too short
		{"alice", "un mot de passe solide", true},
		{"alice", "correct horse battery", true},
		{"alice", "Brume-Tilleul-Quai-47", true},
	} {
		err := CheckPassword(tc.user, tc.pw)
		var pe *PasswordError
		if tc.ok != (err == nil) || (err != nil && !errors.As(err, &pe)) {
			t.Errorf("CheckPassword(%q) = %v, want ok=%v", tc.pw, err, tc.ok)
		}
		if pe != nil && (pe.FR == "" || pe.EN == "") {
			t.Errorf("%q: reason not given in both languages: %+v", tc.pw, pe)
		}
	}
	if n := len(commonPasswords()); n < 40000 {
		t.Errorf("common password list has %d entries", n)
	}
}

func BenchmarkCheckPassword(b *testing.B) {
	commonPasswords()
	for b.Loop() {
		CheckPassword("alice", "Brume-Tilleul-Quai-47")
	}
}
