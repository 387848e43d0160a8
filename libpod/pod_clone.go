package libpod

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/names"
)

// PodCloneOptions are `pod clone`'s flags. What is not set is the
// original pod's.
type PodCloneOptions struct {
	// Name is the clone's name; "" is podman's NAME-clone (NAME-clone1,
	// NAME-clone2, ... when taken).
	Name string
	// Destroy removes the original pod (forced) once the clone exists;
	// Start starts the clone.
	Destroy, Start bool
	// Hostname, InfraName, InfraCommand and InfraConmonPidFile replace the
	// original's when set ("" or nil otherwise); the infra's name is then
	// podman's clone name of the original infra's (INFRA-clone, ...).
	Hostname           string
	InfraName          string
	InfraCommand       []string
	InfraConmonPidFile string
	// Labels are added to the original's.
	Labels map[string]string
	// Share replaces the original's shared namespaces when ShareSet.
	Share    []string
	ShareSet bool
	// CreateCommand is the clone's command line.
	CreateCommand []string
}

// ClonePod creates a pod with the configuration of pod nameOrID, its
// infra's included (image or pause process, command, networks, published
// ports, hosts and DNS entries), as podman's pod clone; the infra's static
// IP and MAC address are not copied, as they belong to the original. The
// members are not cloned. Host ports the original publishes are refused
// at create, as for any container, unless Destroy: the original is then
// removed once the clone exists. A clone that fails leaves nothing; a
// failure of Destroy or Start returns the clone with the error.
func (r *Runtime) ClonePod(ctx context.Context, nameOrID string, opts *PodCloneOptions) (*Pod, error) {
	src, err := r.LookupPod(nameOrID)
	if err != nil {
		return nil, err
	}
	copts, err := r.cloneCreateOptions(src, opts)
	if err != nil {
		return nil, err
	}
	p, err := r.CreatePod(ctx, copts)
	if err != nil {
		return nil, err
	}
	if opts.Destroy {
		if err := r.RemovePod(ctx, src.ID(), true, nil); err != nil {
			return p, fmt.Errorf("removing the original pod %s: %w", src.Name(), err)
		}
	}
	if opts.Start {
		if _, err := r.StartPod(ctx, p.ID()); err != nil {
			return p, err
		}
	}
	return p, nil
}

// cloneCreateOptions are the pod create options of a clone of src.
func (r *Runtime) cloneCreateOptions(src *Pod, opts *PodCloneOptions) (*PodCreateOptions, error) {
	cfg := src.config
	labels := maps.Clone(cfg.Labels)
	if labels == nil && len(opts.Labels) > 0 {
		labels = map[string]string{}
	}
	maps.Copy(labels, opts.Labels)
	share := cfg.Share
	if len(share) == 0 {
		share = []string{"none"}
	}
	if opts.ShareSet {
		share = opts.Share
	}
	name := opts.Name
	if name == "" {
		name = r.cloneName(cfg.Name)
	}
	copts := &PodCreateOptions{
		Name: name, Infra: cfg.Infra, InfraSet: true, InfraName: opts.InfraName,
		InfraCommand: cfg.InfraCommand, InfraImage: cfg.InfraImage,
		Share: share, ShareSet: true, ShareParent: cfg.CgroupPath != "",
		Hostname: cmp.Or(opts.Hostname, cfg.Hostname), InfraConmonPidFile: opts.InfraConmonPidFile,
		Labels: labels, ExitPolicy: cfg.ExitPolicy, CreateCommand: opts.CreateCommand,
	}
	if len(opts.InfraCommand) > 0 {
		copts.InfraCommand = opts.InfraCommand
	}
	if src.InfraID() == "" {
		return copts, nil
	}
	infra, err := r.containerByID(src.InfraID())
	if err != nil {
		return nil, fmt.Errorf("the infra container of pod %s: %w", cfg.Name, err)
	}
	if copts.InfraName == "" {
		// podman names the clone's infra as it names a container's clone.
		copts.InfraName = r.cloneName(infra.Name())
	}
	if opts.Destroy {
		copts.takesPortsOf = infra.ID()
	}
	n := infra.config.Network
	copts.Network = infraNetworkFlag(infra)
	copts.Publish = publishFlags(n.Ports)
	copts.AddHost, copts.DNS, copts.DNSSearch, copts.DNSOpts = n.HostAdd, n.DNSServers, n.DNSSearch, n.DNSOptions
	return copts, nil
}

// cloneName is podman's name for a clone of the pod named name:
// NAME-clone, or when that is taken NAME-clone1, NAME-clone2, ... (a
// NAME-cloneN original counts on from N).
func (r *Runtime) cloneName(name string) string {
	n := name
	if r.nameTaken(n + "-clone") {
		n += "-clone"
	}
	i := strings.Index(n, "-clone")
	if i < 0 {
		return n + "-clone"
	}
	base := n[:i+len("-clone")]
	num, _ := strconv.Atoi(n[len(base):]) // 0 without a number
	for {
		num++
		if candidate := base + strconv.Itoa(num); !r.nameTaken(candidate) {
			return candidate
		}
	}
}

// nameTaken reports whether a pod or a container has name.
func (r *Runtime) nameTaken(name string) bool {
	if _, err := r.store.LookupPod(name); err == nil {
		return true
	}
	_, err := r.store.LookupContainer(names.Trim(name))
	return err == nil
}

// infraNetworkFlag is the --network that gives a new infra the networks
// infra is on now (CNI networks in interface order), or its mode.
func infraNetworkFlag(infra *Container) string {
	atts := infra.networks()
	if len(atts) == 0 {
		mode := infra.config.NetworkMode
		if len(infra.config.Network.NetworkOptions) > 0 {
			mode += ":" + strings.Join(infra.config.Network.NetworkOptions, ",")
		}
		return mode
	}
	nets := slices.SortedFunc(maps.Keys(atts), func(a, b string) int {
		return cmp.Compare(atts[a].InterfaceName, atts[b].InterfaceName)
	})
	return strings.Join(nets, ",")
}

// publishFlags turns port mappings back into -p values.
func publishFlags(ports []define.PortMapping) []string {
	out := make([]string, 0, len(ports))
	for _, m := range ports {
		span := func(start uint16) string {
			if m.Range > 1 {
				return fmt.Sprintf("%d-%d", start, start+m.Range-1)
			}
			return strconv.Itoa(int(start))
		}
		p := span(m.ContainerPort)
		if m.HostPort != 0 {
			p = span(m.HostPort) + ":" + p
		}
		if m.HostIP != "" {
			host := m.HostIP
			if strings.Contains(host, ":") {
				host = "[" + host + "]"
			}
			p = host + ":" + p
			if m.HostPort == 0 {
				p = host + "::" + span(m.ContainerPort)
			}
		}
		out = append(out, p+"/"+cmp.Or(m.Protocol, "tcp"))
	}
	return out
}
