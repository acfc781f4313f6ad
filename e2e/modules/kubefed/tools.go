//go:build tools
// +build tools

// Package tools pins the KubeFed v0.10.0 main packages this wrapper builds.
package tools

import (
	_ "sigs.k8s.io/kubefed/cmd/controller-manager"
	_ "sigs.k8s.io/kubefed/cmd/kubefedctl"
)
