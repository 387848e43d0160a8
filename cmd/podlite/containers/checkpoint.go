package containers

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/cmd/podlite/system"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newCheckpointCommand(g *common.Globals) *cobra.Command {
	var o libpod.CheckpointOptions
	var printStats bool
	statusFD := -1
	sel := selection{}
	cmd := &cobra.Command{
		Use:   "checkpoint [options] CONTAINER [CONTAINER...]",
		Short: "Checkpoint one or more running containers with CRIU",
		Long: `Checkpoint running containers with CRIU.

Moving a container to another host without its memory in the archive:
  --page-server ADDR:PORT --export FILE sends the memory pages to a page
  server that runs on the other host before the checkpoint:
    criu page-server --images-dir DIR --address ADDR --port PORT
  and writes the rest to FILE; there, restore --import FILE --import-pages DIR.
  With --lazy-pages as well, the checkpoint serves the pages itself on PORT
  (on every address of this host); it writes FILE, then says the restore may
  start (on --status-fd N: one zero byte, then N is closed), and waits with
  the container frozen until the other host, running
  restore --import FILE --lazy-pages --page-server ADDR:PORT, has pulled every
  page. Either way the container here ends exited and no longer checkpointed.
  The lazy page server takes any connection on PORT, and CRIU counts one
  that closes without a word as the end of the transfer: use it on trusted
  networks only.`,
		Args:              common.MinArgs(0),
		Example:           "  podlite container checkpoint web\n  podlite container checkpoint --leave-running --tcp-established web\n  podlite container checkpoint --export web.tar.zst --lazy-pages --page-server 192.0.2.10:27000 --status-fd 3 web 3>ready",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (o.IgnoreRootfs || o.IgnoreVolumes) && o.Export == "" && o.CreateImage == "" {
				return fmt.Errorf("--ignore-rootfs and --ignore-volumes need --export or --create-image: %w", define.ErrInvalidArg)
			}
			if (o.Export != "" || o.CreateImage != "") && (len(args) != 1 || sel.all) {
				return fmt.Errorf("--export and --create-image take exactly one container: %w", define.ErrInvalidArg)
			}
			o.EngineVersion = system.Version
			if err := checkRemoteFlags(&o, statusFD); err != nil {
				return err
			}
			sel.quiet = printStats // the JSON replaces the names
			return WithStats(printStats, "checkpoint_duration", func(collect func(*libpod.CRReport, error) error) error {
				checkpoint := func(c *libpod.Container) error { return collect(c.Checkpoint(context.Background(), o)) }
				if sel.all { // every running container
					return forEachWhere(g, sel.quiet, (*libpod.Container).IsRunning, checkpoint)
				}
				return forEach(g, sel, args, checkpoint)
			})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&sel.all, "all", "a", false, "checkpoint every running container")
	f.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	f.BoolVarP(&o.Keep, "keep", "k", false, "keep CRIU's logs and statistics")
	f.BoolVarP(&o.LeaveRunning, "leave-running", "R", false, "leave the container running after the checkpoint")
	f.BoolVar(&o.TCPEstablished, "tcp-established", false, "checkpoint established TCP connections")
	f.BoolVar(&o.FileLocks, "file-locks", false, "checkpoint file locks")
	f.BoolVarP(&o.PreCheckpoint, "pre-checkpoint", "P", false, "dump memory only, as a base for a later checkpoint")
	f.BoolVar(&o.WithPrevious, "with-previous", false, "checkpoint on top of a pre-checkpoint")
	f.BoolVar(&printStats, "print-stats", false, "print CRIU's statistics and the durations as JSON")
	f.StringVarP(&o.Export, "export", "e", "", "also write the checkpoint to this archive")
	f.StringVarP((*string)(&o.Compression), "compress", "c", "zstd", "archive compression: zstd, gzip or none")
	f.BoolVar(&o.IgnoreRootfs, "ignore-rootfs", false, "leave the rootfs changes out of the archive or image")
	f.BoolVar(&o.IgnoreVolumes, "ignore-volumes", false, "leave the named volumes out of the archive or image")
	f.StringVar(&o.CreateImage, "create-image", "", "also store the checkpoint as a new local image of this name")
	f.StringVar(&o.PageServer, "page-server", "", "send the memory pages to the page server at `ADDR:PORT` (with --lazy-pages: serve them on PORT)")
	f.BoolVar(&o.LazyPages, "lazy-pages", false, "with --page-server: keep the pages until the restore side pulls them")
	f.IntVar(&statusFD, "status-fd", -1, "with --lazy-pages: write a zero byte to descriptor `N` when the restore may start")
	cmd.AddCommand(newCheckpointInspectCommand())
	return cmd
}

