// Package netconf holds the pure parts of a container's network
// configuration: --network and -p parsing into define's records, the
// overlap rule for published host ports, and the text of the /etc/hosts
// and /etc/resolv.conf files a container gets.
//
// It reads no files and touches no system state: libpod reads the host's
// files, picks free host ports and writes the results. It depends on
// define and on pkg/network's Status type only.
package netconf
