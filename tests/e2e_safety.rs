//! Safety properties on the real cluster (see tests/support): the args patch is keyed on the
//! container's args (a JSON-patch `test`), so writes that leave them alone do not conflict while
//! a concurrent args edit does, and undo restores the exact earlier list.
//!
//! Run: `cargo test --test e2e_safety -- --nocapture`.

mod support;

use k8s_openapi::api::apps::v1::Deployment;
use kube::Api;
use kube::api::{Patch, PatchParams};
use mstui::audit;
use mstui::cluster::apply::{self, ApplyError};
use mstui::cluster::{Connection, snapshot};
use mstui::fix::args::DiffKind;
use mstui::fix::plan::{FixPlan, plan, plan_undo};
use mstui::snapshot::Snapshot;
use mstui::tui::msg::Change;
use mstui::tui::runner::audit_entry;
use mstui::vocab::FixId;
use support::cluster::{MS_NAME, MS_NAMESPACE};
use support::*;

fn args_of(d: &Deployment) -> Vec<String> {
    d.spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|s| s.containers.iter().find(|c| c.name == MS_NAME))
        .and_then(|c| c.args.clone())
        .unwrap_or_default()
}

fn rv(d: &Deployment) -> String {
    d.metadata.resource_version.clone().unwrap_or_default()
}

fn mstui_managed(d: &Deployment) -> bool {
    d.metadata
        .managed_fields
        .iter()
        .flatten()
        .any(|m| m.manager.as_deref() == Some(apply::FIELD_MANAGER))
}

