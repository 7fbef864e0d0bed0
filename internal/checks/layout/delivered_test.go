package layout

import (
	"testing"

	"vigie.dev/vigie/internal/message"
)

// TestDeliveredTo: only the topmost hop between hosts (a Received field
// with a "from" clause) says whom the message was last delivered to; a
// list's own hop "for" the list's address, below the member's, does not,
// even when the member's names no recipient (a batched delivery).
func TestDeliveredTo(t *testing.T) {
	received := func(vs ...string) message.Header {
		var h message.Header
		for _, v := range vs {
			h.Fields = append(h.Fields, message.Field{Name: "Received", Value: v})
		}
		return h
	}
	for _, tt := range []struct {
		name string
		h    message.Header
		want bool
	}{
		{"delivered to the From", received("from relay by mx.exemple.fr with ESMTP id 1 for <Pharmacie@chu-exemple.fr>; Tue, 12 May 2026 10:02:11 +0200"), true},
		{"a member's delivery above the list's own hop", received("from lists.ettus.com by mx.exemple.fr for <jean.dupont@exemple.fr>; Wed, 8 May 2019", "from mail by lists.ettus.com for <pharmacie@chu-exemple.fr>; Wed, 8 May 2019"), false},
		{"no for clause above the list's own hop", received("from lists.ettus.com by mx.exemple.fr; Wed, 8 May 2019", "from mail by lists.ettus.com for <pharmacie@chu-exemple.fr>; Wed, 8 May 2019"), false},
		{"a hand-over inside the receiving host above its MX's hop", received("by 2002:a05:7300:1a2b with SMTP id x1csp123; Tue, 12 May 2026", "from relay by mx.google.com with ESMTPS id 2 for <pharmacie@chu-exemple.fr>; Tue, 12 May 2026"), true},
		{"Exim's bare address", received("from relay by mail.exemple.fr with esmtp (Exim 4.96) id 1 for pharmacie@chu-exemple.fr; Tue, 12 May 2026"), true},
		{"the word for in a comment", received("from relay (authenticated as x for relaying) by mx.exemple.fr; Tue, 12 May 2026"), false},
		{"no for clause", received("from relay by mx.exemple.fr with ESMTP id 1; Tue, 12 May 2026"), false},
		{"a for clause inside a comment", received("from relay (for <pharmacie@chu-exemple.fr>) by mx.exemple.fr; Tue, 12 May 2026"), false},
	} {
		if got := deliveredTo(tt.h, "pharmacie@chu-exemple.fr"); got != tt.want {
			t.Errorf("%s: deliveredTo = %v, want %v", tt.name, got, tt.want)
		}
	}
}
