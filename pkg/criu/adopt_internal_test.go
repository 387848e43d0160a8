package criu

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/checkpoint-restore/go-criu/v8/crit"
	criucore "github.com/checkpoint-restore/go-criu/v8/crit/images/criu-core"
	"github.com/checkpoint-restore/go-criu/v8/crit/images/inventory"
	"github.com/checkpoint-restore/go-criu/v8/crit/images/pstree"
	"google.golang.org/protobuf/proto"
)

func writeImage(t *testing.T, path, magic string, msgs ...proto.Message) {
	t.Helper()
	img := &crit.CriuImage{Magic: magic}
	for _, m := range msgs {
		img.Entries = append(img.Entries, &crit.CriuEntry{Message: m})
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := crit.New(nil, f, "", false, false).Encode(img); err != nil {
		t.Fatal(err)
	}
}

// The images of a tree dumped from the host's namespaces: the root task
// (PID 7 here) has user namespace 14 and UTS 12, CRIU had 7 and 4. After
// AdoptNamespaces the inventory says CRIU had the task's, and nothing else
// changed.
func TestAdoptNamespaces(t *testing.T) {
	dir := t.TempDir()
	writeImage(t, filepath.Join(dir, "pstree.img"), "PSTREE",
		&pstree.PstreeEntry{Pid: proto.Uint32(7), Ppid: proto.Uint32(0), Pgid: proto.Uint32(7), Sid: proto.Uint32(7)})
	writeImage(t, filepath.Join(dir, "ids-7.img"), "IDS",
		&criucore.TaskKobjIdsEntry{VmId: proto.Uint32(2), FilesId: proto.Uint32(2), FsId: proto.Uint32(2), SighandId: proto.Uint32(2),
			PidNsId: proto.Uint32(9), UserNsId: proto.Uint32(14), UtsNsId: proto.Uint32(12), MntNsId: proto.Uint32(13)})
	writeImage(t, filepath.Join(dir, "inventory.img"), "INVENTORY",
		&inventory.InventoryEntry{ImgVersion: proto.Uint32(2), FdinfoPerId: proto.Bool(true),
			RootIds: &criucore.TaskKobjIdsEntry{VmId: proto.Uint32(1), FilesId: proto.Uint32(1), FsId: proto.Uint32(1), SighandId: proto.Uint32(1),
				PidNsId: proto.Uint32(1), UserNsId: proto.Uint32(7), UtsNsId: proto.Uint32(4), MntNsId: proto.Uint32(6)}})
	if err := AdoptNamespaces(dir); err != nil {
		t.Fatal(err)
	}
	img, err := decodeImage(filepath.Join(dir, "inventory.img"), &inventory.InventoryEntry{})
	if err != nil {
		t.Fatal(err)
	}
	ids := img.Entries[0].Message.(*inventory.InventoryEntry).GetRootIds()
	if ids.GetUserNsId() != 14 || ids.GetUtsNsId() != 12 {
		t.Errorf("root ids after adoption: user %d uts %d, want 14 and 12", ids.GetUserNsId(), ids.GetUtsNsId())
	}
	if ids.GetPidNsId() != 1 || ids.GetMntNsId() != 6 {
		t.Errorf("other namespaces changed: pid %d mnt %d", ids.GetPidNsId(), ids.GetMntNsId())
	}
	if _, err := os.Stat(filepath.Join(dir, "inventory.img.tmp")); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}
	if err := AdoptNamespaces(t.TempDir()); err == nil {
		t.Error("images missing: no error")
	}
}
