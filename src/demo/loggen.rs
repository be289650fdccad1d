//! The metrics-server log, generated from what the container does rather than stored: the
//! startup lines of v0.8.0, one "Failed to scrape node" line per failing node on every scrape,
//! the readiness complaint while nothing could be scraped, and the shutdown lines when the pod
//! is deleted. A healthy metrics-server at the default verbosity logs nothing after startup.
//!
//! Generating lines for a time range `[from, to)` from timestamps alone means a followed log, a
//! tail and a `sinceTime` resume all see the same lines, with no buffer to keep in sync.

use super::clock::{add, ms};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// One log line and when it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LogLine {
    pub at: Timestamp,
    pub text: String,
}

/// What one container instance does.
pub(crate) enum Run<'a> {
    /// Starts serving, then scrapes every `tick`; `scrape(node index, when)` is each outcome.
    Serving {
        nodes: &'a [String],
        tick: SignedDuration,
        secure_port: String,
        scrape: &'a dyn Fn(usize, Timestamp) -> Result<(), String>,
    },
    /// Refuses its flags at startup and exits.
    Crash { errors: Vec<String> },
}

/// One container instance: when it started and, if so, when it stopped.
pub(crate) struct Instance<'a> {
    pub started: Timestamp,
    pub stopped: Option<Timestamp>,
    /// Stopped by a SIGTERM (pod deleted) rather than by exiting on its own.
    pub graceful_stop: bool,
    pub run: Run<'a>,
}

/// Upper bound on scrapes generated for one request, whatever the range asked for.
const MAX_TICKS: i64 = 20_000;

/// The lines of `instance` written in `[from, to)`, oldest first.
pub(crate) fn lines(instance: &Instance, from: Timestamp, to: Timestamp) -> Vec<LogLine> {
    let end = instance.stopped.map_or(to, |s| s.min(to));
    let mut out = Vec::new();
    // Lines written while running; the shutdown lines come just after `stopped`.
    let mut push = |at: Timestamp, text: String| {
        if at >= from && at < end {
            out.push(LogLine { at, text });
        }
    };
    match &instance.run {
        Run::Crash { errors } => {
            let at = add(instance.started, ms(40));
            for e in errors {
                push(at, format!("Error: {e}"));
            }
            if let Some(first) = errors.first() {
                push(add(at, ms(1)), format!("panic: {first}"));
            }
        }
        Run::Serving {
            nodes,
            tick,
            secure_port,
            scrape,
        } => {
            for (offset, source, message) in startup(secure_port) {
                let at = add(instance.started, ms(offset));
                push(at, klog('I', at, source, &message));
            }
            for k in tick_range(instance.started, *tick, from, end) {
                let Some(t) = i32::try_from(k)
                    .ok()
                    .and_then(|k| tick.checked_mul(k))
                    .map(|d| add(instance.started, d))
                else {
                    break;
                };
                let mut any_ok = false;
                for (i, node) in nodes.iter().enumerate() {
                    // Scrapes run in parallel; their results arrive a few ms apart.
                    let at = add(t, ms(410 + 3 * i as i64));
                    match scrape(i, t) {
                        Ok(()) => any_ok = true,
                        Err(err) => push(
                            at,
                            klog(
                                'E',
                                at,
                                "scraper.go:149",
                                &format!(
                                    "\"Failed to scrape node\" err=\"{}\" node=\"{node}\"",
                                    go_escape(&err)
                                ),
                            ),
                        ),
                    }
                }
                // The readiness probe (every 10s on a real pod) fails while storage is empty.
                if !any_ok && k % 10 == 6 {
                    let at = add(t, ms(593));
                    push(
                        at,
                        klog(
                            'I',
                            at,
                            "server.go:191",
                            "\"Failed probe\" probe=\"metric-storage-ready\" err=\"no metrics to serve\"",
                        ),
                    );
                }
            }
            if let (Some(stop), true) = (instance.stopped, instance.graceful_stop) {
                for (offset, source, message) in shutdown(secure_port) {
                    let at = add(stop, ms(offset));
                    if at >= from && at < to {
                        out.push(LogLine {
                            at,
                            text: klog('I', at, source, &message),
                        });
                    }
                }
            }
        }
    }
    out.sort_by_key(|l| l.at);
    out
}

