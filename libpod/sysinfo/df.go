package sysinfo

import "time"

// DfReport is what `system df` reports, podman's SystemDfReport.
type DfReport struct {
	// ImagesSize is the store's image data, each layer counted once.
	ImagesSize int64
	// Images has one entry per image name (an unnamed image one entry).
	Images     []DfImage
	Containers []DfContainer
	Volumes    []DfVolume
}

// DfImage is one image under one of its names.
type DfImage struct {
	Repository string
	Tag        string
	ImageID    string
	Created    time.Time
	Size       int64
	SharedSize int64
	UniqueSize int64
	Containers int
}

// DfContainer is one container: its read-write layer (RWSize), the image
// layers below it (Size, podman's RootFsSize), and the count of volumes
// and mounts the user gave it.
type DfContainer struct {
	ContainerID  string
	Image        string
	Command      []string
	LocalVolumes int
	RWSize       int64
	Size         int64
	Created      time.Time
	Status       string
	Names        string
}

// DfVolume is one volume: Links counts the containers using it; an
// unused volume's whole size is reclaimable.
type DfVolume struct {
	VolumeName      string
	Links           int
	Size            int64
	ReclaimableSize int64
}

// DfSummary is one line of `system df`, podman's dfSummary.
type DfSummary struct {
	Type           string
	Total          int
	Active         int
	RawSize        int64
	RawReclaimable int64
}

// Summary sums d up as podman does: images are active when a container
// uses them, and what the unused ones take alone is reclaimable (Total
// counts the image lines, one per name); running containers are active,
// the others' read-write layers reclaimable; volumes count their users
// as active and unused volumes as reclaimable.
func (d *DfReport) Summary() []DfSummary {
	images := DfSummary{Type: "Images", Total: len(d.Images), RawSize: d.ImagesSize}
	var used int64
	seen := map[string]bool{}
	for _, i := range d.Images {
		if seen[i.ImageID] {
			continue
		}
		seen[i.ImageID] = true
		if i.Containers > 0 {
			images.Active++
			used += i.UniqueSize
		}
	}
	images.RawReclaimable = d.ImagesSize - used
	ctrs := DfSummary{Type: "Containers", Total: len(d.Containers)}
	for _, c := range d.Containers {
		if c.Status == "running" {
			ctrs.Active++
		} else {
			ctrs.RawReclaimable += c.RWSize
		}
		ctrs.RawSize += c.RWSize
	}
	vols := DfSummary{Type: "Local Volumes", Total: len(d.Volumes)}
	for _, v := range d.Volumes {
		vols.Active += v.Links
		vols.RawSize += v.Size
		vols.RawReclaimable += v.ReclaimableSize
	}
	return []DfSummary{images, ctrs, vols}
}
