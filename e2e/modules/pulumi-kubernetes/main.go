// Command pulumi-resource-kubernetes serves the Pulumi Kubernetes provider from
// the published Go module github.com/pulumi/pulumi-kubernetes/provider/v4.
//
// The module's own cmd/pulumi-resource-kubernetes/main.go go:embeds
// schema-embed.json and terraform-mapping-embed.json, which `go generate`
// writes in the provider's repo and which are therefore missing from the
// module zip. The zip does carry the committed schema.json and
// terraform-mapping.json: e2e/build.sh copies those two files next to this
// main.go in a temporary build directory, and this program does at start-up
// what the module's generate.go does at build time (stamp the schema with
// the provider version).
package main

import (
	_ "embed"
	"encoding/json"
	"log"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema.json
var rawSchema []byte

//go:embed terraform-mapping.json
var rawMapping []byte

func main() {
	var spec map[string]json.RawMessage
	if err := json.Unmarshal(rawSchema, &spec); err != nil {
		log.Fatalf("cannot deserialize schema: %v", err)
	}
	if version.Version != "" {
		v, _ := json.Marshal(version.Version)
		spec["version"] = v
	}
	schema, err := json.Marshal(spec)
	if err != nil {
		log.Fatalf("cannot reserialize schema: %v", err)
	}
	var mapping interface{}
	if err := json.Unmarshal(rawMapping, &mapping); err != nil {
		log.Fatalf("cannot deserialize terraform mapping: %v", err)
	}
	compactMapping, err := json.Marshal(mapping)
	if err != nil {
		log.Fatalf("cannot reserialize terraform mapping: %v", err)
	}
	provider.Serve("kubernetes", version.Version, schema, compactMapping)
}