/// A scrape's lines are written up to this long after the scrape starts.
const LINE_SPREAD_MS: i64 = 1_000;

/// The scrape numbers `k >= 1` whose lines may fall in `[from, to)`: those whose time
/// `started + k * tick` lies in `[from - LINE_SPREAD, to)`.
fn tick_range(
    started: Timestamp,
    tick: SignedDuration,
    from: Timestamp,
    to: Timestamp,
) -> std::ops::Range<i64> {
    let tick_ms = tick.as_millis().max(1) as i64;
    let since = |t: Timestamp| t.duration_since(started).as_millis() as i64;
    let first = ((since(from) - LINE_SPREAD_MS).max(0) + tick_ms - 1) / tick_ms;
    let last = (since(to) + tick_ms - 1) / tick_ms;
    let first = first.max(1);
    first..last.clamp(first, first + MAX_TICKS)
}

/// v0.8.0's startup at the default verbosity: (ms after start, source, message).
fn startup(port: &str) -> Vec<(i64, &'static str, String)> {
    vec![
        (
            408,
            "serving.go:380",
            "Generated self-signed cert (/tmp/apiserver.crt, /tmp/apiserver.key)".into(),
        ),
        (
            1_003,
            "handler.go:288",
            "Adding GroupVersion metrics.k8s.io v1beta1 to ResourceManager".into(),
        ),
        (
            1_105,
            "requestheader_controller.go:180",
            "Starting RequestHeaderAuthRequestController".into(),
        ),
        (
            1_105,
            "shared_informer.go:350",
            "\"Waiting for caches to sync\" controller=\"RequestHeaderAuthRequestController\"".into(),
        ),
        (
            1_106,
            "configmap_cafile_content.go:205",
            "\"Starting controller\" name=\"client-ca::kube-system::extension-apiserver-authentication::client-ca-file\"".into(),
        ),
        (
            1_106,
            "dynamic_serving_content.go:135",
            "\"Starting controller\" name=\"serving-cert::/tmp/apiserver.crt::/tmp/apiserver.key\"".into(),
        ),
        (
            1_107,
            "secure_serving.go:211",
            format!("Serving securely on [::]:{port}"),
        ),
        (
            1_107,
            "tlsconfig.go:243",
            "\"Starting DynamicServingCertificateController\"".into(),
        ),
        (
            1_206,
            "shared_informer.go:357",
            "\"Caches are synced\" controller=\"RequestHeaderAuthRequestController\"".into(),
        ),
    ]
}

fn shutdown(port: &str) -> Vec<(i64, &'static str, String)> {
    vec![
        (
            2,
            "requestheader_controller.go:186",
            "Shutting down RequestHeaderAuthRequestController".into(),
        ),
        (
            3,
            "secure_serving.go:256",
            format!("Stopped listening on [::]:{port}"),
        ),
        (
            3,
            "tlsconfig.go:258",
            "\"Shutting down DynamicServingCertificateController\"".into(),
        ),
    ]
}

/// A klog header line: `E1110 10:30:00.412235       1 scraper.go:149] message` (UTC, as in a
/// container).
pub(crate) fn klog(severity: char, at: Timestamp, source: &str, message: &str) -> String {
    let t = TimeZone::UTC.to_datetime(at);
    format!(
        "{severity}{:02}{:02} {:02}:{:02}:{:02}.{:06} {:>7} {source}] {message}",
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.subsec_nanosecond() / 1000,
        1
    )
}

/// The prefix `kubectl logs --timestamps` shows: the kubelet's RFC 3339 with nine fraction digits.
pub(crate) fn kubelet_timestamp(at: Timestamp) -> String {
    let t = TimeZone::UTC.to_datetime(at);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.subsec_nanosecond()
    )
}

