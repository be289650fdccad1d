//! The Go-built binaries: `tests/cluster/build.sh` builds them once into a versioned cache dir
//! and prints that dir as its last stdout line. A failed build FAILS the test (never a skip).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Instant;

#[derive(Debug)]
pub struct Bins {
    pub dir: PathBuf,
}

impl Bins {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// A YAML file from kwok's module, copied next to the binaries by build.sh
    /// (`stage/...`, `metrics/...`, `crd/...`).
    pub fn kwok_yaml(&self, rel: &str) -> PathBuf {
        let p = self.dir.join("kwok-kustomize").join(rel);
        assert!(
            p.is_file(),
            "kwok YAML missing from the binary cache: {}",
            p.display()
        );
        p
    }

    pub fn kubectl(&self) -> PathBuf {
        self.path("kubectl")
    }
}

static BINS: OnceLock<Result<Bins, String>> = OnceLock::new();

/// The binaries, building them on first use. `MSTUI_CLUSTER_BIN` may point at a ready bin dir.
pub fn bins() -> &'static Bins {
    match BINS.get_or_init(find_or_build) {
        Ok(b) => b,
        Err(e) => panic!("real-cluster binaries unavailable (tests/cluster/build.sh): {e}"),
    }
}

fn find_or_build() -> Result<Bins, String> {
    const NAMES: [&str; 6] = [
        "etcd",
        "kube-apiserver",
        "kube-controller-manager",
        "kubectl",
        "kwok",
        "metrics-server",
    ];
    let dir = match std::env::var_os("MSTUI_CLUSTER_BIN") {
        Some(d) => PathBuf::from(d),
        None => {
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cluster/build.sh");
            let start = Instant::now();
            eprintln!(
                "[e2e] running {} (cold builds take a long while; progress below)",
                script.display()
            );
            // stderr is inherited so a cold build shows its progress; stdout's last line is the dir.
            let out = Command::new("bash")
                .arg(&script)
                .stdin(Stdio::null())
                .stderr(Stdio::inherit())
                .output()
                .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
            if !out.status.success() {
                return Err(format!("{} failed with {}", script.display(), out.status));
            }
            let stdout = String::from_utf8_lossy(&out.stdout);
            let last = stdout
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .ok_or("build.sh printed no bin dir")?;
            eprintln!(
                "[e2e] binaries ready in {:.1}s: {last}",
                start.elapsed().as_secs_f64()
            );
            PathBuf::from(last.trim())
        }
    };
    for n in NAMES {
        let p = dir.join(n);
        if !p.is_file() {
            return Err(format!("{} is missing", p.display()));
        }
    }
    Ok(Bins { dir })
}
