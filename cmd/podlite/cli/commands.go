package cli

import (
	"github.com/podlite/podlite/cmd/podlite/containers"
	"github.com/podlite/podlite/cmd/podlite/generate"
	"github.com/podlite/podlite/cmd/podlite/images"
	"github.com/podlite/podlite/cmd/podlite/inspect"
	"github.com/podlite/podlite/cmd/podlite/networks"
	"github.com/podlite/podlite/cmd/podlite/pods"
	"github.com/podlite/podlite/cmd/podlite/secrets"
	"github.com/podlite/podlite/cmd/podlite/system"
	"github.com/podlite/podlite/cmd/podlite/volumes"
)

// Each noun package registers its commands here, in help order.
func init() {
	registrars = append(registrars,
		containers.Register,
		generate.Register,
		images.Register,
		inspect.Register,
		networks.Register,
		pods.Register,
		secrets.Register,
		system.Register,
		volumes.Register,
	)
}
