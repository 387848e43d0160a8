package libpod

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/filter"
	"github.com/podlite/podlite/libpod/storage"
)

// ListOptions selects and shapes the containers ListContainers returns
// (`podlite ps`).
type ListOptions struct {
	// All lists every container, not only running ones. A status filter
	// implies it, as in podman and docker.
	All bool
	// External adds the rootfs in storage that no container record owns:
	// what a crash left behind (see RemoveOrphans) or another tool made.
	External bool
	// Last, when above 0, keeps the Last newest containers of any state.
	Last int
	// Size, Namespaces and Mounts fill the costly fields of the same
	// names (Mounts reads each container's OCI spec).
	Size, Namespaces, Mounts bool
	// Filters are `--filter KEY=VALUE` strings (libpod/filter.Containers).
	Filters []string
	// Sort is one of SortKeys; "" keeps creation order.
	Sort string
}

// SortKeys are the keys ListContainers sorts by, podman's.
var SortKeys = []string{"command", "created", "id", "image", "names", "runningfor", "size", "status"}

// ListedContainer is one container as podman's `ps --format json` shows
// it: the same keys and JSON types.
type ListedContainer struct {
	AutoRemove bool     `json:"AutoRemove"`
	Command    []string `json:"Command"`
	// CreatedAt is filled by the caller (podman shows "2 minutes ago").
	CreatedAt string            `json:"CreatedAt"`
	CIDFile   string            `json:"CIDFile"`
	Exited    bool              `json:"Exited"`
	ExitedAt  int64             `json:"ExitedAt"`
	ExitCode  int32             `json:"ExitCode"`
	ID        string            `json:"Id"`
	Image     string            `json:"Image"`
	ImageID   string            `json:"ImageID"`
	IsInfra   bool              `json:"IsInfra"`
	Labels    map[string]string `json:"Labels"`
	// Mounts are the destinations of the user's mounts and volumes
	// (with ListOptions.Mounts).
	Mounts     []string         `json:"Mounts"`
	Names      []string         `json:"Names"`
	Namespaces ListedNamespaces `json:"Namespaces"`
	Networks   []string         `json:"Networks"`
	Pid        int              `json:"Pid"`
	// Pod and PodName name the container's pod ("" for none).
	Pod     string       `json:"Pod"`
	PodName string       `json:"PodName"`
	Ports   []ListedPort `json:"Ports"`
	// ExposedPorts are the exposed ports no mapping publishes (podman 5).
	ExposedPorts map[uint16][]string `json:"ExposedPorts"`
	Restarts     uint                `json:"Restarts"`
	Size         *ContainerSize      `json:"Size"`
	StartedAt    int64               `json:"StartedAt"`
	State        string              `json:"State"`
	// Status is filled by the caller (podman shows "Up 2 minutes").
	Status string `json:"Status"`
	// Created is the creation time; JSON shows it as Unix seconds.
	Created time.Time `json:"-"`
	// Checkpointed is set while a checkpoint waits to be restored.
	Checkpointed bool `json:"-"`
	// Health is a running container's health ("" without a check).
	Health string `json:"-"`
}

// ListedNamespaces are the namespace inode numbers of a running container
// (ListOptions.Namespaces), with podman's JSON keys.
type ListedNamespaces struct {
	MNT    string `json:"Mnt,omitempty"`
	Cgroup string `json:"Cgroup,omitempty"`
	IPC    string `json:"Ipc,omitempty"`
	NET    string `json:"Net,omitempty"`
	PIDNS  string `json:"Pidns,omitempty"`
	UTS    string `json:"Uts,omitempty"`
	User   string `json:"User,omitempty"`
}

// ListedPort is a published port in podman's (netavark's) JSON shape.
type ListedPort struct {
	HostIP        string `json:"host_ip"`
	ContainerPort uint16 `json:"container_port"`
	HostPort      uint16 `json:"host_port"`
	Range         uint16 `json:"range"`
	Protocol      string `json:"protocol"`
}

