package brand

import "testing"

func TestSubjectWithoutFreeAddresses(t *testing.T) {
	c := &Check{freemail: func(d string) bool { return d == "gmail.com" || d == "outlook.fr" }}
	for _, tc := range []struct{ in, want string }{
		{"lea.graphiste@gmail.com vous a envoyé des fichiers via WeTransfer", "lea.graphiste@- vous a envoyé des fichiers via WeTransfer"},
		{"Fichiers de <paul@outlook.fr>.", "Fichiers de <paul@->."},
		// What sits beside the address stays: a brand glued to it, a
		// local part naming a brand.
		{"PayPal:jean.dupont@gmail.com paiement reçu", "PayPal:jean.dupont@- paiement reçu"},
		{"Paiement PayPal<jean@GMAIL.COM> reçu", "Paiement PayPal<jean@-> reçu"},
		{"paypal.service@gmail.com : votre compte est limité", "paypal.service@- : votre compte est limité"},
		{"security@paypal.com : votre compte est limité", "security@paypal.com : votre compte est limité"},
		{"Votre compte Gmail sera suspendu", "Votre compte Gmail sera suspendu"},
	} {
		if got := c.subjectWithoutFreeAddresses(tc.in); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
}
