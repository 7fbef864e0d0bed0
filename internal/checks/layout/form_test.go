package layout

import "testing"

// TestFormFields: a form with exactly one field to type in (a search box,
// a sign-up box) is not HTML_FORM; one asking for several, or for none (a
// button posing as a link), is; a password field is HTML_PASSWORD_FORM.
func TestFormFields(t *testing.T) {
	tests := []struct {
		name, html     string
		form, password bool
	}{
		{"search box", `<form action="/s"><input type=text name=q><select name=t></select><input type=submit value=Go></form>`, false, false},
		{"sign-up box", `<form method=post action="/l"><input type="hidden" name="l" value="x"><input type="email" name="a"><input type="radio" name="op" checked><input type="image" src="b.gif"></form>`, false, false},
		{"no type is text", `<FORM action="/s"><INPUT NAME=qt SIZE=15><INPUT TYPE="image" SRC="go.gif"></FORM>`, false, false},
		{"question box", `<form action="/q"><input type=hidden name=p value=1><textarea name=q></textarea></form>`, false, false},
		{"details form", `<form action="https://x.example/r"><input type="text" name="nom"><input type=tel name="tel"><input type="submit"></form>`, true, false},
		{"card form", `<form><input name=card><input name=exp><input name=cvv></form>`, true, false},
		{"button posing as a link", `<form action="https://x.example/d"><button>Open the document</button></form>`, true, false},
		{"empty forms", `<form><form><form>`, true, false},
		{"unclosed single field", `<form action="/s"><input type=text name=q>`, false, false},
		{"second form counts", `<form action="/s"><input name=q></form><form action="/p"><input name=u><input name=v></form>`, true, false},
		{"password", `<form><input type="password" name="p"></form>`, false, true},
		{"type attribute of another name", `<form><input datatype="hidden" name="a"><input data-type=x name=b></form>`, true, false},
		// The type attribute is the one named "type", wherever it stands:
		// neither data-type's value nor a value "type" hides it.
		{"type after data-type", `<form action="/s"><input data-type="text" type="hidden" name=a><input name=q></form>`, false, false},
		{"value named type", `<form action="/s"><input name="type" type=hidden><input name=q></form>`, false, false},
		{"type after slash", `<form action="/s"><input/type=hidden name=a><input name=q></form>`, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := scanHTML(tt.html)
			if f.form != tt.form || f.password != tt.password {
				t.Errorf("scanHTML(%q): form %v password %v, want %v %v", tt.html, f.form, f.password, tt.form, tt.password)
			}
		})
	}
}

// FuzzScanHTML: any HTML is read without panicking.
func FuzzScanHTML(f *testing.F) {
	f.Add(`<form action="/s"><input type=text name=q></form>`)
	f.Add(`<form><input type`)
	f.Add(`<input type=  "`)
	f.Add(`</form><form`)
	f.Fuzz(func(t *testing.T, s string) {
		scanHTML(s)
	})
}