/// Quote a value the way klog's structured logging does inside `key="…"`.
fn go_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::classify;

    fn t(s: &str) -> Timestamp {
        s.parse().expect("valid timestamp")
    }

    #[test]
    fn klog_and_kubelet_timestamps_look_like_the_real_ones() {
        let at = t("2025-11-10T10:30:00.412235Z");
        assert_eq!(
            klog('E', at, "scraper.go:149", "boom"),
            "E1110 10:30:00.412235       1 scraper.go:149] boom"
        );
        assert_eq!(kubelet_timestamp(at), "2025-11-10T10:30:00.412235000Z");
    }

    fn failing(_: usize, _: Timestamp) -> Result<(), String> {
        Err("Get \"https://10.0.1.11:10250/metrics/resource\": tls: failed to verify certificate: x509: certificate signed by unknown authority".into())
    }

    fn healthy(_: usize, _: Timestamp) -> Result<(), String> {
        Ok(())
    }

    fn serving<'a>(
        nodes: &'a [String],
        scrape: &'a dyn Fn(usize, Timestamp) -> Result<(), String>,
    ) -> Instance<'a> {
        Instance {
            started: t("2025-11-10T10:29:45Z"),
            stopped: None,
            graceful_stop: false,
            run: Run::Serving {
                nodes,
                tick: SignedDuration::from_secs(1),
                secure_port: "10250".into(),
                scrape,
            },
        }
    }

    #[test]
    fn a_failing_scrape_logs_every_node_every_tick_in_a_form_the_classifier_knows() {
        let nodes = vec!["worker-1".to_string(), "worker-2".to_string()];
        let inst = serving(&nodes, &failing);
        let all = lines(&inst, inst.started, t("2025-11-10T10:29:48Z"));
        let scrapes: Vec<&LogLine> = all.iter().filter(|l| l.text.starts_with('E')).collect();
        // Ticks at +1s and +2s, two nodes each (the +3s tick is outside the range).
        assert_eq!(scrapes.len(), 4);
        assert!(scrapes[0].text.contains("node=\"worker-1\""));
        assert!(
            scrapes[0]
                .text
                .contains(r#"err="Get \"https://10.0.1.11:10250/metrics/resource\": tls: failed"#)
        );
        for l in &scrapes {
            let c = classify(&l.text);
            assert_eq!(c.rule.map(|r| r.number()), Some(15), "{}", l.text);
        }
        // Startup and shutdown lines are benign.
        for l in all.iter().filter(|l| l.text.starts_with('I')) {
            assert_eq!(classify(&l.text).rule, None, "{}", l.text);
        }
    }

    #[test]
    fn ranges_split_anywhere_give_the_same_lines() {
        let nodes = vec!["control-plane".to_string(), "worker-1".to_string()];
        let inst = serving(&nodes, &failing);
        let end = t("2025-11-10T10:30:10Z");
        let whole = lines(&inst, inst.started, end);
        let mid = t("2025-11-10T10:29:52.411Z");
        let mut parts = lines(&inst, inst.started, mid);
        parts.extend(lines(&inst, mid, end));
        assert_eq!(whole, parts);
        assert!(whole.iter().any(|l| l.text.contains("no metrics to serve")));
    }

    #[test]
    fn a_healthy_server_logs_only_its_startup_and_its_shutdown() {
        let nodes = vec!["worker-1".to_string()];
        let mut inst = serving(&nodes, &healthy);
        inst.stopped = Some(t("2025-11-10T10:31:00Z"));
        inst.graceful_stop = true;
        let all = lines(&inst, inst.started, t("2025-11-10T10:40:00Z"));
        assert_eq!(all.len(), 9 + 3);
        assert!(all.iter().all(|l| l.text.starts_with('I')));
        assert!(all.last().is_some_and(|l| l.text.contains("Shutting down")));
    }

    #[test]
    fn a_refused_flag_is_logged_as_the_startup_error() {
        let inst = Instance {
            started: t("2025-11-10T10:29:45Z"),
            stopped: Some(t("2025-11-10T10:29:46Z")),
            graceful_stop: false,
            run: Run::Crash {
                errors: vec!["unknown flag: --kubelet-insecure-tsl".into()],
            },
        };
        let all = lines(&inst, inst.started, t("2025-11-10T10:40:00Z"));
        assert_eq!(all[0].text, "Error: unknown flag: --kubelet-insecure-tsl");
        assert_eq!(classify(&all[0].text).rule.map(|r| r.number()), Some(12));
    }
}
