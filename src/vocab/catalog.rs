//! The rule catalog: one static entry per failure mode F01–F40 (knowledge/failure-modes.md §5).
//!
//! Every user-facing string of a rule lives here, in English and Korean side by side, so a
//! wording change is made in one place for both languages. The Korean follows the seed runbook's
//! vocabulary and keeps Kubernetes object and field names (APIService, ServiceAccount, HPA, x509)
//! in Latin script, as the runbook does.
//!
//! Runbook steps (the seed runbook's four stages):
//! - 1 logs: the pod's own state and what its log says (F10–F14, F27), plus configuration that
//!   decides what runs (F38–F40).
//! - 2 TLS: certificate and authentication problems on either leg (F07–F09, F15–F18, F23, F24).
//! - 3 connectivity: registration and reachability, apiserver → pod and pod → kubelet (F01–F06,
//!   F19–F22, F25, F26). The APIService chain sits here because it is the apiserver's
//!   connection to metrics-server.
//! - 4 restart & verify: the API answers but data is missing, and HPAs (F28–F37).
//!
//! Each entry also carries a [`CauseRank`]: when several findings are equally severe, the one
//! with the lowest rank is the root cause the UI and `check` lead with (the order of the chain
//! in failure-modes §4). A new rule picks the rank of the leg it is about.

use super::fix::FixId;
use super::lang::{Lang, Text};
use super::rule::{RuleId, Severity, Step};

/// Where on the chain APIService → endpoints → pod → logs → kubelet a failure sits. Lower is
/// closer to the root cause: an unavailable APIService or an unready pod is usually the symptom
/// of a kubelet-leg failure, so the kubelet leg explains the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CauseRank {
    /// metrics-server → kubelet: TLS, reachability, kubelet auth and answers.
    KubeletLeg,
    /// The pod cannot run, or runs the wrong flags.
    PodCannotRun,
    /// apiserver → metrics-server authentication and TLS.
    ApiserverLeg,
    /// Not Ready: usually because of one of the above.
    PodNotReady,
    /// Registration and endpoints: the symptom the user sees.
    Registration,
    /// Data, HPAs, permissions and management: consequences or side notes.
    Downstream,
}

/// One catalog entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: RuleId,
    pub rank: CauseRank,
    pub step: Step,
    /// The severity a finding of this rule has unless the rule has a reason to differ.
    pub severity: Severity,
    pub title: Text,
    /// What it means and why `kubectl top` fails, in plain words.
    pub explanation: Text,
    /// Every fix that can apply to this rule; a rule offers the subset that fits the evidence.
    pub fixes: &'static [FixId],
}

impl RuleInfo {
    pub fn title(&self, lang: Lang) -> &'static str {
        self.title.get(lang)
    }

    pub fn explanation(&self, lang: Lang) -> &'static str {
        self.explanation.get(lang)
    }
}

/// The entry for `id`.
pub fn info(id: RuleId) -> &'static RuleInfo {
    &CATALOG[usize::from(id.number()) - 1]
}

/// All entries, in ID order.
pub fn all() -> &'static [RuleInfo] {
    &CATALOG
}

use CauseRank::{ApiserverLeg, Downstream, KubeletLeg, PodCannotRun, PodNotReady, Registration};
use FixId::{
    ApproveKubeletCsrs, DropKubeletInsecureTls, DropLegacyPortFlags, KubeletInsecureTls,
    MetricResolution, PreferredAddressTypes, RolloutRestart,
};
use RuleId::*;
use Severity::{Error, Info, Warning};
use Step::{Connectivity, Logs, RestartVerify, Tls};

/// One entry: title and explanation as (English, Korean) pairs.
const fn rule(
    id: RuleId,
    rank: CauseRank,
    step: Step,
    severity: Severity,
    title: Text,
    explanation: Text,
    fixes: &'static [FixId],
) -> RuleInfo {
    RuleInfo {
        id,
        rank,
        step,
        severity,
        title,
        explanation,
        fixes,
    }
}

