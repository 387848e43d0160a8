package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/storage"
)

// LookupImage resolves a name, short name, digest reference, ID or unique
// ID prefix to a local image.
func (r *Runtime) LookupImage(nameOrID string) (*storage.Image, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	return store.Image(nameOrID)
}

// InspectImage returns the full description of a local image.
func (r *Runtime) InspectImage(ctx context.Context, nameOrID string) (*storage.ImageInspect, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	return store.Inspect(ctx, nameOrID)
}

// TagImage gives a local image another name and returns the full name
// ("app" becomes "localhost/app:latest").
func (r *Runtime) TagImage(nameOrID, newName string) (string, error) {
	store, err := r.Storage()
	if err != nil {
		return "", err
	}
	full, err := store.Tag(nameOrID, newName)
	if err != nil {
		return "", err
	}
	if img, err := store.Image(full); err == nil {
		r.imageEvent(events.Tag, img.ID, full)
	}
	return full, nil
}

// ImageLayers lists an image's storage layers, bottom first, with the
// images each is the top layer of.
func (r *Runtime) ImageLayers(nameOrID string) ([]storage.TreeLayer, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	layers, err := store.Layers(nameOrID)
	return layers, imageNotKnown(nameOrID, err)
}

// UntagImage removes names from a local image without deleting it; no
// names removes every name.
func (r *Runtime) UntagImage(nameOrID string, names []string) error {
	store, err := r.Storage()
	if err != nil {
		return err
	}
	return store.UntagNames(nameOrID, names)
}

// PullImage copies an image from a registry (or another transport, see
// storage.Store.Pull) into local storage and returns it.
func (r *Runtime) PullImage(ctx context.Context, ref string, opts storage.PullOptions) (*storage.Image, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	r.defaultRetry(&opts.Retry)
	img, err := store.Pull(ctx, ref, opts)
	if err != nil {
		return nil, err
	}
	r.imageEvent(events.Pull, img.ID, ref)
	return img, nil
}

// PullAllTags pulls every tag of a registry repository.
func (r *Runtime) PullAllTags(ctx context.Context, ref string, opts storage.PullOptions) ([]*storage.Image, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	r.defaultRetry(&opts.Retry)
	return store.PullAllTags(ctx, ref, opts)
}

// defaultRetry gives a pull or push without --retry the config's retry.
func (r *Runtime) defaultRetry(retry *storage.Retry) {
	if retry.Count == nil {
		n := r.cfg.PullRetries
		retry.Count = &n
	}
}

// Login checks credentials against a registry and records them in the
// auth file, and returns where they went. With opts.Secret the password
// is that secret's data.
func (r *Runtime) Login(ctx context.Context, registry string, opts storage.LoginOptions) (string, error) {
	store, err := r.Storage()
	if err != nil {
		return "", err
	}
	if opts.Secret != "" {
		_, data, err := r.Secrets().Data(opts.Secret)
		if err != nil {
			return "", err
		}
		opts.Password = string(data)
	}
	return store.Login(ctx, registry, opts)
}

// LoginUser is the user recorded for registry in the auth file.
func (r *Runtime) LoginUser(registry string, files storage.AuthFiles) (string, error) {
	store, err := r.Storage()
	if err != nil {
		return "", err
	}
	return store.LoginUser(registry, files)
}

// Logout forgets the credentials of registry ("" for all).
func (r *Runtime) Logout(registry string, files storage.AuthFiles) error {
	store, err := r.Storage()
	if err != nil {
		return err
	}
	return store.Logout(registry, files)
}

// PushImage copies a local image to dest, by default to the registry its
// name points at.
func (r *Runtime) PushImage(ctx context.Context, nameOrID, dest string, opts storage.PushOptions) error {
	store, err := r.Storage()
	if err != nil {
		return err
	}
	r.defaultRetry(&opts.Retry)
	if err := store.Push(ctx, nameOrID, dest, opts); err != nil {
		return err
	}
	r.imageEvent(events.Push, "", nameOrID)
	return nil
}

// LoadImages copies every image of an archive or image directory ("-" for
// stdin; an http(s) URL is downloaded) into local storage and returns
// their names ("sha256:ID" for an image without a name).
func (r *Runtime) LoadImages(ctx context.Context, path string) ([]string, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	loaded, err := store.Load(ctx, path)
	if err != nil {
		return nil, err
	}
	for _, name := range loaded {
		r.imageEvent(events.LoadFromArchive, "", name)
	}
	return loaded, nil
}

// SaveImages writes local images into one archive or directory ("-" for
// stdout), as storage.Store.Save.
func (r *Runtime) SaveImages(ctx context.Context, names []string, path string, opts storage.SaveOptions) error {
	store, err := r.Storage()
	if err != nil {
		return err
	}
	if err := store.Save(ctx, names, path, opts); err != nil {
		return err
	}
	for _, name := range names {
		r.imageEvent(events.Save, "", name)
	}
	return nil
}

