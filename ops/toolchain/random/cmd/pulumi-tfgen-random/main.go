// pulumi-tfgen-random generates schema.json and bridge-metadata.json.
//
//	pulumi-tfgen-random schema --out DIR
//	pulumi-tfgen-random embed-schema IN OUT   (copies schema, setting "version")
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"

	"hotdash.local/toolchain/random/provider"
)

func main() {
	if len(os.Args) == 4 && os.Args[1] == "embed-schema" {
		if err := embedSchema(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	// the bridge metadata starts empty: this build has no alias history to carry forward
	tfgen.Main("random", provider.Info([]byte("{}")))
}

// embedSchema rewrites the schema with "version" set to the build version,
// keeping every other top-level key as-is (RawMessage preserves bytes).
func embedSchema(in, out string) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var spec map[string]json.RawMessage
	if err := json.Unmarshal(b, &spec); err != nil {
		return fmt.Errorf("parse %s: %w", in, err)
	}
	v, err := json.Marshal(provider.Version)
	if err != nil {
		return err
	}
	spec["version"] = v
	b, err = json.Marshal(spec)
	if err != nil {
		return err
	}
	return os.WriteFile(out, b, 0o644)
}
