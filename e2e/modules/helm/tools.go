//go:build tools

// Package tools pins the Helm CLI, at the version of the Helm library inside the tested
// pulumi-kubernetes provider: the suite installs KubeFed with `helm install` the way users did
// before KubefedControlPlane, then adopts that install.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
