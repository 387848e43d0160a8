package criu

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/pidfile"
)

// PageServer is where memory pages travel during a remote checkpoint: the
// page server a plain dump sends them to, or, with lazy pages, the address
// and port at which the dumping CRIU serves them to the restore side.
type PageServer struct {
	Address string
	Port    int32
}

// String gives the ADDR:PORT form ParsePageServer reads.
func (p PageServer) String() string {
	return net.JoinHostPort(p.Address, strconv.Itoa(int(p.Port)))
}

// ParsePageServer reads ADDR:PORT (an IPv6 address in brackets). The
// address must be a literal IP: CRIU resolves no names.
func ParsePageServer(s string) (PageServer, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return PageServer{}, fmt.Errorf("page server %q is not ADDR:PORT: %w", s, define.ErrInvalidArg)
	}
	if net.ParseIP(host) == nil {
		return PageServer{}, fmt.Errorf("page server %q: %q is not an IP address: %w", s, host, define.ErrInvalidArg)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || p == 0 {
		return PageServer{}, fmt.Errorf("page server %q: %q is not a port number: %w", s, port, define.ErrInvalidArg)
	}
	return PageServer{Address: host, Port: int32(p)}, nil
}

// SupportsLazyPages says whether pages can be restored on demand here: it
// takes userfaultfd with non-cooperative events in the kernel. When not,
// the error wraps define.ErrNotSupported and says what CRIU found missing.
func SupportsLazyPages() error {
	ok, err := featureOf(binary, LazyPages)
	if err != nil {
		return err
	}
	if !ok {
		uffd, _ := featureOf(binary, "uffd")
		if !uffd {
			return fmt.Errorf("lazy pages need userfaultfd, which this kernel lacks (CONFIG_USERFAULTFD): %w", define.ErrNotSupported)
		}
		return fmt.Errorf("lazy pages need non-cooperative userfaultfd events, which this kernel lacks: %w", define.ErrNotSupported)
	}
	return nil
}

// lazyPipeSize is the pipe CRIU's lazy page server asks for to send pages
// through: 819 pages on x86-64, which the kernel rounds up to 4 MiB.
const lazyPipeSize = 4 << 20

// capSysResource is CAP_SYS_RESOURCE's bit in the capability sets.
const capSysResource = 24

// CanServeLazyPages says whether a lazy dump can serve its pages from this
// process. CRIU's lazy page server needs a pipe of lazyPipeSize; without
// CAP_SYS_RESOURCE the kernel refuses pipes above fs.pipe-max-size, and
// CRIU 4.2.1 then fails only once the restore side asks for the first
// page, after that side has restored. The error wraps
// define.ErrNotSupported and says how to fix it.
func CanServeLazyPages() error {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return err
	}
	pipeMax, err := os.ReadFile("/proc/sys/fs/pipe-max-size")
	if err != nil {
		return err
	}
	return lazyPipeProblem(status, pipeMax)
}

func lazyPipeProblem(status, pipeMax []byte) error {
	for line := range strings.Lines(string(status)) {
		if hex, ok := strings.CutPrefix(line, "CapEff:"); ok {
			eff, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
			if err == nil && eff&(1<<capSysResource) != 0 {
				return nil
			}
		}
	}
	size, err := strconv.Atoi(strings.TrimSpace(string(pipeMax)))
	if err != nil {
		return fmt.Errorf("reading fs.pipe-max-size %q: %w", pipeMax, err)
	}
	if size < lazyPipeSize {
		return fmt.Errorf("serving lazy pages takes a %d-byte pipe, above fs.pipe-max-size (%d), and podlite lacks CAP_SYS_RESOURCE: raise it with sysctl fs.pipe-max-size=%d: %w",
			lazyPipeSize, size, lazyPipeSize, define.ErrNotSupported)
	}
	return nil
}

// LazyPagesLog is the log of the lazy-pages daemon, in its work directory.
const LazyPagesLog = "lazy-pages.log"

// lazyPagesSocket is where a restoring CRIU finds the lazy-pages daemon:
// CRIU names it relative to its work directory.
const lazyPagesSocket = "lazy-pages.socket"

// LazyPagesDaemon is a running `criu lazy-pages`: it hands the restored
// processes their memory pages as they touch them, fetching each from the
// dumping host's page server, and then the rest in the background. It
// exits by itself once every page has arrived.
type LazyPagesDaemon struct {
	pid     int
	workDir string
}

