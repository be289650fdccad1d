#!/usr/bin/env bash
# Build the binaries of mstui's real-cluster test harness from the Go module
# proxy only: etcd, kube-apiserver, kube-controller-manager, kubectl, kwok and
# metrics-server. Versions come from the wrapper modules in tests/cluster/go/*/go.mod.
#
# Output: ${MSTUI_CLUSTER_CACHE:-$HOME/.cache/mstui-cluster}/<key>/bin
#   <key> encodes all versions. bin/ also holds kwok-kustomize/ (kwok's stage,
#   metrics and CRD YAMLs copied from its module).
# The LAST line on stdout is the bin dir; everything else goes to stderr.
# Warm (everything present): exits immediately without invoking go.
# Cold: builds into a temp dir next to the cache entry and renames it into
# place, so an interrupted build never leaves a half-populated cache entry.
#
# Environment:
#   MSTUI_CLUSTER_CACHE       cache root (default ~/.cache/mstui-cluster)
#   MSTUI_CLUSTER_BUILD_JOBS  go build -p (default: number of CPUs, max 4)
#   GOMODCACHE / GOCACHE      shared Go caches (go's defaults are fine)
set -euo pipefail

# stdout is reserved for the final path.
exec 3>&1 1>&2

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
go_dir=$script_dir/go

# version of module $2 in wrapper go.mod $1 (works for block and single-line require)
modver() {
	local v
	v=$(awk -v m="$2" '{ sub(/\/\/.*/, ""); for (i = 1; i < NF; i++) if ($i == m) { print $(i + 1); exit } }' "$1")
	[[ -n $v ]] || { echo "build.sh: no version for $2 in $1" >&2; exit 1; }
	printf '%s\n' "$v"
}

K8S_VERSION=$(modver "$go_dir/k8s/go.mod" k8s.io/kubernetes)
ETCD_VERSION=$(modver "$go_dir/etcd/go.mod" go.etcd.io/etcd/server/v3)
KWOK_VERSION=$(modver "$go_dir/kwok/go.mod" sigs.k8s.io/kwok)
MS_VERSION=$(modver "$go_dir/metrics-server/go.mod" sigs.k8s.io/metrics-server)

key="k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}_ms-${MS_VERSION}"
cache_root=${MSTUI_CLUSTER_CACHE:-$HOME/.cache/mstui-cluster}
final=$cache_root/$key
bin=$final/bin
binaries=(etcd kube-apiserver kube-controller-manager kubectl kwok metrics-server)

have_all() {
	local b
	for b in "${binaries[@]}"; do [[ -x $1/$b ]] || return 1; done
	[[ -f $1/kwok-kustomize/stage/node/fast/node-initialize.yaml ]] || return 1
}

if have_all "$bin"; then
	echo "$bin" >&3
	exit 0
fi

# ---------------------------------------------------------------- cold path
mkdir -p "$cache_root"
# One builder per key at a time (parallel test binaries may all call us).
if command -v flock >/dev/null; then
	exec 9>"$cache_root/.$key.lock"
	echo "build.sh: waiting for lock $cache_root/.$key.lock" >&2
	flock 9
	if have_all "$bin"; then
		echo "$bin" >&3
		exit 0
	fi
fi

command -v go >/dev/null || { echo "build.sh: 'go' not found (need Go >= 1.26)" >&2; exit 1; }
gover=$(go env GOVERSION)
case $gover in
go1.2[6-9]* | go1.[3-9][0-9]* | go[2-9]*) ;;
*) echo "build.sh: need Go >= 1.26, have $gover" >&2; exit 1 ;;
esac

export CGO_ENABLED=0 GOWORK=off
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
# Module proxy only: never fall back to fetching from VCS hosts.
gp=$(go env GOPROXY)
gp=$(printf '%s' "$gp" | tr ',|' '\n\n' | { grep -vxE 'direct|off|' || true; } | paste -sd, -)
[[ -n $gp ]] || gp=https://proxy.golang.org
export GOPROXY=$gp
jobs=${MSTUI_CLUSTER_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}
if ((jobs > 4)); then jobs=4; fi

