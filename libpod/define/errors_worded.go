package define

// Worded is an error of class that prints msg alone: podman's messages
// that scripts match and that name no class ("container X is not
// running").
func Worded(msg string, class error) error { return &wording{msg, class} }