// ImportImage creates an image from a rootfs tarball ("-" for stdin).
func (r *Runtime) ImportImage(ctx context.Context, path string, opts storage.ImportOptions) (*storage.Image, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	img, err := store.Import(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	r.imageEvent(events.Import, img.ID, path)
	return img, nil
}

// ImageRemoval is what RemoveImages did to one image.
type ImageRemoval struct {
	// Untagged are the names taken off the image.
	Untagged []string
	// Deleted is the image's ID when the image itself went, else "".
	Deleted string
}

// RemoveImagesOptions tune RemoveImages.
type RemoveImagesOptions struct {
	// Force removes the containers using an image (forcibly, keeping
	// their volumes) and deletes an image given by ID that has several
	// names.
	Force bool
	// All removes every image; names must then be empty.
	All bool
	// Ignore skips images that do not exist.
	Ignore bool
}

// RemoveImages removes images as podman's rmi does: an image named by one
// of several names only loses that name; otherwise the image goes. An
// image in use by a container is refused with define.ErrInvalidState
// unless Force. It keeps going past failures and returns one error per
// image it could not remove.
func (r *Runtime) RemoveImages(ctx context.Context, names []string, opts RemoveImagesOptions) ([]ImageRemoval, []error) {
	store, err := r.Storage()
	if err != nil {
		return nil, []error{err}
	}
	if opts.All {
		if len(names) > 0 {
			return nil, []error{fmt.Errorf("removing images: give image names or all, not both: %w", define.ErrInvalidArg)}
		}
		images, err := store.Images()
		if err != nil {
			return nil, []error{err}
		}
		for _, img := range images {
			names = append(names, img.ID)
		}
	}
	var done []ImageRemoval
	var errs []error
	for _, name := range names {
		rep, err := r.removeImage(ctx, store, name, opts.Force || opts.All, opts.Force)
		if opts.Ignore && errors.Is(err, define.ErrNotFound) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		done = append(done, *rep)
	}
	return done, errs
}

// removeImage removes one image; allNames allows deleting an image given by
// ID that has several names.
func (r *Runtime) removeImage(ctx context.Context, store *storage.Store, name string, allNames, force bool) (*ImageRemoval, error) {
	img, err := store.Image(name)
	if err != nil {
		return nil, imageNotKnown(name, err)
	}
	full := store.NameOf(name, img)
	if full != "" && len(img.Names) > 1 {
		if err := store.Untag(img.ID, full); err != nil {
			return nil, err
		}
		// podman reports the rmi of one name as an untag and a remove.
		r.imageEvent(events.Untag, img.ID, full)
		r.imageEvent(events.Remove, img.ID, name)
		return &ImageRemoval{Untagged: []string{full}}, nil
	}
	if full == "" && len(img.Names) > 1 && !allNames {
		return nil, define.Worded(define.ErrInvalidState, fmt.Sprintf(
			"unable to delete image %q by ID with more than one tag ([%s]): please force removal", img.ID, strings.Join(img.Names, " ")))
	}
	users, err := store.ContainersOfImage(img.ID)
	if err != nil {
		return nil, err
	}
	// A container whose --mount type=image uses it is a user too.
	mountUsers, err := r.imageMountUsers()
	if err != nil {
		return nil, err
	}
	for _, id := range mountUsers[img.ID] {
		if !slices.Contains(users, id) {
			users = append(users, id)
		}
	}
	if len(users) > 0 && !force {
		return nil, &ImageInUseError{Image: name, Container: users[0]}
	}
	for _, id := range users {
		// A storage container without a podlite record is an
		// orphan; store.RemoveImage deletes it below.
		if err := r.RemoveContainer(ctx, id, true, false); err != nil && !errors.Is(err, define.ErrNotFound) {
			return nil, fmt.Errorf("removing container %s that uses image %s: %w", r.containerName(id), name, err)
		}
	}
	if err := store.RemoveImage(img.ID, force); err != nil {
		return nil, err
	}
	for _, n := range img.Names {
		r.imageEvent(events.Untag, img.ID, n)
	}
	r.imageEvent(events.Remove, img.ID, name)
	return &ImageRemoval{Untagged: img.Names, Deleted: img.ID}, nil
}

// imageNotKnown turns a lookup's ErrNotFound into podman's message,
// which scripts match, in define's one wording of it; other errors pass.
func imageNotKnown(name string, err error) error {
	if errors.Is(err, define.ErrNotFound) {
		return fmt.Errorf("%s: %w", name, define.ErrImageNotKnown)
	}
	return err
}

// ImageInUseError is rmi's refusal of an image a container uses, in
// podman's words, which name the container by its full ID.
type ImageInUseError struct {
	Image, Container string
}

func (e *ImageInUseError) Error() string {
	return "image used by " + e.Container + ": image is in use by a container: consider listing external containers and force-removing image"
}

// Unwrap is define's class of the refusal (an ErrInvalidState), the one
// cmd/podlite/cli maps rmi's exit status by.
func (e *ImageInUseError) Unwrap() error { return define.ErrImageInUse }

// containerName names a container for messages: its name, else its ID.
func (r *Runtime) containerName(id string) string {
	if c, err := r.LookupContainer(id); err == nil {
		return c.Name()
	}
	return id
}

// PruneImages removes the images no container uses that have no name, or
// with all every one of them, and returns their IDs.
func (r *Runtime) PruneImages(ctx context.Context, all bool) ([]string, error) {
	return r.PruneImagesMatching(ctx, all, nil)
}

// PruneImagesMatching is PruneImages limited to the images that pass
// every filter (the keys of `images --filter`).
func (r *Runtime) PruneImagesMatching(ctx context.Context, all bool, filters []string) ([]string, error) {
	removed, _, err := r.pruneImages(ctx, all, filters)
	return removed, err
}

// pruneImages is PruneImagesMatching that also adds up the sizes of the
// images it removed.
func (r *Runtime) pruneImages(ctx context.Context, all bool, filters []string) ([]string, int64, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, 0, err
	}
	mounted, err := r.imageMountUsers()
	if err != nil {
		return nil, 0, err
	}
	only := func(id string) bool { return len(mounted[id]) == 0 }
	if len(filters) > 0 {
		imgs, err := r.ListImages(ctx, filters)
		if err != nil {
			return nil, 0, err
		}
		match := map[string]bool{}
		for _, img := range imgs {
			match[img.ID] = len(mounted[img.ID]) == 0
		}
		only = func(id string) bool { return match[id] }
	}
	return store.PruneSized(all, only)
}

