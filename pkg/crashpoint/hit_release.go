//go:build !crashpoint

package crashpoint

// Enabled is false in release builds: Hit does nothing.
const Enabled = false

// Hit is a no-op in release builds.
func Hit(string) {}
