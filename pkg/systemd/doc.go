// Package systemd writes systemd units for podlite's containers and pods,
// as `podman generate systemd` does: text in, text out, no Runtime. The
// caller (libpod) describes each container or pod (Container, Pod) with
// what a unit needs: its name and ID, the command line that created it,
// its stop timeout and its supervisor's PID file.
//
// Units come in two kinds. Without Options.New a unit starts and stops
// the existing container (Type=forking, PIDFile= the supervisor's PID
// file). With New it creates the container afresh at each start from the
// recorded create command, rewritten as `podlite run --cidfile=%t/%n.ctr-id
// --cgroups=no-conmon --rm --sdnotify=conmon -d --replace …` (Type=notify:
// the supervisor sends MAINPID and READY=1), and removes it after the stop.
// The command line is parsed with the real run flags (Options.RunFlags),
// so a flag's value is never taken for the image.
//
// A pod's unit starts the pod's infra container and Wants= (and comes
// Before=) one unit per member container; each member unit BindsTo= the
// pod's unit.
package systemd
