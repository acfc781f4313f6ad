module kubefed-iac.local/e2e/pulumi-kubernetes

go 1.24.7

// f47bc2d6f1996444d11c12b4ef083b82585f7c07 is the v4.25.0 release commit of
// github.com/pulumi/pulumi-kubernetes (the provider module has no tags of its own).
require github.com/pulumi/pulumi-kubernetes/provider/v4 v4.0.0-20260115033456-f47bc2d6f199
