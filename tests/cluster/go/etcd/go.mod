// Wrapper module for building etcd from the Go module proxy.
// go.etcd.io/etcd/server/v3 has replace directives in its own go.mod, so
// `go install go.etcd.io/etcd/server/v3@vX` is refused (etcd-io/etcd#18501);
// inside a wrapper the dependency's replace lines are simply ignored and its
// require lines (api/v3, client/v3, pkg/v3 ... at the same version) are used.
// The version below is the single source of truth for tests/cluster/build.sh.
module mstui.local/cluster/etcd

go 1.26.0

require go.etcd.io/etcd/server/v3 v3.6.16

tool go.etcd.io/etcd/server/v3
