package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/opencontainers/runc/libcontainer"
)

// checkpointCycles is the floor of checkpoint and restore: it starts argv
// (a long-running process) in a container, then n times checkpoints it
// with CRIU through libcontainer and restores it into a new container, and
// prints the median time of each, in milliseconds:
//
//	checkpoint_ms 180.2 restore_ms 130.5
func checkpointCycles(rootfs, stateRoot string, argv []string, n int) error {
	if stateRoot == "" {
		var err error
		if stateRoot, err = os.MkdirTemp("/run", "podlite-floor-"); err != nil {
			return err
		}
		defer os.RemoveAll(stateRoot)
	}
	images, err := os.MkdirTemp("", "podlite-floor-images-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(images)
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer null.Close()
	id := fmt.Sprintf("floor-cr-%d", os.Getpid())
	newProcess := func() *libcontainer.Process {
		return &libcontainer.Process{Args: argv, Env: []string{"PATH=/bin:/usr/bin"}, Cwd: "/",
			Stdin: null, Stdout: null, Stderr: null, Init: true}
	}
	c, err := libcontainer.Create(stateRoot, id, newConfig(rootfs, id))
	if err != nil {
		return err
	}
	defer func() { _ = c.Destroy() }()
	p := newProcess()
	if err := c.Run(p); err != nil {
		return err
	}
	var dumps, restores []float64
	for i := range n {
		dir := filepath.Join(images, fmt.Sprint(i))
		opts := &libcontainer.CriuOpts{ImagesDirectory: dir, WorkDirectory: dir, ManageCgroupsMode: "soft"}
		start := time.Now()
		if err := c.Checkpoint(opts); err != nil {
			return fmt.Errorf("checkpoint %d: %w", i, err)
		}
		_, _ = p.Wait()
		dumps = append(dumps, ms(time.Since(start)))
		_ = c.Destroy()

		start = time.Now()
		if c, err = libcontainer.Create(stateRoot, id, newConfig(rootfs, id)); err != nil {
			return err
		}
		p = newProcess()
		if err := c.Restore(p, opts); err != nil {
			return fmt.Errorf("restore %d: %w", i, err)
		}
		restores = append(restores, ms(time.Since(start)))
	}
	_ = p.Signal(os.Kill)
	_, _ = p.Wait()
	fmt.Printf("checkpoint_ms %.1f restore_ms %.1f\n", median(dumps), median(restores))
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(v []float64) float64 {
	slices.Sort(v)
	if len(v) == 0 {
		return 0
	}
	return v[len(v)/2]
}
