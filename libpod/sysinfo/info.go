// Package sysinfo holds what `podlite info` and `podlite version` report,
// in podman's shape (its define.Info: the same Go field names for
// templates, the same JSON keys), and the host probes that need no
// Runtime: distribution, CPU use, uptime, cgroup controllers.
package sysinfo

import "github.com/podlite/podlite/pkg/criu"

// Info describes the host, the store and the build.
type Info struct {
	Host       HostInfo       `json:"host"`
	Store      StoreInfo      `json:"store"`
	Registries map[string]any `json:"registries"`
	Plugins    Plugins        `json:"plugins"`
	Version    Version        `json:"version"`
}

// HostInfo is the host part of Info. Fields podman has that mean nothing
// here (conmon, slirp4netns, pasta, buildah) hold what podlite uses in
// their place or stay empty, so scripts reading them still run.
type HostInfo struct {
	Arch               string           `json:"arch"`
	BuildahVersion     string           `json:"buildahVersion"`
	CgroupManager      string           `json:"cgroupManager"`
	CgroupsVersion     string           `json:"cgroupVersion"`
	CgroupControllers  []string         `json:"cgroupControllers"`
	Conmon             ConmonInfo       `json:"conmon"`
	CPUs               int              `json:"cpus"`
	CPUUtilization     CPUUsage         `json:"cpuUtilization"`
	DatabaseBackend    string           `json:"databaseBackend"`
	Distribution       DistributionInfo `json:"distribution"`
	EventLogger        string           `json:"eventLogger"`
	Hostname           string           `json:"hostname"`
	IDMappings         IDMappings       `json:"idMappings"`
	Kernel             string           `json:"kernel"`
	LogDriver          string           `json:"logDriver"`
	MemFree            int64            `json:"memFree"`
	MemTotal           int64            `json:"memTotal"`
	NetworkBackend     string           `json:"networkBackend"`
	NetworkBackendInfo NetworkInfo      `json:"networkBackendInfo"`
	OCIRuntime         OCIRuntimeInfo   `json:"ociRuntime"`
	OS                 string           `json:"os"`
	RootlessNetworkCmd string           `json:"rootlessNetworkCmd"`
	// RootlessCheckpoint is podlite's own: which rootless C/R paths the
	// host allows a user ("dump,restore", "dump (restore: ...)", or
	// "none: " and the missing piece); empty as root.
	RootlessCheckpoint string       `json:"rootlessCheckpoint,omitempty"`
	ServiceIsRemote    bool         `json:"serviceIsRemote"`
	Security           SecurityInfo `json:"security"`
	Slirp4NetNS        ToolInfo     `json:"slirp4netns"`
	Pasta              ToolInfo     `json:"pasta"`
	SwapFree           int64        `json:"swapFree"`
	SwapTotal          int64        `json:"swapTotal"`
	Uptime             string       `json:"uptime"`
	Variant            string       `json:"variant"`
	Linkmode           string       `json:"linkmode"`
	// CRIU is podlite's own: what checkpoint/restore can use here, and
	// CRIUError why not when CRIU is missing or too old.
	CRIU      criu.Info `json:"criu"`
	CRIUError string    `json:"criuError,omitempty"`
}

// SecurityInfo says which security features containers get.
type SecurityInfo struct {
	AppArmorEnabled     bool   `json:"apparmorEnabled"`
	DefaultCapabilities string `json:"capabilities"`
	Rootless            bool   `json:"rootless"`
	SECCOMPEnabled      bool   `json:"seccompEnabled"`
	SECCOMPProfilePath  string `json:"seccompProfilePath"`
	SELinuxEnabled      bool   `json:"selinuxEnabled"`
}

// ToolInfo names a helper program (podman's SlirpInfo and PastaInfo).
type ToolInfo struct {
	Executable string `json:"executable"`
	Package    string `json:"package"`
	Version    string `json:"version"`
}

