// Package logs writes and reads container logs in the k8s-file format that
// podman and CRI runtimes use, one record per line:
//
//	2026-11-22T07:30:00.123456789+00:00 stdout F hello
//
// The flag is F for a full line and P for a partial one (output that did
// not end in a newline); readers join partial records with the record that
// follows. The supervisor (C) writes the same format. With --log-opt
// max-size (Limited), a record that would make the file larger than that
// empties it first, as conmon does: the log keeps the latest lines.
//
// The journald driver's lines are journal entries with conmon's fields
// (JournalFields): a foreground run writes them with JournalWriter, the
// supervisor itself; ReadJournal reads a container's entries back through
// journalctl -o json, so podlite needs no libsystemd.
package logs
