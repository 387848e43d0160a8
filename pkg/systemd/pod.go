package systemd

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Pod is what the units of a pod need to know of it.
type Pod struct {
	ID, Name string
	// CreateCommand is the command line that created the pod.
	CreateCommand []string
	// Infra is the pod's infra container, which the pod's unit runs.
	Infra *Container
	// Members are the pod's other containers, one unit each.
	Members []*Container
}

// PodUnits returns the pod's unit first, then one per member container.
func PodUnits(p *Pod, o *Options) ([]*Unit, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	if o.Template {
		return nil, errors.New("--template is not supported for pods")
	}
	if p.Infra == nil {
		return nil, fmt.Errorf("generating systemd units: pod %q has no infra container", p.Name)
	}
	if len(p.Members) == 0 {
		return nil, fmt.Errorf("generating systemd units: pod %q has no containers", p.Name)
	}
	nameOrID := p.ID
	if o.UseName {
		nameOrID = p.Name
	}
	service := o.serviceName(o.PodPrefix, nameOrID)
	ref := &podRef{service: service, podIDFile: "%t/" + service + ".pod-id"}
	var members []*Unit
	var names []string
	for _, c := range p.Members {
		u, err := containerUnit(c, o, ref)
		if err != nil {
			return nil, err
		}
		members = append(members, u)
		names = append(names, u.Name)
	}
	sort.Strings(names)
	podUnit, err := podUnit(p, o, service, ref, names)
	if err != nil {
		return nil, err
	}
	return append([]*Unit{podUnit}, members...), nil
}

// podUnit is the pod's own unit: it runs the infra container (a forking
// unit whose main process is the infra's supervisor) and pulls in the
// members' units, which start after it.
func podUnit(p *Pod, o *Options, service string, ref *podRef, members []string) (*Unit, error) {
	stop := o.stopTimeout(p.Infra.StopTimeout)
	t := fmt.Sprint(stop)
	var startPre [][]string
	var start, stopCmd, stopPost []string
	pidFile := p.Infra.PIDFile
	if o.New {
		pidFile = "%t/" + service + ".pid"
		create, globals, err := o.newPodCommand(p, pidFile, ref.podIDFile)
		if err != nil {
			return nil, err
		}
		startPre = [][]string{{"/bin/rm", "-f", pidFile, ref.podIDFile}, create}
		start = o.podlite(globals, "pod", "start", "--pod-id-file", ref.podIDFile)
		stopCmd = o.podlite(globals, "pod", "stop", "--ignore", "--pod-id-file", ref.podIDFile, "-t", t)
		stopPost = o.podlite(globals, "pod", "rm", "--ignore", "-f", "--pod-id-file", ref.podIDFile)
	} else {
		infra := p.Infra.ID
		if o.UseName {
			infra = p.Infra.Name
		}
		globals := globalsOf(p.Infra.CreateCommand, o)
		if len(globals) == 0 {
			globals = podGlobals(p.CreateCommand, o)
		}
		start = o.podlite(globals, "start", escapeArg(infra))
		stopCmd = o.podlite(globals, "stop", "-t", t, escapeArg(infra))
		stopPost = stopCmd
	}
	var b strings.Builder
	b.WriteString(o.header(service, service+".service", p.Infra.RunRoot))
	fmt.Fprintf(&b, "Wants=%s\nBefore=%s\n", strings.Join(members, " "), strings.Join(members, " "))
	b.WriteString(o.userDependencies())
	b.WriteString(o.serviceSection("%n", nil, o.restart(), ""))
	fmt.Fprintf(&b, "TimeoutStopSec=%d\n", minStopTimeout+stop)
	for _, pre := range startPre {
		fmt.Fprintf(&b, "ExecStartPre=%s\n", formatCommand(pre))
	}
	fmt.Fprintf(&b, "ExecStart=%s\nExecStop=%s\nExecStopPost=%s\n", formatCommand(start), formatCommand(stopCmd), formatCommand(stopPost))
	fmt.Fprintf(&b, "PIDFile=%s\nType=forking\n", pidFile)
	b.WriteString(installSection)
	return &Unit{Name: service + ".service", Text: b.String()}, nil
}

// podGlobals returns the global flags of a pod's create command.
func podGlobals(line []string, o *Options) []string {
	if len(line) == 0 || o.PodCreateFlags == nil {
		return nil
	}
	p, err := splitCommand(line, o.GlobalFlags, o.PodCreateFlags, "pod create")
	if err != nil {
		return nil
	}
	return p.globals
}

// newPodCommand rewrites the pod's create command for a --new unit: its
// infra's supervisor PID and the pod's ID in the unit's files, the pod
// stopped with its last container, replacing a pod of its name.
func (o *Options) newPodCommand(p *Pod, pidFile, podIDFile string) ([]string, []string, error) {
	if len(p.CreateCommand) == 0 || o.PodCreateFlags == nil {
		return nil, nil, fmt.Errorf("cannot use --new on pod %s: no create command recorded", p.ID)
	}
	parsed, err := splitCommand(p.CreateCommand, o.GlobalFlags, o.PodCreateFlags, "pod create")
	if err != nil {
		return nil, nil, fmt.Errorf("cannot use --new on pod %s: it was not created by pod create: %w", p.ID, err)
	}
	args := []string{"pod", "create", "--infra-conmon-pidfile", pidFile, "--pod-id-file", podIDFile, "--exit-policy=stop"}
	for _, a := range parsed.options {
		if !contains([]string{"infra-conmon-pidfile", "pod-id-file", "exit-policy", "replace"}, a.name) {
			args = append(args, escapeArgs(a.tokens)...)
		}
	}
	args = append(args, escapeArgs(parsed.positional)...)
	_, named := parsed.has("name")
	if named || len(parsed.positional) > 0 {
		args = append(args, "--replace")
	}
	return o.podlite(parsed.globals, args...), parsed.globals, nil
}