// ContainerSize is the size of a container's rootfs (image layers and
// its own) and of its read-write layer alone.
type ContainerSize struct {
	RootFsSize int64 `json:"rootFsSize"`
	RwSize     int64 `json:"rwSize"`
}

// ListContainers lists containers as `podlite ps` shows them.
func (r *Runtime) ListContainers(opts ListOptions) ([]ListedContainer, error) {
	if opts.Sort != "" && !slices.Contains(SortKeys, opts.Sort) {
		return nil, fmt.Errorf("invalid option for --sort, options are: %s: %w", strings.Join(SortKeys, ", "), define.ErrInvalidArg)
	}
	match, err := filter.Containers(opts.Filters, lookups{r})
	if err != nil {
		return nil, err
	}
	all := opts.All || opts.Last > 0 || filter.HasKey(opts.Filters, "status")
	picked, err := r.pickContainers(match, all, opts.Mounts || filter.HasKey(opts.Filters, "volume"))
	if err != nil {
		return nil, err
	}
	if opts.Last > 0 && len(picked) > opts.Last {
		picked = picked[len(picked)-opts.Last:] // oldest first: the newest are last
	}
	var store *storage.Store
	if opts.Size || opts.External {
		if store, err = r.Storage(); err != nil {
			return nil, err
		}
	}
	out := make([]ListedContainer, 0, len(picked))
	for _, c := range picked {
		l := c.listed()
		if opts.Namespaces {
			l.Namespaces = namespacesOf(c.state.PID)
		}
		if opts.Size {
			l.Size = sizeOf(store, c.config.StorageID)
		}
		out = append(out, l)
	}
	if opts.External {
		ext, err := r.externalContainers(store, match, opts.Size)
		if err != nil {
			return nil, err
		}
		out = append(out, ext...)
	}
	if err := r.addPodNames(out); err != nil {
		return nil, err
	}
	sortListed(out, opts.Sort)
	return out, nil
}

// FilterContainers returns the containers, in any state, that match every
// `--filter KEY=VALUE` (ps's keys), oldest first: the lifecycle verbs'
// --filter.
func (r *Runtime) FilterContainers(filters []string) ([]*Container, error) {
	match, err := filter.Containers(filters, lookups{r})
	if err != nil {
		return nil, err
	}
	return r.pickContainers(match, true, filter.HasKey(filters, "volume"))
}

// pickContainers returns the containers match takes, only running ones
// unless all; needSpec loads their specs first (mounts, volume filters).
func (r *Runtime) pickContainers(match filter.Container, all, needSpec bool) ([]*Container, error) {
	ctrs, err := r.Containers()
	if err != nil {
		return nil, err
	}
	var picked []*Container
	for _, c := range ctrs {
		if !all && c.state.Status != define.StatusRunning {
			continue
		}
		if needSpec {
			rec, err := r.store.Container(c.config.ID)
			if errors.Is(err, define.ErrNotFound) {
				continue // removed meanwhile
			} else if err != nil {
				return nil, err
			}
			c.config.Spec = rec.Config.Spec
		}
		if match(c.config, c.state) {
			picked = append(picked, c)
		}
	}
	return picked, nil
}

