package e2e

import (
	"archive/tar"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestCheckpointImportCheckCPU checks that restore --check compares the
// CPU features an archive recorded with this CPU, and reports a mismatch
// with the other problems.
func TestCheckpointImportCheckCPU(t *testing.T) {
	requireMachine(t, "an x86-64 CPU, which the doctored cpuinfo.img describes", runtime.GOARCH == "amd64")
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "cpu", "--network", "none", img, "sleep", "1000")
	archive := filepath.Join(t.TempDir(), "cpu.tar")
	e.MustPodlite("container", "checkpoint", "--compress", "none", "--export", archive, "--leave-running", "cpu")
	if r := e.MustPodlite("container", "restore", "--check", "--import", archive, "--name", "other"); strings.Contains(r.Stderr, "CPU") {
		t.Fatalf("restore --check of this CPU's checkpoint: %s", r.Stderr)
	}

	doctored := filepath.Join(t.TempDir(), "doctored.tar")
	rewriteMember(t, archive, doctored, "checkpoint/cpuinfo.img", claimAllCPUFeatures)
	r := e.Podlite("container", "restore", "--check", "--import", doctored)
	for _, want := range []string{
		"problem: checking the CPU features the checkpoint recorded: CPU instruction capabilities do not match run time",
		"problem: a container named cpu exists already",
	} {
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, want) {
			t.Fatalf("restore --check of a checkpoint from a richer CPU: exit %d, want 125 and %q in\n%s", r.ExitCode, want, r.Stderr)
		}
	}
	if r := e.Podlite("container", "restore", "--import", doctored, "--name", "other"); r.ExitCode != 125 || !strings.Contains(r.Stderr, "CPU") {
		t.Fatalf("restore --import of a checkpoint from a richer CPU: exit %d\n%s", r.ExitCode, r.Stderr)
	}
}

// rewriteMember copies the plain tar src to dst with member name's
// content passed through edit.
func rewriteMember(t *testing.T, src, dst, name string, edit func(*testing.T, []byte) []byte) {
	t.Helper()
	found := false
	out := copyArchive(t, src, func(tw *tar.Writer, hdr *tar.Header, data []byte) {
		if hdr.Name == name {
			data, found = edit(t, data), true
			hdr.Size = int64(len(data))
		}
		writeMember(t, tw, hdr, data)
	})
	if !found {
		t.Fatalf("%s has no member %s", src, name)
	}
	if err := os.WriteFile(dst, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

// copyArchive returns a copy of the plain tar src made by emit, which
// gets each member in turn and writes it, changed or not, to tw (or
// leaves it out, or adds others).
func copyArchive(t *testing.T, src string, emit func(tw *tar.Writer, hdr *tar.Header, data []byte)) []byte {
	t.Helper()
	in, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(bytes.NewReader(in))
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		emit(tw, hdr, data)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func writeMember(t *testing.T, tw *tar.Writer, hdr *tar.Header, data []byte) {
	t.Helper()
	if err := tw.WriteHeader(hdr); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write(data); err != nil {
		t.Fatal(err)
	}
}

// claimAllCPUFeatures rewrites an x86 cpuinfo.img to claim every
// instruction capability, as if dumped on a CPU richer than any real one.
// The image is CRIU's 8-byte magic, a little-endian length and a
// CpuinfoEntry message, whose field 1 is the x86 entry; the entry's field 6
// is a capability word, repeated.
func claimAllCPUFeatures(t *testing.T, img []byte) []byte {
	t.Helper()
	if len(img) < 12 || int(binary.LittleEndian.Uint32(img[8:12])) != len(img)-12 {
		t.Fatalf("cpuinfo.img is not one CRIU entry: % x", img)
	}
	msg := img[12:]
	if msg[0] != 1<<3|2 {
		t.Fatalf("cpuinfo.img does not start with an x86 entry: % x", msg)
	}
	n, k := uvarint(t, msg[1:])
	entry := msg[1+k : 1+k+int(n)]
	var out []byte
	for len(entry) > 0 {
		tag, k := uvarint(t, entry)
		out = binary.AppendUvarint(out, tag)
		entry = entry[k:]
		switch tag & 7 {
		case 0: // varint
			v, k := uvarint(t, entry)
			if tag>>3 == 6 {
				v = 0xffffffff
			}
			out = binary.AppendUvarint(out, v)
			entry = entry[k:]
		case 2: // length-delimited
			l, k := uvarint(t, entry)
			out = append(out, entry[:k+int(l)]...)
			entry = entry[k+int(l):]
		default:
			t.Fatalf("cpuinfo.img: unexpected wire type in tag %d", tag)
		}
	}
	newMsg := binary.AppendUvarint([]byte{1<<3 | 2}, uint64(len(out)))
	newMsg = append(newMsg, out...)
	doctored := append([]byte{}, img[:8]...)
	doctored = binary.LittleEndian.AppendUint32(doctored, uint32(len(newMsg)))
	return append(doctored, newMsg...)
}

func uvarint(t *testing.T, b []byte) (uint64, int) {
	t.Helper()
	v, k := binary.Uvarint(b)
	if k <= 0 {
		t.Fatalf("cpuinfo.img: bad varint at % x", b)
	}
	return v, k
}
