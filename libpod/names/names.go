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

// The random names' parts: about 120×113 names, so that collisions stay
// rare on a host with thousands of containers.
var (
	adjectives = []string{
		"able", "agile", "amber", "ample", "apt", "artful", "astute", "avid", "awake", "bold", "bright", "brisk",
		"busy", "calm", "candid", "careful", "cheery", "civil", "clever", "cool", "cosmic", "crisp", "curious",
		"daring", "deft", "devoted", "eager", "earnest", "easy", "elated", "elegant", "epic", "exact", "fair",
		"faithful", "fancy", "fearless", "festive", "fervent", "fine", "fluent", "focused", "frank", "free",
		"fresh", "friendly", "frosty", "funny", "gallant", "gentle", "giddy", "glad", "golden", "graceful",
		"grand", "happy", "hardy", "hearty", "honest", "hopeful", "humble", "jolly", "jovial", "joyful", "keen",
		"kind", "lively", "loyal", "lucid", "lucky", "mellow", "merry", "mighty", "modest", "neat", "nifty",
		"noble", "nimble", "patient", "peaceful", "placid", "plucky", "polite", "proud", "quick", "quiet",
		"quirky", "radiant", "rapid", "ready", "robust", "rosy", "serene", "sharp", "shiny", "silent", "sleek",
		"smart", "snappy", "solid", "spry", "steady", "stoic", "sunny", "swift", "tender", "tidy", "tranquil",
		"trusty", "upbeat", "valiant", "vibrant", "vigilant", "vivid", "warm", "wise", "witty", "zany", "zealous",
		"zen",
	}
	nouns = []string{
		"agnesi", "ampere", "archimedes", "babbage", "banach", "bardeen", "bell", "bernoulli", "bohr", "boltzmann",
		"boole", "born", "bose", "brahe", "cantor", "carnot", "cauchy", "cavendish", "chandra", "clausius",
		"copernicus", "coulomb", "curie", "darwin", "davy", "dedekind", "dirac", "doppler", "edison", "einstein",
		"euclid", "euler", "faraday", "fermat", "fermi", "feynman", "fibonacci", "fourier", "franklin", "fresnel",
		"galileo", "galois", "galvani", "gauss", "germain", "gibbs", "goedel", "hamilton", "hawking", "heisenberg",
		"helmholtz", "herschel", "hertz", "hilbert", "hopper", "hubble", "huygens", "hypatia", "jacobi", "joule",
		"kelvin", "kepler", "kirchhoff", "kovalevskaya", "lagrange", "lamarr", "laplace", "lavoisier", "leibniz",
		"lorentz", "lovelace", "mach", "maxwell", "meitner", "mendel", "mendeleev", "michelson", "minkowski",
		"mirzakhani", "morse", "napier", "newton", "nobel", "noether", "ohm", "pascal", "pasteur", "pauli",
		"planck", "poincare", "ptolemy", "raman", "ramanujan", "riemann", "roentgen", "rutherford", "sagan",
		"salk", "schrodinger", "shannon", "snell", "somerville", "stokes", "tesla", "thomson", "torricelli",
		"turing", "volta", "wallace", "watt", "weierstrass", "wiles", "yalow",
	}
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
