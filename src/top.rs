//! The `kubectl top nodes` table that verifies the fix (pure). Rounding follows kubectl:
//! CPU millicores round up, MiB and percentages round down.
//!
//! A node without metrics is shown as missing, never as zero: zero would hide the very failure
//! we are verifying.

use crate::metrics::{NodeMetrics, parse_quantity};
use k8s_openapi::api::core::v1::Node;

#[derive(Debug, Clone, PartialEq)]
pub struct TopRow {
    pub node: String,
    /// `None` when the Metrics API has no entry for this node.
    pub usage: Option<Usage>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Usage {
    pub cpu_cores: f64,
    pub memory_bytes: f64,
    /// Percent of allocatable; `None` when the node reports no allocatable value.
    pub cpu_percent: Option<f64>,
    pub memory_percent: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TopTable {
    pub rows: Vec<TopRow>,
}

impl TopTable {
    /// Nodes with metrics, and all nodes: the "coverage N/M" the verdict shows.
    pub fn coverage(&self) -> (usize, usize) {
        (
            self.rows.iter().filter(|r| r.usage.is_some()).count(),
            self.rows.len(),
        )
    }

    pub fn missing(&self) -> Vec<&str> {
        self.rows
            .iter()
            .filter(|r| r.usage.is_none())
            .map(|r| r.node.as_str())
            .collect()
    }

    /// The table as `kubectl top nodes` prints it, with `<missing>` for nodes without metrics.
    pub fn render(&self) -> Vec<[String; 5]> {
        let mut out =
            vec![["NAME", "CPU(cores)", "CPU%", "MEMORY(bytes)", "MEMORY%"].map(String::from)];
        for r in &self.rows {
            out.push(match &r.usage {
                Some(u) => [
                    r.node.clone(),
                    format!("{}m", (u.cpu_cores * 1000.0).ceil() as i64),
                    percent(u.cpu_percent),
                    format!("{}Mi", (u.memory_bytes / (1024.0 * 1024.0)).floor() as i64),
                    percent(u.memory_percent),
                ],
                None => [
                    r.node.clone(),
                    "<missing>".into(),
                    "-".into(),
                    "<missing>".into(),
                    "-".into(),
                ],
            });
        }
        out
    }
}

fn percent(p: Option<f64>) -> String {
    p.map(|p| format!("{}%", p.floor() as i64))
        .unwrap_or_else(|| "<unknown>".into())
}

/// Build the table for every node, sorted by name.
pub fn top_nodes(nodes: &[Node], metrics: &[NodeMetrics]) -> TopTable {
    let mut rows: Vec<TopRow> = nodes
        .iter()
        .map(|n| {
            let name = n.metadata.name.clone().unwrap_or_default();
            let m = metrics
                .iter()
                .find(|m| m.metadata.name.as_deref() == Some(name.as_str()));
            TopRow {
                usage: m.and_then(|m| usage(n, m)),
                node: name,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.node.cmp(&b.node));
    TopTable { rows }
}

fn usage(node: &Node, m: &NodeMetrics) -> Option<Usage> {
    let cpu = parse_quantity(&m.usage.get("cpu")?.0)?;
    let mem = parse_quantity(&m.usage.get("memory")?.0)?;
    let allocatable = |key: &str| {
        node.status
            .as_ref()?
            .allocatable
            .as_ref()?
            .get(key)
            .and_then(|q| parse_quantity(&q.0))
            .filter(|v| *v > 0.0)
    };
    Some(Usage {
        cpu_cores: cpu,
        memory_bytes: mem,
        cpu_percent: allocatable("cpu").map(|a| cpu / a * 100.0),
        memory_percent: allocatable("memory").map(|a| mem / a * 100.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(name: &str) -> Node {
        serde_json::from_value(json!({"metadata": {"name": name},
            "status": {"allocatable": {"cpu": "2", "memory": "4Gi"}}}))
        .expect("valid node")
    }

    fn metrics(name: &str, cpu: &str, mem: &str) -> NodeMetrics {
        serde_json::from_value(
            json!({"metadata": {"name": name}, "usage": {"cpu": cpu, "memory": mem}}),
        )
        .expect("valid metrics")
    }

    #[test]
    fn renders_like_kubectl_and_marks_missing_nodes() {
        let table = top_nodes(
            &[node("node-2"), node("node-1")],
            &[metrics("node-1", "250000000n", "1536Mi")],
        );
        assert_eq!(table.coverage(), (1, 2));
        assert_eq!(table.missing(), vec!["node-2"]);
        let rendered = table.render();
        assert_eq!(
            rendered[1],
            ["node-1", "250m", "12%", "1536Mi", "37%"].map(String::from)
        );
        assert_eq!(rendered[2][1], "<missing>");
    }

    #[test]
    fn zero_usage_is_a_value_not_missing() {
        let table = top_nodes(&[node("n")], &[metrics("n", "0", "0")]);
        assert_eq!(table.coverage(), (1, 1));
        assert_eq!(table.render()[1][1], "0m");
    }
}
