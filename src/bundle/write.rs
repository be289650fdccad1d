//! Putting the bundle on disk. Kept apart from [`super::build`] so that stays pure.

use super::BundleFile;
use std::io;
use std::path::Path;

/// Make sure `dir` can take a bundle before the cluster is asked anything: create it, or accept
/// it when it exists and is empty (a bundle must never mix with an older one's files).
pub fn prepare_dir(dir: &Path) -> Result<(), String> {
    let shown = dir.display();
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(format!(
                    "bundle directory {shown} is not empty; give a new or empty directory"
                ));
            }
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create bundle directory {shown}: {e}")),
        Err(e) => Err(format!("cannot use bundle directory {shown}: {e}")),
    }
}

/// Write every file under `dir` (paths are relative and made by [`super::build`]).
/// Files are created owner-readable only: the bundle describes a cluster's weak spot.
pub fn write(dir: &Path, files: &[BundleFile]) -> io::Result<()> {
    for f in files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        io::Write::write_all(&mut opts.open(&path)?, f.contents.as_bytes())?;
    }
    Ok(())
}
