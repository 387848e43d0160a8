package systemd

import (
	"errors"
	"fmt"
	"strings"
)

// Container is what a unit needs to know of a container.
type Container struct {
	ID, Name string
	// StopTimeout is the container's --stop-timeout.
	StopTimeout uint
	// RestartPolicy is the container's own --restart ("" or "no": none).
	RestartPolicy string
	// CreateCommand is the command line that created it (argv).
	CreateCommand []string
	// PIDFile is where the PID of its supervisor is written at each start.
	PIDFile string
	// RunRoot is the run root the container lives under.
	RunRoot string
	// Env is the container's environment, for --env KEY without a value.
	Env []string
}

// podRef is what a member container's unit knows of its pod's unit.
type podRef struct {
	service   string
	podIDFile string // --new: the file `pod create --pod-id-file` wrote
}

// ContainerUnit returns the unit of one container.
func ContainerUnit(c *Container, o *Options) (*Unit, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	return containerUnit(c, o, nil)
}

// cidFile is where a --new unit's container ID goes (%t: the manager's
// runtime directory, %n: the unit's name).
const cidFile = "%t/%n.ctr-id"

func containerUnit(c *Container, o *Options, pod *podRef) (*Unit, error) {
	nameOrID := c.ID
	if o.UseName {
		nameOrID = c.Name
	}
	service := o.serviceName(o.ContainerPrefix, nameOrID)
	if o.UnitName != "" {
		service = o.UnitName
	}
	u := &Unit{Name: service + ".service"}
	stop := o.stopTimeout(c.StopTimeout)
	restart, burst := o.restart(), ""
	unitVar, description, svcHead := "%n", service+".service", service
	var start, stopCmd, stopPost []string
	var startPre [][]string
	var extraEnv []string
	if o.Template {
		if !o.New {
			return nil, errors.New("--template needs --new")
		}
		unitVar, description, svcHead = "%n-%i", service+".service for %I", service+"@"
		u.Name = service + "@.service"
	}
	if o.New {
		nc, err := o.newContainerCommand(c, service, pod)
		if err != nil {
			return nil, err
		}
		start, extraEnv = nc.start, nc.env
		if o.RestartPolicy == nil && nc.restart != "" {
			restart, burst = nc.restart, nc.burst
		}
		t := fmt.Sprint(stop)
		startPre = [][]string{{"/bin/rm", "-f", cidFile}}
		stopCmd = o.podlite(nc.globals, "stop", "--ignore", "-t", t, "--cidfile="+cidFile)
		stopPost = o.podlite(nc.globals, "rm", "-f", "--ignore", "-t", t, "--cidfile="+cidFile)
		if o.Checkpoint {
			if nc.name == "" {
				return nil, fmt.Errorf("--checkpoint with --new needs a container created with --name")
			}
			start, stopCmd = o.newCheckpointCommands(nc)
			startPre = append(startPre, []string{"/bin/mkdir", "-p", checkpointArchiveDir})
		}
	} else {
		globals := globalsOf(c.CreateCommand, o)
		id := escapeArg(nameOrID)
		start = o.podlite(globals, "start", id)
		stopCmd = o.podlite(globals, "stop", "-t", fmt.Sprint(stop), id)
		stopPost = stopCmd
		if o.Checkpoint {
			start, stopCmd = o.checkpointCommands(globals, id)
		}
		if c.RestartPolicy != "" && c.RestartPolicy != "no" {
			u.Warnings = append(u.Warnings, fmt.Sprintf("container %s has restart policy %q which can lead to issues on shutdown: consider recreating the container without a restart policy and use systemd's restart mechanism instead", c.ID, c.RestartPolicy))
		}
	}

	var b strings.Builder
	b.WriteString(o.header(svcHead, description, c.RunRoot))
	if pod != nil {
		fmt.Fprintf(&b, "BindsTo=%s.service\nAfter=%s.service\n", pod.service, pod.service)
	}
	b.WriteString(o.userDependencies())
	b.WriteString(o.serviceSection(unitVar, extraEnv, restart, burst))
	fmt.Fprintf(&b, "TimeoutStopSec=%d\n", minStopTimeout+stop)
	if o.Checkpoint {
		fmt.Fprintf(&b, "SuccessExitStatus=%d\nRestartPreventExitStatus=%d\n", CheckpointExitStatus, CheckpointExitStatus)
	}
	for _, pre := range startPre {
		fmt.Fprintf(&b, "ExecStartPre=%s\n", formatCommand(pre))
	}
	fmt.Fprintf(&b, "ExecStart=%s\nExecStop=%s\nExecStopPost=%s\n", formatCommand(start), formatCommand(stopCmd), formatCommand(stopPost))
	if o.New {
		b.WriteString("Type=notify\nNotifyAccess=all\n")
	} else {
		fmt.Fprintf(&b, "PIDFile=%s\nType=forking\n", c.PIDFile)
	}
	b.WriteString(installSection)
	u.Text = b.String()
	return u, nil
}

