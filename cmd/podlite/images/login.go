package images

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
)

func newLoginCommand(g *common.Globals) *cobra.Command {
	var o storage.LoginOptions
	var verify, passwordStdin, getLogin, verbose bool
	cmd := &cobra.Command{
		Use:   "login [options] REGISTRY",
		Short: "Log in to a container registry",
		Long: `Check a user name and password against REGISTRY and record them in the auth
file (podman's auth.json: --authfile, else $REGISTRY_AUTH_FILE, else
$XDG_RUNTIME_DIR/containers/auth.json), where pull, push, create and run
find them. A missing user name is read from stdin, as is the password with
--password-stdin.`,
		Args:              common.ExactArgs(1),
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite login -u ann -p secret 127.0.0.1:5000
  echo secret | podlite login -u ann --password-stdin registry.example.com`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			if getLogin {
				user, err := rt.LoginUser(args[0], o.Files)
				if err != nil {
					return err
				}
				fmt.Println(user)
				return nil
			}
			if passwordStdin && o.Password != "" {
				return define.Worded(define.ErrInvalidArg, "Can't specify both --password-stdin and --password")
			}
			if passwordStdin && o.Username == "" {
				return define.Worded(define.ErrInvalidArg, "Must provide --username with --password-stdin")
			}
			if err := loginPassword(&o, passwordStdin); err != nil {
				return err
			}
			o.TLSVerify = tlsVerify(cmd, verify)
			used, err := rt.Login(cmd.Context(), args[0], o)
			if err != nil {
				return err
			}
			if verbose {
				fmt.Println("Used: ", used)
			}
			fmt.Println("Login Succeeded!")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Files.Path, "authfile", "", "auth file to write (default $REGISTRY_AUTH_FILE or $XDG_RUNTIME_DIR/containers/auth.json)")
	f.StringVar(&o.Files.Compat, "compat-auth-file", "", "write docker's config.json format to this file instead of the auth file")
	f.StringVar(&o.CertDir, "cert-dir", "", "directory of the registry's CA and client certificates (*.crt, *.cert, *.key)")
	f.StringVar(&o.Secret, "secret", "", "use this podlite secret's data as the password (and its name as the user name without -u)")
	f.BoolVarP(&verbose, "verbose", "v", false, "print the file the credentials were written to")
	f.StringVarP(&o.Username, "username", "u", "", "user name")
	f.StringVarP(&o.Password, "password", "p", "", "password")
	f.BoolVar(&passwordStdin, "password-stdin", false, "read the password from stdin")
	f.BoolVar(&getLogin, "get-login", false, "print the user name recorded for the registry")
	f.BoolVar(&verify, "tls-verify", true, "require HTTPS and verify certificates (false also allows plain HTTP)")
	return cmd
}

// loginPassword takes the password from --secret, or reads what is
// missing from stdin.
func loginPassword(o *storage.LoginOptions, passwordStdin bool) error {
	if o.Secret == "" {
		return readCredentials(os.Stdin, o, passwordStdin)
	}
	if o.Password != "" || passwordStdin {
		return define.Worded(define.ErrInvalidArg, "--secret can not be used with --password options")
	}
	if o.Username == "" {
		o.Username = o.Secret
	}
	return nil
}

// readCredentials reads what is missing from in: the user name (a line),
// then the password (a line, or all of in with fromStdin).
func readCredentials(in io.Reader, o *storage.LoginOptions, fromStdin bool) error {
	r := bufio.NewReader(in)
	line := func(what string) (string, error) {
		s, err := r.ReadString('\n')
		if err != nil && (err != io.EOF || s == "") {
			return "", fmt.Errorf("reading the %s from stdin: %w: %w", what, err, define.ErrInvalidArg)
		}
		return strings.TrimRight(s, "\r\n"), nil
	}
	var err error
	if o.Username == "" {
		if o.Username, err = line("user name"); err != nil {
			return err
		}
	}
	if o.Password == "" || fromStdin {
		o.Password, err = line("password")
	}
	return err
}

func newLogoutCommand(g *common.Globals) *cobra.Command {
	var files storage.AuthFiles
	var all bool
	cmd := &cobra.Command{
		Use:               "logout [options] [REGISTRY]",
		Short:             "Log out of a container registry",
		Long:              `Remove the credentials of REGISTRY, or with --all every credential, from the auth file.`,
		Args:              common.RangeArgs(0, 1),
		ValidArgsFunction: common.NoCompletion,
		Example:           "  podlite logout 127.0.0.1:5000\n  podlite logout --all",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) == 1) {
				return define.Worded(define.ErrInvalidArg, "please provide a registry to logout from, or --all")
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			registry := ""
			if !all {
				registry = args[0]
			}
			if err := rt.Logout(registry, files); err != nil {
				return err
			}
			if all {
				fmt.Println("Removed login credentials for all registries")
			} else {
				fmt.Printf("Removed login credentials for %s\n", registry)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&files.Compat, "compat-auth-file", "", "edit this docker config.json instead of the auth file")
	cmd.Flags().StringVar(&files.Path, "authfile", "", "auth file to edit (default $REGISTRY_AUTH_FILE or $XDG_RUNTIME_DIR/containers/auth.json)")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "remove every credential")
	return cmd
}
