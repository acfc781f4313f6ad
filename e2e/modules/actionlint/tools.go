//go:build tools

// Package tools pins actionlint, which checks the example GitHub Actions workflow (examples/ci).
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
