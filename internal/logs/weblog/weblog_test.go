package weblog

import (
	"testing"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/logstest"
)

func TestLines(t *testing.T) {
	text := `203.0.113.45 - alice@cabinet.example [20/Mar/2025:23:43:10 +0100] "POST /SOGo/connect HTTP/1.1" 200 512 "https://mail.cabinet.example/SOGo/" "Mozilla/5.0 (X11; Linux x86_64)"
mail.cabinet.example:443 192.0.2.10 - - [20/Mar/2025:09:00:00 +0100] "GET /roundcube/?_task=mail HTTP/2.0" 200 10240 "-" "curl/8.5"
not a log line`
	evs, st := logstest.ParseString(t, Parser, "access.log", text)
	w := evs[1][0].(*logs.WebRequest)
	if w.User != "alice@cabinet.example" || w.ClientIP.String() != "203.0.113.45" || w.Method != "POST" || w.Status != 200 ||
		w.Bytes != 512 || w.UserAgent != "Mozilla/5.0 (X11; Linux x86_64)" || w.Time.UTC().Format("15:04") != "22:43" {
		t.Errorf("%+v", w)
	}
	w = evs[2][0].(*logs.WebRequest)
	if w.Host != "mail.cabinet.example" || w.URL != "https://mail.cabinet.example/roundcube/?_task=mail" {
		t.Errorf("%+v", w)
	}
	if st.Errors != 1 {
		t.Errorf("errors %d", st.Errors)
	}
}

func FuzzParse(f *testing.F) {
	logstest.Fuzz(f, Parser, `1.2.3.4 - - [20/Mar/2025:23:43:10 +0100] "GET / HTTP/1.1" 200 1 "-" "ua"`, `a b c d [x] "`, `- - - [01/Jan/2000:00:00:00 +0000] "\"`)
}
