package libpod

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"text/template"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/logs"
)

// Logs sends the container's log lines to fn, from its k8s-file log or
// the journal. With opts.Follow it keeps sending new lines until the
// container is no longer running (or ctx ends), as `podman logs -f` does.
func (c *Container) Logs(ctx context.Context, opts logs.Options, fn func(logs.Line) error) error {
	exited := func() bool { return c.Sync() != nil || !c.isActive() }
	if c.config.LogDriver == "journald" {
		if !opts.Follow {
			exited = nil
		}
		return logs.ReadJournal(ctx, c.config.ID, opts, exited, fn)
	}
	if c.config.LogPath == "" {
		return fmt.Errorf("container %s logs with driver %q; only k8s-file and journald logs can be read: %w", c.config.Name, c.config.LogDriver, define.ErrNotSupported)
	}
	if opts.Follow {
		return logs.ReadUntil(ctx, c.config.LogPath, opts, exited, fn)
	}
	return logs.Read(c.config.LogPath, opts, fn)
}

// journalID is c's ID when it logs to the journal, else "".
func (c *Container) journalID() string {
	if c.config.LogDriver == "journald" {
		return c.config.ID
	}
	return ""
}

// ContainerLogs sends the log lines of several containers to fn, with the
// index of each line's container in ctrs. Without opts.Follow the logs
// come one container after another, in order; with it they are read side
// by side (fn is never called concurrently) until every container has
// stopped or ctx ends. The first error stops the reading.
func ContainerLogs(ctx context.Context, ctrs []*Container, opts logs.Options, fn func(i int, l logs.Line) error) error {
	if !opts.Follow {
		for i, c := range ctrs {
			if err := c.Logs(ctx, opts, func(l logs.Line) error { return fn(i, l) }); err != nil {
				return err
			}
		}
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]error, len(ctrs))
	for i, c := range ctrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.Logs(ctx, opts, func(l logs.Line) error {
				mu.Lock()
				defer mu.Unlock()
				return fn(i, l)
			})
			if errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// supervisorJournal is the supervisor's field block (supervisor.Config
// Journal) when c logs to the journal, else "".
func (c *Container) supervisorJournal() (string, error) {
	if c.config.LogDriver != "journald" {
		return "", nil
	}
	fields, err := c.journalFields()
	if err != nil {
		return "", err
	}
	return logs.JournalFieldBlock(fields), nil
}

// journalFields are the fields of c's journal messages (journald driver):
// its --log-opt tag is a template of its inspect data, expanded at each
// start as podman does ("{{.ImageName}}").
func (c *Container) journalFields() (map[string]string, error) {
	tag := c.config.IO.LogTag
	if strings.Contains(tag, "{{") {
		tmpl, err := template.New("tag").Parse(tag)
		if err != nil {
			// podman's words.
			return nil, fmt.Errorf("template parsing error %s: %w: %w", tag, err, define.ErrInvalidArg)
		}
		data, err := c.inspectData()
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		if err := tmpl.Execute(&b, data); err != nil {
			return nil, fmt.Errorf("log tag %s: %w: %w", tag, err, define.ErrInvalidArg)
		}
		tag = strings.NewReplacer("\n", " ", "\x00", " ").Replace(b.String())
	}
	return logs.JournalFields(c.config.ID, c.config.Name, tag), nil
}
