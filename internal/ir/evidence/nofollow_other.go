//go:build !unix

package evidence

import "os"

// openNoFollow opens path read-only; OpenFile's Lstat and SameFile checks
// stand in for O_NOFOLLOW on systems without it.
func openNoFollow(path string) (*os.File, error) { return os.Open(path) }
