//go:build !linux

package sharetest

import "os/exec"

// dieWithParent is left to the test's cleanups where the system cannot tie a child to its parent.
func dieWithParent(*exec.Cmd) {}
