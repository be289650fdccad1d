//! Every string the TUI draws, in English and Korean, side by side.

use crate::vocab::Text;

pub const SAVED: Text = Text::new("All log lines saved to", "로그 전체를 저장했습니다:");
pub const SAVED_FILTERED: Text = Text::new(
    "The filtered log lines (as shown) saved to",
    "필터된 로그(화면에 보이는 줄)를 저장했습니다:",
);
pub const NO_MATCH: Text = Text::new("No match", "일치하는 줄이 없습니다");
pub const NOTHING_TO_UNDO: Text = Text::new(
    "Nothing to undo: mstui has not changed anything yet",
    "되돌릴 변경이 없습니다: mstui가 아직 아무것도 바꾸지 않았습니다",
);
pub const STILL_LOADING: Text =
    Text::new("Still reading the cluster…", "클러스터를 읽는 중입니다…");
pub const READ_ONLY: Text = Text::new(
    "Read-only mode (--read-only): fixes are shown but never applied",
    "읽기 전용 모드(--read-only): 조치를 보여주기만 하고 적용하지 않습니다",
);
pub const NOT_PERMITTED: Text = Text::new(
    "Not permitted — you may not:",
    "권한 없음 — 다음 작업을 할 수 없습니다:",
);
pub const WOULD_NOT_START: Text = Text::new(
    "metrics-server would fail to start with these flags:",
    "이 인자로는 metrics-server가 시작하지 못합니다:",
);
pub const CONFLICT: Text = Text::new(
    "The Deployment changed since the plan was made; re-planning with the current version",
    "계획을 세운 뒤 Deployment가 바뀌었습니다. 현재 버전으로 다시 계획합니다",
);
pub const UNDO_OFFER: Text = Text::new(
    "press u to undo the change",
    "u를 눌러 변경을 되돌릴 수 있습니다",
);
pub const WAIT: Text = Text::new("Please wait…", "잠시 기다려 주세요…");
pub const NEEDS_DRY_RUN: Text = Text::new(
    "Confirm is enabled once the server-side dry-run has passed",
    "서버 측 dry-run이 통과해야 확인할 수 있습니다",
);
pub const APPLIED: Text = Text::new("Applied:", "적용됨:");
pub const APPLY_DISABLED_READ_ONLY: Text =
    Text::new("apply disabled: read-only", "적용할 수 없음: 읽기 전용");
pub const READ_ONLY_BADGE: Text = Text::new("read-only", "읽기 전용");
pub const MORE: Text = Text::new("more below", "아래에 더 있음");
pub const NO_PENDING_CSRS: Text = Text::new(
    "No pending kubelet-serving CSRs to approve",
    "승인할 대기 중인 kubelet-serving CSR이 없습니다",
);
pub const NO_INSTALL: Text = Text::new(
    "No metrics-server Deployment was found",
    "metrics-server Deployment를 찾지 못했습니다",
);

pub const HEALTHY: Text = Text::new(
    "healthy — node metrics are served",
    "정상 — 노드 메트릭이 제공되고 있습니다",
);
pub const LOADING: Text = Text::new("reading the cluster", "클러스터를 읽는 중");
pub const NO_FINDINGS: Text = Text::new(
    "No problems found in this step.",
    "이 단계에서 찾은 문제가 없습니다.",
);
pub const LOGS_UNREADABLE: Text = Text::new(
    "The metrics-server logs could not be read",
    "metrics-server 로그를 읽을 수 없습니다",
);
pub const UNCHANGED_ARGS: Text = Text::new("unchanged args", "변경 없는 인자");
pub const FIXES: Text = Text::new("Fixes", "조치");
pub const NODES: Text = Text::new("nodes", "노드");
pub const EVIDENCE: Text = Text::new("evidence", "근거");
pub const LOGS_TITLE: Text = Text::new("Logs", "로그");
pub const LIVE: Text = Text::new("live", "실시간");
pub const NO_WRAP: Text = Text::new("no wrap", "줄바꿈 끔");
pub const TIMESTAMPS: Text = Text::new("timestamps", "타임스탬프");
pub const ZOOMED: Text = Text::new("zoom", "확대");
pub const PAUSED: Text = Text::new("paused", "일시 정지");
pub const DROPPED: Text = Text::new("dropped", "줄 버림");
pub const POD: Text = Text::new("pod", "파드");
pub const PODS: Text = Text::new("pods", "파드");
pub const PREVIOUS: Text = Text::new("previous container", "이전 컨테이너");
pub const FILTERED: Text = Text::new("filtered", "필터");
pub const NO_LOGS: Text = Text::new("No log lines yet.", "아직 로그가 없습니다.");
pub const SEARCH: Text = Text::new("search", "검색");

