// Package secrets is podlite's secret store with podman's file driver:
// each secret's data in its own 0600 file, ROOT/secrets/filedriver/ID,
// and the records (ID, name, driver, labels, times) in one JSON file,
// ROOT/secrets/secrets.json, rewritten atomically under an flock
// (ROOT/secrets/secrets.lock). A container gets a copy of the data when it
// is created (podman's rule), so removing or replacing a secret leaves the
// containers that use it unchanged; Ref is how a container names one
// (--secret NAME[,type=mount|env,target=…,uid=…,gid=…,mode=…]).
package secrets
