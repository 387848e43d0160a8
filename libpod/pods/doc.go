// Package pods holds what pods need without a Runtime: the --share and
// --exit-policy flags, the infra container's name, the namespace flags a
// member container gets from its pod, the infra's bind mounts (the podlite
// binary and the libraries it was loaded with) and the pause process the
// infra runs (MaybePause, a re-exec entry point of the podlite binary).
package pods