// checkRemoteFlags rejects page-server flags that do not go together
// before anything happens, and sets o.Ready to announce a lazy
// checkpoint's readiness on stderr and the status descriptor.
func checkRemoteFlags(o *libpod.CheckpointOptions, statusFD int) error {
	switch {
	case o.LazyPages && o.PageServer == "":
		return fmt.Errorf("--lazy-pages needs --page-server ADDR:PORT to serve the pages on: %w", define.ErrInvalidArg)
	case o.LazyPages && o.LeaveRunning:
		return fmt.Errorf("--lazy-pages cannot be combined with --leave-running: the container stays frozen until its pages are pulled: %w", define.ErrInvalidArg)
	case o.PageServer != "" && o.Export == "":
		return fmt.Errorf("--page-server needs --export: the images other than memory travel in the archive: %w", define.ErrInvalidArg)
	case o.PageServer != "" && o.CreateImage != "":
		return fmt.Errorf("--page-server cannot be combined with --create-image: the image would lack the memory: %w", define.ErrInvalidArg)
	case o.PageServer != "" && (o.PreCheckpoint || o.WithPrevious):
		return fmt.Errorf("--page-server cannot be combined with --pre-checkpoint or --with-previous: %w", define.ErrInvalidArg)
	case statusFD != -1 && !o.LazyPages:
		return fmt.Errorf("--status-fd needs --lazy-pages: %w", define.ErrInvalidArg)
	}
	var status *os.File
	if statusFD != -1 {
		var flags int
		var err error = unix.EBADF
		if statusFD >= 0 {
			flags, err = unix.FcntlInt(uintptr(statusFD), unix.F_GETFL, 0)
		}
		if err != nil || flags&(unix.O_WRONLY|unix.O_RDWR) == 0 {
			return fmt.Errorf("--status-fd %d is not a descriptor open for writing: %w", statusFD, define.ErrInvalidArg)
		}
		status = os.NewFile(uintptr(statusFD), "status")
	}
	if err := o.Validate(); err != nil {
		return err
	}
	if !o.LazyPages {
		return nil
	}
	server := o.PageServer
	o.Ready = func() {
		fmt.Fprintf(os.Stderr, "%s: the archive is written and the pages are served on %s: the restore may start\n", o.Export, server)
		if status != nil {
			_, _ = status.Write([]byte{0})
			_ = status.Close()
		}
	}
	return nil
}

func newCheckpointInspectCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "inspect [options] FILE",
		Short: "Show what a checkpoint archive holds, from its metadata alone",
		Long: `Read the metadata at the head of an archive written by checkpoint --export:
the container's name, ID and image, when it was checkpointed, its command,
networks, addresses and ports. The checkpoint images
behind the metadata are never decompressed, however large the archive.`,
		Args:              common.ExactArgs(1),
		Example:           "  podlite container checkpoint inspect web.tar.zst\n  podlite container checkpoint inspect --format '{{.manifest.name}}' web.tar.zst",
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			info, err := libpod.InspectArchive(args[0])
			if err != nil {
				return err
			}
			return common.WriteInspect(os.Stdout, format, []*libpod.ArchiveInfo{info})
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Go template or json")
	return cmd
}

