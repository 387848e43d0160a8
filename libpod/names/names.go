package names

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"regexp"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// NewID returns a random 64-hex-digit ID, as podman's.
func NewID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var idPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// IsID reports whether s has the form of a full container ID.
func IsID(s string) bool { return idPattern.MatchString(s) }

var (
	adjectives = []string{"brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "keen", "lucid", "merry",
		"nifty", "proud", "quirky", "rapid", "serene", "tender", "upbeat", "vivid", "witty", "zealous"}
	nouns = []string{"ampere", "bohr", "curie", "darwin", "euler", "fermi", "gauss", "hopper", "joule", "kepler",
		"lovelace", "maxwell", "newton", "noether", "pascal", "raman", "sagan", "tesla", "turing", "volta"}
)

// Random returns a name like "jolly_turing"; callers retry on a clash.
func Random() string {
	pick := func(list []string) string {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(list))))
		return list[n.Int64()]
	}
	return pick(adjectives) + "_" + pick(nouns)
}

var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// Check rejects names podman would reject, in podman's words.
func Check(name string) error {
	if !validName.MatchString(name) {
		return fmt.Errorf("names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: %w", define.ErrInvalidArg)
	}
	return nil
}

// Clean drops the leading "/" docker prints names with (podman and docker
// accept "/web" for "web"), then checks the name.
func Clean(name string) (string, error) {
	name = Trim(name)
	return name, Check(name)
}

// Trim drops one leading "/" from a name given for a lookup.
func Trim(name string) string { return strings.TrimPrefix(name, "/") }
