module kubefed-iac.local/e2e/kubefed

go 1.16

require (
	// kubefed v0.10.0 resolves reflect2 v1.0.1, which crashes at run time on
	// Go >= 1.18 (unsafe map iteration layout changed); v1.0.2 fixes it.
	github.com/modern-go/reflect2 v1.0.2 // indirect
	sigs.k8s.io/kubefed v0.10.0
)
