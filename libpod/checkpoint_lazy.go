package libpod

// Remote checkpoints: the memory pages leave the host during the dump.
//
// With --page-server ADDR:PORT alone, CRIU sends the pages to a page server
// (`criu page-server --images-dir DIR --port PORT` on the receiving host)
// and writes the rest of the images here; the archive (--export) carries
// that rest, and `restore --import FILE --import-pages DIR` puts the two
// together again.
//
// With --lazy-pages too, CRIU dumps everything but the pages, keeps the
// processes frozen and serves the pages itself on PORT until the restore
// side has pulled them all; then the processes here are killed. The order
// on this side is:
//
//  1. CRIU writes the images without pages and listens on PORT;
//  2. libcontainer reports it on a pipe (CRIU's "status-ready");
//  3. podlite writes the archive, then calls Ready: the restore may start;
//  4. the restore side imports the archive, starts `criu lazy-pages`,
//     which connects to PORT, and restores; pages move on demand;
//  5. once the last page has moved, CRIU kills the processes here and the
//     checkpoint returns.
//
// If the archive cannot be written, the dump is made to fail before
// anyone connects, and CRIU resumes the processes. Either way the
// container here ends exited, not checkpointed (its images lack the
// memory), with its addresses given back: it lives on elsewhere.
//
// Known hazard (CRIU 4.2.1): the lazy page server listens on every address
// without authentication, and a connection closed without a word counts as
// a finished transfer. A stray connection, or a restore side that fails
// after its daemon connected, ends the dump as a success and the processes
// here are killed: the container is lost. Serve lazy pages on trusted
// networks only.

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/oci"
	"github.com/podlite/podlite/pkg/criu"
)

// Validate checks the options that can be checked before a checkpoint
// touches anything: today those of a checkpoint through a page server
// (whether lazy pages work here included).
func (o CheckpointOptions) Validate() error {
	_, err := checkRemoteCheckpoint(o)
	return err
}

// Validate checks the options that can be checked before a restore (or
// the import before it) touches anything: today the lazy-pages ones
// (whether lazy pages work here included).
func (o RestoreOptions) Validate() error {
	_, err := checkRemoteRestore(o)
	return err
}

// checkRemoteCheckpoint validates a checkpoint's page-server options and
// returns the page server, or nil for a checkpoint that keeps its pages.
func checkRemoteCheckpoint(opts CheckpointOptions) (*criu.PageServer, error) {
	if opts.PageServer == "" {
		if opts.LazyPages {
			return nil, fmt.Errorf("lazy pages need a page server (ADDR:PORT) to serve them on: %w", define.ErrInvalidArg)
		}
		return nil, nil
	}
	ps, err := criu.ParsePageServer(opts.PageServer)
	if err != nil {
		return nil, err
	}
	switch {
	case opts.Export == "":
		return nil, fmt.Errorf("a checkpoint through a page server needs --export: the images other than memory travel in the archive: %w", define.ErrInvalidArg)
	case opts.LazyPages && opts.LeaveRunning:
		return nil, fmt.Errorf("lazy pages cannot leave the container running: it stays frozen until the restore side has its memory: %w", define.ErrInvalidArg)
	case opts.PreCheckpoint || opts.WithPrevious:
		return nil, fmt.Errorf("a checkpoint through a page server cannot be a pre-checkpoint: %w", define.ErrInvalidArg)
	}
	if opts.LazyPages {
		if err := criu.SupportsLazyPages(); err != nil {
			return nil, err
		}
		if err := criu.CanServeLazyPages(); err != nil {
			return nil, err
		}
	}
	return &ps, nil
}

// lazyDump is the podlite side of a lazy dump in progress.
type lazyDump struct {
	c    *Container
	opts CheckpointOptions
	ps   criu.PageServer
	// exported is set once the archive is written; err when it could not
	// be and the dump was called off.
	exported bool
	err      error
}

