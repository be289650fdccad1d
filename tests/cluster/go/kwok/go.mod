// Wrapper module for building the kwok fake-kubelet controller from the Go
// module proxy. Kept separate from the k8s wrapper so kwok uses its own
// k8s.io/* library versions. The version below is the single source of truth
// for tests/cluster/build.sh.
module mstui.local/cluster/kwok

go 1.26.0

require sigs.k8s.io/kwok v0.8.0

tool sigs.k8s.io/kwok/cmd/kwok
