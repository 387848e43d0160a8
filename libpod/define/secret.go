package define

// SecretRef is a secret a container was created with (--secret): its
// data is copied into the container's directory at creation.
type SecretRef struct {
	Name string `json:"name"`
	ID   string `json:"id"`
	// Type is "mount" (a read-only file at Target) or "env" (a variable
	// named Target).
	Type   string `json:"type"`
	Target string `json:"target"`
	UID    uint32 `json:"uid"`
	GID    uint32 `json:"gid"`
	Mode   uint32 `json:"mode"`
}
