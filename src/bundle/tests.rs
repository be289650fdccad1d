use super::*;
use crate::snapshot::ContainerLog;

#[test]
fn layout_of_an_empty_snapshot_and_every_file_scrubbed() {
    let mut snap = Snapshot::default();
    snap.cluster.context = "prod".into();
    snap.logs = vec![
        ContainerLog {
            pod: "metrics-server-abc".into(),
            container: "metrics-server".into(),
            previous: false,
            text: (1..=300)
                .map(|i| format!("line {i} Authorization: Bearer tok{i}abcdefgh\n"))
                .collect(),
        },
        ContainerLog {
            pod: "metrics-server-abc".into(),
            container: "metrics-server".into(),
            previous: true,
            text: "\x1b[31mold crash\n".into(),
        },
    ];
    let files = build(&snap, &[], Timestamp::UNIX_EPOCH, 200, &Session::default());
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "SUMMARY.md",
            "findings.txt",
            "findings.json",
            "objects/apiservice.yaml",
            "objects/service.yaml",
            "objects/endpointslices.yaml",
            "objects/deployment.yaml",
            "objects/replicasets.yaml",
            "objects/pods.yaml",
            "events.txt",
            "events.yaml",
            "logs/metrics-server-abc_metrics-server.log",
            "logs/metrics-server-abc_metrics-server.previous.log",
            "top-nodes-before.txt",
            "changes.json",
        ]
    );
    let log = &files[11].contents;
    assert_eq!(log.lines().count(), 200, "the last N lines");
    assert!(
        log.starts_with("line 101 ") && !log.contains("tok300"),
        "{log:.200}"
    );
    assert!(!files[12].contents.contains('\x1b'));
    let changes: serde_json::Value = serde_json::from_str(&files[14].contents).unwrap();
    assert_eq!(changes["changes"], serde_json::json!([]));
    assert!(changes["note"].as_str().unwrap().contains("no change"));
    let md = &files[0].contents;
    assert!(
        md.contains("## Changes applied in this session\n\nNone."),
        "{md}"
    );
    assert!(
        md.contains("- `logs/metrics-server-abc_metrics-server.previous.log`"),
        "{md}"
    );
}

#[test]
fn file_names_cannot_escape_the_bundle() {
    assert_eq!(file_part("../../etc/passwd"), "_.._.._etc_passwd");
    assert_eq!(file_part(""), "_");
    assert_eq!(file_part("ms-7d9f"), "ms-7d9f");
}
