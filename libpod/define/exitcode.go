package define

// Exit codes of the podlite binary, as podman's.
const (
	// ExitEngine is returned when podlite itself fails.
	ExitEngine = 125
	// ExitCannotInvoke is returned when the container's command cannot be invoked.
	ExitCannotInvoke = 126
	// ExitNotFound is returned when the container's command is not found.
	ExitNotFound = 127
)
