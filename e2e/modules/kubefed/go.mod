module kubefed-iac.local/e2e/kubefed

go 1.16

require sigs.k8s.io/kubefed v0.10.0

// kubefed v0.10.0 resolves github.com/modern-go/reflect2 v1.0.1, which crashes
// at run time on Go >= 1.18 (map iteration through unsafe); v1.0.2 fixes it.
require github.com/modern-go/reflect2 v1.0.2 // indirect
