//! Throw-away PKI for one cluster, generated with rcgen (ECDSA P-256):
//! - cluster CA: the apiserver's serving cert (127.0.0.1, localhost) and every client cert
//!   (admin in `system:masters`, the read-only viewer, metrics-server's ServiceAccount identity);
//! - front-proxy CA: the aggregator's proxy-client cert (CN `front-proxy-client`);
//! - service-account signing key pair;
//! - a SEPARATE kubelet CA for kwok's serving cert, so metrics-server, trusting only the cluster
//!   CA, fails with `x509: certificate signed by unknown authority` exactly like a real kubeadm
//!   cluster with self-signed kubelet certificates;
//! - or ([`KubeletCert::ClusterCaNoIpSan`]) a kwok serving cert from the cluster CA itself that
//!   names the nodes by DNS only, so metrics-server trusts the issuer but dials an IP the
//!   certificate does not cover: `x509: cannot validate certificate for 127.0.0.1 because it
//!   doesn't contain any IP SANs` (kubelets whose serving certs were issued for the host name).

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use std::path::{Path, PathBuf};

/// A PEM cert + key on disk.
#[derive(Debug, Clone)]
pub struct Pair {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Pki {
    pub ca: PathBuf,
    /// The cluster CA's key (for kube-controller-manager's `--cluster-signing-key-file`).
    pub ca_key: PathBuf,
    pub front_proxy_ca: PathBuf,
    pub kubelet_ca: PathBuf,
    pub apiserver: Pair,
    pub admin: Pair,
    pub viewer: Pair,
    pub metrics_server: Pair,
    pub front_proxy_client: Pair,
    pub kwok: Pair,
    /// Client certs of the nodes' kubelets (`system:node:<name>` in `system:nodes`): what a
    /// kubelet uses to request its serving certificate.
    pub nodes: Vec<(String, Pair)>,
    pub sa_public: PathBuf,
    pub sa_private: PathBuf,
}

pub const ADMIN_USER: &str = "mstui-e2e-admin";
pub const VIEWER_USER: &str = "mstui-e2e-viewer";
pub const VIEWER_GROUP: &str = "mstui-e2e:viewers";
/// metrics-server authenticates as its ServiceAccount's user name, so the manifest's RBAC (bound
/// to ServiceAccount `<namespace>/metrics-server`) is what authorizes it.
pub fn metrics_server_user(namespace: &str) -> String {
    format!("system:serviceaccount:{namespace}:metrics-server")
}

/// Which serving certificate kwok (the fake kubelet) presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KubeletCert {
    /// From a separate CA nobody trusts; SANs cover every address the tests dial.
    UntrustedCa,
    /// From the cluster CA (the one in metrics-server's kubeconfig), DNS SANs only.
    ClusterCaNoIpSan,
}

/// The DNS names of kwok's serving certificate (the node names).
pub const KUBELET_DNS_SANS: [&str; 2] = ["node-1", "node-2"];

struct Ca {
    issuer: Issuer<'static, KeyPair>,
}