# Remove leftovers of interrupted builds (we hold the lock) and a damaged entry.
rm -rf "$cache_root/.$key.tmp."* "$final"
tmp=$(mktemp -d "$cache_root/.$key.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp"
mkdir -p "$tmp/bin" "$tmp/src"

echo "build.sh: building $key with $gover (-p $jobs, GOPROXY=$GOPROXY)" >&2
echo "build.sh: GOMODCACHE=$(go env GOMODCACHE) GOCACHE=$(go env GOCACHE)" >&2
t_all=$SECONDS

# wrapper <component>: copy the committed wrapper go.mod into the temp tree.
wrapper() {
	mkdir -p "$tmp/src/$1"
	cp "$go_dir/$1/go.mod" "$tmp/src/$1/go.mod"
	echo "$tmp/src/$1"
}

# build <dir> <module> <version> <ldflags> <go build args...>
build() {
	local dir=$1 mod=$2 ver=$3 ldflags=$4 t=$SECONDS got
	shift 4
	echo "build.sh: == $mod@$ver: go build $*" >&2
	(cd "$dir" && go build -p "$jobs" -trimpath -ldflags "-s -w $ldflags" "$@")
	got=$(cd "$dir" && go list -m -f '{{.Version}}' "$mod")
	[[ $got == "$ver" ]] || { echo "build.sh: $mod resolved to $got, wanted $ver" >&2; exit 1; }
	echo "build.sh: == $mod@$ver done in $((SECONDS - t))s" >&2
}

# module's commit time from the proxy's .info: stable build date for stamping
modtime() {
	(cd "$1" && go list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' "$2")
}

# ---- etcd
d=$(wrapper etcd)
build "$d" go.etcd.io/etcd/server/v3 "$ETCD_VERSION" "" -o "$tmp/bin/etcd" go.etcd.io/etcd/server/v3

# ---- Kubernetes: replace lines + godebug derived from k8s.io/kubernetes's go.mod
d=$(wrapper k8s)
k8s_gomod=$(cd "$d" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
	sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
[[ -f $k8s_gomod ]] || { echo "build.sh: cannot find go.mod of k8s.io/kubernetes@$K8S_VERSION" >&2; exit 1; }
staging_version=v0.${K8S_VERSION#v1.}
k8s_minor=${K8S_VERSION#v1.}
k8s_minor=${k8s_minor%%.*}
edits=()
# replace lines, block or single-line form: "<old> [v] => <new> [v]"
while read -r old arrow new newver; do
	[[ $arrow == "=>" ]] || { echo "build.sh: cannot parse replace '$old $arrow $new $newver'" >&2; exit 1; }
	case $new in
	./staging/src/*) edits+=("-replace=$old=$old@$staging_version") ;;
	./* | ../* | /*) echo "build.sh: unexpected local replace $old => $new" >&2; exit 1 ;;
	*) edits+=("-replace=$old=$new@$newver") ;;
	esac
done < <(awk '
	/^replace[[:space:]]*\(/ { inblk = 1; next }
	inblk && /^\)/ { inblk = 0; next }
	inblk && /=>/ { sub(/\/\/.*/, ""); print; next }
	/^replace[[:space:]]/ && /=>/ { sub(/\/\/.*/, ""); sub(/^replace[[:space:]]+/, ""); print }
' "$k8s_gomod" | sed -E 's/^[[:space:]]*([^[:space:]]+)([[:space:]]+v[^[:space:]]+)?[[:space:]]+=>/\1 =>/')
((${#edits[@]} > 0)) || { echo "build.sh: no replace lines found in $k8s_gomod" >&2; exit 1; }
while read -r gd; do
	[[ -n $gd ]] && edits+=("-godebug=$gd")
done < <(awk '
	/^godebug[[:space:]]*\(/ { inblk = 1; next }
	inblk && /^\)/ { inblk = 0; next }
	inblk { sub(/\/\/.*/, ""); gsub(/[[:space:]]/, ""); print; next }
	/^godebug[[:space:]]/ { sub(/\/\/.*/, ""); sub(/^godebug[[:space:]]+/, ""); gsub(/[[:space:]]/, ""); print }
' "$k8s_gomod")
echo "build.sh: k8s wrapper: ${#edits[@]} go mod edits (staging pinned to $staging_version)" >&2
(cd "$d" && go mod edit "${edits[@]}")
k8s_date=$(modtime "$d" k8s.io/kubernetes)
k8s_ld=""
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	k8s_ld+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$k8s_minor"
	# The proxy does not tell us the commit: empty gitCommit, tree state "archive"
	# (what hack/lib/version.sh reports for source tarballs).
	k8s_ld+=" -X $p.gitCommit= -X $p.gitTreeState=archive${k8s_date:+ -X $p.buildDate=$k8s_date}"
done
build "$d" k8s.io/kubernetes "$K8S_VERSION" "$k8s_ld" -o "$tmp/bin/" \
	k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl

# ---- kwok (+ its stage / metrics / CRD YAMLs, copied out of the read-only module cache)
d=$(wrapper kwok)
build "$d" sigs.k8s.io/kwok "$KWOK_VERSION" "-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" \
	-o "$tmp/bin/kwok" sigs.k8s.io/kwok/cmd/kwok
kwok_dir=$(cd "$d" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
(cd "$kwok_dir/kustomize" && find stage metrics crd -type f -name '*.yaml' -not -path '*/testdata/*' -print0 |
	while IFS= read -r -d '' f; do
		install -D -m 0644 "$f" "$tmp/bin/kwok-kustomize/$f"
	done)
echo "build.sh: kwok YAMLs copied from $kwok_dir/kustomize" >&2

# ---- metrics-server
d=$(wrapper metrics-server)
ms_date=$(modtime "$d" sigs.k8s.io/metrics-server)
build "$d" sigs.k8s.io/metrics-server "$MS_VERSION" \
	"-X k8s.io/client-go/pkg/version.gitVersion=$MS_VERSION${ms_date:+ -X k8s.io/client-go/pkg/version.buildDate=$ms_date}" \
	-o "$tmp/bin/metrics-server" sigs.k8s.io/metrics-server/cmd/metrics-server

# ---- smoke checks before publishing
check() {
	local out
	out=$("$@" 2>&1) || { echo "build.sh: '$*' failed: $out" >&2; exit 1; }
	echo "build.sh: $(basename "$1"): $(printf '%s' "$out" | head -n 1)" >&2
}
check "$tmp/bin/etcd" --version
check "$tmp/bin/kube-apiserver" --version
check "$tmp/bin/kube-controller-manager" --version
check "$tmp/bin/kubectl" version --client
check "$tmp/bin/kwok" --version
check "$tmp/bin/metrics-server" --version
"$tmp/bin/kube-apiserver" --version | grep -qF "$K8S_VERSION" ||
	{ echo "build.sh: kube-apiserver is not stamped $K8S_VERSION" >&2; exit 1; }
have_all "$tmp/bin" || { echo "build.sh: build incomplete" >&2; exit 1; }

# Resolved wrapper go.mod/go.sum stay in src/ for reference; publish atomically.
mv -T "$tmp" "$final"
trap - EXIT
echo "build.sh: built $key in $((SECONDS - t_all))s" >&2
echo "$bin" >&3