// listed is the container's ps entry, without the costly fields.
func (c *Container) listed() ListedContainer {
	cfg, st := c.config, c.state
	l := ListedContainer{
		AutoRemove: cfg.AutoRemove, CIDFile: cfg.CIDFile, Command: cfg.Command, ID: cfg.ID, Image: cfg.ImageName, ImageID: cfg.ImageID,
		Labels: cfg.Labels, Names: []string{cfg.Name}, Pid: st.PID, State: st.Status.String(),
		Exited: st.Status == define.StatusExited, ExitCode: int32(st.ExitCode), Restarts: st.RestartCount,
		Created: cfg.CreatedAt, StartedAt: st.StartedAt.Unix(), ExitedAt: st.FinishedAt.Unix(),
		Checkpointed: st.Checkpointed, Networks: []string{}, Health: c.healthStatus(), Pod: cfg.Pod,
	}
	if l.Command == nil {
		l.Command = []string{}
	}
	if cfg.Spec != nil {
		l.Mounts = []string{}
		for _, m := range cfg.Spec.Mounts {
			if isUserMount(m.Type, m.Destination) {
				l.Mounts = append(l.Mounts, m.Destination)
			}
		}
	}
	for name := range c.networks() {
		l.Networks = append(l.Networks, name)
	}
	slices.Sort(l.Networks)
	l.ExposedPorts = cfg.Network.ExposedPorts
	for _, p := range cfg.Network.Ports {
		l.Ports = append(l.Ports, ListedPort{HostIP: p.HostIP, ContainerPort: p.ContainerPort, HostPort: p.HostPort, Range: max(p.Range, 1), Protocol: p.Protocol})
	}
	return l
}

// namespacesOf reads the namespace inode numbers of process pid; a
// container that does not run has none.
func namespacesOf(pid int) ListedNamespaces {
	if pid <= 0 {
		return ListedNamespaces{}
	}
	ns := func(kind string) string {
		link, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "ns", kind))
		if err != nil {
			slog.Debug("reading a container's namespace", "pid", pid, "namespace", kind, "error", err)
			return ""
		}
		// "net:[4026532442]" → "4026532442"
		_, inode, _ := strings.Cut(strings.TrimSuffix(link, "]"), "[")
		return inode
	}
	return ListedNamespaces{MNT: ns("mnt"), Cgroup: ns("cgroup"), IPC: ns("ipc"), NET: ns("net"), PIDNS: ns("pid"), UTS: ns("uts"), User: ns("user")}
}

// sizeOf measures a container's rootfs; a rootfs-less container or one
// storage cannot measure shows as nil, which ps prints empty.
func sizeOf(store *storage.Store, storageID string) *ContainerSize {
	if storageID == "" {
		return &ContainerSize{}
	}
	rootfs, rw, err := store.ContainerSizes(storageID)
	if err != nil {
		slog.Warn("measuring a container's rootfs", "container", storageID, "error", err)
		return nil
	}
	return &ContainerSize{RootFsSize: rootfs, RwSize: rw}
}

// externalContainers lists the rootfs in storage that no record owns, as
// podman lists other tools' containers: state "storage".
// LookupExternalContainer finds nameOrID (a name, an ID or a unique ID
// prefix) among the rootfs in storage that no container record owns, the
// containers `ps --external` lists; ErrNotFound when there is none.
func (r *Runtime) LookupExternalContainer(nameOrID string) error {
	store, err := r.Storage()
	if err != nil {
		return err
	}
	ext, err := r.externalContainers(store, func(*define.ContainerConfig, *define.ContainerState) bool { return true }, false)
	if err != nil {
		return err
	}
	for _, l := range ext {
		if l.Names[0] == nameOrID || strings.HasPrefix(l.ID, nameOrID) {
			return nil
		}
	}
	return fmt.Errorf("no external container with name or ID %q found: %w", nameOrID, define.ErrNoSuchContainer)
}

func (r *Runtime) externalContainers(store *storage.Store, match filter.Container, size bool) ([]ListedContainer, error) {
	known, err := r.recordedIDs()
	if err != nil {
		return nil, err
	}
	all, err := store.Containers()
	if err != nil {
		return nil, err
	}
	var out []ListedContainer
	for _, sc := range all {
		if known[sc.ID] {
			continue
		}
		name := "unknown"
		if len(sc.Names) > 0 {
			name = sc.Names[0]
		}
		cfg := &define.ContainerConfig{ID: sc.ID, Name: name, ImageID: sc.ImageID, CreatedAt: sc.Created, Command: []string{"storage"}}
		if names, err := store.ImageNames(sc.ImageID); err == nil && len(names) > 0 {
			cfg.ImageName = names[0]
		}
		if !match(cfg, &define.ContainerState{}) {
			continue
		}
		l := ListedContainer{
			ID: sc.ID, Names: []string{name}, Image: cfg.ImageName, ImageID: sc.ImageID, Command: cfg.Command,
			Created: sc.Created, State: "storage", Mounts: []string{}, Networks: []string{},
			StartedAt: time.Time{}.Unix(), ExitedAt: time.Time{}.Unix(),
		}
		if size {
			l.Size = sizeOf(store, sc.ID)
		}
		out = append(out, l)
	}
	return out, nil
}