// CommitOptions tune CommitContainer.
type CommitOptions struct {
	storage.CommitOptions
	// Pause freezes a running container while its changes are read.
	Pause bool
	// IncludeVolumes makes every user volume of the container an image
	// volume (without it, only its anonymous ones, as podman).
	IncludeVolumes bool
	// ConfigFile is --config: a JSON image config (docker's container
	// config) merged into the image's.
	ConfigFile string
}

// CommitContainer creates an image of a container's root filesystem, as
// podman's commit: the container's command, environment, labels, user,
// work dir and published ports go into the image config, then the
// --change instructions.
func (r *Runtime) CommitContainer(ctx context.Context, nameOrID string, o CommitOptions) (*storage.Image, error) {
	c, err := r.LookupContainer(nameOrID)
	if err != nil {
		return nil, err
	}
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	cfg := c.Config()
	if cfg.ImageID == "" {
		return nil, fmt.Errorf("cannot commit a container that uses an exploded rootfs: %w", define.ErrNotSupported)
	}
	override, err := storage.ReadOverride(o.ConfigFile)
	if err != nil {
		return nil, err
	}
	if err := c.Sync(); err != nil {
		return nil, err
	}
	if o.Pause && c.State().Status == define.StatusRunning {
		if err := c.Pause(ctx); err != nil {
			return nil, err
		}
		defer func() {
			if err := c.Unpause(ctx); err != nil {
				slog.Error("unpausing container after commit", "container", cfg.Name, "error", err)
			}
		}()
	}
	so := o.CommitOptions
	so.BaseName = cfg.ImageName
	if img, err := store.Image(cfg.ImageID); err == nil {
		if full := store.NameOf(cfg.ImageName, img); full != "" {
			so.BaseName = full
		}
	}
	so.Container = commitContainerConfig(cfg)
	so.Container.Volumes = commitVolumes(cfg, o.IncludeVolumes)
	so.Override = override
	return store.Commit(ctx, cfg.StorageID, so)
}

// commitContainerConfig is the part of the image config a committed
// container contributes.
func commitContainerConfig(cfg *define.ContainerConfig) imgspecv1.ImageConfig {
	out := imgspecv1.ImageConfig{Entrypoint: cfg.Entrypoint, Cmd: cfg.Cmd, Labels: cfg.Labels}
	if p := cfg.Spec.Process; p != nil {
		// HOSTNAME is the container's own; a new container gets its own.
		out.Env = slices.DeleteFunc(slices.Clone(p.Env), func(e string) bool { return strings.HasPrefix(e, "HOSTNAME=") })
		out.User, out.WorkingDir = p.User.Username, p.Cwd
	}
	for _, pm := range cfg.Network.Ports {
		if out.ExposedPorts == nil {
			out.ExposedPorts = map[string]struct{}{}
		}
		for i := range max(pm.Range, 1) {
			out.ExposedPorts[fmt.Sprintf("%d/%s", pm.ContainerPort+i, pm.Protocol)] = struct{}{}
		}
	}
	return out
}
