package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/names"
	"github.com/podlite/podlite/libpod/pods"
)

// PodCreateOptions are `pod create`'s flags.
type PodCreateOptions struct {
	Name string
	// Infra is --infra (true by default); InfraName and InfraCommand are
	// --infra-name and --infra-command; InfraImage is --infra-image ("":
	// the built-in pause process).
	Infra        bool
	InfraName    string
	InfraCommand []string
	InfraImage   string
	// InfraSet says --infra was given: without it, --share none makes a
	// pod without an infra, as podman's.
	InfraSet bool
	// ShareParent is --share-parent: the pod's cgroup is the parent of
	// its containers' (podman's default, true).
	ShareParent bool
	// Share is --share; ShareSet says it was given.
	Share    []string
	ShareSet bool
	// Publish (-p), Network, IP, MAC, Hostname, AddHost and the DNS
	// flags go to the infra container; the pod's containers see its
	// hosts and DNS entries.
	Publish                          []string
	Network, IP, MAC                 string
	Hostname                         string
	AddHost, DNS, DNSSearch, DNSOpts []string
	// InfraConmonPidFile receives the PID of the infra's supervisor.
	InfraConmonPidFile string
	Labels             map[string]string
	// ExitPolicy is --exit-policy: continue (default) or stop.
	ExitPolicy string
	// Replace removes a pod of the same name first.
	Replace bool
	// takesPortsOf is the infra of a pod this one replaces after its
	// creation (pod clone --destroy): its host ports are no conflict.
	takesPortsOf string
	// PodIDFile receives the new pod's ID.
	PodIDFile     string
	CreateCommand []string
}

// podConfig checks opts and turns them into a new pod's config.
func podConfig(opts *PodCreateOptions) (*define.PodConfig, error) {
	name, err := names.Clean(opts.Name)
	switch {
	case opts.Name == "":
		name = names.Random()
	case err != nil:
		return nil, fmt.Errorf("creating pod: %w", err)
	}
	share, err := pods.ParseShare(opts.Share, opts.ShareSet)
	if err != nil {
		return nil, err
	}
	policy, err := pods.CheckExitPolicy(opts.ExitPolicy)
	if err != nil {
		return nil, err
	}
	if opts.ShareSet && len(share) == 0 && !opts.InfraSet {
		opts.Infra = false
	}
	if !opts.Infra {
		// podman's words.
		switch {
		case opts.ShareSet && len(share) > 0:
			return nil, fmt.Errorf("you must have an infra container to share namespaces: %w", define.ErrInvalidArg)
		case len(opts.Publish) > 0:
			return nil, fmt.Errorf("you must have an infra container to publish port bindings to the host: %w", define.ErrInvalidArg)
		case opts.Network != "" || opts.Hostname != "":
			return nil, fmt.Errorf("cannot set --network or --hostname without an infra container: %w", define.ErrInvalidArg)
		case opts.IP != "" || opts.MAC != "" || len(opts.AddHost)+len(opts.DNS)+len(opts.DNSSearch)+len(opts.DNSOpts) > 0:
			return nil, fmt.Errorf("cannot set --ip, --mac-address, --add-host or --dns* without an infra container: %w", define.ErrInvalidArg)
		case opts.InfraConmonPidFile != "":
			return nil, fmt.Errorf("cannot set --infra-conmon-pidfile without an infra container: %w", define.ErrInvalidArg)
		case opts.InfraName != "":
			return nil, define.Worded(define.ErrInvalidArg, "cannot set infra-name without an infra container")
		case opts.InfraImage != "" || len(opts.InfraCommand) > 0:
			return nil, fmt.Errorf("cannot set --infra-image or --infra-command without an infra container: %w", define.ErrInvalidArg)
		}
		share = []string{}
	}
	if opts.ShareParent && slices.Contains(share, define.ShareCgroup) {
		return nil, fmt.Errorf("cannot define the pod as the cgroup parent at the same time as joining the infra container's cgroupNS: %w", define.ErrInvalidArg)
	}
	id := names.NewID()
	cfg := &define.PodConfig{
		ID: id, Name: name, Labels: opts.Labels, CreatedAt: time.Now(), CreateCommand: opts.CreateCommand,
		Hostname: opts.Hostname, Infra: opts.Infra, InfraCommand: opts.InfraCommand, InfraImage: opts.InfraImage,
		Share: share, ExitPolicy: policy,
	}
	if opts.ShareParent {
		cfg.CgroupPath = pods.CgroupPath(id)
	}
	if opts.Infra {
		cfg.InfraName = pods.InfraName(id, opts.InfraName)
		if !pods.Shares(cfg, define.ShareNet) && (len(opts.Publish) > 0 || opts.Network != "") {
			return nil, fmt.Errorf("cannot set --network or -p for a pod that does not share its network namespace: %w", define.ErrInvalidArg)
		}
	}
	return cfg, nil
}

