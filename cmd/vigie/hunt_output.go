package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"vigie.dev/vigie/internal/hunt"
	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/ingest"
)

// lang is the language of what vigie hunt prints for people.
type lang string

func (l lang) t(fr, en string) string {
	if l == "en" {
		return en
	}
	return fr
}

func (l lang) f(fr, en string, a ...any) string { return fmt.Sprintf(l.t(fr, en), a...) }

// clean makes text from logs safe to print on a terminal: control
// characters (escape sequences, carriage returns, C1 controls), bidirectional
// overrides and invalid UTF-8 are shown as escapes instead of acting.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if unsafeRune(r) {
			ok = false
			break
		}
	}
	if ok && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f
}

// safeJSON escapes what encoding/json leaves as it is but a terminal obeys
// (it already escapes C0 controls): C1 controls and bidirectional overrides,
// so that JSON printed on a terminal cannot drive it either. Such characters
// only occur inside strings, where the escape means the same.
type safeJSON struct{ w io.Writer }

func (s safeJSON) Write(p []byte) (int, error) {
	out := make([]byte, 0, len(p))
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRune(p[i:])
		if r >= 0x80 && unsafeRune(r) {
			out = append(out, fmt.Sprintf(`\u%04x`, r)...)
		} else {
			out = append(out, p[i:i+n]...)
		}
		i += n
	}
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// width is the terminal's width from $COLUMNS, else a default that suits
// both a terminal and a file.
func width() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 60 {
		return n
	}
	return 140
}

// progress shows how far the reading is, on standard error, on a terminal or
// when asked: a line rewritten in place on a terminal, a line every ten
// seconds otherwise.
type progress struct {
	w     io.Writer
	on    bool
	tty   bool
	l     lang
	start time.Time
	last  time.Time
	shown bool
	// after: quiet for runs shorter than this; every: between two lines.
	after, every time.Duration
}

func newProgress(w io.Writer, force bool, l lang) *progress {
	tty := isTerminal(w)
	p := &progress{w: w, on: tty || force, tty: tty, l: l, start: time.Now(), after: 2 * time.Second, every: 10 * time.Second}
	if tty {
		p.every = 250 * time.Millisecond
	}
	return p
}

