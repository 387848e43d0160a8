// Package secrets holds the `podlite secret` commands (create, ls,
// inspect, rm, exists) over libpod/secrets' file driver.
package secrets
