// Wrapper module for building metrics-server from the Go module proxy
// (v0.8.1 is not served by the proxy; v0.8.0 is). Kept separate from the k8s
// wrapper so metrics-server uses its own k8s.io/* library versions. The version
// below is the single source of truth for tests/cluster/build.sh.
module mstui.local/cluster/metrics-server

go 1.24.4

require sigs.k8s.io/metrics-server v0.8.0

tool sigs.k8s.io/metrics-server/cmd/metrics-server
