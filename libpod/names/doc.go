// Package names makes and checks container identities: random 64-hex-digit
// IDs, random adjective_noun names, and the rule a chosen name must meet
// (podman's: [a-zA-Z0-9][a-zA-Z0-9_.-]*). Uniqueness is the state store's
// to enforce; callers retry on a clash.
package names
