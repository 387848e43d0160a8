package cli

// Each noun package registers its commands here, in help order.
func init() {
	registrars = append(registrars)
}
