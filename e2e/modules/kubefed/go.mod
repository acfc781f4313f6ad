module kubefed-iac.local/e2e/kubefed

go 1.16

require sigs.k8s.io/kubefed v0.10.0

require (
	// kubefed v0.10.0 resolves github.com/modern-go/reflect2 v1.0.1, which crashes
	// at run time on Go >= 1.18 (map iteration through unsafe); v1.0.2 fixes it.
	github.com/modern-go/reflect2 v1.0.2 // indirect
	k8s.io/client-go v0.22.2
	k8s.io/klog/v2 v2.9.0
	sigs.k8s.io/controller-runtime v0.10.3
)
