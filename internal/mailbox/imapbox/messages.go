package imapbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/emersion/go-imap/v2"

	"vigie.dev/vigie/internal/mailbox"
)

// MaxResults bounds the messages one search returns.
const MaxResults = 50000

// Search implements mailbox.Session: one UID SEARCH on the server, then one
// UID FETCH of the envelopes of what it found.
func (s *session) Search(ctx context.Context, folder string, q mailbox.Query) ([]mailbox.Summary, error) {
	if err := s.selectFolder(ctx, folder, false); err != nil {
		return nil, err
	}
	crit := &imap.SearchCriteria{Since: q.Since, Before: q.Before}
	if q.MessageID != "" {
		crit.Header = append(crit.Header, imap.SearchCriteriaHeaderField{Key: "Message-ID", Value: strings.Trim(q.MessageID, "<> ")})
	}
	if q.From != "" {
		crit.Header = append(crit.Header, imap.SearchCriteriaHeaderField{Key: "From", Value: q.From})
	}
	if q.Subject != "" {
		crit.Header = append(crit.Header, imap.SearchCriteriaHeaderField{Key: "Subject", Value: q.Subject})
	}
	s.commands++
	data, err := s.cl.UIDSearch(crit, nil).Wait()
	if err != nil {
		return nil, fmt.Errorf("imap %s: search %q: %w", s.user, folder, err)
	}
	uids := data.AllUIDs()
	if len(uids) == 0 {
		return nil, nil
	}
	if len(uids) > MaxResults {
		return nil, fmt.Errorf("imap %s: search %q: %d messages match (limit %d): narrow the query", s.user, folder, len(uids), MaxResults)
	}
	s.commands++
	msgs, err := s.cl.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, Envelope: true, RFC822Size: true,
		InternalDate: true}).Collect()
	if err != nil {
		return nil, fmt.Errorf("imap %s: fetch envelopes in %q: %w", s.user, folder, err)
	}
	out := make([]mailbox.Summary, 0, len(msgs))
	for _, m := range msgs {
		sum := mailbox.Summary{Ref: mailbox.Ref{Folder: folder, ID: strconv.FormatUint(uint64(m.UID), 10)},
			Size: m.RFC822Size, Date: m.InternalDate}
		if e := m.Envelope; e != nil {
			sum.MessageID, sum.Subject = e.MessageID, e.Subject
			if len(e.From) > 0 {
				sum.From = e.From[0].Addr()
			}
			for _, l := range [][]imap.Address{e.To, e.Cc, e.Bcc} {
				for _, a := range l {
					if a.Addr() != "" {
						sum.To = append(sum.To, a.Addr())
					}
				}
			}
		}
		out = append(out, sum)
	}
	return out, nil
}

func parseUID(ref mailbox.Ref) (imap.UID, error) {
	n, err := strconv.ParseUint(ref.ID, 10, 32)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("imap: %q is not a UID", ref.ID)
	}
	return imap.UID(n), nil
}

// Fetch implements mailbox.Session: BODY.PEEK[] (the \Seen flag is left
// alone) with a partial range one byte over max, so an oversized message
// is detected without downloading it.
func (s *session) Fetch(ctx context.Context, ref mailbox.Ref, max int64) ([]byte, error) {
	uid, err := parseUID(ref)
	if err != nil {
		return nil, err
	}
	if err := s.selectFolder(ctx, ref.Folder, false); err != nil {
		return nil, err
	}
	sec := &imap.FetchItemBodySection{Peek: true, Partial: &imap.SectionPartial{Offset: 0, Size: max + 1}}
	s.commands++
	msgs, err := s.cl.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{sec}}).Collect()
	if err != nil {
		return nil, fmt.Errorf("imap %s: fetch %s/%s: %w", s.user, ref.Folder, ref.ID, err)
	}
	if len(msgs) == 0 {
		return nil, fmt.Errorf("imap %s: %s/%s: %w", s.user, ref.Folder, ref.ID, mailbox.ErrNotFound)
	}
	b := msgs[0].FindBodySection(sec)
	if int64(len(b)) > max {
		return nil, fmt.Errorf("imap %s: %s/%s: %w (over %d bytes)", s.user, ref.Folder, ref.ID, mailbox.ErrTooLarge, max)
	}
	return b, nil
}

// Move implements mailbox.Session.
func (s *session) Move(ctx context.Context, refs []mailbox.Ref, dest string) ([]mailbox.Ref, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	caps := s.cl.Caps()
	if !caps.Has(imap.CapMove) && !caps.Has(imap.CapIMAP4rev2) && !caps.Has(imap.CapUIDPlus) {
		return nil, fmt.Errorf("imap %s: the server has neither MOVE nor UIDPLUS, and a plain EXPUNGE would remove other deleted messages: %w",
			s.user, mailbox.ErrUnsupported)
	}
	folder := refs[0].Folder
	var set imap.UIDSet
	for _, r := range refs {
		if r.Folder != folder {
			return nil, fmt.Errorf("imap: move: messages of several folders")
		}
		uid, err := parseUID(r)
		if err != nil {
			return nil, err
		}
		set.AddNum(uid)
	}
	if err := s.ensureFolder(ctx, dest); err != nil {
		return nil, err
	}
	if err := s.selectFolder(ctx, folder, true); err != nil {
		return nil, err
	}
	s.commands++
	if !caps.Has(imap.CapMove) && !caps.Has(imap.CapIMAP4rev2) {
		s.commands += 2 // COPY, STORE, UID EXPUNGE
	}
	stop := context.AfterFunc(ctx, func() { s.cl.Close() })
	defer stop()
	data, err := s.cl.Move(set, dest).Wait()
	if err != nil {
		return nil, fmt.Errorf("imap %s: move %d message(s) from %q to %q: %w", s.user, len(refs), folder, dest, err)
	}
	var out []mailbox.Ref
	if data == nil || data.DestUIDs == nil {
		// RFC 4315: a server with UIDPLUS answers a move with COPYUID; none
		// means none of the messages was there any more (Dovecot answers
		// OK to a UID set that matches nothing).
		if caps.Has(imap.CapUIDPlus) || caps.Has(imap.CapIMAP4rev2) {
			return nil, fmt.Errorf("imap %s: move from %q: %w (moved or deleted meanwhile)", s.user, folder, mailbox.ErrNotFound)
		}
		return nil, nil
	}
	if data != nil && data.DestUIDs != nil {
		if dst, ok := data.DestUIDs.(imap.UIDSet); ok {
			if nums, ok := dst.Nums(); ok && len(nums) == len(refs) {
				for _, n := range nums {
					out = append(out, mailbox.Ref{Folder: dest, ID: strconv.FormatUint(uint64(n), 10)})
				}
			}
		}
	}
	return out, nil
}

// ensureFolder creates dest unless it is known to exist: one CREATE, an
// ALREADYEXISTS answer being as good.
func (s *session) ensureFolder(ctx context.Context, dest string) error {
	if s.created[dest] {
		return nil
	}
	for _, f := range s.folders {
		if f.Name == dest {
			s.created[dest] = true
			return nil
		}
	}
	s.commands++
	if err := s.cl.Create(dest, nil).Wait(); err != nil {
		var ie *imap.Error
		if !errors.As(err, &ie) || ie.Code != imap.ResponseCodeAlreadyExists {
			return fmt.Errorf("imap %s: create %q: %w", s.user, dest, err)
		}
	} else if s.folders != nil {
		s.folders = append(s.folders, mailbox.Folder{Name: dest})
	}
	s.created[dest] = true
	return nil
}
