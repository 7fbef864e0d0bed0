package textmatch

import "testing"

func TestGenerated(t *testing.T) {
	for _, tc := range []struct {
		w    string
		want bool
	}{
		// Sender local parts and tags seen in bulk fraud.
		{"aNiOPsklEuPFaAJ", true},
		{"GdGiFyie", true},
		{"MvSSrjf", true},
		{"XhFTOvfL", true},
		{"zlxwgyuqyrir", true},
		{"azpkzmuobylznikotqcq", true},
		{"kgm5xwql99vk", true},
		{"y7pehg1z711l", true},
		{"pIsdlCthlCTXTgpZeWBu", true},
		{"SHTXhIWo", true},
		{"WNIIqmjVi", true},
		{"aOVnbzhKi", true},
		// People, teams and services.
		{"djwong", false},
		{"gregkh", false},
		{"deLaRochefoucauld", false},
		{"TitanSpinsWinZone", false},
		{"MailNFTlaunch", false},
		{"jean", false},
		{"notification", false},
		{"newsletter", false},
		{"christophermartin", false},
		{"john2023", false},
		{"McDonald", false},
		{"AnnaB", false},
		{"JSmith", false},
		{"iPhone", false},
		{"MarieClaire", false},
		{"FOXSportsFLASH", false},
		{"armstrong", false},
		{"engelbrecht", false},
		{"BestDealsUSA", false},
		{"starzhangzsd", false},
		{"schwarzschild", false},
		{"facture", false},
		{"noreply", false},
		{"été", false},
	} {
		if got := Generated(tc.w, 6); got != tc.want {
			t.Errorf("Generated(%q) = %v, want %v", tc.w, got, tc.want)
		}
	}
}

func FuzzGenerated(f *testing.F) {
	for _, s := range []string{"aNiOPsklEuPFaAJ", "deLaRochefoucauld", "kgm5xwql99vk", "McDonald", ""} {
		f.Add(s, 6)
	}
	f.Fuzz(func(t *testing.T, w string, minLen int) {
		Generated(w, minLen) // must not panic on any input
		naturalCase(w)
	})
}

func TestStrangeCluster(t *testing.T) {
	for w, want := range map[string]bool{"passphrase": false, "Armstrong": false, "hugetlbfs": true, "azpkzmuob": true, "facture": false} {
		if got := StrangeCluster(w); got != want {
			t.Errorf("%s: got %v", w, got)
		}
	}
}
