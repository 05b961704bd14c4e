// pulumi-resource-random is the Pulumi resource plugin for the random package.
// schema-embed.json and bridge-metadata.json are written by pulumi-tfgen-random before this package is compiled
// (ops/toolchain/build.ts).
package main

import (
	"context"
	_ "embed"

	pfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"

	"hotdash.local/toolchain/random/provider"
)

//go:embed schema-embed.json
var schema []byte

//go:embed bridge-metadata.json
var metadata []byte

func main() {
	pfbridge.Main(context.Background(), "random", provider.Info(metadata),
		pfbridge.ProviderMetadata{PackageSchema: schema})
}