// CreatePod creates a pod and its infra container (not started: the pod's
// first start starts it). On any error nothing is left behind.
func (r *Runtime) CreatePod(ctx context.Context, opts *PodCreateOptions) (*Pod, error) {
	cfg, err := podConfig(opts)
	if err != nil {
		return nil, err
	}
	if opts.PodIDFile != "" {
		// Checked first: a pod whose ID file cannot be written would stay.
		if fi, err := os.Stat(filepath.Dir(opts.PodIDFile)); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("the directory of the pod ID file %s does not exist: %w", opts.PodIDFile, define.ErrInvalidArg)
		}
	}
	if opts.Replace && opts.Name == "" {
		return nil, define.Worded(define.ErrInvalidArg, "cannot replace pod without --name being set")
	}
	if opts.Replace {
		if old, err := r.LookupPod(opts.Name); err == nil && old.Name() == opts.Name {
			if err := r.RemovePod(ctx, old.ID(), true, nil); err != nil {
				return nil, fmt.Errorf("replacing pod %s: %w", opts.Name, err)
			}
		}
	}
	err = r.withPodLock(cfg.ID, func() (retErr error) {
		if err := r.store.AddPod(cfg, &define.PodState{}); err != nil {
			return err
		}
		defer func() {
			if retErr != nil {
				r.undoPodCreate(ctx, cfg)
			}
		}()
		if !cfg.Infra {
			return nil
		}
		infra, err := r.createInfra(ctx, cfg, opts)
		if err != nil {
			return err
		}
		return r.store.SavePodState(cfg.ID, &define.PodState{InfraID: infra.ID()})
	})
	if err != nil {
		return nil, err
	}
	p, err := r.podByID(cfg.ID)
	if err != nil {
		return nil, err
	}
	p.podEvent(events.Create)
	if opts.PodIDFile != "" {
		if err := os.WriteFile(opts.PodIDFile, []byte(cfg.ID), 0o644); err != nil {
			return p, fmt.Errorf("writing the pod ID file %s: %w", opts.PodIDFile, err)
		}
	}
	return p, nil
}

// undoPodCreate removes what a failed create made: the infra container,
// the pod's directory and record.
func (r *Runtime) undoPodCreate(ctx context.Context, cfg *define.PodConfig) {
	if c, err := r.LookupContainer(cfg.InfraName); err == nil && c.config.Pod == cfg.ID {
		if err := r.RemoveContainer(ctx, c.ID(), true, false); err != nil {
			slog.Warn("removing the infra container of a failed pod create", "pod", cfg.Name, "error", err)
		}
	}
	if err := os.RemoveAll(podDir(r, cfg.ID)); err != nil {
		slog.Warn("removing the directory of a failed pod create", "pod", cfg.Name, "error", err)
	}
	if err := r.store.RemovePod(cfg.ID); err != nil && !errors.Is(err, define.ErrNotFound) {
		slog.Warn("removing the record of a failed pod create", "pod", cfg.Name, "error", err)
	}
	if err := r.locks.Free(cfg.ID); err != nil {
		slog.Warn("freeing the lock of a failed pod create", "pod", cfg.Name, "error", err)
	}
}

// createInfra creates the pod's infra container, holding the pod's
// namespaces and its network sandbox (networks, published ports): by
// default the pause process of the podlite binary in an empty rootfs (the
// pod's directory), or --infra-image's entrypoint and command.
func (r *Runtime) createInfra(ctx context.Context, cfg *define.PodConfig, opts *PodCreateOptions) (*Container, error) {
	hostname := cfg.Hostname
	if hostname == "" {
		hostname = cfg.Name
	}
	copts := &CreateOptions{
		Name: cfg.InfraName, Hostname: hostname,
		Network: opts.Network, IP: opts.IP, MAC: opts.MAC, Publish: opts.Publish, LogDriver: "none",
		AddHost: opts.AddHost, DNS: opts.DNS, DNSSearch: opts.DNSSearch, DNSOption: opts.DNSOpts,
		ConmonPidFile: opts.InfraConmonPidFile,
		infraOf:       cfg.ID,
		takesPortsOf:  opts.takesPortsOf,
	}
	copts.Shape.CgroupParent = cfg.CgroupPath
	if cfg.InfraImage != "" {
		copts.Image = cfg.InfraImage
		if len(cfg.InfraCommand) > 0 {
			// podman's --infra-command is the infra's entrypoint.
			noEntrypoint := ""
			copts.Entrypoint, copts.Command = &noEntrypoint, cfg.InfraCommand
		}
		return r.CreateContainer(ctx, copts)
	}
	if err := r.pauseRootfs(cfg, copts); err != nil {
		return nil, err
	}
	return r.CreateContainer(ctx, copts)
}

// pauseRootfs makes copts run the built-in pause process (or
// --infra-command) in an empty rootfs under the pod's directory, with the
// podlite binary and its libraries bind-mounted read-only.
func (r *Runtime) pauseRootfs(cfg *define.PodConfig, copts *CreateOptions) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding the podlite binary for the infra container: %w: %w", define.ErrUnavailable, err)
	}
	mounts, err := pods.InfraMounts(exe)
	if err != nil {
		return err
	}
	rootfs := filepath.Join(podDir(r, cfg.ID), "rootfs")
	if err := os.MkdirAll(rootfs, 0o755); err != nil {
		return fmt.Errorf("creating the infra rootfs of pod %s: %w", cfg.Name, err)
	}
	copts.Command = []string{pods.PausePath}
	if len(cfg.InfraCommand) > 0 {
		copts.Command = cfg.InfraCommand
	}
	copts.Env = []string{"LD_LIBRARY_PATH=" + pods.LibraryPath(mounts)}
	copts.IO = IOOptions{Rootfs: rootfs}
	for _, m := range mounts {
		copts.Volumes = append(copts.Volumes, m.Source+":"+m.Dest+":ro")
	}
	return nil
}