// IDMappings are the user namespace mappings podlite runs under (none as
// root).
type IDMappings struct {
	GIDMap []IDMap `json:"gidmap"`
	UIDMap []IDMap `json:"uidmap"`
}

// IDMap is one line of a uid_map or gid_map.
type IDMap struct {
	ContainerID int `json:"container_id"`
	HostID      int `json:"host_id"`
	Size        int `json:"size"`
}

// DistributionInfo is the host's /etc/os-release.
type DistributionInfo struct {
	Distribution string `json:"distribution"`
	Variant      string `json:"variant,omitempty"`
	Version      string `json:"version"`
	Codename     string `json:"codename,omitempty"`
}

// ConmonInfo names the container monitor: podlite's own supervisor,
// built into its binary.
type ConmonInfo struct {
	Package string `json:"package"`
	Path    string `json:"path"`
	Version string `json:"version"`
}

// OCIRuntimeInfo names the OCI runtime: runc's libcontainer, built in.
type OCIRuntimeInfo struct {
	Name    string `json:"name"`
	Package string `json:"package"`
	Path    string `json:"path"`
	Version string `json:"version"`
}

// NetworkInfo is podman 5's networkBackendInfo.
type NetworkInfo struct {
	Backend string         `json:"backend"`
	Version string         `json:"version,omitempty"`
	Package string         `json:"package,omitempty"`
	Path    string         `json:"path,omitempty"`
	DNS     DNSNetworkInfo `json:"dns,omitempty"`
}

// DNSNetworkInfo names the DNS server networks use: none in podlite.
type DNSNetworkInfo struct {
	Version string `json:"version,omitempty"`
	Package string `json:"package,omitempty"`
	Path    string `json:"path,omitempty"`
}

// StoreInfo is the storage part of Info.
type StoreInfo struct {
	ConfigFile         string            `json:"configFile"`
	ContainerStore     ContainerStore    `json:"containerStore"`
	GraphDriverName    string            `json:"graphDriverName"`
	GraphOptions       map[string]any    `json:"graphOptions"`
	GraphRoot          string            `json:"graphRoot"`
	GraphRootAllocated uint64            `json:"graphRootAllocated"`
	GraphRootUsed      uint64            `json:"graphRootUsed"`
	GraphStatus        map[string]string `json:"graphStatus"`
	ImageCopyTmpDir    string            `json:"imageCopyTmpDir"`
	ImageStore         ImageStore        `json:"imageStore"`
	RunRoot            string            `json:"runRoot"`
	VolumePath         string            `json:"volumePath"`
	TransientStore     bool              `json:"transientStore"`
}

// ImageStore counts images.
type ImageStore struct {
	Number int `json:"number"`
}

// ContainerStore counts containers by state.
type ContainerStore struct {
	Number  int `json:"number"`
	Paused  int `json:"paused"`
	Running int `json:"running"`
	Stopped int `json:"stopped"`
}

// Plugins lists the volume, network and log drivers podlite has.
type Plugins struct {
	Volume  []string `json:"volume"`
	Network []string `json:"network"`
	Log     []string `json:"log"`
	// Authorization is always null, as in podman: there is no daemon.
	Authorization []string `json:"authorization"`
}

// CPUUsage is the host's CPU time since boot, in percent.
type CPUUsage struct {
	UserPercent   float64 `json:"userPercent"`
	SystemPercent float64 `json:"systemPercent"`
	IdlePercent   float64 `json:"idlePercent"`
}

// Version is the build, as `version` and info's version print it.
type Version struct {
	APIVersion string
	Version    string
	GoVersion  string
	GitCommit  string
	BuiltTime  string
	Built      int64
	OsArch     string
	Os         string
}

// VersionReport is `version --format json`: podman's shape, whose Server
// part only a remote client has.
type VersionReport struct {
	Client *Version
	Server *Version `json:",omitempty"`
}
