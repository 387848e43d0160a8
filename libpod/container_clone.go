package libpod

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// CreateParser turns a container's create or run command line (its
// CreateCommand), with more create flags after it, into create options.
// The grammar is the CLI's, so the CLI hands it to the runtime.
type CreateParser func(line, extra []string) (*CreateOptions, error)

// ContainerCloneOptions are `container clone`'s flags. What is not set is
// the original's.
type ContainerCloneOptions struct {
	// Name is the clone's name; "" is podman's NAME-clone (NAME-clone1,
	// NAME-clone2, ... when taken).
	Name string
	// Image replaces the original's image and is pulled when missing.
	Image string
	// Pod puts the clone into this existing pod in place of the original's.
	Pod string
	// CreateArgs are create flags parsed after the original's command
	// line (the resource flags), so that they override its values.
	CreateArgs []string
	// Destroy removes the original once the clone exists (Force: even a
	// running one); Start starts the clone.
	Destroy, Force, Start bool
	// Parse parses the original's command line.
	Parse CreateParser
}

// CloneContainer creates a container with src's configuration by
// replaying its create command line with opts' overrides, as podman's
// container clone. A clone that cannot be made leaves nothing; a failure
// of Destroy or Start returns the clone with the error.
func (r *Runtime) CloneContainer(ctx context.Context, src *Container, opts *ContainerCloneOptions) (*Container, error) {
	if opts.Destroy && !opts.Force && src.IsRunning() {
		// Checked first: nothing is created for a clone that cannot go on.
		return nil, fmt.Errorf("cannot destroy container %s: it is running - use --force: %w", src.ID(), define.ErrStateImproper)
	}
	copts, err := r.cloneContainerOptions(src, opts)
	if err != nil {
		return nil, err
	}
	c, err := r.CreateContainer(ctx, copts)
	if err != nil {
		return nil, err
	}
	if opts.Destroy {
		if _, err := r.Remove(ctx, src.ID(), RemoveOptions{Force: opts.Force}); err != nil {
			return c, err
		}
	}
	if opts.Start {
		if err := c.Start(ctx); err != nil {
			return c, err
		}
	}
	return c, nil
}

// cloneContainerOptions are the create options of a clone of src: its
// command line parsed, its --cidfile and --replace dropped, its image not
// pulled again. A clone in a pod takes its network, ports and hostname
// from the pod, so the original's go; a pod the original made
// (new:NAME) exists now and is joined.
func (r *Runtime) cloneContainerOptions(src *Container, opts *ContainerCloneOptions) (*CreateOptions, error) {
	if opts.Parse == nil {
		return nil, fmt.Errorf("cloning container %s: no parser of create command lines: %w", src.Name(), define.ErrNotSupported)
	}
	extra := opts.CreateArgs
	if opts.Pod != "" {
		extra = append(slices.Clone(extra), "--pod="+opts.Pod, "--pod-id-file=")
	}
	o, err := opts.Parse(src.config.CreateCommand, extra)
	if err != nil {
		return nil, fmt.Errorf("cloning container %s: %w", src.Name(), err)
	}
	o.Pod = strings.TrimPrefix(o.Pod, "new:")
	if o.Pod != "" {
		o.Publish, o.PublishAll, o.Expose = nil, false, nil
		o.Network, o.Hostname, o.IP, o.MAC = "", "", "", ""
	}
	o.Name = cmp.Or(opts.Name, r.cloneName(src.Name()))
	o.CIDFile, o.Replace, o.Pull = "", false, "never"
	o.PullOptions.Quiet, o.PullOptions.Progress = true, nil
	if opts.Image != "" {
		o.Image, o.Pull = opts.Image, "missing"
	}
	o.CreateCommand = src.config.CreateCommand
	return o, nil
}