func newRestoreCommand(g *common.Globals) *cobra.Command {
	var o libpod.RestoreOptions
	var printStats, check bool
	var imp importFlags
	sel := selection{}
	cmd := &cobra.Command{
		Use:   "restore [options] CONTAINER|IMAGE [CONTAINER|IMAGE...]",
		Short: "Restore one or more checkpointed containers",
		Long: `Restore checkpointed containers. When no argument names a container, the
arguments name checkpoint images (made by checkpoint --create-image, here or
pulled from a registry): each makes a new container, as restore --import
does with an archive.`,
		Args:              common.MinArgs(0),
		Example:           "  podlite container restore web\n  podlite container restore --keep --tcp-established web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("import-previous") {
				return fmt.Errorf("--import-previous: podlite does not restore pre-checkpoints yet: %w", define.ErrNotSupported)
			}
			if cmd.Flags().Changed("pod") {
				return fmt.Errorf("--pod: restoring a container into a pod is not supported yet: %w", define.ErrNotSupported)
			}
			images, err := checkpointImageArgs(g, sel, imp, args)
			if err != nil {
				return err
			}
			if check && imp.path == "" && images == nil {
				return fmt.Errorf("--check compares an archive with this host: it needs --import or a checkpoint image: %w", define.ErrInvalidArg)
			}
			if (len(imp.opts.Publish) > 0 || imp.opts.IP != "") && imp.path == "" && images == nil {
				return fmt.Errorf("--publish and --ip change an imported container: they need --import or a checkpoint image: %w", define.ErrInvalidArg)
			}
			if err := checkRemoteRestoreFlags(o, imp.path); err != nil {
				return err
			}
			imp.opts.IgnoreStaticIP = o.IgnoreStaticIP
			if imp.path != "" {
				return importAndRestore(g, imp, o, printStats, check)
			}
			if images != nil {
				return restoreImages(g, images, imp, o, printStats, check)
			}
			sel.quiet = printStats // the JSON replaces the names
			return WithStats(printStats, "restore_duration", func(collect func(*libpod.CRReport, error) error) error {
				restore := func(c *libpod.Container) error { return collect(c.Restore(context.Background(), o)) }
				if sel.all { // every checkpointed container
					return forEachWhere(g, sel.quiet, func(c *libpod.Container) bool { return c.State().Checkpointed }, restore)
				}
				return forEach(g, sel, args, restore)
			})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&sel.all, "all", "a", false, "restore every checkpointed container")
	f.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	f.BoolVarP(&o.Keep, "keep", "k", false, "keep the checkpoint, so the container can be restored again")
	f.BoolVar(&o.TCPEstablished, "tcp-established", false, "restore established TCP connections")
	f.BoolVar(&o.FileLocks, "file-locks", false, "restore file locks")
	f.BoolVar(&o.IgnoreStaticIP, "ignore-static-ip", false, "let the network choose new addresses")
	f.BoolVar(&o.IgnoreStaticMAC, "ignore-static-mac", false, "let the network choose new MAC addresses")
	f.StringVarP(&imp.path, "import", "i", "", "restore from a checkpoint archive (written by checkpoint --export)")
	f.BoolVar(&check, "check", false, "with --import or an image: only compare the checkpoint with this host and report every problem")
	f.StringVarP(&imp.opts.Name, "name", "n", "", "with --import or an image: restore a copy under this name (and a new ID)")
	f.BoolVar(&imp.opts.IgnoreRootfs, "ignore-rootfs", false, "with --import or an image: leave out the checkpoint's rootfs changes")
	f.BoolVar(&imp.opts.IgnoreVolumes, "ignore-volumes", false, "with --import or an image: leave out the checkpoint's volumes")
	f.StringArrayVarP(&imp.opts.Publish, "publish", "p", nil, "with --import or an image: replace the published ports ([[IP:][HOSTPORT]:]CONTAINERPORT[/PROTO])")
	f.StringVar(&imp.opts.IP, "ip", "", "with --import or an image: the address to ask for on the container's network (a copy otherwise gets a new one)")
	f.BoolVar(&printStats, "print-stats", false, "print CRIU's statistics and the durations as JSON")
	f.BoolVar(&o.LazyPages, "lazy-pages", false, "with --import and --page-server: fetch the memory pages on demand from a lazy checkpoint")
	f.StringVar(&o.PageServer, "page-server", "", "with --lazy-pages: the `ADDR:PORT` the lazy checkpoint serves its pages on")
	f.StringVar(&o.PagesDir, "import-pages", "", "with --import: the memory images a page server received into `DIR`")
	f.String("import-previous", "", "refused: podlite does not restore pre-checkpoints yet")
	f.String("pod", "", "refused: restoring into a pod is not supported yet")
	return cmd
}

