package define

// Some podman messages are part of its interface: scripts match them. A
// PodmanError prints exactly podman's text and still belongs to a class.
type PodmanError struct {
	// Msg is podman's text, printed as is.
	Msg string
	// Class is one of the Err classes.
	Class error
}

func (e *PodmanError) Error() string { return e.Msg }

func (e *PodmanError) Unwrap() error { return e.Class }
