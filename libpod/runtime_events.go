package libpod

import (
	"context"
	"log/slog"
	"maps"

	"github.com/podlite/podlite/libpod/events"
)

// Events passes the events of the log matching opts to fn (`podlite
// events`); a streaming read returns when ctx ends or opts.Until passes.
func (r *Runtime) Events(ctx context.Context, opts events.ReadOptions, fn func(*events.Event) error) error {
	return r.events.Read(ctx, opts, fn)
}

// emit appends e to the event log. An event that cannot be written is
// logged: the verb it reports has happened all the same.
func (r *Runtime) emit(e events.Event) {
	if err := r.events.Write(e); err != nil {
		slog.Warn("writing event", "type", e.Type, "status", e.Status, "err", err)
	}
}

// newEvent reports a container event, the container's labels as its
// attributes (podman's).
func (c *Container) newEvent(status events.Status) {
	c.rt.emit(c.event(status))
}

// startedEvents reports a start as podman does: init, then start; a
// container `init` prepared reported its init then.
func (c *Container) startedEvents(wasInitialized bool) {
	if !wasInitialized {
		c.newEvent(events.Init)
	}
	c.newEvent(events.Start)
}

// event is the container's event of status, not yet written.
func (c *Container) event(status events.Status) events.Event {
	attrs := maps.Clone(c.config.Labels)
	if attrs == nil {
		attrs = map[string]string{}
	}
	return events.Event{
		ID: c.config.ID, Name: c.config.Name, Image: c.config.ImageName,
		Status: status, Type: events.Container, Details: events.Details{PodID: c.config.Pod, Attributes: attrs},
	}
}

// imageEvent reports an image event: name is the reference it concerns.
func (r *Runtime) imageEvent(status events.Status, id, name string) {
	r.emit(events.Event{ID: id, Name: name, Status: status, Type: events.Image})
}

// volumeEvent reports a volume event.
func (r *Runtime) volumeEvent(status events.Status, name string) {
	r.emit(events.Event{Name: name, Status: status, Type: events.Volume})
}

// networkEvent reports a network's create or remove, with its driver.
func (r *Runtime) networkEvent(status events.Status, id, name, driver string) {
	r.emit(events.Event{ID: id, Network: name, Status: status, Type: events.Network,
		Details: events.Details{Attributes: map[string]string{"driver": driver}}})
}

// networkEvent reports the container's connect to or disconnect from a
// network.
func (c *Container) networkEvent(status events.Status, network string) {
	c.rt.emit(events.Event{ID: c.config.ID, Name: c.config.Name, Network: network, Status: status, Type: events.Network})
}
