// Command etcd is a thin wrapper around go.etcd.io/etcd/server/v3/etcdmain,
// built from the published Go module (the module's own main package cannot be
// `go install`ed because server/v3's go.mod carries replace directives).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
