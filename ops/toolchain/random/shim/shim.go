// Package shim exposes the upstream random provider's internal Plugin
// Framework provider. Its module path is nested under the upstream module,
// which is what allows it to import upstream's internal/provider package.
package shim

import (
	pfprovider "github.com/hashicorp/terraform-plugin-framework/provider"

	upstream "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// New returns a fresh instance of the upstream Terraform random provider.
func New() pfprovider.Provider { return upstream.New() }
