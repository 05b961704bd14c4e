// Package provider maps the upstream Terraform random provider to the Pulumi package @pulumi/random asks for
// (random:index/randomPassword:RandomPassword and the rest), through the Terraform bridge. The module proxy serves
// the upstream provider and the bridge but not pulumi-random's own provider module, so this small mapping is ours.
package provider

import (
	"context"
	"errors"
	"fmt"

	pfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/terraform-providers/terraform-provider-random/shim"
)

// Version is set at link time (-X hotdash.local/toolchain/random/provider.Version=4.21.2): the version @pulumi/random
// asks the engine for. The bridge refuses an empty or non-semver version.
var Version string

// Info builds the ProviderInfo. metadata is the bridge-metadata.json blob:
// tfgen starts from "{}" (or a previous file) and writes an updated one, the
// runtime binary embeds the generated file.
func Info(metadata []byte) tfbridge.ProviderInfo {
	info := tfbridge.ProviderInfo{
		P:            pfbridge.ShimProvider(shim.New()),
		Name:         "random",
		Version:      Version,
		Description:  "A Pulumi package to safely use randomness in Pulumi programs.",
		Keywords:     []string{"pulumi", "random"},
		License:      "Apache-2.0",
		Homepage:     "https://pulumi.io",
		Repository:   "https://github.com/pulumi/pulumi-random",
		MetadataInfo: tfbridge.NewProviderMetadata(metadata),
		Resources: map[string]*tfbridge.ResourceInfo{
			"random_string": {
				// Old RandomString states may lack a schema version marker;
				// treat them as version 1 so upstream's upgraders run.
				PreStateUpgradeHook: func(a tfbridge.PreStateUpgradeHookArgs) (int64, resource.PropertyMap, error) {
					if a.PriorStateSchemaVersion == 0 {
						return 1, a.PriorState, nil
					}
					return a.PriorStateSchemaVersion, a.PriorState, nil
				},
			},
			"random_bytes": {ComputeID: bytesID},
		},
		EnableAccurateBridgePreview: true,
		EnableRawStateDelta:         true,
	}

	// random_password -> random:index/randomPassword:RandomPassword, etc.
	info.MustComputeTokens(tokens.SingleModule("random_", "index",
		func(module, name string) (string, error) {
			return tokens.MakeStandard("random")(module, "Random"+name)
		}))
	info.MustApplyAutoAliases()
	return info
}

// bytesID uses the base64 value as the resource ID of random_bytes, which
// has no "id" attribute usable as such.
func bytesID(_ context.Context, state resource.PropertyMap) (resource.ID, error) {
	v, ok := state["base64"]
	if !ok {
		return "", errors.New("random_bytes state has no base64 property")
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		return "", fmt.Errorf("random_bytes base64 is %v, not a string", v.TypeString())
	}
	return resource.ID(v.StringValue()), nil
}
