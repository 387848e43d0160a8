package quadlet

import (
	"fmt"
	"os"
	"path/filepath"
)

// Generate loads the Quadlet files of dirs and translates them.
func Generate(dirs []string, c *Context) ([]*Unit, error) {
	files, err := LoadDirs(dirs)
	if err != nil {
		return nil, err
	}
	return Translate(files, c)
}

// WriteUnits writes the units into dir, a generator's output directory,
// and links each into TARGET.wants/ (TARGET.requires/) for its [Install]
// WantedBy= (RequiredBy=): a generated unit cannot be enabled.
func WriteUnits(units []*Unit, dir string) error {
	for _, u := range units {
		if err := os.WriteFile(filepath.Join(dir, u.Name), []byte(u.Text), 0o644); err != nil {
			return fmt.Errorf("writing the unit %s: %w", u.Name, err)
		}
		for kind, targets := range map[string][]string{"wants": u.WantedBy, "requires": u.RequiredBy} {
			for _, t := range targets {
				linkDir := filepath.Join(dir, t+"."+kind)
				if err := os.MkdirAll(linkDir, 0o755); err != nil {
					return err
				}
				link := filepath.Join(linkDir, u.Name)
				if err := os.Remove(link); err != nil && !os.IsNotExist(err) {
					return err
				}
				if err := os.Symlink(filepath.Join("..", u.Name), link); err != nil {
					return fmt.Errorf("linking %s into %s: %w", u.Name, linkDir, err)
				}
			}
		}
	}
	return nil
}
