package libpod

import (
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/spec"
)

// InspectData is `podlite inspect`'s view of a container, with podman's
// field names so that --format templates written for podman work.
type InspectData struct {
	ID              string                 `json:"Id"`
	Created         time.Time              `json:"Created"`
	Path            string                 `json:"Path"`
	Args            []string               `json:"Args"`
	State           InspectState           `json:"State"`
	Image           string                 `json:"Image"`
	ImageName       string                 `json:"ImageName"`
	Rootfs          string                 `json:"Rootfs"`
	Name            string                 `json:"Name"`
	RestartCount    uint                   `json:"RestartCount"`
	Driver          string                 `json:"Driver"`
	LogPath         string                 `json:"LogPath"`
	PidFile         string                 `json:"PidFile"`
	ConmonPidFile   string                 `json:"ConmonPidFile"`
	Mounts          []InspectMount         `json:"Mounts"`
	Config          InspectConfig          `json:"Config"`
	HostConfig      InspectHostConfig      `json:"HostConfig"`
	NetworkSettings InspectNetworkSettings `json:"NetworkSettings"`
	// SizeRw and SizeRootFs are filled by AddSize (inspect --size).
	SizeRw     *int64 `json:"SizeRw,omitempty"`
	SizeRootFs int64  `json:"SizeRootFs,omitempty"`
}

// specWithResources is the container's spec with the resources `update`
// set since, for inspect to show what applies now.
func (c *Container) specWithResources() *specs.Spec {
	s := c.config.Spec
	r := c.resources()
	if s.Linux == nil || r == nil || r == s.Linux.Resources {
		return s
	}
	view, linux := *s, *s.Linux
	linux.Resources = r
	view.Linux = &linux
	return &view
}

// AddSize fills d's sizes, as inspect --size shows them: the read-write
// layer, and the whole rootfs with the image's layers.
func (c *Container) AddSize(d *InspectData) error {
	store, err := c.rt.Storage()
	if err != nil {
		return err
	}
	if s := sizeOf(store, c.config.StorageID); s != nil {
		d.SizeRw, d.SizeRootFs = &s.RwSize, s.RootFsSize
	}
	return nil
}

// InspectState is the State block of InspectData.
type InspectState struct {
	Status     string    `json:"Status"`
	Running    bool      `json:"Running"`
	Paused     bool      `json:"Paused"`
	Restarting bool      `json:"Restarting"`
	OOMKilled  bool      `json:"OOMKilled"`
	Dead       bool      `json:"Dead"`
	Pid        int       `json:"Pid"`
	ConmonPid  int       `json:"ConmonPid"`
	ExitCode   int       `json:"ExitCode"`
	Error      string    `json:"Error"`
	StartedAt  time.Time `json:"StartedAt"`
	FinishedAt time.Time `json:"FinishedAt"`
	// Checkpoint state, as podman shows it.
	Checkpointed   bool      `json:"Checkpointed"`
	CheckpointedAt time.Time `json:"CheckpointedAt,omitzero"`
	RestoredAt     time.Time `json:"RestoredAt,omitzero"`
	CheckpointPath string    `json:"CheckpointPath,omitempty"`
	CheckpointLog  string    `json:"CheckpointLog,omitempty"`
	RestoreLog     string    `json:"RestoreLog,omitempty"`
	// Health is left out for a container without a health check.
	Health *InspectHealth `json:"Health,omitempty"`
}

// InspectMount is one mount in InspectData.
type InspectMount struct {
	Type        string   `json:"Type"`
	Name        string   `json:"Name,omitempty"`
	Source      string   `json:"Source"`
	Destination string   `json:"Destination"`
	Options     []string `json:"Options"`
	RW          bool     `json:"RW"`
}

// InspectConfig is the Config block of InspectData.
type InspectConfig struct {
	Hostname      string            `json:"Hostname"`
	User          string            `json:"User"`
	Env           []string          `json:"Env"`
	Cmd           []string          `json:"Cmd"`
	Entrypoint    []string          `json:"Entrypoint"`
	Image         string            `json:"Image"`
	WorkingDir    string            `json:"WorkingDir"`
	Labels        map[string]string `json:"Labels"`
	StopSignal    int               `json:"StopSignal"`
	StopTimeout   uint              `json:"StopTimeout"`
	Tty           bool              `json:"Tty"`
	OpenStdin     bool              `json:"OpenStdin"`
	CreateCommand []string          `json:"CreateCommand,omitempty"`
	Annotations   map[string]string `json:"Annotations,omitempty"`
	Timezone      string            `json:"Timezone,omitempty"`
	Timeout       uint              `json:"Timeout"`
	SdNotifyMode  string            `json:"sdNotifyMode,omitempty"`
	InspectHealthConfig
	Secrets []InspectSecret `json:"Secrets,omitempty"`
}

