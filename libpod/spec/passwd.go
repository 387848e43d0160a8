package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/sys/user"

	"github.com/podlite/podlite/libpod/define"
)

// AddUserEntries adds to the container's /etc/passwd what podman 4.3.1
// adds before a start: for a numeric --user missing from it an entry
// ("UID:*:UID:GID:container user:WORKDIR:/bin/sh", or --passwd-entry's
// template), and --hostuser's host entries. They are written into the
// rootfs, as podman does, so they persist. AddGroupEntries follows once
// the user is resolved.
func AddUserEntries(rootfs, userSpec, workdir string, f define.UserFiles) error {
	passwd, err := securejoin.SecureJoin(rootfs, "/etc/passwd")
	if err != nil {
		return err
	}
	var users []string
	for _, name := range f.HostUsers {
		u, err := user.LookupUser(name)
		if err != nil {
			return fmt.Errorf("--hostuser %s: %v: %w", name, err, define.ErrNotFound)
		}
		if !hasUser(passwd, func(c user.User) bool { return c.Name == u.Name }) {
			users = append(users, fmt.Sprintf("%s:x:%d:%d:%s:%s:%s", u.Name, u.Uid, u.Gid, u.Gecos, u.Home, u.Shell))
		}
	}
	if !f.NoPasswd && userSpec != "" {
		users = append(users, passwdEntry(passwd, userSpec, workdir, f.PasswdEntry)...)
	}
	return appendLines(passwd, users)
}

// AddGroupEntries adds to the container's /etc/group, after its user is
// resolved (so that the user does not become a member, as with podman),
// "GID:x:GID:USER" (or --group-entry's template) for a numeric group of
// --user (its user when it names none) missing from it.
func AddGroupEntries(rootfs, userSpec string, f define.UserFiles) error {
	if f.NoPasswd || userSpec == "" {
		return nil
	}
	group, err := securejoin.SecureJoin(rootfs, "/etc/group")
	if err != nil {
		return err
	}
	return appendLines(group, groupEntry(group, userSpec, f.GroupEntry))
}

// passwdEntry is the line for a numeric user missing from passwd.
func passwdEntry(passwd, userSpec, workdir, template string) []string {
	name, groupSpec, _ := strings.Cut(userSpec, ":")
	uid, err := strconv.ParseUint(name, 10, 32)
	if err != nil || hasUser(passwd, func(u user.User) bool { return u.Uid == int(uid) }) {
		return nil
	}
	gid := uint64(0)
	if g, err := strconv.ParseUint(groupSpec, 10, 32); err == nil {
		gid = g
	}
	if template == "" {
		return []string{fmt.Sprintf("%d:*:%d:%d:container user:%s:/bin/sh", uid, uid, gid, workdir)}
	}
	return []string{os.Expand(template, func(k string) string {
		return map[string]string{"USERNAME": name, "UID": name, "GID": strconv.FormatUint(gid, 10), "NAME": "container user", "HOME": workdir}[k]
	})}
}

// groupEntry is the line for a numeric group (the user's when --user has
// none) missing from group.
func groupEntry(group, userSpec, template string) []string {
	name, groupSpec, hasGroup := strings.Cut(userSpec, ":")
	if !hasGroup {
		groupSpec = name
	}
	gid, err := strconv.ParseUint(groupSpec, 10, 32)
	if err != nil {
		return nil
	}
	groups, err := user.ParseGroupFile(group)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	for _, g := range groups {
		if g.Gid == int(gid) {
			return nil
		}
	}
	if template == "" {
		return []string{fmt.Sprintf("%d:x:%d:%s", gid, gid, name)}
	}
	return []string{os.Expand(template, func(k string) string {
		return map[string]string{"GROUPNAME": groupSpec, "GID": groupSpec, "USERNAME": name}[k]
	})}
}

func hasUser(passwd string, match func(user.User) bool) bool {
	users, err := user.ParsePasswdFile(passwd)
	if err != nil {
		return false
	}
	for _, u := range users {
		if match(u) {
			return true
		}
	}
	return false
}

// appendLines appends lines to a file of the rootfs, making it if needed
// and starting on a new line.
func appendLines(path string, lines []string) error {
	if len(lines) == 0 {
		return nil
	}
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading the container's %s: %w", path, err)
	}
	text := strings.Join(lines, "\n") + "\n"
	if len(old) > 0 && old[len(old)-1] != '\n' {
		text = "\n" + text
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("adding to the container's %s: %w", path, err)
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("adding to the container's %s: %w", path, err)
	}
	return nil
}
