package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
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
	// --infra-name and --infra-command.
	Infra        bool
	InfraName    string
	InfraCommand []string
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
		}
		share = []string{}
	}
	id := names.NewID()
	cfg := &define.PodConfig{
		ID: id, Name: name, Labels: opts.Labels, CreatedAt: time.Now(), CreateCommand: opts.CreateCommand,
		Hostname: opts.Hostname, Infra: opts.Infra, InfraCommand: opts.InfraCommand,
		Share: share, ExitPolicy: policy,
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
	if opts.Replace && opts.Name != "" {
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

// createInfra creates the pod's infra container: the pause process of the
// podlite binary in an empty rootfs (the pod's directory), holding the
// pod's namespaces and its network sandbox (networks, published ports).
func (r *Runtime) createInfra(ctx context.Context, cfg *define.PodConfig, opts *PodCreateOptions) (*Container, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the podlite binary for the infra container: %w: %w", define.ErrUnavailable, err)
	}
	mounts, err := pods.InfraMounts(exe)
	if err != nil {
		return nil, err
	}
	rootfs := filepath.Join(podDir(r, cfg.ID), "rootfs")
	if err := os.MkdirAll(rootfs, 0o755); err != nil {
		return nil, fmt.Errorf("creating the infra rootfs of pod %s: %w", cfg.Name, err)
	}
	hostname := cfg.Hostname
	if hostname == "" {
		hostname = cfg.Name
	}
	copts := &CreateOptions{
		Name: cfg.InfraName, Command: []string{pods.PausePath}, Hostname: hostname,
		Network: opts.Network, IP: opts.IP, MAC: opts.MAC, Publish: opts.Publish, LogDriver: "none",
		AddHost: opts.AddHost, DNS: opts.DNS, DNSSearch: opts.DNSSearch, DNSOption: opts.DNSOpts,
		ConmonPidFile: opts.InfraConmonPidFile,
		Env:           []string{"LD_LIBRARY_PATH=" + pods.LibraryPath(mounts)},
		IO:            IOOptions{Rootfs: rootfs},
		infraOf:       cfg.ID,
	}
	if len(cfg.InfraCommand) > 0 {
		copts.Command = cfg.InfraCommand
	}
	for _, m := range mounts {
		copts.Volumes = append(copts.Volumes, m.Source+":"+m.Dest+":ro")
	}
	return r.CreateContainer(ctx, copts)
}
