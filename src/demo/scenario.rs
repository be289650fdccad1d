//! Scenario data: the objects of `assets/demo/`, compiled in, and what each scenario changes.
//!
//! The objects are what `kubectl get -o json` returns on a kubeadm cluster with the upstream
//! v0.8.0 metrics-server manifest. A scenario picks the container args and how the kubelets
//! serve TLS; everything else (pods, ReplicaSets, statuses, logs) is derived at run time.

use super::DemoError;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::{Node, Service};
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

macro_rules! asset {
    ($name:literal) => {
        ($name, include_str!(concat!("../../assets/demo/", $name)))
    };
}

/// Every scenario, by the name `--demo NAME` takes.
const SCENARIO_FILES: [(&str, &str); 3] = [
    asset!("scenarios/x509.json"),
    asset!("scenarios/wrong-address.json"),
    asset!("scenarios/pending-csr.json"),
];

/// The names `--demo` accepts, the default first.
pub const SCENARIOS: [&str; 3] = ["x509", "wrong-address", "pending-csr"];

const APISERVICE: (&str, &str) = asset!("apiservice.json");
const SERVICE: (&str, &str) = asset!("service.json");
const DEPLOYMENT: (&str, &str) = asset!("deployment.json");
const OTHER_DEPLOYMENTS: (&str, &str) = asset!("deployments-other.json");
const NODES: (&str, &str) = asset!("nodes.json");
const HPAS: (&str, &str) = asset!("hpas.json");
const USAGE: (&str, &str) = asset!("usage.json");
const CSRS: (&str, &str) = asset!("csrs.json");
const CSR_CERTIFICATES: (&str, &str) = asset!("csr-certificates.json");

/// How the kubelets serve TLS on :10250.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum KubeletCerts {
    /// Certificates naming the node's IPs and hostname, from a CA metrics-server does not know.
    UnknownCa,
    /// The kubelet's own self-signed certificate, which names only the hostname.
    SelfSigned,
    /// `serverTLSBootstrap`: a node serves nothing until its kubelet-serving CSR is approved,
    /// then a certificate from the cluster CA (which metrics-server trusts by default).
    Bootstrap,
}

/// One scenario file.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Scenario {
    pub name: String,
    pub title: String,
    /// Why it is broken and how the story ends; shown nowhere yet but kept with the data.
    #[allow(dead_code)]
    pub story: String,
    /// The metrics-server container args the scenario starts with.
    pub args: Vec<String>,
    pub kubelet_certs: KubeletCerts,
    /// Where the first metrics-server pod runs.
    pub pod_node: String,
    /// How long before the demo started the first pod was created.
    pub pod_age_minutes: i64,
    /// Whether the cluster has kubelet-serving CSRs.
    pub csrs: bool,
}

/// A node's CPU and memory use when metrics flow (quantities as `kubectl top` would print).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct BaseUsage {
    pub cpu: String,
    pub memory: String,
}

/// Everything a demo cluster starts from.
#[derive(Debug, Clone)]
pub(crate) struct Assets {
    pub scenario: Scenario,
    pub apiservice: APIService,
    pub service: Service,
    /// The metrics-server Deployment, with the scenario's args.
    pub deployment: Deployment,
    /// Deployments that are not metrics-server (the HPA's target, CoreDNS).
    pub other_deployments: Vec<Deployment>,
    pub nodes: Vec<Node>,
    pub hpas: Vec<HorizontalPodAutoscaler>,
    pub usage: BTreeMap<String, BaseUsage>,
    pub csrs: Vec<CertificateSigningRequest>,
    /// Base64 PEM certificate the signer issues when the named CSR is approved.
    pub issued: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct List<T> {
    items: Vec<T>,
}

fn parse<T: DeserializeOwned>((name, text): (&str, &str)) -> Result<T, DemoError> {
    serde_json::from_str(text).map_err(|e| DemoError::Data(format!("assets/demo/{name}: {e}")))
}

fn parse_list<T: DeserializeOwned>(file: (&str, &str)) -> Result<Vec<T>, DemoError> {
    parse::<List<T>>(file).map(|l| l.items)
}

/// Load a scenario and the objects it runs on.
pub(crate) fn load(name: &str) -> Result<Assets, DemoError> {
    let file = SCENARIO_FILES
        .iter()
        .find(|(path, _)| {
            path.trim_start_matches("scenarios/")
                .trim_end_matches(".json")
                == name
        })
        .copied()
        .ok_or_else(|| DemoError::UnknownScenario(name.to_string()))?;
    let scenario: Scenario = parse(file)?;
    let mut deployment: Deployment = parse(DEPLOYMENT)?;
    let container = deployment
        .spec
        .as_mut()
        .and_then(|s| s.template.spec.as_mut())
        .and_then(|s| s.containers.first_mut())
        .ok_or_else(|| DemoError::Data("assets/demo/deployment.json has no container".into()))?;
    container.args = Some(scenario.args.clone());
    Ok(Assets {
        apiservice: parse(APISERVICE)?,
        service: parse(SERVICE)?,
        deployment,
        other_deployments: parse_list(OTHER_DEPLOYMENTS)?,
        nodes: parse_list(NODES)?,
        hpas: parse_list(HPAS)?,
        usage: parse(USAGE)?,
        csrs: if scenario.csrs {
            parse_list(CSRS)?
        } else {
            Vec::new()
        },
        issued: if scenario.csrs {
            parse(CSR_CERTIFICATES)?
        } else {
            BTreeMap::new()
        },
        scenario,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_loads_and_is_named_like_its_file() {
        for name in SCENARIOS {
            let assets = load(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(assets.scenario.name, name);
            assert!(!assets.scenario.title.is_empty());
            assert_eq!(assets.nodes.len(), 3);
            assert!(
                assets
                    .nodes
                    .iter()
                    .any(|n| n.metadata.name.as_deref() == Some(&assets.scenario.pod_node))
            );
            for node in &assets.nodes {
                let name = node.metadata.name.clone().unwrap_or_default();
                assert!(assets.usage.contains_key(&name), "no usage for {name}");
            }
        }
        assert_eq!(SCENARIO_FILES.len(), SCENARIOS.len());
    }

    #[test]
    fn unknown_scenarios_are_refused_with_the_valid_names() {
        let err = load("x5O9").expect_err("no such scenario");
        let text = err.to_string();
        for name in SCENARIOS {
            assert!(text.contains(name), "{text}");
        }
    }

    #[test]
    fn only_the_csr_scenario_has_kubelet_serving_requests() {
        assert!(load("x509").map(|a| a.csrs.is_empty()).unwrap_or(false));
        let csr = load("pending-csr").expect("loads");
        assert_eq!(csr.csrs.len(), 3);
        for c in &csr.csrs {
            let pending = c
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_none();
            let name = c.metadata.name.clone().unwrap_or_default();
            assert_eq!(pending, csr.issued.contains_key(&name), "{name}");
        }
    }
}
