package storage_test

import (
	"context"
	"fmt"

	"github.com/podlite/podlite/libpod/storage"
)

// A container's life in the store: resolve its image, create its rootfs,
// mount it for the runtime, and remove it.
func ExampleStore_CreateContainer() {
	s, err := storage.New(storage.Options{Root: "/var/lib/podlite/storage", RunRoot: "/run/podlite/storage"})
	if err != nil {
		panic(err)
	}
	defer s.Shutdown()
	img, err := s.Image("busybox") // localhost/busybox:latest or docker.io/library/busybox:latest
	if err != nil {
		panic(err)
	}
	const containerID = "6f0d3c1a…" // the podlite container ID names its rootfs
	rootfsID, err := s.CreateContainer(containerID, img.ID)
	if err != nil {
		panic(err)
	}
	dir, err := s.Mount(rootfsID)
	if err != nil {
		panic(err)
	}
	fmt.Println("rootfs at", dir, "runs", img.Config.Cmd)
	_ = s.Unmount(rootfsID, false)
	_ = s.DeleteContainer(rootfsID)
}

// Pull shows progress bars when given a terminal; pass nil to stay quiet.
func ExampleStore_Pull() {
	s, err := storage.New(storage.Options{Root: "/var/lib/podlite/storage", RunRoot: "/run/podlite/storage"})
	if err != nil {
		panic(err)
	}
	defer s.Shutdown()
	verify := false // a local registry over plain HTTP
	img, err := s.Pull(context.Background(), "127.0.0.1:5000/app:1", storage.PullOptions{TLSVerify: &verify})
	if err != nil {
		panic(err)
	}
	fmt.Println(img.ID, img.Names)
}