pub const DIALOG_TITLE: Text = Text::new("Review the change", "변경 내용 확인");
pub const DIFF: Text = Text::new(
    "Container args: before → after",
    "컨테이너 인자: 변경 전 → 후",
);
pub const DRY_RUN: Text = Text::new("Server-side dry-run", "서버 측 dry-run");
pub const DRY_RUN_RUNNING: Text = Text::new("running…", "실행 중…");
pub const DRY_RUN_PASSED: Text = Text::new(
    "passed — the server accepts this change",
    "통과 — 서버가 이 변경을 받아들입니다",
);
pub const DRY_RUN_NOT_SENT: Text = Text::new("not sent", "보내지 않음");
pub const DRY_RUN_FAILED: Text = Text::new("failed:", "실패:");
pub const WARNINGS: Text = Text::new("Warnings", "경고");
pub const APPLYING: Text = Text::new("applying…", "적용 중…");
pub const RESTART_CHANGE: Text = Text::new("Pod template annotation", "파드 템플릿 어노테이션");
pub const CSRS: Text = Text::new(
    "Certificate signing requests to approve",
    "승인할 인증서 서명 요청(CSR)",
);

pub const EDITOR_TITLE: Text = Text::new(
    "Edit container args — one per line",
    "컨테이너 인자 편집 — 한 줄에 하나",
);
pub const EDITOR_OK: Text = Text::new(
    "Flags are valid for this metrics-server version",
    "이 metrics-server 버전에서 유효한 인자입니다",
);

pub const VERIFY_TITLE: Text = Text::new("Restart & verify", "배포 재시작 및 검증");
pub const ROLLOUT: Text = Text::new("Rollout", "롤아웃");
pub const APISERVICE: Text = Text::new("APIService", "APIService");
pub const COVERAGE: Text = Text::new("Node metrics", "노드 메트릭");
pub const WAITING_METRICS: Text = Text::new(
    "Rolled out; waiting for the first scrapes (about two metric resolutions)",
    "롤아웃 완료: 첫 수집을 기다리는 중입니다 (메트릭 해상도의 약 두 배)",
);
pub const VERIFIED: Text = Text::new(
    "Verified: node metrics are back",
    "검증 완료: 노드 메트릭이 돌아왔습니다",
);
pub const TIMED_OUT: Text = Text::new(
    "Still no metrics after 5 minutes — see the findings of steps 1–3",
    "5분이 지나도 메트릭이 없습니다 — 1–3단계에서 찾은 문제를 확인하세요",
);
pub const HPAS: Text = Text::new("HPAs", "HPA");
pub const MISSING: Text = Text::new("missing", "없음");
pub const ALREADY_HEALTHY: Text = Text::new(
    "Node metrics are served: nothing needs a restart.",
    "노드 메트릭이 제공되고 있습니다: 재시작할 필요가 없습니다.",
);
pub const NOT_STARTED: Text = Text::new(
    "No restart yet. Select “Rollout restart” and press Enter, or press r.",
    "아직 재시작하지 않았습니다. “롤아웃 재시작”을 골라 Enter를 누르거나 r을 누르세요.",
);

pub const HELP_TITLE: Text = Text::new("Keys", "단축키");

pub const PERMS_FULL: Text = Text::new("may fix", "조치 가능");
pub const PERMS_READ_ONLY: Text = Text::new("read-only", "읽기 전용");
pub const PERMS_DENIED: Text = Text::new("cannot patch", "수정 권한 없음");
pub const NOT_FOUND: Text = Text::new("metrics-server not found", "metrics-server를 찾지 못함");

pub const STATUS_CHECKING: Text = Text::new("checking", "점검 중");
pub const STATUS_OK: Text = Text::new("ok", "정상");
pub const STATUS_WARNING: Text = Text::new("warning", "경고");
pub const STATUS_FAILED: Text = Text::new("failed", "실패");
pub const STATUS_NOT_PERMITTED: Text = Text::new("not permitted", "권한 없음");

pub const ATTACHED: Text = Text::new("following", "로그 수신 시작:");
pub const DETACHED: Text = Text::new("stopped following", "로그 수신 종료:");
pub const ROOT_CAUSE_ELSEWHERE: Text = Text::new(
    "The root cause is in step",
    "근본 원인은 다음 단계에 있습니다:",
);
pub const PRESS: Text = Text::new("press", "누르세요:");
pub const PICK_FIX: Text = Text::new(
    "Pick a fix below and press Enter to preview it (nothing changes until you confirm).",
    "아래에서 조치를 고르고 Enter로 미리 보세요 (확인하기 전에는 아무것도 바뀌지 않습니다).",
);
pub const ROLLOUT_STARTING: Text = Text::new(
    "change applied, waiting for the new ReplicaSet…",
    "변경 적용됨, 새 ReplicaSet을 기다리는 중…",
);