// InspectHostConfig is the HostConfig block of InspectData.
type InspectHostConfig struct {
	RestartPolicy   InspectRestartPolicy `json:"RestartPolicy"`
	NetworkMode     string               `json:"NetworkMode"`
	AutoRemove      bool                 `json:"AutoRemove"`
	Privileged      bool                 `json:"Privileged"`
	ReadonlyRootfs  bool                 `json:"ReadonlyRootfs"`
	LogConfig       InspectLogConfig     `json:"LogConfig"`
	Memory          int64                `json:"Memory"`
	PidsLimit       int64                `json:"PidsLimit"`
	ContainerIDFile string               `json:"ContainerIDFile"`
	SecurityOpt     []string             `json:"SecurityOpt"`
	// HostShape holds the namespace, resource and device fields.
	spec.HostShape
}

// InspectNetworkSettings is the NetworkSettings block of InspectData: the
// first network's addresses at the top, as podman shows them, and each
// network under Networks.
type InspectNetworkSettings struct {
	InspectEndpoint
	SandboxKey string                          `json:"SandboxKey"`
	Ports      map[string][]InspectHostPort    `json:"Ports"`
	Networks   map[string]InspectNetworkDetail `json:"Networks,omitempty"`
}

// InspectEndpoint is a container's addresses on one network.
type InspectEndpoint struct {
	IPAddress   string `json:"IPAddress"`
	IPPrefixLen int    `json:"IPPrefixLen"`
	Gateway     string `json:"Gateway"`
	MacAddress  string `json:"MacAddress"`
}

// InspectNetworkDetail is one network in NetworkSettings.Networks.
type InspectNetworkDetail struct {
	InspectEndpoint
	NetworkID string   `json:"NetworkID"`
	Aliases   []string `json:"Aliases,omitempty"`
}

// InspectHostPort is where a container port is published.
type InspectHostPort struct {
	HostIP   string `json:"HostIp"`
	HostPort string `json:"HostPort"`
}

// InspectRestartPolicy is the restart policy with podman's field names.
type InspectRestartPolicy struct {
	Name              string `json:"Name"`
	MaximumRetryCount uint   `json:"MaximumRetryCount"`
}

// Inspect returns the container's inspect data from a fresh state.
func (c *Container) Inspect() (*InspectData, error) {
	if err := c.Sync(); err != nil {
		return nil, err
	}
	return c.inspectData()
}

