package sharetest

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the child process end when the test process does, even when the test process is
// killed and its cleanups never run.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
