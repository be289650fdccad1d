//! The Metrics API types (`metrics.k8s.io/v1beta1`), which k8s-openapi does not ship, and the
//! quantity arithmetic `kubectl top` needs.

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `NodeMetrics` as served at `/apis/metrics.k8s.io/v1beta1/nodes`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeMetrics {
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub timestamp: Option<String>,
    #[serde(default)]
    pub window: Option<String>,
    #[serde(default)]
    pub usage: BTreeMap<String, Quantity>,
}

impl k8s_openapi::Resource for NodeMetrics {
    const API_VERSION: &'static str = "metrics.k8s.io/v1beta1";
    const GROUP: &'static str = "metrics.k8s.io";
    const KIND: &'static str = "NodeMetrics";
    const VERSION: &'static str = "v1beta1";
    const URL_PATH_SEGMENT: &'static str = "nodes";
    type Scope = k8s_openapi::ClusterResourceScope;
}

impl k8s_openapi::Metadata for NodeMetrics {
    type Ty = ObjectMeta;
    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

/// Parse a Kubernetes quantity into a plain number (cores for CPU, bytes for memory).
/// Returns `None` for text that is not a quantity.
pub fn parse_quantity(q: &str) -> Option<f64> {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    let base: f64 = num.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        s if s.starts_with(['e', 'E']) => 10f64.powi(s[1..].parse().ok()?),
        _ => return None,
    };
    Some(base * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_suffixes_metrics_server_uses() {
        assert_eq!(parse_quantity("250m"), Some(0.25));
        let nanocores = parse_quantity("123456789n").expect("a quantity");
        assert!((nanocores - 0.123456789).abs() < 1e-12);
        assert_eq!(parse_quantity("1024Ki"), Some(1048576.0));
        assert_eq!(parse_quantity("2Gi"), Some(2147483648.0));
        assert_eq!(parse_quantity("4"), Some(4.0));
        assert_eq!(parse_quantity("1e3"), Some(1000.0));
        assert_eq!(parse_quantity("12Qi"), None);
        assert_eq!(parse_quantity("abc"), None);
    }
}