fn dn(cn: &str, orgs: &[&str]) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    for o in orgs {
        d.push(DnType::OrganizationName, *o);
    }
    d.push(DnType::CommonName, cn);
    d
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn new_ca(dir: &Path, name: &str) -> (Ca, PathBuf) {
    let key = KeyPair::generate().expect("generate CA key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.distinguished_name = dn(name, &[]);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let cert = params.self_signed(&key).expect("self-sign CA");
    let path = dir.join(format!("{name}.crt"));
    write(&path, &cert.pem());
    // kube-controller-manager's CSR signer reads the cluster CA's key.
    write(&dir.join(format!("{name}.key")), &key.serialize_pem());
    (
        Ca {
            issuer: Issuer::new(params, key),
        },
        path,
    )
}

fn leaf(
    dir: &Path,
    ca: &Ca,
    file: &str,
    cn: &str,
    orgs: &[&str],
    sans: &[&str],
    usage: ExtendedKeyUsagePurpose,
) -> Pair {
    let key = KeyPair::generate().expect("generate key");
    let mut params = CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .expect("leaf params");
    params.distinguished_name = dn(cn, orgs);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![usage];
    let cert = params.signed_by(&key, &ca.issuer).expect("sign leaf");
    let pair = Pair {
        cert: dir.join(format!("{file}.crt")),
        key: dir.join(format!("{file}.key")),
    };
    write(&pair.cert, &cert.pem());
    write(&pair.key, &key.serialize_pem());
    pair
}

impl Pki {
    /// `ms_namespace`: where metrics-server's ServiceAccount lives (its client cert's user).
    pub fn generate(dir: &Path, ms_namespace: &str, kubelet_cert: KubeletCert) -> Pki {
        std::fs::create_dir_all(dir).expect("pki dir");
        use ExtendedKeyUsagePurpose::{ClientAuth, ServerAuth};
        let (ca, ca_path) = new_ca(dir, "cluster-ca");
        let (fp, fp_path) = new_ca(dir, "front-proxy-ca");
        let (kubelet, kubelet_path) = new_ca(dir, "kubelet-ca");
        let apiserver = leaf(
            dir,
            &ca,
            "apiserver",
            "kube-apiserver",
            &[],
            &[
                "127.0.0.1",
                "localhost",
                "kubernetes",
                "kubernetes.default",
                "kubernetes.default.svc",
            ],
            ServerAuth,
        );
        let admin = leaf(
            dir,
            &ca,
            "admin",
            ADMIN_USER,
            &["system:masters"],
            &[],
            ClientAuth,
        );
        let viewer = leaf(
            dir,
            &ca,
            "viewer",
            VIEWER_USER,
            &[VIEWER_GROUP],
            &[],
            ClientAuth,
        );
        let metrics_server = leaf(
            dir,
            &ca,
            "metrics-server",
            &metrics_server_user(ms_namespace),
            &[],
            &[],
            ClientAuth,
        );
        let front_proxy_client = leaf(
            dir,
            &fp,
            "front-proxy-client",
            "front-proxy-client",
            &[],
            &[],
            ClientAuth,
        );
        let kwok = match kubelet_cert {
            KubeletCert::UntrustedCa => leaf(
                dir,
                &kubelet,
                "kwok-serving",
                "kwok-kubelet",
                &[],
                &["127.0.0.1", "127.0.0.2", "localhost", "node-1", "node-2"],
                ServerAuth,
            ),
            KubeletCert::ClusterCaNoIpSan => leaf(
                dir,
                &ca,
                "kwok-serving",
                "kwok-kubelet",
                &[],
                &KUBELET_DNS_SANS,
                ServerAuth,
            ),
        };
        let sa = KeyPair::generate().expect("SA key");
        let sa_public = dir.join("sa.pub");
        let sa_private = dir.join("sa.key");
        write(&sa_public, &sa.public_key_pem());
        write(&sa_private, &sa.serialize_pem());
        let nodes = KUBELET_DNS_SANS
            .iter()
            .map(|n| {
                let user = format!("system:node:{n}");
                let pair = leaf(
                    dir,
                    &ca,
                    &format!("{n}-client"),
                    &user,
                    &["system:nodes"],
                    &[],
                    ClientAuth,
                );
                (n.to_string(), pair)
            })
            .collect();
        Pki {
            ca_key: dir.join("cluster-ca.key"),
            nodes,
            ca: ca_path,
            front_proxy_ca: fp_path,
            kubelet_ca: kubelet_path,
            apiserver,
            admin,
            viewer,
            metrics_server,
            front_proxy_client,
            kwok,
            sa_public,
            sa_private,
        }
    }
}

/// A kubelet's serving-certificate request: a fresh key and a PEM CSR for
/// `CN=system:node:<node>, O=system:nodes` with `sans` (DNS names and IPs), as the kubelet makes
/// it with `serverTLSBootstrap: true`. Returns (key PEM, CSR PEM).
pub fn kubelet_serving_request(node: &str, sans: &[&str]) -> (String, String) {
    let key = KeyPair::generate().expect("generate kubelet key");
    let mut params = CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .expect("csr params");
    params.distinguished_name = dn(&format!("system:node:{node}"), &["system:nodes"]);
    let csr = params.serialize_request(&key).expect("serialize CSR");
    (key.serialize_pem(), csr.pem().expect("CSR PEM"))
}