// checkpointCommands are a hibernating unit's ExecStart= and ExecStop=:
// restore when a valid checkpoint waits (else start fresh), checkpoint
// at the stop. ExecStopPost= still stops the container, should the
// checkpoint fail.
func (o *Options) checkpointCommands(globals []string, id string) (start, stop []string) {
	start = []string{"systemd", "start-or-restore"}
	if o.CheckpointFallback != "" {
		start = append(start, "--checkpoint-fallback="+o.CheckpointFallback)
	}
	start = o.podlite(globals, append(start, id)...)
	return start, o.podlite(globals, "container", "checkpoint", "--keep", id)
}

// checkpointArchiveDir and checkpointArchive are where a checkpointing
// --new unit exports its container's checkpoint at the stop (its
// container is removed then): the manager's state directory (%S:
// /var/lib, or ~/.local/state for a user), which outlives a reboot.
const (
	checkpointArchiveDir = "%S/podlite/checkpoints"
	checkpointArchive    = checkpointArchiveDir + "/%n.tar"
)

// newCheckpointCommands are a checkpointing --new unit's ExecStart= and
// ExecStop=: restore from the archive when there is one (else run the
// unit's fresh command, given after --), export the checkpoint to it at
// the stop.
func (o *Options) newCheckpointCommands(nc *newCommand) (start, stop []string) {
	start = []string{"systemd", "start-or-restore", "--import=" + checkpointArchive, "--cidfile=" + cidFile}
	if o.CheckpointFallback != "" {
		start = append(start, "--checkpoint-fallback="+o.CheckpointFallback)
	}
	start = append(o.podlite(nc.globals, append(start, "--")...), nc.start[1:]...)
	return start, o.podlite(nc.globals, "container", "checkpoint", "--keep", "--export="+checkpointArchive, escapeArg(nc.name))
}

// globalsOf returns the global flags of a recorded command line, or none
// when it does not parse.
func globalsOf(line []string, o *Options) []string {
	if len(line) == 0 || o.RunFlags == nil {
		return nil
	}
	p, err := splitCommand(line, o.GlobalFlags, o.RunFlags, "run", "create")
	if err != nil {
		return nil
	}
	return p.globals
}

// newCommand is a --new unit's run command line and what it says about
// the unit.
type newCommand struct {
	globals        []string
	start          []string
	name           string
	restart, burst string
	env            []string
}

// newContainerCommand rewrites the container's create command as the
// unit's `podlite run`: detached, removed at its exit, replacing a
// container of its name, its ID in the unit's cidfile, the supervisor
// telling systemd (--sdnotify=conmon unless the container said
// container). Its --restart becomes the unit's Restart=.
func (o *Options) newContainerCommand(c *Container, service string, pod *podRef) (*newCommand, error) {
	if len(c.CreateCommand) == 0 || o.RunFlags == nil {
		return nil, fmt.Errorf("cannot use --new on container %s: no create command recorded", c.ID)
	}
	p, err := splitCommand(c.CreateCommand, o.GlobalFlags, o.RunFlags, "run", "create")
	if err != nil {
		return nil, fmt.Errorf("cannot use --new on container %s: %w", c.ID, err)
	}
	nc := &newCommand{globals: p.globals}
	drop := []string{"detach", "replace", "rm", "cidfile", "conmon-pidfile", "cgroups", "restart"}
	args := []string{"run", "--cidfile=" + cidFile, "--cgroups=no-conmon", "--rm"}
	if pod != nil {
		drop = append(drop, "pod", "pod-id-file")
		args = append(args, "--pod-id-file", pod.podIDFile)
	}
	if mode, ok := p.has("sdnotify"); !ok || mode == "ignore" {
		drop = append(drop, "sdnotify")
		args = append(args, "--sdnotify=conmon")
	}
	args = append(args, "-d")
	name, named := p.has("name")
	nc.name = name
	if named {
		args = append(args, "--replace")
	}
	for _, a := range p.options {
		if contains(drop, a.name) {
			continue
		}
		args = append(args, o.rewriteOption(a, c.Env, nc)...)
	}
	if o.Template && !named {
		args = append(args[:1], append([]string{"--name=" + service + "-%i"}, args[1:]...)...)
	}
	nc.start = o.podlite(p.globals, append(args, escapeArgs(p.positional)...)...)
	if policy, ok := p.has("restart"); ok && policy != "" {
		nc.restart, nc.burst = unitRestart(policy)
	}
	return nc, nil
}

// rewriteOption returns one option's escaped tokens: with a template,
// --name gets the instance; --env KEY takes its value from the
// container's environment into the unit's.
func (o *Options) rewriteOption(a arg, env []string, nc *newCommand) []string {
	tokens := escapeArgs(a.tokens)
	switch {
	case a.name == "name" && o.Template:
		tokens[len(tokens)-1] += "-%i"
	case a.name == "env" && !strings.Contains(a.value, "="):
		for _, kv := range env {
			if k, _, _ := strings.Cut(kv, "="); k == a.value {
				nc.env = append(nc.env, kv)
			}
		}
	}
	return tokens
}

// unitRestart maps a container's --restart to Restart= (and
// StartLimitBurst= for on-failure:N), as podman does.
func unitRestart(policy string) (string, string) {
	name, count, _ := strings.Cut(policy, ":")
	switch name {
	case "unless-stopped":
		return "always", ""
	case "on-failure":
		return name, count
	}
	return name, ""
}