func (p *progress) update(file string, done, total int64) {
	if !p.on {
		return
	}
	now := time.Now()
	if now.Sub(p.start) < p.after || now.Sub(p.last) < p.every {
		return // short runs say nothing
	}
	p.last = now
	secs := now.Sub(p.start).Seconds()
	msg := p.l.f("lu %s", "read %s", p.l.size(done))
	if total > 0 {
		msg = p.l.f("lu %s sur %s (%d %%)", "read %s of %s (%d%%)", p.l.size(done), p.l.size(total), done*100/total)
	}
	msg += p.l.f(", %.0f Mo/s — %s", ", %.0f MB/s — %s", float64(done)/1e6/secs, clean(file))
	if p.tty {
		fmt.Fprintf(p.w, "\r\x1b[K%s", msg)
		p.shown = true
	} else {
		fmt.Fprintln(p.w, "vigie hunt: "+msg)
	}
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// size writes a byte count in MB or GB, with the decimal comma in French.
func (l lang) size(n int64) string {
	if n >= 1e9 {
		s := fmt.Sprintf("%.1f", float64(n)/1e9)
		if l == "fr" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s + l.t(" Go", " GB")
	}
	return fmt.Sprintf("%.0f", float64(n)/1e6) + l.t(" Mo", " MB")
}

// printReports says, for each input, what it was taken for and why, what was
// read, what was bad and what went wrong.
func printReports(w io.Writer, l lang, reports []ingest.Report) {
	for _, r := range reports {
		name := clean(r.File)
		switch r.Problem {
		case ingest.ProblemUnreadable:
			fmt.Fprintf(w, "vigie hunt: %s: %s\n", name, l.f("illisible : %s", "unreadable: %s", clean(r.Err)))
			continue
		case ingest.ProblemUnrecognised:
			fmt.Fprintf(w, "vigie hunt: %s: %s\n", name, l.f("format non reconnu, fichier ignoré (%s)", "unrecognised format, file skipped (%s)", clean(detectionWhy(l, r.Detection))))
			continue
		}
		line := fmt.Sprintf("%s: %s (%s)", name, formatName(r), clean(detectionWhy(l, r.Detection)))
		line += l.f(" ; %d lignes, %d événements", "; %d lines, %d events", r.Lines, r.Events)
		if r.Ignored > 0 {
			line += l.f(", %d lignes sans intérêt (autres programmes)", ", %d lines of no interest (other programs)", r.Ignored)
		}
		if r.Errors > 0 {
			line += l.f(", %d mauvaises lignes, par ex. %s", ", %d bad lines, e.g. %s", r.Errors, clean(strings.Join(r.Sample, " ; ")))
		}
		for _, d := range detectionDoubts(l, r.Detection) {
			line += l.f(" ; doute : %s", "; doubt: %s", d)
		}
		switch r.Problem {
		case ingest.ProblemTruncated:
			line += l.f(" ; FICHIER TRONQUÉ, lu jusqu'à la coupure : %s", "; TRUNCATED FILE, read up to the cut: %s", clean(r.Err))
		case ingest.ProblemBroken:
			line += l.f(" ; LECTURE INTERROMPUE : %s", "; READING STOPPED: %s", clean(r.Err))
		}
		fmt.Fprintln(w, "vigie hunt: "+line)
	}
}

func formatName(r ingest.Report) string {
	if len(r.Formats) <= 1 {
		return string(r.Format)
	}
	var fs []string
	for f, n := range r.Formats {
		fs = append(fs, fmt.Sprintf("%s %d", f, n))
	}
	sort.Strings(fs)
	return strings.Join(fs, " + ")
}

func unit(l lang, d ingest.Detection) string {
	if d.Shape == ingest.ShapeLines {
		return l.t("lignes", "lines")
	}
	return l.t("enregistrements", "records")
}

// detectionWhy words Detection.Why for people, in their language.
func detectionWhy(l lang, d ingest.Detection) string {
	if l == "en" {
		return d.Why()
	}
	u := unit(l, d)
	switch {
	case d.Shape == ingest.ShapeCSV:
		return csvWhyFR[d.Format]
	case d.Forced:
		return fmt.Sprintf("imposé ; %d des %d premières %s y correspondent", d.Counts[d.Format], d.Sample, u)
	case d.Format == logs.Unknown && d.Sample == 0:
		return "vide"
	case d.Format == logs.Unknown:
		why := fmt.Sprintf("aucune des %d premières %s n'est d'un format connu", d.Sample, u)
		if len(d.Examples) > 0 {
			why += " ; par ex. " + d.Examples[0]
		}
		return why
	}
	return fmt.Sprintf("%d des %d premières %s", d.Counts[d.Format], d.Sample, u)
}

// csvWhyFR says which export a CSV header is.
var csvWhyFR = map[logs.Format]string{
	logs.M365:       "en-tête CSV avec une colonne AuditData (export de la recherche d'audit)",
	logs.Entra:      "en-tête CSV du téléchargement des connexions du centre d'administration Entra (Date (UTC), Request ID, Username, IP address, Status)",
	logs.GWorkspace: "en-tête CSV de l'export du journal d'audit des connexions de la console d'administration Google (Event name, Event description, IP address, Date)",
}

func detectionDoubts(l lang, d ingest.Detection) []string {
	if l == "en" {
		return d.Doubts()
	}
	var out []string
	u := unit(l, d)
	for _, f := range d.Others() {
		out = append(out, fmt.Sprintf("aussi %d %s de %s", d.Counts[f], u, f))
	}
	if d.Unknown > 0 {
		out = append(out, fmt.Sprintf("%d des %d premières %s d'aucun format connu", d.Unknown, d.Sample, u))
	}
	if d.Forced && d.Counts[d.Format] == 0 && d.Sample > 0 {
		out = append(out, fmt.Sprintf("format %s imposé, mais aucune des %d premières %s n'en est", d.Format, d.Sample, u))
	}
	return out
}

// printFindings prints the findings as a table whose cells wrap: severity,
// time, who, what was seen (with its evidence), and what it means and what to do.
func printFindings(w io.Writer, l lang, fs []hunt.Finding) {
	if len(fs) == 0 {
		fmt.Fprintln(w, l.t("Aucun constat.", "No findings."))
		return
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.UTC
	}
	who := 8
	for _, f := range fs {
		who = max(who, min(utf8.RuneCountInString(clean(f.User)), 32))
	}
	rest := width() - 9 - 17 - who - 4*2
	what := max(30, rest*2/5)
	why := max(30, rest-what)
	t := table{widths: []int{9, 17, who, what, why}}
	t.row(l.t("GRAVITÉ", "SEVERITY"), l.t("QUAND (PARIS)", "WHEN (PARIS)"), l.t("QUI", "WHO"), l.t("CONSTAT ET PREUVE", "FINDING AND EVIDENCE"), l.t("CE QUE CELA VEUT DIRE, QUE FAIRE", "WHAT IT MEANS, WHAT TO DO"))
	for _, f := range fs {
		when := l.t("date inconnue", "date unknown")
		if !f.Time.IsZero() {
			when = f.Time.In(paris).Format("2006-01-02 15:04")
		}
		sev, title, det := f.Severity.French(), f.Title, f.DetailFR
		if l == "en" {
			sev, title, det = f.Severity.String(), f.TitleEN, f.Detail
		}
		expl := hunt.Advice(f.ID, l != "en")
		ev := ""
		if len(f.Evidence) > 0 {
			ev = f.Evidence[0].String()
			if f.Count > 1 {
				ev += l.f(" (+%d)", " (+%d)", f.Count-1)
			}
		}
		user := f.User
		if user == "" {
			user = "?"
		}
		t.row(sev, when, clean(user), clean(title)+"\n"+clean(det)+"\n"+l.t("preuve : ", "evidence: ")+clean(ev), clean(expl)+"\n["+f.ID+"]")
	}
	t.write(w)
	accounts := hunt.Accounts(fs)
	list := strings.Join(accounts, ", ")
	if len(accounts) > 10 {
		list = strings.Join(accounts[:10], ", ") + l.f(" et %d autres (--json les donne tous)", " and %d more (--json gives them all)", len(accounts)-10)
	}
	if list != "" {
		fmt.Fprintln(w, l.f("\nComptes concernés : %s", "\nAccounts concerned: %s", clean(list)))
	}
	fmt.Fprintln(w, l.f("%d constats.", "%d findings.", len(fs)))
}

// table writes rows of cells that wrap within fixed column widths.
type table struct {
	widths []int
	rows   [][]string
}

func (t *table) row(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer) {
	for i, r := range t.rows {
		var cols [][]string
		height := 0
		for c, cell := range r {
			lines := wrap(cell, t.widths[c])
			cols = append(cols, lines)
			height = max(height, len(lines))
		}
		for y := 0; y < height; y++ {
			var b strings.Builder
			for c, lines := range cols {
				s := ""
				if y < len(lines) {
					s = lines[y]
				}
				if c < len(cols)-1 {
					s += strings.Repeat(" ", max(0, t.widths[c]-utf8.RuneCountInString(s))+2)
				}
				b.WriteString(s)
			}
			fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		}
		if i < len(t.rows)-1 {
			fmt.Fprintln(w)
		}
	}
}

// wrap cuts text into lines of at most n runes, at spaces when it can.
func wrap(text string, n int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.FieldsFunc(para, unicode.IsSpace) {
			for utf8.RuneCountInString(word) > n { // a word longer than the column
				if line != "" {
					out = append(out, line)
					line = ""
				}
				r := []rune(word)
				out = append(out, string(r[:n]))
				word = string(r[n:])
			}
			switch {
			case line == "":
				line = word
			case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= n:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
		}
		out = append(out, line)
	}
	return out
}
