package containers

import "github.com/spf13/pflag"

// secretFlags are run's and create's --secret.
type secretFlags struct {
	secrets []string
}

func (f *secretFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.secrets, "secret", nil, "give the container a secret: NAME[,type=mount|env][,target=PATH|VAR][,uid=N][,gid=N][,mode=OCTAL]")
}