// ready runs when the dump serves its pages: it writes the archive and
// then calls opts.Ready. If the archive fails, it makes the dump fail (the
// processes resume) and keeps the reason.
func (l *lazyDump) ready() {
	// The checkpoint holds the container's lock and waits in CRIU.
	err := l.c.exportCheckpointLocked(l.opts.Export, l.opts.Compression, l.opts.IgnoreRootfs, l.opts.IgnoreVolumes)
	if err != nil {
		l.err = fmt.Errorf("writing the archive of %s for a lazy checkpoint, which was called off: %w", l.c.config.Name, err)
		if aerr := criu.AbortLazyDump(l.ps); aerr != nil {
			l.err = fmt.Errorf("%w; %w", l.err, aerr)
		}
		return
	}
	l.exported = true
	if l.opts.Ready != nil {
		l.opts.Ready()
	}
}

// failed undoes what a failed lazy dump left: an archive without the
// memory it promised.
func (l *lazyDump) failed() {
	if l.exported {
		_ = os.Remove(l.opts.Export)
	}
}

// movedLocked finishes a checkpoint whose memory went to a page server:
// the archive (written now, unless a lazy dump wrote it already) and a
// container that is exited, not checkpointed, with no images left here.
// It is marked stopped by the user so that no restart policy brings it
// back beside its new home.
func (c *Container) movedLocked(opts CheckpointOptions) error {
	if !opts.LazyPages {
		if err := c.exportCheckpointLocked(opts.Export, opts.Compression, opts.IgnoreRootfs, opts.IgnoreVolumes); err != nil {
			return err
		}
	}
	images := filepath.Join(c.userDir(), checkpointDir)
	if err := os.RemoveAll(images); err != nil {
		return err
	}
	if !opts.Keep {
		_ = os.Remove(filepath.Join(c.userDir(), criu.MemberStats))
	}
	c.state.Checkpointed, c.state.CheckpointPath, c.state.StoppedByUser = false, "", true
	return c.saveLocked()
}

// checkRemoteRestore validates a restore's lazy-pages options and returns
// the page server to fetch the pages from, or nil.
func checkRemoteRestore(opts RestoreOptions) (*criu.PageServer, error) {
	switch {
	case opts.LazyPages && opts.PageServer == "":
		return nil, fmt.Errorf("lazy pages need the page server (ADDR:PORT) of the checkpoint that serves them: %w", define.ErrInvalidArg)
	case !opts.LazyPages && opts.PageServer != "":
		return nil, fmt.Errorf("on restore, a page server is where lazy pages come from: it needs lazy pages: %w", define.ErrInvalidArg)
	case opts.LazyPages && opts.PagesDir != "":
		return nil, fmt.Errorf("the pages come either lazily from a page server or from a directory, not both: %w", define.ErrInvalidArg)
	case !opts.LazyPages:
		return nil, nil
	}
	ps, err := criu.ParsePageServer(opts.PageServer)
	if err != nil {
		return nil, err
	}
	if err := criu.SupportsLazyPages(); err != nil {
		return nil, err
	}
	return &ps, nil
}

// remotePagesLocked readies the memory of a checkpoint whose pages are
// elsewhere: it adds the pages a page server received (opts.PagesDir), or
// starts the lazy-pages daemon that will fetch them from ps. It returns
// what to do once the restore has succeeded or failed, and the CRIU
// options for the restore.
func (c *Container) remotePagesLocked(opts RestoreOptions, ps *criu.PageServer, restore *oci.CheckpointOptions) (done func(failed bool), err error) {
	if opts.PagesDir != "" {
		if err := criu.AddPages(opts.PagesDir, restore.ImagesDir); err != nil {
			return nil, err
		}
	} else if !hasPagemap(restore.ImagesDir) && ps == nil {
		return nil, fmt.Errorf("the checkpoint of %s went to a page server without its memory: restore it with --import-pages DIR: %w", c.config.Name, define.ErrInvalidArg)
	}
	if ps == nil {
		return func(bool) {}, nil
	}
	d, err := criu.StartLazyPages(restore.ImagesDir, restore.WorkDir, *ps)
	if err != nil {
		return nil, err
	}
	restore.LazyPages = true
	return func(failed bool) {
		if failed {
			d.Stop()
			return
		}
		d.Forget()
	}, nil
}

// hasPagemap reports whether a checkpoint's images describe its memory.
func hasPagemap(images string) bool {
	m, _ := filepath.Glob(filepath.Join(images, "pagemap-*.img"))
	return len(m) > 0
}