// StartLazyPages starts the lazy-pages daemon for the images in imagesDir.
// A restore that works in workDir (where the daemon leaves its socket and
// log) and asks for lazy pages then gets its memory from ps. It returns
// once the daemon listens.
func StartLazyPages(imagesDir, workDir string, ps PageServer) (*LazyPagesDaemon, error) {
	pidPath := filepath.Join(workDir, "lazy-pages.pid")
	_ = os.Remove(pidPath)
	_ = os.Remove(filepath.Join(workDir, lazyPagesSocket))
	cmd := exec.Command(binary, "lazy-pages", "--daemon", "--pidfile", pidPath,
		"--images-dir", imagesDir, "--work-dir", workDir, "--log-file", LazyPagesLog, "-v4",
		"--page-server", "--address", ps.Address, "--port", strconv.Itoa(int(ps.Port)))
	// The daemon forks away and its parent exits once the socket listens.
	if out, err := cmd.CombinedOutput(); err != nil {
		log := filepath.Join(workDir, LazyPagesLog)
		if reason := LogReason(log); reason != "" {
			return nil, fmt.Errorf("starting criu lazy-pages: %s (its log: %s): %w", reason, log, define.ErrUnavailable)
		}
		return nil, fmt.Errorf("starting criu lazy-pages: %v: %s: %w", err, firstLine(out), define.ErrUnavailable)
	}
	pid, err := pidfile.Read(pidPath)
	if err != nil {
		return nil, fmt.Errorf("reading the pid of criu lazy-pages: %w", err)
	}
	return &LazyPagesDaemon{pid: pid, workDir: workDir}, nil
}

// Stop kills the daemon, for a restore that failed before it connected.
func (d *LazyPagesDaemon) Stop() {
	_ = syscall.Kill(d.pid, syscall.SIGKILL)
	d.Forget()
}

// Forget removes the daemon's socket and pidfile once the restore has
// connected (the daemon keeps its connection and runs on).
func (d *LazyPagesDaemon) Forget() {
	_ = os.Remove(filepath.Join(d.workDir, lazyPagesSocket))
	_ = os.Remove(filepath.Join(d.workDir, "lazy-pages.pid"))
}

// AbortLazyDump makes a lazy dump that is waiting for its restore side at
// ps fail, so that CRIU resumes the frozen processes: it connects to the
// page server and sends a truncated request, which CRIU treats as a broken
// transfer. (A connection closed without a word would count as a finished
// transfer, and CRIU would kill the processes.)
func AbortLazyDump(ps PageServer) error {
	var errs []error
	// CRIU listens on every address; try this host's own.
	for _, addr := range []string{ps.Address, "127.0.0.1", "::1"} {
		conn, err := net.DialTimeout("tcp", net.JoinHostPort(addr, strconv.Itoa(int(ps.Port))), 2*time.Second)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		_, err = conn.Write([]byte{0})
		conn.Close()
		if err == nil {
			return nil
		}
		errs = append(errs, err)
	}
	return fmt.Errorf("stopping the lazy page server on port %d: %w", ps.Port, errors.Join(errs...))
}

// AddPages puts the memory images a page server received (pagemap-*.img
// and pages-*.img in dir) beside the other images of the same checkpoint
// in imagesDir. Files are hard-linked where the two directories share a
// file system and copied where not; dir is left as it was. An image that
// is already in imagesDir is an error: the two do not belong together. On
// error nothing is added.
func AddPages(dir, imagesDir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("page directory %s: %w", dir, define.ErrNotFound)
		}
		return err
	}
	var pages []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".img") || !(strings.HasPrefix(name, "pagemap-") || strings.HasPrefix(name, "pages-")) {
			continue
		}
		if !e.Type().IsRegular() {
			return fmt.Errorf("page image %s is not a regular file: %w", filepath.Join(dir, name), define.ErrInvalidArg)
		}
		if _, err := os.Lstat(filepath.Join(imagesDir, name)); err == nil {
			return fmt.Errorf("the checkpoint has its own %s already; %s holds the pages of another dump: %w", name, dir, define.ErrInvalidArg)
		}
		pages = append(pages, name)
	}
	if len(pages) == 0 {
		return fmt.Errorf("%s holds no memory images (pagemap-*.img, pages-*.img) from a page server: %w", dir, define.ErrNotFound)
	}
	for i, name := range pages {
		if err := linkOrCopy(filepath.Join(dir, name), filepath.Join(imagesDir, name)); err != nil {
			for _, added := range pages[:i] {
				_ = os.Remove(filepath.Join(imagesDir, added))
			}
			return fmt.Errorf("adding %s to the checkpoint: %w", name, err)
		}
	}
	return nil
}

func linkOrCopy(src, dst string) (retErr error) {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); retErr == nil {
			retErr = cerr
		}
		if retErr != nil {
			_ = os.Remove(dst)
		}
	}()
	_, err = io.Copy(out, in)
	return err
}
