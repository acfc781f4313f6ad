//go:build tools
// +build tools

// Package tools pins the Pulumi YAML language host this wrapper builds.
package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
