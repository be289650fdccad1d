use super::*;
use crate::cluster::fleet::Probe;
use std::time::Duration;

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn glob_matches_whole_names() {
    assert!(glob_match("prod-*", "prod-eu"));
    assert!(glob_match("prod-*", "prod-"));
    assert!(!glob_match("prod-*", "preprod-eu"));
    assert!(glob_match("*prod*", "preprod-eu"));
    assert!(glob_match("p?od", "prod"));
    assert!(!glob_match("p?od", "pod"));
    assert!(glob_match("*", ""));
    assert!(glob_match("a*b*c", "axxbyyc"));
    assert!(!glob_match("a*b*c", "axxbyy"));
    assert!(glob_match(
        "arn:aws:eks:*:cluster/prod-*",
        "arn:aws:eks:eu-west-1:1234:cluster/prod-a"
    ));
    assert!(glob_match("kind-한국*", "kind-한국어"));
    assert!(
        !glob_match("prod", "prod-eu"),
        "no pattern characters: exact"
    );
}

#[test]
fn fleet_mode_only_when_asked() {
    assert!(!wanted(false, &[]));
    assert!(
        !wanted(false, &names(&["prod"])),
        "one plain --context is today's check"
    );
    assert!(wanted(false, &names(&["prod", "dev"])));
    assert!(wanted(false, &names(&["prod-*"])));
    assert!(wanted(true, &[]));
}

#[test]
fn selection_keeps_kubeconfig_order_once_and_refuses_what_matches_nothing() {
    let all = names(&["dev", "prod-eu", "prod-us", "staging"]);
    assert_eq!(select_contexts(&all, &[], true).unwrap(), all);
    assert_eq!(
        select_contexts(&all, &names(&["staging", "prod-*", "prod-eu"]), false).unwrap(),
        names(&["prod-eu", "prod-us", "staging"])
    );
    let err = select_contexts(&all, &names(&["qa-*"]), false).unwrap_err();
    assert!(err.contains("no context matches \"qa-*\""), "{err}");
    assert!(err.contains("dev, prod-eu"), "lists the contexts: {err}");
    let err = select_contexts(&all, &names(&["prod"]), false).unwrap_err();
    assert!(err.contains("context \"prod\" not found"), "{err}");
    assert!(select_contexts(&all, &names(&["dev"]), true).is_err());
    assert!(select_contexts(&[], &[], true).is_err());
}

fn row(context: &str, verdict: Verdict) -> Row {
    Row {
        context: context.into(),
        server: format!("https://{context}.example:6443"),
        server_version: None,
        verdict,
        exit_code: match verdict {
            Verdict::Healthy => exit::HEALTHY,
            Verdict::Problems => exit::PROBLEMS,
            Verdict::Unreachable => exit::UNREACHABLE,
        },
        metrics_server: None,
        root_cause: None,
        problems: 0,
        node_metrics: None,
        blind_hpas: 0,
        took_ms: 1200,
        error: (verdict == Verdict::Unreachable).then(|| "connection refused".into()),
    }
}

#[test]
fn exit_code_is_the_worst_but_3_only_when_nothing_answered() {
    use Verdict::*;
    let code = |vs: &[Verdict]| {
        let rows: Vec<Row> = vs
            .iter()
            .enumerate()
            .map(|(i, v)| row(&format!("c{i}"), *v))
            .collect();
        exit_code(&rows)
    };
    assert_eq!(code(&[Healthy, Healthy]), 0);
    assert_eq!(code(&[Healthy, Problems]), 1);
    assert_eq!(
        code(&[Healthy, Unreachable]),
        1,
        "a mix is a problem found, not a failed run"
    );
    assert_eq!(code(&[Problems, Unreachable, Unreachable]), 1);
    assert_eq!(code(&[Unreachable]), 3);
    assert_eq!(code(&[Unreachable, Unreachable]), 3);
    assert_eq!(code(&[]), 2);
}

#[test]
fn unreachable_probe_becomes_a_row_with_its_reason() {
    let probe = Probe {
        context: "gone".into(),
        server: "https://127.0.0.1:1".into(),
        took: Duration::from_millis(3),
        result: Err("connection refused".into()),
    };
    let r = Row::from_probe(probe, jiff::Timestamp::UNIX_EPOCH);
    assert_eq!(r.verdict, Verdict::Unreachable);
    assert_eq!(r.exit_code, 3);
    assert_eq!(r.server, "https://127.0.0.1:1");
    assert_eq!(unreachable(&[r]), vec!["gone (connection refused)"]);
}

#[test]
fn table_has_one_line_a_cluster_and_names_the_unreachable() {
    let mut ok = row("prod-eu", Verdict::Healthy);
    ok.metrics_server = Some(InstallSummary {
        namespace: "kube-system".into(),
        deployment: "metrics-server".into(),
        version: Some("v0.8.0".into()),
        kind: "manifest".into(),
    });
    ok.node_metrics = Some(Coverage {
        with_metrics: 3,
        nodes: 3,
    });
    let mut bad = row("prod-us\x1b[31m", Verdict::Problems);
    bad.root_cause = Some(RootCause {
        id: "F15".into(),
        severity: Severity::Error,
        title: "Kubelet serving certificate is not trusted (x509: certificate signed by unknown authority)".into(),
    });
    bad.node_metrics = Some(Coverage {
        with_metrics: 0,
        nodes: 3,
    });
    let down = row("dev", Verdict::Unreachable);
    let t = table(&[ok, bad, down], Paint { color: false });
    let lines: Vec<&str> = t.lines().collect();
    assert!(lines[0].starts_with("CONTEXT"), "{t}");
    assert!(
        lines[1].contains("v0.8.0 manifest") && lines[1].contains("3/3"),
        "{t}"
    );
    assert!(
        lines[2].contains("F15 Kubelet serving") && lines[2].contains('…'),
        "{t}"
    );
    assert!(
        !t.contains('\x1b'),
        "escape sequences from names are removed: {t:?}"
    );
    assert!(
        lines[3].contains("unreachable") && lines[3].contains("connection refused"),
        "{t}"
    );
    assert!(
        t.contains(
            "3 cluster(s): 1 healthy, 1 with problems, 1 unreachable: dev (connection refused)"
        ),
        "{t}"
    );
    assert!(
        t.lines().all(|l| !l.ends_with(' ')),
        "no trailing blanks:\n{t}"
    );
    let j: serde_json::Value = serde_json::from_str(&json(&[row("a", Verdict::Healthy)])).unwrap();
    assert_eq!(j[0]["verdict"], "healthy");
    assert_eq!(j[0]["exit_code"], 0);
    assert_eq!(j[0]["took_ms"], 1200);
}

#[test]
fn table_shows_the_end_of_an_error_chain() {
    assert_eq!(
        short_reason(
            "ServiceError: client error (Connect): tcp connect error: Connection refused (os error 111)"
        ),
        "tcp connect error: Connection refused (os error 111)"
    );
    assert_eq!(
        short_reason("no complete answer within 10s"),
        "no complete answer within 10s"
    );
    assert_eq!(
        short_reason("credentials refused (401): Unauthorized"),
        "credentials refused (401): Unauthorized"
    );
}

#[test]
fn exit_codes_are_the_cli_contract() {
    assert_eq!(exit::HEALTHY, crate::cli::exit::HEALTHY);
    assert_eq!(exit::PROBLEMS, crate::cli::exit::PROBLEMS);
    assert_eq!(exit::USAGE, crate::cli::exit::USAGE);
    assert_eq!(exit::UNREACHABLE, crate::cli::exit::UNREACHABLE);
}
