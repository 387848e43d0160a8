// Package importrules holds the test that enforces docs/CODE_STRUCTURE.md:
// imports flow one way (cmd → libpod → libpod/* and pkg/*), and each
// outside dependency has exactly one importing package.
package importrules
