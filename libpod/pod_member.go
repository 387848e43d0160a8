package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/pods"
)

// errNetworkShared ends podman's refusals of network flags on a container
// that shares its pod's network.
const errNetworkShared = "network cannot be configured when it is shared with a pod"

// newPodFor creates the pod of --pod new:NAME, moving the container's -p
// and --network to it as podman does, and returns what removes the pod
// again should the container's create fail.
func (r *Runtime) newPodFor(ctx context.Context, opts *CreateOptions) (undo func(), _ error) {
	name, ok := strings.CutPrefix(opts.Pod, "new:")
	if !ok {
		return func() {}, nil
	}
	p, err := r.CreatePod(ctx, &PodCreateOptions{Name: name, Infra: true, Publish: opts.Publish,
		Network: opts.Network, CreateCommand: opts.CreateCommand})
	if err != nil {
		return nil, err
	}
	opts.Pod, opts.Publish, opts.Network = p.ID(), nil, ""
	return func() {
		if err := r.RemovePod(ctx, p.ID(), true, nil); err != nil {
			slog.Warn("removing the pod of a failed create", "pod", name, "error", err)
		}
	}, nil
}

// joinPod turns create --pod into what a container of the pod is: the
// infra's namespaces joined by the container flags that already join
// another container's (--network, --ipc, --uts, --pid, --cgroupns
// container:INFRA), and the infra required, so that starting the
// container starts the infra first. It returns the pod's ID and a function
// that releases the pod's lock, which the create holds throughout.
func (r *Runtime) joinPod(opts *CreateOptions) (string, func(), error) {
	noop := func() {}
	if opts.infraOf != "" { // CreatePod holds the pod's lock
		return opts.infraOf, noop, nil
	}
	if opts.Pod == "" {
		return "", noop, nil
	}
	p, err := r.LookupPod(opts.Pod)
	if err != nil {
		return "", noop, err
	}
	if err := checkMemberFlags(p.config, opts); err != nil {
		return "", noop, err
	}
	unlock, err := r.lockPod(p.ID())
	if err != nil {
		return "", noop, err
	}
	// Read again under the lock: the pod may have gone meanwhile.
	if p, err = r.podByID(p.ID()); err != nil {
		unlock()
		return "", noop, err
	}
	if p.config.CgroupPath != "" && opts.Shape.CgroupParent == "" {
		// --share-parent: the pod's cgroup is the member's parent.
		opts.Shape.CgroupParent = p.config.CgroupPath
	}
	infra := p.InfraID()
	if infra == "" {
		return p.ID(), unlock, nil
	}
	if pods.Shares(p.config, define.ShareNet) {
		opts.Network = "container:" + infra
		if err := r.inheritPodDNS(infra, opts); err != nil {
			unlock()
			return "", noop, err
		}
	}
	ns := pods.MemberNamespaces(p.config, infra)
	for _, f := range []struct {
		share string
		flag  *string
	}{
		{define.ShareIPC, &opts.Shape.IPC}, {define.ShareUTS, &opts.Shape.UTS},
		{define.SharePID, &opts.Shape.PID}, {define.ShareCgroup, &opts.Shape.CgroupNS},
	} {
		if v, ok := ns[f.share]; ok && *f.flag == "" {
			*f.flag = v
		}
	}
	opts.IO.Requires = append(opts.IO.Requires, infra)
	return p.ID(), unlock, nil
}

// inheritPodDNS gives a container that shares the pod's network the
// pod's --add-host entries and, unless it has its own, its DNS settings,
// as podman's members see the infra's /etc/hosts and resolv.conf.
func (r *Runtime) inheritPodDNS(infraID string, opts *CreateOptions) error {
	infra, err := r.containerByID(infraID)
	if err != nil {
		return fmt.Errorf("the infra container of the pod: %w", err)
	}
	n := infra.config.Network
	opts.AddHost = slices.Clone(n.HostAdd)
	if len(opts.DNS)+len(opts.DNSSearch)+len(opts.DNSOption) == 0 {
		opts.DNS, opts.DNSSearch, opts.DNSOption = n.DNSServers, n.DNSSearch, n.DNSOptions
	}
	return nil
}

// checkMemberFlags refuses the flags a container of the pod cannot take,
// in podman's words.
func checkMemberFlags(cfg *define.PodConfig, opts *CreateOptions) error {
	if pods.Shares(cfg, define.ShareNet) {
		switch {
		case len(opts.Publish) > 0 || opts.PublishAll || len(opts.Expose) > 0:
			return fmt.Errorf("invalid config provided: published or exposed ports must be defined when the pod is created: %s: %w", errNetworkShared, define.ErrInvalidArg)
		case opts.Network != "":
			return fmt.Errorf("invalid config provided: networks must be defined when the pod is created: %s: %w", errNetworkShared, define.ErrInvalidArg)
		case len(opts.AddHost) > 0:
			return fmt.Errorf("invalid config provided: extra host entries must be specified on the pod: %s: %w", errNetworkShared, define.ErrInvalidArg)
		}
	}
	if pods.Shares(cfg, define.ShareUTS) && opts.Hostname != "" {
		return fmt.Errorf("invalid config provided: cannot set hostname when joining the pod UTS namespace: %w", define.ErrInvalidArg)
	}
	return nil
}

// podOfInfra is the pod whose infra container cfg is, nil for any other
// container: removing it takes the pod with it.
func (r *Runtime) podOfInfra(cfg *define.ContainerConfig) (*Pod, error) {
	if cfg.Pod == "" {
		return nil, nil
	}
	p, err := r.podByID(cfg.Pod)
	switch {
	case errors.Is(err, define.ErrNotFound):
		return nil, nil // the pod is gone already
	case err != nil:
		return nil, err
	case p.InfraID() != cfg.ID:
		return nil, nil
	}
	return p, nil
}