// inspectData is c's inspect data from the state it holds.
func (c *Container) inspectData() (*InspectData, error) {
	cfg, st, s := c.config, c.state, c.config.Spec
	d := &InspectData{
		ID: cfg.ID, Created: cfg.CreatedAt, Image: cfg.ImageID, ImageName: cfg.ImageName,
		Name: cfg.Name, RestartCount: st.RestartCount, LogPath: cfg.LogPath, Rootfs: st.Mountpoint,
		PidFile: cfg.PidFile, ConmonPidFile: cfg.ConmonPidFile,
	}
	if len(cfg.Command) > 0 {
		d.Path, d.Args = cfg.Command[0], cfg.Command[1:]
	}
	d.State = InspectState{
		Status: st.Status.String(), Running: st.Status == define.StatusRunning, Paused: st.Status == define.StatusPaused,
		OOMKilled: st.OOMKilled, Pid: st.PID, ConmonPid: st.SupervisorPID, ExitCode: st.ExitCode, Error: st.Error,
		StartedAt: st.StartedAt, FinishedAt: st.FinishedAt,
		Checkpointed: st.Checkpointed, CheckpointedAt: st.CheckpointedAt, RestoredAt: st.RestoredAt,
		CheckpointPath: st.CheckpointPath, CheckpointLog: st.CheckpointLog, RestoreLog: st.RestoreLog,
	}
	if c.rt.storage != nil {
		d.Driver = c.rt.storage.Driver()
	}
	d.Config = InspectConfig{
		Env: c.env(), Cmd: cfg.Cmd, Entrypoint: cfg.Entrypoint, Image: cfg.ImageName,
		WorkingDir: s.Process.Cwd, Labels: cfg.Labels, StopSignal: cfg.StopSignal, StopTimeout: cfg.StopTimeout,
		Tty: cfg.Terminal, OpenStdin: cfg.Interactive, Hostname: s.Hostname, User: s.Process.User.Username,
		CreateCommand: cfg.CreateCommand, Annotations: s.Annotations, Timezone: cfg.Timezone, SdNotifyMode: cfg.SdNotifyMode,
	}
	h := &d.HostConfig
	h.HostShape = spec.InspectHost(c.specWithResources(), cfg.GroupAdd)
	rp := c.restartPolicy()
	h.RestartPolicy = InspectRestartPolicy{Name: rp.Name, MaximumRetryCount: rp.MaxRetries}
	h.NetworkMode, h.AutoRemove, h.ContainerIDFile = cfg.NetworkMode, cfg.AutoRemove, cfg.CIDFile
	h.ReadonlyRootfs = s.Root != nil && s.Root.Readonly
	h.SecurityOpt = spec.InspectSecurityOpt(s)
	h.LogConfig = inspectLogConfig(cfg)
	d.Config.Timeout = cfg.IO.Timeout
	if cfg.IO.Rootfs != "" {
		d.Rootfs = cfg.IO.Rootfs // podman's Rootfs is --rootfs's directory
	}
	if r := c.resources(); r != nil {
		if r.Memory != nil && r.Memory.Limit != nil {
			h.Memory = *r.Memory.Limit
		}
		if r.Pids != nil && r.Pids.Limit != nil {
			h.PidsLimit = *r.Pids.Limit
		}
		h.Privileged = len(r.Devices) == 1 && r.Devices[0].Allow
	}
	for _, m := range s.Mounts {
		if m.Type != "bind" && m.Type != "tmpfs" || isEtcFile(m.Destination) || m.Destination == initTarget {
			continue
		}
		im := InspectMount{Type: m.Type, Source: m.Source, Destination: m.Destination, Options: m.Options, RW: true}
		for _, o := range m.Options {
			if o == "ro" {
				im.RW = false
			}
		}
		d.Mounts = append(d.Mounts, im)
	}
	for _, im := range cfg.Mounts.Images {
		d.Mounts = append(d.Mounts, imageMountInspect(im))
	}
	d.NetworkSettings = c.inspectNetwork()
	d.Config.Env, d.Config.Secrets = withoutSecretEnv(d.Config.Env, cfg.Secrets), inspectSecrets(cfg.Secrets)
	if err := c.inspectHealth(d); err != nil {
		return nil, err
	}
	return d, nil
}

func (c *Container) inspectNetwork() InspectNetworkSettings {
	ns := InspectNetworkSettings{SandboxKey: c.state.Network.NetNS, Ports: map[string][]InspectHostPort{}}
	for _, p := range c.config.Network.Ports {
		for i := uint16(0); i < max(p.Range, 1); i++ {
			key := fmt.Sprintf("%d/%s", p.ContainerPort+i, p.Protocol)
			ns.Ports[key] = append(ns.Ports[key], InspectHostPort{HostIP: p.HostIP, HostPort: strconv.Itoa(int(p.HostPort + i))})
		}
	}
	status, err := c.NetworkStatus()
	if err != nil || len(status) == 0 {
		return ns
	}
	ns.Networks = map[string]InspectNetworkDetail{}
	for _, name := range slices.Sorted(maps.Keys(status)) {
		st := status[name]
		ep := InspectEndpoint{MacAddress: st.MAC}
		if len(st.Addresses) > 0 {
			if ip, n, err := net.ParseCIDR(st.Addresses[0].IP); err == nil {
				ep.IPAddress = ip.String()
				ep.IPPrefixLen, _ = n.Mask.Size()
			}
			ep.Gateway = st.Addresses[0].Gateway
		}
		ns.Networks[name] = InspectNetworkDetail{InspectEndpoint: ep, NetworkID: name, Aliases: c.networks()[name].Aliases}
		if ns.IPAddress == "" {
			ns.InspectEndpoint = ep
		}
	}
	return ns
}

func isEtcFile(dest string) bool {
	switch dest {
	case "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", containerEnvPath, localtimePath:
		return true
	}
	return false
}