// sortListed sorts by one of SortKeys, stably, as podman's --sort does:
// created and runningfor oldest first, the rest ascending.
func sortListed(l []ListedContainer, key string) {
	var less func(a, b *ListedContainer) bool
	switch key {
	case "":
		return
	case "command":
		less = func(a, b *ListedContainer) bool { return strings.Join(a.Command, " ") < strings.Join(b.Command, " ") }
	case "created":
		less = func(a, b *ListedContainer) bool { return a.Created.Before(b.Created) }
	case "id":
		less = func(a, b *ListedContainer) bool { return a.ID < b.ID }
	case "image":
		less = func(a, b *ListedContainer) bool { return a.Image < b.Image }
	case "names":
		less = func(a, b *ListedContainer) bool { return a.Names[0] < b.Names[0] }
	case "runningfor":
		less = func(a, b *ListedContainer) bool { return a.StartedAt < b.StartedAt }
	case "size":
		less = func(a, b *ListedContainer) bool {
			return a.Size != nil && b.Size != nil && a.Size.RootFsSize < b.Size.RootFsSize
		}
	case "status":
		less = func(a, b *ListedContainer) bool { return a.State < b.State }
	}
	slices.SortStableFunc(l, func(a, b ListedContainer) int {
		switch {
		case less(&a, &b):
			return -1
		case less(&b, &a):
			return 1
		}
		return 0
	})
}

// isUserMount reports whether a spec mount is one the user asked for (a
// bind, a volume, a tmpfs), not one podlite adds (/etc files, its init,
// the default spec's /dev and /dev/shm).
func isUserMount(typ, dest string) bool {
	switch typ {
	case "bind":
		return !isEtcFile(dest) && dest != initTarget
	case "tmpfs":
		return dest != "/dev" && dest != "/dev/shm"
	}
	return false
}

// lookups answers the filters' questions about other objects.
type lookups struct{ r *Runtime }

func (l lookups) ContainerCreated(nameOrID string) (time.Time, error) {
	c, err := l.r.LookupContainer(nameOrID)
	if err != nil {
		return time.Time{}, err
	}
	return c.config.CreatedAt, nil
}

func (l lookups) ImageID(nameOrID string) (string, error) {
	img, err := l.r.LookupImage(nameOrID)
	if err != nil {
		return "", err
	}
	return img.ID, nil
}

func (l lookups) PodID(nameOrID string) (string, error) {
	p, err := l.r.LookupPod(nameOrID)
	if err != nil {
		return "", err
	}
	return p.ID(), nil
}

func (l lookups) NetworkExists(name string) bool {
	_, err := l.r.NetworkByName(name)
	return err == nil
}

func (l lookups) ContainerNetworks(cfg *define.ContainerConfig, st *define.ContainerState) []string {
	c := &Container{config: cfg, state: st}
	var names []string
	for name := range c.networks() {
		names = append(names, name)
	}
	return names
}

// addPodNames fills in the names of the listed containers' pods.
func (r *Runtime) addPodNames(out []ListedContainer) error {
	if !slices.ContainsFunc(out, func(l ListedContainer) bool { return l.Pod != "" }) {
		return nil
	}
	pods, err := r.store.AllPods()
	if err != nil {
		return err
	}
	for i := range out {
		for _, p := range pods {
			if p.Config.ID == out[i].Pod {
				out[i].PodName = p.Config.Name
			}
		}
	}
	return nil
}
