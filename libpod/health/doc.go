// Package health is podlite's container health checks without a daemon:
// the --health-* flags turned into a define.HealthCheck (Build), the
// image's HEALTHCHECK read from its config (FromImageConfig), and the
// results a check leaves (Results: podman's Status, FailingStreak and Log,
// kept in a JSON file, healthcheck.log, beside the container's other files
// or in the --health-log-destination directory as ID-healthcheck.log).
//
// Who runs the checks: the container's supervisor runs `podlite
// healthcheck run ID` every interval (libpod/supervisor); the package only
// says what a result does to the status (Results.Record).
package health
