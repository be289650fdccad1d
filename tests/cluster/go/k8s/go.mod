// Wrapper module for building Kubernetes control-plane binaries from the Go
// module proxy. k8s.io/kubernetes requires its staging modules at the
// non-existent version v0.0.0 and replaces them with ./staging/src/... paths,
// so `go install k8s.io/kubernetes/cmd/...@vX` cannot work. build.sh copies
// this file into a cache dir and adds, derived from k8s.io/kubernetes's own
// go.mod at build time:
//   * one `replace k8s.io/<staging> => k8s.io/<staging> v0.Y.Z` per staging module
//   * the upstream `godebug` line (only the main module's godebug applies)
// The k8s.io/kubernetes version below is the single source of truth.
module mstui.local/cluster/k8s

go 1.24.0

require k8s.io/kubernetes v1.34.4

tool (
	k8s.io/kubernetes/cmd/kube-apiserver
	k8s.io/kubernetes/cmd/kube-controller-manager
	k8s.io/kubernetes/cmd/kubectl
)
