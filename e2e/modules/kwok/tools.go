//go:build tools

// Package tools pins KWOK, which the local environment runs as the kubelet of one simulated node
// per cluster (e2e/env.sh): it keeps the node Ready and moves the pods scheduled there through
// their phases, while e2e/lib/pod-processes.py runs what the pods of the KubeFed chart would run.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
