package rootless

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// brokerReply is the broker's answer to one shim request.
type brokerReply struct {
	Code  int    `json:",omitempty"`
	Error string `json:",omitempty"`
}

// EnsureWithCRIUBroker is Ensure for a command that checkpoints: the
// command runs inside the namespace as a child of this process, which
// stays outside it and runs CRIUHelper for the child's criu shim (see
// criushim.go). It does not return for an ordinary user: it exits with the
// child's status.
func EnsureWithCRIUBroker(runRoot string) error {
	if os.Geteuid() == 0 {
		return nil
	}
	pid, err := prepareJoin(runRoot)
	if err != nil {
		return err
	}
	sock := filepath.Join(runRoot, "criu-broker-"+strconv.Itoa(os.Getpid())+".sock")
	_ = os.Remove(sock)
	ln, err := net.ListenUnix("unixpacket", &net.UnixAddr{Name: sock, Net: "unixpacket"})
	if err != nil {
		return fmt.Errorf("listening for the criu shim: %w", err)
	}
	defer os.Remove(sock)
	if err := os.Chmod(sock, 0o600); err != nil {
		_ = ln.Close()
		return fmt.Errorf("listening for the criu shim: %w", err)
	}
	go serveBroker(ln)
	cmd := &exec.Cmd{
		Path:   "/proc/self/exe",
		Args:   os.Args,
		Env:    append(joinEnv(runRoot, pid), envBroker+"="+sock),
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting podlite in the rootless namespace: %w", err)
	}
	// The terminal's signals reach both, and the child decides what they
	// do; a SIGTERM or SIGHUP sent to this process alone is passed on.
	signal.Ignore(syscall.SIGINT, syscall.SIGQUIT)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		for sig := range sigs {
			_ = cmd.Process.Signal(sig)
		}
	}()
	err = cmd.Wait()
	signal.Stop(sigs)
	_ = ln.Close()
	_ = os.Remove(sock)
	os.Exit(childStatus(err))
	return nil
}

// childStatus is the exit status a shell would report for a child that
// ended with err: its code, or 128 plus the signal that killed it.
func childStatus(err error) int {
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		if err != nil {
			slog.Error("podlite in the rootless namespace", "err", err)
			return 125
		}
		return 0
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return exit.ExitCode()
}

// serveBroker runs the helper for each shim that connects, one at a time.
func serveBroker(ln *net.UnixListener) {
	for {
		c, err := ln.AcceptUnix()
		if err != nil {
			return
		}
		rep := brokerRun(c)
		if data, err := json.Marshal(rep); err == nil {
			if _, err := c.Write(data); err != nil {
				slog.Warn("answering the criu shim", "err", err)
			}
		}
		_ = c.Close()
	}
}

// brokerRun receives a shim's arguments and descriptors and runs the
// helper with them as its own, in the same places.
func brokerRun(c *net.UnixConn) brokerReply {
	buf := make([]byte, 4096)
	oob := make([]byte, unix.CmsgSpace(4*maxShimFDs))
	n, oobn, _, _, err := c.ReadMsgUnix(buf, oob)
	if err != nil {
		return brokerReply{Error: "reading the shim's request: " + err.Error()}
	}
	files, err := receivedFiles(oob[:oobn])
	defer func() {
		for _, f := range files {
			_ = f.Close()
		}
	}()
	if err != nil {
		return brokerReply{Error: err.Error()}
	}
	var req shimRequest
	if err := json.Unmarshal(buf[:n], &req); err != nil || len(files) < 3 || len(files) != len(req.FDs) {
		return brokerReply{Error: fmt.Sprintf("a malformed criu shim request (%d descriptors): %v", len(files), err)}
	}
	// CRIU refuses any request of a user without --unprivileged, even
	// one (VERSION) that carries no configuration file to say it.
	cmd := exec.Command(CRIUHelper, append([]string{"--unprivileged"}, req.Args...)...)
	cmd.Args[0] = "criu"
	cmd.Stdin, cmd.Stdout, cmd.Stderr = files[0], files[1], files[2]
	// Each descriptor at the number it had in the shim (gaps closed).
	for i, fd := range req.FDs[3:] {
		for len(cmd.ExtraFiles) < fd-3 {
			cmd.ExtraFiles = append(cmd.ExtraFiles, nil)
		}
		cmd.ExtraFiles = append(cmd.ExtraFiles, files[3+i])
	}
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return brokerReply{Code: exit.ExitCode()}
	}
	if err != nil {
		return brokerReply{Error: fmt.Sprintf("running %s: %v", CRIUHelper, err)}
	}
	return brokerReply{}
}

func receivedFiles(oob []byte) ([]*os.File, error) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, fmt.Errorf("parsing the shim's descriptors: %w", err)
	}
	var files []*os.File
	for _, m := range msgs {
		fds, err := unix.ParseUnixRights(&m)
		if err != nil {
			return files, fmt.Errorf("parsing the shim's descriptors: %w", err)
		}
		for _, fd := range fds {
			files = append(files, os.NewFile(uintptr(fd), "criu-shim-fd"))
		}
	}
	return files, nil
}
