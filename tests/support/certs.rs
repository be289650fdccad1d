//! Throw-away PKI for one cluster, generated with rcgen (ECDSA P-256):
//! - cluster CA: the apiserver's serving cert (127.0.0.1, localhost) and every client cert
//!   (admin in `system:masters`, the read-only viewer, metrics-server's ServiceAccount identity);
//! - front-proxy CA: the aggregator's proxy-client cert (CN `front-proxy-client`);
//! - service-account signing key pair;
//! - a SEPARATE kubelet CA for kwok's serving cert, so metrics-server, trusting only the cluster
//!   CA, fails with `x509: certificate signed by unknown authority` exactly like a real kubeadm
//!   cluster with self-signed kubelet certificates.

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
    pub front_proxy_ca: PathBuf,
    pub kubelet_ca: PathBuf,
    pub apiserver: Pair,
    pub admin: Pair,
    pub viewer: Pair,
    pub metrics_server: Pair,
    pub front_proxy_client: Pair,
    pub kwok: Pair,
    pub sa_public: PathBuf,
    pub sa_private: PathBuf,
}

pub const ADMIN_USER: &str = "mstui-e2e-admin";
pub const VIEWER_USER: &str = "mstui-e2e-viewer";
pub const VIEWER_GROUP: &str = "mstui-e2e:viewers";
/// metrics-server authenticates as its ServiceAccount's user name, so the upstream manifest's
/// RBAC (bound to ServiceAccount kube-system/metrics-server) is what authorizes it.
pub const METRICS_SERVER_USER: &str = "system:serviceaccount:kube-system:metrics-server";

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
    pub fn generate(dir: &Path) -> Pki {
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
            METRICS_SERVER_USER,
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
        let kwok = leaf(
            dir,
            &kubelet,
            "kwok-serving",
            "kwok-kubelet",
            &[],
            &["127.0.0.1", "127.0.0.2", "localhost", "node-1", "node-2"],
            ServerAuth,
        );
        let sa = KeyPair::generate().expect("SA key");
        let sa_public = dir.join("sa.pub");
        let sa_private = dir.join("sa.key");
        write(&sa_public, &sa.public_key_pem());
        write(&sa_private, &sa.serialize_pem());
        Pki {
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