static CATALOG: [RuleInfo; RuleId::COUNT] = [
    // --- A. Registration and the apiserver → metrics-server leg --------------------------------
    rule(
        ApiServiceMissing,
        Registration,
        Connectivity,
        Error,
        Text::new(
            "The Metrics API is not registered (APIService missing)",
            "Metrics API가 등록되지 않음 (APIService 없음)",
        ),
        Text::new(
            "There is no APIService v1beta1.metrics.k8s.io, so the API server does not know the \
             metrics.k8s.io group at all. kubectl answers \"Metrics API not available\" and HPAs \
             cannot read CPU or memory. Either metrics-server was never installed or its \
             registration was deleted, for example by uninstalling another product that shared \
             it.",
            "APIService v1beta1.metrics.k8s.io가 없어 API 서버가 metrics.k8s.io 그룹 자체를 알지 \
             못합니다. kubectl은 \"Metrics API not available\"이라고 답하고, HPA는 CPU와 메모리 \
             사용량을 읽을 수 없습니다. metrics-server를 설치한 적이 없거나, 이 등록을 함께 쓰던 \
             다른 제품을 제거하면서 등록까지 지워진 경우입니다.",
        ),
        &[],
    ),
    rule(
        ApiServiceConflict,
        Registration,
        Connectivity,
        Warning,
        Text::new(
            "The Metrics API is served by something else, or installed twice",
            "Metrics API를 다른 백엔드가 제공하거나 두 번 설치됨",
        ),
        Text::new(
            "Only one backend can serve metrics.k8s.io. Here the APIService points at a Service \
             that is not this metrics-server, or more than one metrics-server install exists. \
             Whoever applied last owns the registration, and removing either install can break \
             the API for every HPA in the cluster.",
            "metrics.k8s.io는 백엔드 하나만 제공할 수 있습니다. 그런데 APIService가 이 \
             metrics-server가 아닌 Service를 가리키거나, metrics-server가 두 벌 이상 설치되어 \
             있습니다. 마지막에 적용한 쪽이 등록을 차지하므로, 어느 한쪽을 제거하면 클러스터의 \
             모든 HPA가 쓰는 API가 깨질 수 있습니다.",
        ),
        &[],
    ),
    rule(
        ServiceMissing,
        Registration,
        Connectivity,
        Error,
        Text::new(
            "The APIService points at a Service that does not exist",
            "APIService가 존재하지 않는 Service를 가리킴",
        ),
        Text::new(
            "The API server forwards metrics requests to the Service named in the APIService, and \
             that Service is gone. Every kubectl top call therefore ends in ServiceUnavailable. \
             This usually follows a renamed Helm release or a partial uninstall.",
            "API 서버는 메트릭 요청을 APIService에 적힌 Service로 전달하는데, 그 Service가 \
             없습니다. 그래서 kubectl top은 매번 ServiceUnavailable로 끝납니다. 보통 Helm 릴리스 \
             이름을 바꿨거나 일부만 제거했을 때 생깁니다.",
        ),
        &[],
    ),
    rule(
        ServicePortMismatch,
        Registration,
        Connectivity,
        Error,
        Text::new(
            "The APIService port does not match the Service",
            "APIService 포트가 Service와 맞지 않음",
        ),
        Text::new(
            "The APIService asks for a Service port that the Service does not expose, so the API \
             server has nowhere to send metrics requests and answers 503. The two objects were \
             probably edited separately; their ports must be the same.",
            "APIService가 요구하는 포트를 Service가 열어 두지 않아, API 서버는 메트릭 요청을 보낼 \
             곳이 없어 503으로 답합니다. 두 객체를 따로 수정했을 가능성이 큽니다. 두 포트는 \
             같아야 합니다.",
        ),
        &[],
    ),
    rule(
        NoEndpoints,
        Registration,
        Connectivity,
        Error,
        Text::new(
            "The metrics-server Service has no usable endpoints",
            "metrics-server Service에 쓸 수 있는 엔드포인트가 없음",
        ),
        Text::new(
            "The API server found the Service but no ready pod address behind it, so it answers \
             503 without even trying metrics-server. Here the pods are not the reason: the \
             Deployment is scaled to zero, the Service selector matches no pod, or the port names \
             disagree.",
            "API 서버가 Service는 찾았지만 그 뒤에 Ready 상태인 파드 주소가 없어, \
             metrics-server에 요청해 보지도 않고 503으로 답합니다. 여기서는 파드의 준비 상태가 \
             원인이 아닙니다. Deployment의 레플리카가 0이거나, Service selector와 맞는 파드가 \
             없거나, 포트 이름이 서로 다릅니다.",
        ),
        &[],
    ),
    rule(
        ApiserverCannotReachPod,
        Registration,
        Connectivity,
        Error,
        Text::new(
            "The API server cannot reach the metrics-server pod",
            "API 서버가 metrics-server 파드에 연결할 수 없음",
        ),
        Text::new(
            "The APIService discovery check timed out or was refused: the control plane cannot \
             open a connection to the metrics-server pod. The pod itself may be perfectly \
             healthy. Typical causes are firewalls or security groups on the pod port, an overlay \
             network the control plane is not part of, a NetworkPolicy, or a broken konnectivity \
             tunnel.",
            "APIService의 discovery 점검이 시간 초과되었거나 연결이 거부되었습니다. 컨트롤 \
             플레인이 metrics-server 파드로 연결을 열지 못하는 것입니다. 파드 자체는 완전히 \
             정상일 수 있습니다. 흔한 원인은 파드 포트를 막는 방화벽이나 보안 그룹, 컨트롤 \
             플레인이 속하지 않은 오버레이 네트워크, NetworkPolicy, 끊어진 konnectivity \
             터널입니다.",
        ),
        &[],
    ),
    // --- TLS and authentication on the apiserver → metrics-server leg ---------------------------
    rule(
        ApiserverRequestsRejected,
        ApiserverLeg,
        Tls,
        Error,
        Text::new(
            "metrics-server rejects the API server's requests (401/403)",
            "metrics-server가 API 서버의 요청을 거부함 (401/403)",
        ),
        Text::new(
            "metrics-server answered the API server's discovery check with 401 or 403, so the \
             aggregation layer marks the Metrics API unavailable. metrics-server could not verify \
             the API server's front-proxy client certificate, or it lacks the RBAC bindings it \
             needs to delegate authentication and authorization.",
            "metrics-server가 API 서버의 discovery 점검에 401 또는 403으로 답해, 애그리게이션 \
             레이어가 Metrics API를 사용할 수 없다고 표시합니다. metrics-server가 API 서버의 \
             front-proxy 클라이언트 인증서를 검증하지 못했거나, 인증·인가를 위임하는 데 필요한 \
             RBAC 바인딩이 없습니다.",
        ),
        &[RolloutRestart],
    ),
    rule(
        ServingCertUntrusted,
        ApiserverLeg,
        Tls,
        Error,
        Text::new(
            "The API server does not trust metrics-server's serving certificate",
            "API 서버가 metrics-server의 서빙 인증서를 신뢰하지 않음",
        ),
        Text::new(
            "The APIService sets a caBundle that does not validate the certificate metrics-server \
             presents, so the API server refuses the connection and metrics requests fail. Either \
             the CA bundle is stale or the certificate lacks the Service name. The upstream \
             manifests avoid this with insecureSkipTLSVerify: true.",
            "APIService에 설정된 caBundle로는 metrics-server가 제시하는 인증서를 검증할 수 없어, \
             API 서버가 연결을 거부하고 메트릭 요청이 실패합니다. CA 번들이 오래되었거나 인증서에 \
             Service 이름이 들어 있지 않습니다. 업스트림 매니페스트는 insecureSkipTLSVerify: \
             true로 이 문제를 피합니다.",
        ),
        &[],
    ),
    rule(
        AggregationNotConfigured,
        ApiserverLeg,
        Tls,
        Error,
        Text::new(
            "The aggregation layer is not configured on kube-apiserver",
            "kube-apiserver에 애그리게이션 레이어가 구성되지 않음",
        ),
        Text::new(
            "kube-apiserver does not publish a request-header CA, so metrics-server cannot tell \
             that a request really comes from the API server and treats it as anonymous. The \
             discovery check fails with 401/403. This needs kube-apiserver flags; nothing inside \
             the cluster fixes it.",
            "kube-apiserver가 request-header CA를 공개하지 않아, metrics-server는 요청이 정말 API \
             서버에서 왔는지 알 수 없어 익명 요청으로 취급합니다. 그래서 discovery 점검이 \
             401/403으로 실패합니다. kube-apiserver 인자를 바꿔야 하며, 클러스터 안에서는 고칠 \
             방법이 없습니다.",
        ),
        &[],
    ),
    // --- B. The metrics-server pod itself ------------------------------------------------------
    rule(
        PodNotScheduled,
        PodCannotRun,
        Logs,
        Error,
        Text::new(
            "The metrics-server pod cannot be scheduled or created",
            "metrics-server 파드를 스케줄링하거나 생성할 수 없음",
        ),
        Text::new(
            "No metrics-server pod is running because the scheduler found no fitting node, or \
             admission (a quota or Pod Security) refused to create it. Without a running pod the \
             Service has no endpoints and the Metrics API stays unavailable.",
            "스케줄러가 알맞은 노드를 찾지 못했거나 어드미션(쿼터 또는 Pod Security)이 생성을 \
             거부해, 실행 중인 metrics-server 파드가 없습니다. 실행 중인 파드가 없으면 Service에 \
             엔드포인트가 없고, Metrics API는 계속 사용할 수 없습니다.",
        ),
        &[],
    ),
    rule(
        ImagePull,
        PodCannotRun,
        Logs,
        Error,
        Text::new(
            "The metrics-server image cannot be pulled",
            "metrics-server 이미지를 가져올 수 없음",
        ),
        Text::new(
            "The node cannot download the metrics-server image: the registry is unreachable, the \
             image path is outdated, or pull credentials are missing. The container never starts, \
             so the Metrics API has no backend.",
            "노드가 metrics-server 이미지를 내려받지 못합니다. 레지스트리에 접근할 수 없거나, \
             이미지 경로가 오래되었거나, 이미지 풀 자격 증명이 없습니다. 컨테이너가 시작되지 \
             않으므로 Metrics API를 처리할 백엔드가 없습니다.",
        ),
        &[],
    ),
    rule(
        StartupExit,
        PodCannotRun,
        Logs,
        Error,
        Text::new(
            "metrics-server exits at startup",
            "metrics-server가 시작하자마자 종료됨",
        ),
        Text::new(
            "The container starts and exits again (CrashLoopBackOff) because metrics-server \
             rejects its flags or cannot set itself up: an unknown or invalid flag, a metric \
             resolution that is too short, a port it may not bind, or missing permissions. It \
             never serves, so the Metrics API stays down.",
            "metrics-server가 인자를 거부하거나 초기화에 실패해 컨테이너가 시작과 종료를 \
             반복합니다(CrashLoopBackOff). 알 수 없거나 잘못된 인자, 너무 짧은 메트릭 해상도, \
             바인드할 수 없는 포트, 권한 부족이 흔한 원인입니다. 요청을 한 번도 처리하지 못하므로 \
             Metrics API는 계속 내려가 있습니다.",
        ),
        &[
            MetricResolution,
            DropLegacyPortFlags,
            DropKubeletInsecureTls,
        ],
    ),
    rule(
        Killed,
        PodCannotRun,
        Logs,
        Error,
        Text::new(
            "metrics-server is killed (out of memory or failed liveness)",
            "metrics-server가 강제 종료됨 (메모리 부족 또는 liveness 실패)",
        ),
        Text::new(
            "The container was killed: by the kernel for using more memory than its limit, or by \
             the kubelet after liveness checks failed because scraping took too long. Each \
             restart empties its metric store, so the API keeps dropping out. Give it more memory \
             or CPU for the cluster's size.",
            "컨테이너가 강제로 종료되었습니다. 메모리 한도를 넘어 커널이 종료했거나, 수집이 너무 \
             오래 걸려 liveness 검사가 실패하자 kubelet이 종료했습니다. 재시작할 때마다 메트릭 \
             저장소가 비워지므로 API가 계속 끊깁니다. 클러스터 규모에 맞게 메모리나 CPU를 늘려 \
             주세요.",
        ),
        &[],
    ),
    rule(
        NotReady,
        PodNotReady,
        Logs,
        Error,
        Text::new(
            "metrics-server runs but is not Ready",
            "metrics-server가 실행 중이지만 Ready가 아님",
        ),
        Text::new(
            "The pod is running, but its readiness check fails because it holds no metrics to \
             serve. A pod that is not Ready is removed from the Service endpoints, and the API \
             server then answers every metrics request with 503 ServiceUnavailable. The cause is \
             almost always in the log: it cannot scrape the kubelets.",
            "파드는 실행 중이지만 제공할 메트릭이 없어 readiness 검사가 실패합니다. Ready가 아닌 \
             파드는 Service 엔드포인트에서 빠지고, 그러면 API 서버는 모든 메트릭 요청에 503 \
             ServiceUnavailable로 답합니다. 원인은 거의 언제나 로그에 있습니다. kubelet에서 \
             메트릭을 수집하지 못하고 있습니다.",
        ),
        &[],
    ),
    // --- C. The metrics-server → kubelet leg: TLS ------------------------------------------------
    rule(
        KubeletCertUnknownAuthority,
        KubeletLeg,
        Tls,
        Error,
        Text::new(
            "Kubelet certificates are not trusted (signed by unknown authority)",
            "kubelet 인증서를 신뢰할 수 없음 (알 수 없는 CA가 서명)",
        ),
        Text::new(
            "metrics-server checks each kubelet's serving certificate against the cluster CA, and \
             these certificates are self-signed or signed by another CA. The TLS handshake fails, \
             no node can be scraped, and metrics-server never becomes Ready. The proper fix is \
             CA-signed kubelet serving certificates; skipping verification works but trusts \
             anyone on port 10250.",
            "metrics-server는 각 kubelet의 서빙 인증서를 클러스터 CA로 검증하는데, 이 인증서들은 \
             자체 서명되었거나 다른 CA가 서명했습니다. TLS 핸드셰이크가 실패해 어느 노드에서도 \
             메트릭을 수집하지 못하고, metrics-server는 Ready가 되지 않습니다. 근본적인 해결책은 \
             CA가 서명한 kubelet 서빙 인증서입니다. 검증을 건너뛰면 당장은 동작하지만 10250 \
             포트에서 응답하는 누구든 믿게 되어 중간자 공격(MITM)에 취약해집니다.",
        ),
        &[ApproveKubeletCsrs, KubeletInsecureTls],
    ),
    rule(
        KubeletCertWrongName,
        KubeletLeg,
        Tls,
        Error,
        Text::new(
            "Kubelet certificates do not cover the address metrics-server dials",
            "kubelet 인증서에 metrics-server가 접속하는 주소가 없음",
        ),
        Text::new(
            "metrics-server connects to an address (usually the node's InternalIP) that is not \
             listed in the kubelet's certificate, which often names only the hostname. \
             Verification fails before anything is read, so those nodes have no metrics.",
            "metrics-server가 접속하는 주소(보통 노드의 InternalIP)가 kubelet 인증서에 들어 있지 \
             않습니다. 이런 인증서에는 호스트 이름만 들어 있는 경우가 많습니다. 아무것도 읽기 \
             전에 검증이 실패하므로 해당 노드의 메트릭이 없습니다.",
        ),
        &[ApproveKubeletCsrs, KubeletInsecureTls],
    ),
    rule(
        KubeletCertExpired,
        KubeletLeg,
        Tls,
        Error,
        Text::new(
            "Kubelet certificates have expired or are not yet valid",
            "kubelet 인증서가 만료되었거나 아직 유효하지 않음",
        ),
        Text::new(
            "A kubelet's serving certificate is outside its validity period: it expired because \
             its renewal was never approved, or a clock is wrong. metrics-server refuses it, so \
             that node has no metrics.",
            "kubelet의 서빙 인증서가 유효 기간을 벗어났습니다. 갱신 요청이 승인되지 않아 \
             만료되었거나, 시계가 틀려 있습니다. metrics-server가 이 인증서를 거부하므로 해당 \
             노드의 메트릭이 없습니다.",
        ),
        &[ApproveKubeletCsrs, KubeletInsecureTls],
    ),
    rule(
        KubeletCsrPending,
        KubeletLeg,
        Tls,
        Error,
        Text::new(
            "Kubelets have no serving certificate yet (CSR not approved)",
            "kubelet에 아직 서빙 인증서가 없음 (CSR 미승인)",
        ),
        Text::new(
            "The kubelets are set to request CA-signed serving certificates, but their requests \
             are still pending. Until someone approves them the kubelet aborts every TLS \
             handshake with \"tls: internal error\", which breaks metrics scraping and also \
             kubectl logs and exec on those nodes.",
            "kubelet은 CA가 서명한 서빙 인증서를 요청하도록 설정되어 있지만, 그 요청이 아직 대기 \
             중입니다. 누군가 승인할 때까지 kubelet은 모든 TLS 핸드셰이크를 \"tls: internal \
             error\"로 중단합니다. 그래서 메트릭 수집은 물론 그 노드에서 kubectl logs와 exec도 \
             동작하지 않습니다.",
        ),
        &[ApproveKubeletCsrs],
    ),
    // --- C. The metrics-server → kubelet leg: connectivity ---------------------------------------
    rule(
        KubeletUnreachable,
        KubeletLeg,
        Connectivity,
        Error,
        Text::new(
            "metrics-server cannot connect to the kubelet",
            "metrics-server가 kubelet에 연결할 수 없음",
        ),
        Text::new(
            "Connections from the metrics-server pod to the kubelet port time out or are refused. \
             A firewall, security group or NetworkPolicy blocks the port, the address is not \
             routable from the pod network, or the node is down. Nodes that cannot be scraped \
             have no metrics.",
            "metrics-server 파드에서 kubelet 포트로 가는 연결이 시간 초과되거나 거부됩니다. \
             방화벽, 보안 그룹 또는 NetworkPolicy가 포트를 막고 있거나, 파드 네트워크에서 그 \
             주소로 라우팅되지 않거나, 노드가 내려가 있습니다. 수집할 수 없는 노드에는 메트릭이 \
             없습니다.",
        ),
        &[PreferredAddressTypes],
    ),
    rule(
        NodeNameUnresolved,
        KubeletLeg,
        Connectivity,
        Error,
        Text::new(
            "Node host names do not resolve",
            "노드 호스트 이름을 해석할 수 없음",
        ),
        Text::new(
            "metrics-server dials nodes by host name, and cluster DNS cannot resolve those names. \
             Dialling the InternalIP first avoids the lookup.",
            "metrics-server가 호스트 이름으로 노드에 접속하는데, 클러스터 DNS가 그 이름을 \
             해석하지 못합니다. InternalIP로 먼저 접속하게 하면 이름 조회를 거치지 않습니다.",
        ),
        &[PreferredAddressTypes],
    ),
    rule(
        NoMatchingAddressType,
        KubeletLeg,
        Connectivity,
        Error,
        Text::new(
            "No node address matches --kubelet-preferred-address-types",
            "--kubelet-preferred-address-types에 맞는 노드 주소가 없음",
        ),
        Text::new(
            "metrics-server only dials address types it is told to prefer, and these nodes \
             publish none of them (or have no addresses yet). It cannot even try to scrape them, \
             so they have no metrics.",
            "metrics-server는 우선하도록 지정된 주소 유형으로만 접속하는데, 이 노드들은 그중 어떤 \
             유형의 주소도 게시하지 않습니다(또는 아직 주소가 없습니다). 수집을 시도조차 할 수 \
             없으므로 이 노드들의 메트릭이 없습니다.",
        ),
        &[PreferredAddressTypes],
    ),
    rule(
        LegacyKubeletPort,
        KubeletLeg,
        Connectivity,
        Error,
        Text::new(
            "metrics-server uses the legacy kubelet port or plain HTTP",
            "metrics-server가 예전 kubelet 포트나 평문 HTTP를 사용함",
        ),
        Text::new(
            "metrics-server is configured for the kubelet's old read-only port 10255 or for plain \
             HTTP. That port is disabled on current clusters, and the secure port does not speak \
             plain HTTP, so every scrape fails. Current metrics-server talks HTTPS to port 10250.",
            "metrics-server가 kubelet의 예전 read-only 포트 10255나 평문 HTTP를 쓰도록 설정되어 \
             있습니다. 최신 클러스터에서는 이 포트가 꺼져 있고 보안 포트는 평문 HTTP를 받지 \
             않으므로, 모든 수집이 실패합니다. 현재 metrics-server는 10250 포트에 HTTPS로 \
             접속합니다.",
        ),
        &[DropLegacyPortFlags],
    ),
    rule(
        KubeletUnauthorized,
        KubeletLeg,
        Tls,
        Error,
        Text::new(
            "Kubelets reject metrics-server's token (401 Unauthorized)",
            "kubelet이 metrics-server의 토큰을 거부함 (401 Unauthorized)",
        ),
        Text::new(
            "The kubelets do not validate metrics-server's ServiceAccount token: webhook \
             authentication is off on the kubelet while anonymous access is also off. Scrapes are \
             refused. This is kubelet configuration and needs a change on the nodes.",
            "kubelet이 metrics-server의 ServiceAccount 토큰을 검증하지 않습니다. kubelet에서 \
             webhook 인증이 꺼져 있는데 익명 접근도 꺼져 있기 때문입니다. 그래서 수집 요청이 \
             거부됩니다. kubelet 설정 문제이므로 노드에서 바꿔야 합니다.",
        ),
        &[],
    ),
    rule(
        KubeletForbidden,
        KubeletLeg,
        Tls,
        Error,
        Text::new(
            "Kubelets refuse metrics-server (403 Forbidden: RBAC)",
            "kubelet이 metrics-server를 거부함 (403 Forbidden: RBAC)",
        ),
        Text::new(
            "The kubelet checked metrics-server's identity and refused it: its ServiceAccount \
             lacks get on nodes/metrics (v0.6+) or nodes/stats (v0.5 and older). This happens \
             when the image was upgraded without the matching ClusterRole, or the binding names \
             another account.",
            "kubelet이 metrics-server의 신원을 확인한 뒤 거부했습니다. ServiceAccount에 \
             nodes/metrics(v0.6 이상) 또는 nodes/stats(v0.5 이하)에 대한 get 권한이 없습니다. \
             이미지만 올리고 그에 맞는 ClusterRole은 올리지 않았거나, 바인딩이 다른 계정을 가리킬 \
             때 생깁니다.",
        ),
        &[],
    ),
    rule(
        KubeletNoMetricsEndpoint,
        KubeletLeg,
        Connectivity,
        Error,
        Text::new(
            "The kubelet has no resource metrics endpoint (404)",
            "kubelet에 리소스 메트릭 엔드포인트가 없음 (404)",
        ),
        Text::new(
            "The kubelet answered 404 for the path metrics-server scrapes. It is older than 1.18, \
             is a virtual kubelet, or the node carries a wrong resource-metrics-path annotation. \
             Such nodes can never be scraped by this metrics-server.",
            "metrics-server가 수집하는 경로에 kubelet이 404로 답했습니다. kubelet이 1.18보다 \
             오래되었거나, virtual kubelet이거나, 노드에 잘못된 resource-metrics-path \
             어노테이션이 붙어 있습니다. 이런 노드는 이 metrics-server로는 수집할 수 없습니다.",
        ),
        &[],
    ),
    rule(
        KubeletBadAnswer,
        KubeletLeg,
        Connectivity,
        Warning,
        Text::new(
            "The kubelet returns errors or unreadable metrics",
            "kubelet이 오류나 읽을 수 없는 메트릭을 반환함",
        ),
        Text::new(
            "The kubelet answered with a server error or data metrics-server cannot parse, \
             usually because the container runtime failed to produce stats. The node has no \
             metrics until the kubelet or runtime recovers.",
            "kubelet이 서버 오류나 metrics-server가 해석할 수 없는 데이터로 답했습니다. 대개 \
             컨테이너 런타임이 통계를 만들지 못했기 때문입니다. kubelet이나 런타임이 회복될 \
             때까지 이 노드의 메트릭은 없습니다.",
        ),
        &[],
    ),
    rule(
        ApiReadFailed,
        KubeletLeg,
        Logs,
        Error,
        Text::new(
            "metrics-server cannot read nodes or pods from the API server",
            "metrics-server가 API 서버에서 노드나 파드를 읽을 수 없음",
        ),
        Text::new(
            "metrics-server lists nodes and pods to know what to scrape, and that fails: its \
             ServiceAccount lacks list/watch on nodes or pods, or the pod cannot reach the API \
             server. Its caches never sync, so it never becomes Ready.",
            "metrics-server는 무엇을 수집할지 알기 위해 노드와 파드 목록을 조회하는데, 이 조회가 \
             실패합니다. ServiceAccount에 노드나 파드에 대한 list/watch 권한이 없거나, 파드가 API \
             서버에 연결할 수 없습니다. 캐시가 동기화되지 않으므로 Ready가 되지 않습니다.",
        ),
        &[],
    ),
    // --- D. The API works but data is missing ---------------------------------------------------
    rule(
        NodesWithoutMetrics,
        Downstream,
        RestartVerify,
        Warning,
        Text::new(
            "Some nodes have no metrics, without scrape errors",
            "수집 오류 없이 일부 노드의 메트릭이 없음",
        ),
        Text::new(
            "The Metrics API answers, but some nodes are missing from it and the log shows no \
             scrape failure for them. metrics-server drops a node whose kubelet reports zero or \
             missing CPU, memory or timestamps, so the cause is the kubelet, runtime or OS on \
             that node, not metrics-server. kubectl top shows <unknown> for these nodes.",
            "Metrics API는 응답하지만 일부 노드가 빠져 있고, 로그에는 그 노드들의 수집 실패가 \
             없습니다. metrics-server는 kubelet이 CPU, 메모리 또는 타임스탬프를 0이나 빈 값으로 \
             보고한 노드를 버리므로, 원인은 metrics-server가 아니라 그 노드의 kubelet, 런타임 \
             또는 OS에 있습니다. kubectl top은 이 노드들을 <unknown>으로 표시합니다.",
        ),
        &[],
    ),
    rule(
        PodsWithoutMetrics,
        Downstream,
        RestartVerify,
        Warning,
        Text::new(
            "Pods have no metrics (container runtime stats missing)",
            "파드 메트릭이 없음 (컨테이너 런타임 통계 없음)",
        ),
        Text::new(
            "Node metrics are present but pod metrics are not, because the kubelet reports no \
             usable container statistics. This is a runtime, cgroup or kubelet problem on the \
             node. From v0.9 metrics-server also stays unready when no pod metrics arrive.",
            "노드 메트릭은 있지만 파드 메트릭이 없습니다. kubelet이 쓸 수 있는 컨테이너 통계를 \
             보고하지 않기 때문입니다. 노드의 런타임, cgroup 또는 kubelet 문제입니다. v0.9부터는 \
             파드 메트릭이 들어오지 않으면 metrics-server도 Ready가 되지 않습니다.",
        ),
        &[],
    ),
    rule(
        NodesSkipped,
        Downstream,
        RestartVerify,
        Info,
        Text::new(
            "Some nodes are skipped on purpose or because they are down",
            "일부 노드는 제외 설정이나 장애로 수집하지 않음",
        ),
        Text::new(
            "Some nodes are not scraped: they are NotReady (v0.9 logs those failures only at high \
             verbosity) or excluded by --node-selector. Their rows show <unknown>. This is \
             expected; bring the node back or accept the gap.",
            "일부 노드를 수집하지 않습니다. NotReady 상태이거나(v0.9는 이 실패를 높은 로그 \
             상세도에서만 기록합니다) --node-selector로 제외되었습니다. 이 노드들의 행은 \
             <unknown>으로 표시됩니다. 예상된 동작이니 노드를 복구하거나 이 공백을 감수하세요.",
        ),
        &[],
    ),
    rule(
        ClockSkew,
        Downstream,
        RestartVerify,
        Warning,
        Text::new("Clock skew or counter resets", "시계 차이 또는 카운터 리셋"),
        Text::new(
            "metrics-server dropped points because a node's clock or counters went backwards, or \
             a certificate looked not yet valid. Node clocks are probably out of sync. Metrics \
             from those nodes come and go until time is synchronised.",
            "노드의 시계나 카운터가 거꾸로 가거나 인증서가 아직 유효하지 않은 것처럼 보여, \
             metrics-server가 측정값을 버렸습니다. 노드 시계가 동기화되지 않았을 가능성이 큽니다. \
             시간이 동기화될 때까지 이 노드들의 메트릭은 나타났다 사라지기를 반복합니다.",
        ),
        &[],
    ),
    rule(
        WarmingUp,
        Downstream,
        RestartVerify,
        Info,
        Text::new(
            "metrics-server is still warming up",
            "metrics-server가 아직 워밍업 중",
        ),
        Text::new(
            "metrics-server started recently. It needs two scrapes before it can compute CPU \
             usage and report Ready, so metrics are missing for the first minute or so (more if \
             --metric-resolution is long). Wait and check again.",
            "metrics-server가 방금 시작되었습니다. CPU 사용량을 계산하고 Ready를 보고하려면 두 번 \
             수집해야 하므로, 처음 1분 정도는(--metric-resolution이 길면 더 오래) 메트릭이 \
             없습니다. 잠시 기다린 뒤 다시 확인하세요.",
        ),
        &[],
    ),
    // --- E. HPA-side failures ------------------------------------------------------------------
    rule(
        HpaCannotRead,
        Downstream,
        RestartVerify,
        Error,
        Text::new(
            "HPAs cannot read the Metrics API",
            "HPA가 Metrics API를 읽지 못함",
        ),
        Text::new(
            "The autoscaler asked the Metrics API for pod usage and got an error, so it cannot \
             compute a replica count and stops scaling. The message names the API failure; fixing \
             the Metrics API fixes the HPAs.",
            "오토스케일러가 Metrics API에 파드 사용량을 요청했다가 오류를 받아, 레플리카 수를 \
             계산하지 못하고 스케일링을 멈췄습니다. 메시지에 API 실패 내용이 나옵니다. Metrics \
             API를 고치면 HPA도 다시 동작합니다.",
        ),
        &[],
    ),
    rule(
        HpaTargetNoRequests,
        Downstream,
        RestartVerify,
        Error,
        Text::new(
            "HPA targets lack resource requests",
            "HPA 대상에 리소스 request가 없음",
        ),
        Text::new(
            "A utilization target is a percentage of the container's request, and some pods the \
             HPA selects have a container without a request for that resource (often an injected \
             sidecar). The HPA cannot compute utilization and stops scaling even though metrics \
             exist.",
            "사용률 목표는 컨테이너 request 대비 백분율인데, HPA가 선택한 파드 중 일부에 해당 \
             리소스의 request가 없는 컨테이너(주입된 사이드카인 경우가 많습니다)가 있습니다. \
             그래서 메트릭이 있어도 HPA는 사용률을 계산하지 못하고 스케일링을 멈춥니다.",
        ),
        &[],
    ),
    rule(
        HpaPodsWithoutMetrics,
        Downstream,
        RestartVerify,
        Warning,
        Text::new(
            "The Metrics API returns no metrics for an HPA's pods",
            "Metrics API가 HPA 대상 파드의 메트릭을 반환하지 않음",
        ),
        Text::new(
            "The Metrics API works, but it has nothing for the pods this HPA targets: they are \
             too new, unready, on nodes that are not scraped, or their runtime reports no stats. \
             The HPA holds its current replica count.",
            "Metrics API는 동작하지만 이 HPA가 대상으로 하는 파드의 메트릭이 없습니다. 파드가 막 \
             생성되었거나, Ready가 아니거나, 수집되지 않는 노드에 있거나, 런타임이 통계를 \
             보고하지 않습니다. HPA는 현재 레플리카 수를 유지합니다.",
        ),
        &[],
    ),
    rule(
        HpaContainerWithoutMetrics,
        Downstream,
        RestartVerify,
        Warning,
        Text::new(
            "HPA container metric names a container without metrics",
            "HPA 컨테이너 메트릭이 메트릭 없는 컨테이너를 가리킴",
        ),
        Text::new(
            "The HPA uses a per-container metric for a container name that is not in the pod \
             metrics. Either the name in the HPA is wrong, or that container reports no usage, in \
             which case metrics-server drops the whole pod.",
            "HPA가 컨테이너별 메트릭을 쓰는데, 지정한 컨테이너 이름이 파드 메트릭에 없습니다. \
             HPA의 이름이 틀렸거나 그 컨테이너가 사용량을 보고하지 않는 것이며, 후자라면 \
             metrics-server는 파드 전체를 버립니다.",
        ),
        &[],
    ),
    rule(
        HpaControllerForbidden,
        Downstream,
        RestartVerify,
        Error,
        Text::new(
            "The HPA controller may not read the Metrics API",
            "HPA 컨트롤러에 Metrics API 읽기 권한이 없음",
        ),
        Text::new(
            "The horizontal-pod-autoscaler controller identity is forbidden from listing \
             pods.metrics.k8s.io, usually because its bootstrap ClusterRole was modified. Every \
             HPA is affected.",
            "horizontal-pod-autoscaler 컨트롤러 계정이 pods.metrics.k8s.io를 list할 수 없습니다. \
             보통 기본(bootstrap) ClusterRole이 수정되었기 때문입니다. 모든 HPA가 영향을 \
             받습니다.",
        ),
        &[],
    ),
    // --- F. Installation and configuration pitfalls ---------------------------------------------
    rule(
        MisleadingFlag,
        PodCannotRun,
        Logs,
        Warning,
        Text::new(
            "A flag does not do what it seems to",
            "인자가 보이는 대로 동작하지 않음",
        ),
        Text::new(
            "metrics-server parses its flags like any Go program using pflag: a list flag given \
             twice appends instead of replacing, the last scalar wins, and --flag=false turns a \
             switch off while it stays visible. The setting you read in the manifest is not the \
             one that runs.",
            "metrics-server는 다른 Go 프로그램처럼 pflag로 인자를 해석합니다. 목록 인자를 두 번 \
             주면 바뀌지 않고 덧붙여지며, 단일 값 인자는 마지막 값이 이기고, --flag=false는 \
             인자가 그대로 보이는데도 스위치를 끕니다. 매니페스트에서 읽은 설정이 실제로 실행되는 \
             설정이 아닙니다.",
        ),
        &[PreferredAddressTypes, MetricResolution],
    ),
    rule(
        PermissionMissing,
        Downstream,
        Logs,
        Warning,
        Text::new(
            "A permission is missing (RBAC or namespace layout)",
            "권한이 없음 (RBAC 또는 네임스페이스 구성)",
        ),
        Text::new(
            "Something needed permission it does not have: metrics-server's own bindings do not \
             match where it is installed, or mstui may not read data a check needs. Until the \
             permission is granted, that part cannot work or cannot be checked.",
            "필요한 권한이 없습니다. metrics-server의 바인딩이 설치된 위치와 맞지 않거나, 점검에 \
             필요한 데이터를 mstui가 읽을 수 없습니다. 권한을 받을 때까지 그 부분은 동작하지 \
             않거나 점검할 수 없습니다.",
        ),
        &[],
    ),
    rule(
        ManagedAddon,
        Downstream,
        Logs,
        Warning,
        Text::new(
            "metrics-server is managed: edits may be reverted",
            "관리형 metrics-server: 수정이 되돌려질 수 있음",
        ),
        Text::new(
            "This metrics-server is owned by an add-on manager, a cloud provider or a \
             distribution, which reconciles the Deployment. A patch made here can disappear \
             minutes later or at the next upgrade. Prefer the provider's own setting, or confirm \
             afterwards that the change stayed.",
            "이 metrics-server는 애드온 매니저, 클라우드 제공업체 또는 배포판이 관리하며, \
             Deployment를 계속 원래대로 되돌립니다(reconcile). 여기서 한 패치는 몇 분 뒤나 다음 \
             업그레이드 때 사라질 수 있습니다. 제공업체가 제공하는 설정을 쓰거나, 적용한 뒤 \
             변경이 유지되는지 확인하세요.",
        ),
        &[],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_has_its_own_entry_in_order() {
        for (i, rule) in all().iter().enumerate() {
            assert_eq!(usize::from(rule.id.number()), i + 1);
            assert_eq!(info(rule.id).id, rule.id);
            assert!(!rule.title.en.is_empty());
            let sentences = rule.explanation.en.matches(". ").count() + 1;
            assert!(
                (2..=4).contains(&sentences),
                "{}: {sentences} sentences",
                rule.id
            );
        }
    }

    #[test]
    fn the_kubelet_leg_ranks_before_its_symptoms() {
        assert!(info(KubeletCertUnknownAuthority).rank < info(NotReady).rank);
        assert!(info(NotReady).rank < info(NoEndpoints).rank);
        assert!(info(StartupExit).rank < info(ApiserverRequestsRejected).rank);
    }

    #[test]
    fn steps_follow_the_runbook() {
        let step = |n: usize| all()[n - 1].step;
        for n in 15..=18 {
            assert_eq!(step(n), Step::Tls);
        }
        for n in [6, 19, 20, 21, 22] {
            assert_eq!(step(n), Step::Connectivity);
        }
        for n in 28..=37 {
            assert_eq!(step(n), Step::RestartVerify);
        }
    }

    fn is_hangul(c: char) -> bool {
        ('\u{AC00}'..='\u{D7A3}').contains(&c)
    }

    #[test]
    fn every_rule_speaks_both_languages() {
        for rule in all() {
            let id = rule.id;
            for (en, ko) in [
                (rule.title(Lang::En), rule.title(Lang::Ko)),
                (rule.explanation(Lang::En), rule.explanation(Lang::Ko)),
            ] {
                assert!(
                    !en.trim().is_empty() && !ko.trim().is_empty(),
                    "{id}: empty text"
                );
                assert_ne!(en, ko, "{id}: Korean is a copy of the English");
                assert!(ko.chars().any(is_hangul), "{id}: no Hangul in {ko:?}");
                assert!(!ko.contains("  "), "{id}: double space in {ko:?}");
            }
            assert!(
                rule.explanation.ko.ends_with('.'),
                "{id}: unfinished sentence"
            );
            assert!(
                !rule.title.ko.ends_with('.'),
                "{id}: a title is not a sentence"
            );
        }
    }

    /// Flags, ports and API names are what the user types or greps for: the Korean must keep
    /// every one the English mentions, spelled the same.
    #[test]
    fn korean_keeps_the_literal_identifiers() {
        let literal = |w: &&str| {
            w.starts_with("--")
                || w.contains(".k8s.io")
                || w.chars().all(|c| c.is_ascii_digit()) && w.len() >= 3
        };
        for rule in all() {
            for (en, ko) in [
                (rule.title.en, rule.title.ko),
                (rule.explanation.en, rule.explanation.ko),
            ] {
                let words = en.split(|c: char| c.is_whitespace() || ",()\"".contains(c));
                for word in words
                    .map(|w| w.trim_end_matches(['.', ':']))
                    .filter(literal)
                {
                    assert!(ko.contains(word), "{}: {word} missing from {ko:?}", rule.id);
                }
            }
        }
    }

    #[test]
    fn korean_uses_the_runbook_terms() {
        let f15 = info(KubeletCertUnknownAuthority).explanation(Lang::Ko);
        assert!(f15.contains("근본적인 해결책") && f15.contains("중간자 공격(MITM)"));
        assert!(
            info(KubeletCertUnknownAuthority)
                .title(Lang::Ko)
                .starts_with("kubelet 인증서")
        );
    }
}
