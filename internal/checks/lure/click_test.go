package lure

import "testing"

// TestCallsToSignIn: a call to click is a credential lure only when the
// words around it say what for.
func TestCallsToSignIn(t *testing.T) {
	calls := [][]string{{"click", "here"}, {"cliquez", "ici"}, {"hier", "klicken"}, {"click", "below"}}
	tests := []struct {
		name, text string
		want       bool
	}{
		{"verify after", "Your mailbox will be closed. Click here to verify your email address.", true},
		{"account before", "To access your account, please click here.", true},
		{"activate", "Thank you for registering! Click below to activate your account.", true},
		{"French sign-in", "Pour consulter votre document, cliquez ici et connectez-vous.", true},
		{"German", "Um Ihr Konto zu bestätigen, bitte hier klicken.", true},
		{"unsubscribe", "If you no longer wish to receive these emails, click here to unsubscribe.", false},
		{"remove yourself", "Click here to remove yourself from our emails list.", false},
		{"web version", "Email not displaying correctly? Click here to view it in your browser.", false},
		{"read on", "Our new catalogue of surgical gloves is out. Click here to read more.", false},
		{"forgot password footer", "Forgot your password? Click here. Questions? Call our support desk.", false},
		{"purpose in a tracking link only", "To subscribe to more newsletters click here https://nl.example.com/servlet/url?login=1&brand=x", false},
		{"purpose too far", "Sign in to the webinar platform with your usual address and join us on the twelfth of March at ten o'clock sharp, and to order click here.", false},
		{"no call", "Please sign in to your account.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := callsToSignIn(tt.text, calls); got != tt.want {
				t.Errorf("callsToSignIn(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// FuzzCallsToSignIn: any text is read without panicking.
func FuzzCallsToSignIn(f *testing.F) {
	f.Add("click here to verify https://x.example/login www.y.example a@b.example")
	f.Add("click")
	f.Fuzz(func(t *testing.T, s string) {
		callsToSignIn(s, [][]string{{"click", "here"}, {"click"}})
	})
}
