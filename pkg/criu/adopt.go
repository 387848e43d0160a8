package criu

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/checkpoint-restore/go-criu/v8/crit"
	criucore "github.com/checkpoint-restore/go-criu/v8/crit/images/criu-core"
	"github.com/checkpoint-restore/go-criu/v8/crit/images/inventory"
	"github.com/checkpoint-restore/go-criu/v8/crit/images/pstree"
	"google.golang.org/protobuf/proto"
)

// AdoptNamespaces rewrites the images in dir of a rootless container,
// dumped by criu from the host's user namespace, so that a restore keeps
// the tree in the restoring criu's own user and UTS namespaces instead of
// making new ones. CRIU decides which namespaces to create by comparing
// the root task's namespace IDs with the ones it recorded for itself
// (inventory's root_ids); those two are made equal here.
//
// The user namespace is the user's (the pause process's), which a restore
// from inside it joins simply by being there; recreating it would need
// CAP_SETUID on the host to write its ID map. The UTS namespace cannot be
// restored from inside a user namespace either (CRIU writes the hostname
// through /proc/sys, which belongs to the host's root): the restoring
// side makes one with the container's hostname instead.
func AdoptNamespaces(dir string) error {
	root, err := rootPid(dir)
	if err != nil {
		return err
	}
	var ids criucore.TaskKobjIdsEntry
	img, err := decodeImage(filepath.Join(dir, "ids-"+strconv.FormatUint(uint64(root), 10)+".img"), &ids)
	if err != nil {
		return err
	}
	task := img.Entries[0].Message.(*criucore.TaskKobjIdsEntry)
	invFile := filepath.Join(dir, "inventory.img")
	inv, err := decodeImage(invFile, &inventory.InventoryEntry{})
	if err != nil {
		return err
	}
	entry := inv.Entries[0].Message.(*inventory.InventoryEntry)
	if entry.RootIds == nil || task.UserNsId == nil || task.UtsNsId == nil {
		return fmt.Errorf("checkpoint images in %s: no namespace IDs to adopt", dir)
	}
	entry.RootIds.UserNsId = proto.Uint32(task.GetUserNsId())
	entry.RootIds.UtsNsId = proto.Uint32(task.GetUtsNsId())
	tmp := invFile + ".tmp"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("rewriting %s: %w", invFile, err)
	}
	err = crit.New(nil, out, "", false, false).Encode(inv)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("rewriting %s: %w", invFile, err)
	}
	return os.Rename(tmp, invFile)
}

// rootPid is the PID of the dumped tree's root task, pstree's first entry.
func rootPid(dir string) (uint32, error) {
	img, err := decodeImage(filepath.Join(dir, "pstree.img"), &pstree.PstreeEntry{})
	if err != nil {
		return 0, err
	}
	return img.Entries[0].Message.(*pstree.PstreeEntry).GetPid(), nil
}

// decodeImage reads a CRIU image of one or more entries of type entry.
func decodeImage(path string, entry proto.Message) (*crit.CriuImage, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading checkpoint image: %w", err)
	}
	defer f.Close()
	img, err := crit.New(f, nil, "", false, false).Decode(entry)
	if err != nil {
		return nil, fmt.Errorf("decoding checkpoint image %s: %w", path, err)
	}
	if len(img.Entries) == 0 {
		return nil, fmt.Errorf("checkpoint image %s has no entries", path)
	}
	return img, nil
}