async fn x509_plan(conn: &Connection) -> (Snapshot, FixPlan) {
    let snap = snapshot(conn, jiff::Timestamp::now()).await;
    let p = plan(
        FixId::KubeletInsecureTls,
        snap.install.as_ref().expect("install"),
        snap.deployment.as_ref().expect("deployment"),
    )
    .expect("plan");
    (snap, p)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unrelated_writes_between_plan_and_apply_do_not_conflict_and_undo_is_exact() {
    let _serial = serial();
    let _t = TestTimer::new("unrelated_writes_between_plan_and_apply_do_not_conflict");
    let c = Cluster::start(Scenario::X509).await;
    let conn = conn(&c.admin_kubeconfig).await;
    let client = &conn.client;
    let (_, p) = x509_plan(&conn).await;
    let original = p.before.clone();

    // Between plan and apply: an annotation (metadata) and a status write, as the controller
    // does during a rollout. Both move resourceVersion; neither touches the args.
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), MS_NAMESPACE);
    let note = serde_json::json!({"metadata": {"annotations": {"e2e.mstui/note": "unrelated"}}});
    deployments
        .patch(MS_NAME, &PatchParams::default(), &Patch::Merge(&note))
        .await
        .expect("annotation write");
    let status = serde_json::json!({"status": {"collisionCount": 7}});
    let written = deployments
        .patch_status(MS_NAME, &PatchParams::default(), &Patch::Merge(&status))
        .await
        .expect("status write");
    assert_ne!(rv(&written), p.resource_version, "resourceVersion moved");
    eprintln!(
        "[e2e] planned at rv {}, now rv {} after annotation + status writes",
        p.resource_version,
        rv(&written)
    );

    // Dry-run first, then for real: both pass the `test` on the args.
    let dry = apply::send_fix(client, &p, true)
        .await
        .unwrap_or_else(|e| panic!("dry-run over unrelated writes: {e}"));
    assert_eq!(apply::stored_list(&p, &dry), Some(p.after.clone()));
    let unchanged = apply::get_deployment(client, MS_NAMESPACE, MS_NAME)
        .await
        .expect("get");
    assert_eq!(args_of(&unchanged), original, "the dry-run stored nothing");
    assert!(!mstui_managed(&unchanged), "the dry-run stored nothing");
    let applied = apply::send_fix(client, &p, false)
        .await
        .unwrap_or_else(|e| panic!("apply over unrelated writes: {e}"));
    assert_eq!(args_of(&applied), p.after);
    assert!(mstui_managed(&applied));
    assert_eq!(
        applied
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get("e2e.mstui/note"))
            .map(String::as_str),
        Some("unrelated"),
        "the other write is kept"
    );
    eprintln!(
        "[e2e] applied over unrelated writes: args {:?}",
        args_of(&applied)
    );

    // The audit log entry the TUI's runner appends for this change: context, server, user
    // entry, before/after; nothing of the kubeconfig's credentials.
    let audit_dir = tempfile::tempdir().expect("tempdir");
    let audit_path = audit_dir.path().join("mstui").join(audit::FILE_NAME);
    let change = Change::Args(p.clone());
    let entry = audit_entry(&conn, &change, &Ok(()), jiff::Timestamp::now());
    audit::append(&audit_path, &entry).expect("audit append");
    let line = std::fs::read_to_string(&audit_path).expect("audit read");
    eprintln!("[e2e] audit line: {line}");
    let back = &audit::read(&audit_path).expect("audit parse")[0];
    assert_eq!(back.before.as_ref(), Some(&original));
    assert_eq!(back.after.as_ref(), Some(&p.after));
    assert_eq!(back.result, "applied");
    assert_eq!(back.object, format!("deployment/{MS_NAME}"));
    assert!(
        back.server.starts_with("https://127.0.0.1:"),
        "{}",
        back.server
    );
    let kubeconfig = std::fs::read_to_string(&c.admin_kubeconfig).expect("kubeconfig");
    for secret_key in ["client-key-data", "token", "client-certificate-data"] {
        for l in kubeconfig
            .lines()
            .filter(|l| l.trim_start().starts_with(secret_key))
        {
            let value = l.split_once(':').map(|(_, v)| v.trim()).unwrap_or_default();
            if value.len() > 8 {
                assert!(!line.contains(value), "the audit line holds {secret_key}");
            }
        }
    }

    // Undo: planned against the Deployment as it is now, restores the exact earlier list.
    let now = apply::get_deployment(client, MS_NAMESPACE, MS_NAME)
        .await
        .expect("get");
    let undo = plan_undo(&p, &now).expect("undo plans");
    apply::send_fix(client, &undo, true)
        .await
        .unwrap_or_else(|e| panic!("undo dry-run: {e}"));
    let undone = apply::send_fix(client, &undo, false)
        .await
        .unwrap_or_else(|e| panic!("undo: {e}"));
    assert_eq!(args_of(&undone), original, "undo restores the exact args");
    let reread = apply::get_deployment(client, MS_NAMESPACE, MS_NAME)
        .await
        .expect("get");
    assert_eq!(args_of(&reread), original, "as stored");
    eprintln!("[e2e] undo restored {:?}", args_of(&reread));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_args_edit_is_a_conflict_and_the_replan_shows_it() {
    let _serial = serial();
    let _t = TestTimer::new("a_concurrent_args_edit_is_a_conflict");
    let c = Cluster::start(Scenario::X509).await;
    let conn = conn(&c.admin_kubeconfig).await;
    let client = &conn.client;
    let (snap, stale) = x509_plan(&conn).await;

    // Someone else edits the args after the plan was made (kubectl edit would do the same).
    let mut theirs = stale.before.clone();
    theirs.push("--v=2".into());
    let edit = serde_json::json!({"spec": {"template": {"spec": {"containers": [
        {"name": MS_NAME, "args": theirs}
    ]}}}});
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), MS_NAMESPACE);
    let someone_else = PatchParams {
        field_manager: Some("someone-else".into()),
        ..PatchParams::default()
    };
    let edited = deployments
        .patch(MS_NAME, &someone_else, &Patch::Strategic(&edit))
        .await
        .expect("their args edit");
    assert_eq!(args_of(&edited), theirs);

    for dry_run in [true, false] {
        match apply::send_fix(client, &stale, dry_run).await {
            Err(ApplyError::Conflict(m)) => {
                eprintln!("[e2e] conflict (dry_run={dry_run}): {m}");
            }
            other => panic!("expected a conflict (dry_run={dry_run}), got {other:?}"),
        }
    }
    let now = apply::get_deployment(client, MS_NAMESPACE, MS_NAME)
        .await
        .expect("get");
    assert_eq!(args_of(&now), theirs, "their edit is not overwritten");
    assert_eq!(
        now.metadata.generation, edited.metadata.generation,
        "spec untouched"
    );
    assert!(!mstui_managed(&now), "mstui wrote nothing");

    // The re-plan is made against their edit: its diff keeps --v=2 and adds ours.
    let replanned = plan(
        FixId::KubeletInsecureTls,
        snap.install.as_ref().unwrap(),
        &now,
    )
    .expect("re-plan");
    assert_eq!(replanned.before, theirs);
    assert!(
        replanned
            .diff
            .iter()
            .any(|l| l.kind == DiffKind::Same && l.text == "--v=2")
    );
    assert!(
        replanned
            .diff
            .iter()
            .any(|l| l.kind == DiffKind::Added && l.text == "--kubelet-insecure-tls")
    );
    let applied = apply::send_fix(client, &replanned, false)
        .await
        .unwrap_or_else(|e| panic!("re-planned apply: {e}"));
    assert!(args_of(&applied).contains(&"--v=2".to_string()));
    assert!(args_of(&applied).contains(&"--kubelet-insecure-tls".to_string()));
    eprintln!("[e2e] re-planned apply: {:?}", args_of(&applied));
}
