//go:build unix

package evidence

import (
	"os"
	"syscall"
)

// openNoFollow opens path read-only, failing on a symbolic link
// (O_NOFOLLOW) and without blocking on a FIFO (O_NONBLOCK).
func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}
