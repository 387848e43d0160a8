package containers

import (
	"github.com/spf13/pflag"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

// pullFlags are create's and run's flags for pulling a missing image:
// --authfile and the platform (--arch, --os, --variant, --platform).
type pullFlags struct {
	pull common.PullFlags
}

func (f *pullFlags) registerPull(fs *pflag.FlagSet) { f.pull.Register(fs) }

func (f *pullFlags) applyPull(o *libpod.CreateOptions) error { return f.pull.Apply(&o.PullOptions) }
