package release

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// Postfix reaches the queue of the local Postfix whose milter is Vigie:
// postqueue -j to see where a message is, postsuper -H to release it from
// the hold queue (postsuper needs root).
type Postfix struct {
	// ConfigDir is Postfix's configuration directory (postfix -c);
	// "" uses Postfix's default, /etc/postfix.
	ConfigDir string
}

// ErrNoPostfix is returned when the Postfix tools are not on this host.
var ErrNoPostfix = errors.New("release: postqueue not found: Postfix does not run on this host")

func (p *Postfix) args(args ...string) []string {
	if p.ConfigDir != "" {
		return append([]string{"-c", p.ConfigDir}, args...)
	}
	return args
}

// Queue returns the queue that holds message id ("hold", "deferred",
// "active", "incoming", "maildrop"), or "" when Postfix has it no more
// (delivered, bounced, deleted).
func (p *Postfix) Queue(ctx context.Context, id string) (string, error) {
	bin, err := exec.LookPath("postqueue")
	if err != nil {
		return "", ErrNoPostfix
	}
	out, err := exec.CommandContext(ctx, bin, p.args("-j")...).Output()
	if err != nil {
		return "", fmt.Errorf("release: postqueue -j: %w%s", err, stderrOf(err))
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var m struct {
			Queue string `json:"queue_name"`
			ID    string `json:"queue_id"`
		}
		if json.Unmarshal(sc.Bytes(), &m) == nil && m.ID == id {
			return m.Queue, nil
		}
	}
	return "", sc.Err()
}

// ReleaseHeld moves message id from the hold queue back to delivery
// (postsuper -H) and asks for it to be delivered now (postqueue -i).
func (p *Postfix) ReleaseHeld(ctx context.Context, id string) error {
	if out, err := exec.CommandContext(ctx, "postsuper", p.args("-H", id)...).CombinedOutput(); err != nil {
		return fmt.Errorf("release: postsuper -H %s: %w: %s", id, err, strings.TrimSpace(string(out)))
	}
	// Without it the message waits for the queue manager's next pass;
	// it is delivered either way.
	exec.CommandContext(ctx, "postqueue", p.args("-i", id)...).Run()
	return nil
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return ": " + strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}
