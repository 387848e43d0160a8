// Package pods holds what pods need without a Runtime: the --share and
// --exit-policy flags, the infra container's name, the namespace flags a
// member container gets from its pod, the infra's bind mounts (the podlite
// binary and the libraries it was loaded with), the pause process the
// infra runs (MaybePause, a re-exec entry point of the podlite binary) and
// the pod cgroup that --share-parent makes the parent of its containers'
// (CgroupPath, RemoveCgroup).
package pods