// checkRemoteRestoreFlags rejects lazy-pages flags that do not go together
// before anything happens.
func checkRemoteRestoreFlags(o libpod.RestoreOptions, importPath string) error {
	switch {
	case o.LazyPages && o.PageServer == "":
		return fmt.Errorf("--lazy-pages needs --page-server ADDR:PORT, where the checkpoint serves the pages: %w", define.ErrInvalidArg)
	case o.PageServer != "" && !o.LazyPages:
		return fmt.Errorf("--page-server on restore names where lazy pages come from: it needs --lazy-pages: %w", define.ErrInvalidArg)
	case (o.LazyPages || o.PagesDir != "") && importPath == "":
		return fmt.Errorf("--lazy-pages and --import-pages restore a checkpoint from another host: they need --import: %w", define.ErrInvalidArg)
	case o.LazyPages && o.PagesDir != "":
		return fmt.Errorf("--lazy-pages and --import-pages cannot be combined: the pages come from one or the other: %w", define.ErrInvalidArg)
	}
	return o.Validate()
}

// forEachWhere runs fn, as forEach, on every container that passes keep.
func forEachWhere(g *common.Globals, quiet bool, keep func(*libpod.Container) bool, fn func(*libpod.Container) error) error {
	rt, err := g.Runtime()
	if err != nil {
		return err
	}
	ctrs, err := rt.Containers()
	if err != nil {
		return err
	}
	var ids []string
	for _, c := range ctrs {
		if keep(c) {
			ids = append(ids, c.ID())
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return forEach(g, selection{quiet: quiet}, ids, fn)
}

// WithStats runs a checkpoint or restore over containers (of pods too),
// collecting their reports, and with --print-stats prints them as JSON instead of the names:
// {"checkpoint_duration": µs, "container_statistics": [...]}.
func WithStats(print bool, durationKey string, run func(collect func(*libpod.CRReport, error) error) error) error {
	var reports []*libpod.CRReport
	start := time.Now()
	err := run(func(r *libpod.CRReport, err error) error {
		if r != nil {
			reports = append(reports, r)
		}
		return err
	})
	if print {
		out := map[string]any{durationKey: time.Since(start).Microseconds(), "container_statistics": reports}
		if werr := common.WriteJSON(os.Stdout, out); werr != nil && err == nil {
			err = werr
		}
	}
	return err
}

type importFlags struct {
	path string
	opts libpod.ImportOptions
}

// importAndRestore creates the container from an archive and restores it;
// if the restore fails, the imported container goes again.
func importAndRestore(g *common.Globals, imp importFlags, o libpod.RestoreOptions, printStats, checkOnly bool) error {
	rt, err := g.Runtime()
	if err != nil {
		return err
	}
	// The preflight runs before every import: all problems at once,
	// before anything is touched.
	problems, notes, err := rt.CheckImport(imp.path, imp.opts)
	if err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintf(os.Stderr, "note: %s\n", n)
	}
	for _, p := range problems {
		fmt.Fprintf(os.Stderr, "problem: %s\n", p)
	}
	if len(problems) > 0 {
		return libpod.ChecksFailed(len(problems))
	}
	if checkOnly {
		fmt.Println("the checkpoint can be restored on this host")
		return nil
	}
	ctx := context.Background()
	c, err := rt.ImportCheckpoint(ctx, imp.path, imp.opts)
	if err != nil {
		return err
	}
	if imp.opts.Name != "" && !o.IgnoreStaticIP {
		// A copy beside the original must not claim its addresses.
		o.IgnoreStaticIP, o.IgnoreStaticMAC = true, true
	}
	return WithStats(printStats, "restore_duration", func(collect func(*libpod.CRReport, error) error) error {
		if err := collect(c.Restore(ctx, o)); err != nil {
			_ = rt.RemoveContainer(ctx, c.ID(), true, true)
			return err
		}
		if !printStats {
			fmt.Println(c.Name())
		}
		return nil
	})
}
