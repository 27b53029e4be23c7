//! Request bodies in Kubernetes' protobuf encoding, which client-go's typed clients send
//! (`Content-Type: application/vnd.kubernetes.protobuf`): kubectl's `create secret`, `create
//! namespace`, `create service`, `create deployment`, `drain`'s evictions and `auth can-i`/`whoami` use them. The body is the envelope
//! (`k8s\0`, then a `runtime.Unknown` holding the type and the object's bytes); the object is
//! decoded by the field numbers of upstream's `generated.proto` into the JSON the rest of the
//! server takes. Only the types those commands send are known; another type is a 415 that
//! names the JSON the server accepts. Responses are always JSON, which those clients also read.

use serde_json::{json, Map, Value};

/// A field's wire shape.
#[derive(Clone, Copy)]
enum F {
    /// Go's non-pointer scalars, which gogo-protobuf always writes: their zero value stands
    /// for "unset" (`omitempty` in JSON) and is dropped.
    Str,
    Int,
    Bool,
    /// Pointer fields (`*int64`, `*bool`): written only when set, so zero is a value.
    IntPtr,
    BoolPtr,
    /// A nested message of this type.
    Msg(&'static str),
    /// `map<string, string>` (repeated entries of key 1, value 2).
    MapStr,
    /// `map<string, bytes>`, whose values JSON carries as base64.
    MapBytes,
    /// `metav1.Time` (seconds 1, nanos 2), as RFC 3339.
    Time,
    /// `intstr.IntOrString` (type 1, intVal 2, strVal 3).
    IntOrString,
}

/// (field number, JSON name, shape, repeated)
type Field = (u64, &'static str, F, bool);

fn fields(ty: &str) -> Option<&'static [Field]> {
    use F::*;
    Some(match ty {
        "ObjectMeta" => &[
            (1, "name", Str, false),
            (2, "generateName", Str, false),
            (3, "namespace", Str, false),
            (5, "uid", Str, false),
            (6, "resourceVersion", Str, false),
            (7, "generation", Int, false),
            (8, "creationTimestamp", Time, false),
            (9, "deletionTimestamp", Time, false),
            (10, "deletionGracePeriodSeconds", IntPtr, false),
            (11, "labels", MapStr, false),
            (12, "annotations", MapStr, false),
            (13, "ownerReferences", Msg("OwnerReference"), true),
            (14, "finalizers", Str, true),
        ],
        "OwnerReference" => &[
            (1, "kind", Str, false),
            (3, "name", Str, false),
            (4, "uid", Str, false),
            (5, "apiVersion", Str, false),
            (6, "controller", BoolPtr, false),
            (7, "blockOwnerDeletion", BoolPtr, false),
        ],
        "Secret" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "data", MapBytes, false),
            (3, "type", Str, false),
            (4, "stringData", MapStr, false),
            (5, "immutable", BoolPtr, false),
        ],
        "Namespace" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "spec", Msg("NamespaceSpec"), false),
        ],
        "NamespaceSpec" => &[(1, "finalizers", Str, true)],
        "Service" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "spec", Msg("ServiceSpec"), false),
        ],
        "ServiceSpec" => &[
            (1, "ports", Msg("ServicePort"), true),
            (2, "selector", MapStr, false),
            (3, "clusterIP", Str, false),
            (4, "type", Str, false),
            (5, "externalIPs", Str, true),
            (7, "sessionAffinity", Str, false),
            (10, "externalName", Str, false),
            (11, "externalTrafficPolicy", Str, false),
            (13, "publishNotReadyAddresses", Bool, false),
            (18, "clusterIPs", Str, true),
            (19, "ipFamilies", Str, true),
            (17, "ipFamilyPolicy", Str, false),
            (22, "internalTrafficPolicy", Str, false),
        ],
        "ServicePort" => &[
            (1, "name", Str, false),
            (2, "protocol", Str, false),
            (3, "port", Int, false),
            (4, "targetPort", IntOrString, false),
            (5, "nodePort", Int, false),
            (6, "appProtocol", Str, false),
        ],
        "Eviction" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "deleteOptions", Msg("DeleteOptions"), false),
        ],
        "DeleteOptions" => &[
            (1, "gracePeriodSeconds", IntPtr, false),
            (2, "preconditions", Msg("Preconditions"), false),
            (3, "orphanDependents", BoolPtr, false),
            (4, "propagationPolicy", Str, false),
            (5, "dryRun", Str, true),
        ],
        "SelfSubjectAccessReview" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "spec", Msg("SelfSubjectAccessReviewSpec"), false),
        ],
        "SelfSubjectAccessReviewSpec" => &[
            (1, "resourceAttributes", Msg("ResourceAttributes"), false),
            (
                2,
                "nonResourceAttributes",
                Msg("NonResourceAttributes"),
                false,
            ),
        ],
        "ResourceAttributes" => &[
            (1, "namespace", Str, false),
            (2, "verb", Str, false),
            (3, "group", Str, false),
            (4, "version", Str, false),
            (5, "resource", Str, false),
            (6, "subresource", Str, false),
            (7, "name", Str, false),
        ],
        "NonResourceAttributes" => &[(1, "path", Str, false), (2, "verb", Str, false)],
        "SelfSubjectRulesReview" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "spec", Msg("SelfSubjectRulesReviewSpec"), false),
        ],
        "SelfSubjectRulesReviewSpec" => &[(1, "namespace", Str, false)],
        "SelfSubjectReview" => &[(1, "metadata", Msg("ObjectMeta"), false)],
        "Preconditions" => &[(1, "uid", Str, false), (2, "resourceVersion", Str, false)],
        // `kubectl create deployment`'s object.
        "Deployment" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "spec", Msg("DeploymentSpec"), false),
        ],
        "DeploymentSpec" => &[
            (1, "replicas", IntPtr, false),
            (2, "selector", Msg("LabelSelector"), false),
            (3, "template", Msg("PodTemplateSpec"), false),
            (4, "strategy", Msg("DeploymentStrategy"), false),
            (5, "minReadySeconds", Int, false),
            (6, "revisionHistoryLimit", IntPtr, false),
            (7, "paused", Bool, false),
            (9, "progressDeadlineSeconds", IntPtr, false),
        ],
        "DeploymentStrategy" => &[
            (1, "type", Str, false),
            (2, "rollingUpdate", Msg("RollingUpdateDeployment"), false),
        ],
        "RollingUpdateDeployment" => &[
            (1, "maxUnavailable", IntOrString, false),
            (2, "maxSurge", IntOrString, false),
        ],
        "LabelSelector" => &[
            (1, "matchLabels", MapStr, false),
            (2, "matchExpressions", Msg("LabelSelectorRequirement"), true),
        ],
        "LabelSelectorRequirement" => &[
            (1, "key", Str, false),
            (2, "operator", Str, false),
            (3, "values", Str, true),
        ],
        "PodTemplateSpec" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "spec", Msg("PodSpec"), false),
        ],
        // A Pod: what `kubectl debug` creates (a node debugger, a copy of a pod as read back).
        "Pod" => &[
            (1, "metadata", Msg("ObjectMeta"), false),
            (2, "spec", Msg("PodSpec"), false),
        ],
        "PodSpec" => &[
            (1, "volumes", Msg("Volume"), true),
            (20, "initContainers", Msg("Container"), true),
            (2, "containers", Msg("Container"), true),
            (3, "restartPolicy", Str, false),
            (4, "terminationGracePeriodSeconds", IntPtr, false),
            (5, "activeDeadlineSeconds", IntPtr, false),
            (6, "dnsPolicy", Str, false),
            (7, "nodeSelector", MapStr, false),
            (8, "serviceAccountName", Str, false),
            (9, "serviceAccount", Str, false),
            (21, "automountServiceAccountToken", BoolPtr, false),
            (10, "nodeName", Str, false),
            (11, "hostNetwork", Bool, false),
            (12, "hostPID", Bool, false),
            (13, "hostIPC", Bool, false),
            (27, "shareProcessNamespace", BoolPtr, false),
            (14, "securityContext", Msg("PodSecurityContext"), false),
            (15, "imagePullSecrets", Msg("LocalObjectReference"), true),
            (16, "hostname", Str, false),
            (17, "subdomain", Str, false),
            (19, "schedulerName", Str, false),
            (22, "tolerations", Msg("Toleration"), true),
            (24, "priorityClassName", Str, false),
            (25, "priority", IntPtr, false),
            (30, "enableServiceLinks", BoolPtr, false),
            (31, "preemptionPolicy", Str, false),
        ],
        "PodSecurityContext" => &[
            (2, "runAsUser", IntPtr, false),
            (3, "runAsNonRoot", BoolPtr, false),
            (5, "fsGroup", IntPtr, false),
            (6, "runAsGroup", IntPtr, false),
            (10, "seccompProfile", Msg("SeccompProfile"), false),
        ],
        "LocalObjectReference" => &[(1, "name", Str, false)],
        "Toleration" => &[
            (1, "key", Str, false),
            (2, "operator", Str, false),
            (3, "value", Str, false),
            (4, "effect", Str, false),
            (5, "tolerationSeconds", IntPtr, false),
        ],
        // JSON inlines a volume's source (`""`: merged into the volume).
        "Volume" => &[(1, "name", Str, false), (2, "", Msg("VolumeSource"), false)],
        "VolumeSource" => &[
            (1, "hostPath", Msg("HostPathVolumeSource"), false),
            (2, "emptyDir", Msg("EmptyDirVolumeSource"), false),
            (
                10,
                "persistentVolumeClaim",
                Msg("PersistentVolumeClaimVolumeSource"),
                false,
            ),
        ],
        "HostPathVolumeSource" => &[(1, "path", Str, false), (2, "type", Str, false)],
        "EmptyDirVolumeSource" => &[(1, "medium", Str, false)],
        "PersistentVolumeClaimVolumeSource" => {
            &[(1, "claimName", Str, false), (2, "readOnly", Bool, false)]
        }
        "VolumeMount" => &[
            (1, "name", Str, false),
            (2, "readOnly", Bool, false),
            (3, "mountPath", Str, false),
            (4, "subPath", Str, false),
            (5, "mountPropagation", Str, false),
            (6, "subPathExpr", Str, false),
        ],
        "SecurityContext" => &[
            (1, "capabilities", Msg("Capabilities"), false),
            (2, "privileged", BoolPtr, false),
            (4, "runAsUser", IntPtr, false),
            (5, "runAsNonRoot", BoolPtr, false),
            (6, "readOnlyRootFilesystem", BoolPtr, false),
            (7, "allowPrivilegeEscalation", BoolPtr, false),
            (8, "runAsGroup", IntPtr, false),
            (11, "seccompProfile", Msg("SeccompProfile"), false),
        ],
        "Capabilities" => &[(1, "add", Str, true), (2, "drop", Str, true)],
        "SeccompProfile" => &[(1, "type", Str, false), (2, "localhostProfile", Str, false)],
        // JSON inlines a probe's handler.
        "Probe" => &[
            (1, "", Msg("ProbeHandler"), false),
            (2, "initialDelaySeconds", Int, false),
            (3, "timeoutSeconds", Int, false),
            (4, "periodSeconds", Int, false),
            (5, "successThreshold", Int, false),
            (6, "failureThreshold", Int, false),
        ],
        "ProbeHandler" => &[
            (1, "exec", Msg("ExecAction"), false),
            (2, "httpGet", Msg("HTTPGetAction"), false),
            (3, "tcpSocket", Msg("TCPSocketAction"), false),
        ],
        "ExecAction" => &[(1, "command", Str, true)],
        "HTTPGetAction" => &[
            (1, "path", Str, false),
            (2, "port", IntOrString, false),
            (3, "host", Str, false),
            (4, "scheme", Str, false),
        ],
        "TCPSocketAction" => &[(1, "port", IntOrString, false), (2, "host", Str, false)],
        "Container" => &[
            (1, "name", Str, false),
            (2, "image", Str, false),
            (3, "command", Str, true),
            (4, "args", Str, true),
            (5, "workingDir", Str, false),
            (6, "ports", Msg("ContainerPort"), true),
            (7, "env", Msg("EnvVar"), true),
            (8, "resources", Msg("ResourceRequirements"), false),
            (9, "volumeMounts", Msg("VolumeMount"), true),
            (10, "livenessProbe", Msg("Probe"), false),
            (11, "readinessProbe", Msg("Probe"), false),
            (22, "startupProbe", Msg("Probe"), false),
            (15, "securityContext", Msg("SecurityContext"), false),
            (13, "terminationMessagePath", Str, false),
            (20, "terminationMessagePolicy", Str, false),
            (14, "imagePullPolicy", Str, false),
            (16, "stdin", Bool, false),
            (17, "stdinOnce", Bool, false),
            (18, "tty", Bool, false),
        ],
        "ContainerPort" => &[
            (1, "name", Str, false),
            (2, "hostPort", Int, false),
            (3, "containerPort", Int, false),
            (4, "protocol", Str, false),
            (5, "hostIP", Str, false),
        ],
        "EnvVar" => &[(1, "name", Str, false), (2, "value", Str, false)],
        // Limits and requests are Quantities, which `create deployment` never sets.
        "ResourceRequirements" => &[],
        _ => return None,
    })
}

/// One field as read off the wire.
enum Wire<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.b.split_first().ok_or("truncated varint")?;
            self.b = rest;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }

    fn next(&mut self) -> Result<Option<(u64, Wire<'a>)>, String> {
        if self.b.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let (num, wt) = (key >> 3, key & 7);
        let w = match wt {
            0 => Wire::Varint(self.varint()?),
            2 => {
                let n = usize::try_from(self.varint()?).map_err(|_| "length too large")?;
                if n > self.b.len() {
                    return Err("truncated field".into());
                }
                let (v, rest) = self.b.split_at(n);
                self.b = rest;
                Wire::Bytes(v)
            }
            1 => {
                if self.b.len() < 8 {
                    return Err("truncated fixed64".into());
                }
                self.b = &self.b[8..];
                Wire::Varint(0)
            }
            5 => {
                if self.b.len() < 4 {
                    return Err("truncated fixed32".into());
                }
                self.b = &self.b[4..];
                Wire::Varint(0)
            }
            other => return Err(format!("unsupported wire type {other}")),
        };
        Ok(Some((num, w)))
    }
}

fn text(b: &[u8]) -> Result<String, String> {
    String::from_utf8(b.to_vec()).map_err(|_| "invalid UTF-8 in a string field".to_string())
}

fn map_entry(b: &[u8], bytes_value: bool) -> Result<(String, Value), String> {
    let mut r = Reader { b };
    let (mut k, mut v) = (String::new(), Value::String(String::new()));
    while let Some((num, w)) = r.next()? {
        match (num, w) {
            (1, Wire::Bytes(x)) => k = text(x)?,
            (2, Wire::Bytes(x)) if bytes_value => {
                v = json!(ordinal_sim::base64::encode(x));
            }
            (2, Wire::Bytes(x)) => v = json!(text(x)?),
            _ => {}
        }
    }
    Ok((k, v))
}

fn message(ty: &str, b: &[u8], depth: usize) -> Result<Value, String> {
    if depth > 16 {
        return Err("message nested too deeply".into());
    }
    let table = fields(ty).ok_or_else(|| format!("unknown message type {ty}"))?;
    let mut out = Map::new();
    let mut r = Reader { b };
    while let Some((num, w)) = r.next()? {
        let Some(&(_, name, shape, repeated)) = table.iter().find(|f| f.0 == num) else {
            continue;
        };
        let v = match (shape, w) {
            (F::Str, Wire::Bytes(x)) if x.is_empty() && !repeated => continue,
            (F::Str, Wire::Bytes(x)) => json!(text(x)?),
            (F::Int, Wire::Varint(0)) | (F::Bool, Wire::Varint(0)) => continue,
            (F::Int, Wire::Varint(n)) | (F::IntPtr, Wire::Varint(n)) => json!(n as i64),
            (F::Bool, Wire::Varint(n)) | (F::BoolPtr, Wire::Varint(n)) => json!(n != 0),
            (F::Msg(t), Wire::Bytes(x)) => message(t, x, depth + 1)?,
            (F::MapStr, Wire::Bytes(x)) | (F::MapBytes, Wire::Bytes(x)) => {
                let (k, v) = map_entry(x, matches!(shape, F::MapBytes))?;
                let m = out.entry(name).or_insert_with(|| json!({}));
                if let Some(m) = m.as_object_mut() {
                    m.insert(k, v);
                }
                continue;
            }
            (F::Time, Wire::Bytes(x)) => {
                let mut t = Reader { b: x };
                let mut secs = 0i64;
                while let Some((n, w)) = t.next()? {
                    if let (1, Wire::Varint(s)) = (n, w) {
                        secs = s as i64;
                    }
                }
                // Go's zero time is JSON's null, no field: `metav1.Time` marshals it as nothing
                // (and a Timestamp of year 1 has negative seconds).
                if x.is_empty() || secs < 0 {
                    continue;
                }
                json!(ordinal_sim::Time((secs as u64).saturating_mul(1000)).rfc3339())
            }
            (F::IntOrString, Wire::Bytes(x)) => {
                let mut t = Reader { b: x };
                let (mut kind, mut int, mut s) = (0, 0i64, String::new());
                while let Some((n, w)) = t.next()? {
                    match (n, w) {
                        (1, Wire::Varint(k)) => kind = k,
                        (2, Wire::Varint(i)) => int = i as i32 as i64,
                        (3, Wire::Bytes(b)) => s = text(b)?,
                        _ => {}
                    }
                }
                if kind == 1 {
                    json!(s)
                } else {
                    json!(int)
                }
            }
            _ => return Err(format!("field {name} has the wrong wire type")),
        };
        if name.is_empty() {
            // An embedded struct JSON inlines (a volume's source, a probe's handler).
            if let Value::Object(m) = v {
                out.extend(m);
            }
        } else if repeated {
            let a = out.entry(name).or_insert_with(|| json!([]));
            if let Some(a) = a.as_array_mut() {
                a.push(v);
            }
        } else {
            out.insert(name.into(), v);
        }
    }
    Ok(Value::Object(out))
}

/// Decodes a protobuf request body (the `k8s\0` envelope) into the object's JSON, with its
/// `apiVersion` and `kind` from the envelope.
pub fn decode(body: &[u8]) -> Result<Value, String> {
    let rest = body
        .strip_prefix(b"k8s\0")
        .ok_or("the protobuf body does not start with the k8s envelope")?;
    let mut r = Reader { b: rest };
    let (mut api_version, mut kind, mut raw) = (String::new(), String::new(), &[][..]);
    while let Some((num, w)) = r.next()? {
        match (num, w) {
            (1, Wire::Bytes(tm)) => {
                let mut t = Reader { b: tm };
                while let Some((n, w)) = t.next()? {
                    match (n, w) {
                        (1, Wire::Bytes(x)) => api_version = text(x)?,
                        (2, Wire::Bytes(x)) => kind = text(x)?,
                        _ => {}
                    }
                }
            }
            (2, Wire::Bytes(x)) => raw = x,
            _ => {}
        }
    }
    let mut v = message(&kind, raw, 0)?;
    if let Some(m) = v.as_object_mut() {
        m.insert("apiVersion".into(), json!(api_version));
        m.insert("kind".into(), json!(kind));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    fn bytes(num: u64, b: &[u8], out: &mut Vec<u8>) {
        varint(num << 3 | 2, out);
        varint(b.len() as u64, out);
        out.extend_from_slice(b);
    }

    #[test]
    fn a_secret_in_its_envelope() {
        let mut meta = Vec::new();
        bytes(1, b"regcred", &mut meta);
        bytes(3, b"default", &mut meta);
        let mut entry = Vec::new();
        bytes(1, b".dockerconfigjson", &mut entry);
        bytes(2, b"{}", &mut entry);
        let mut secret = Vec::new();
        bytes(1, &meta, &mut secret);
        bytes(2, &entry, &mut secret);
        bytes(3, b"kubernetes.io/dockerconfigjson", &mut secret);
        let mut tm = Vec::new();
        bytes(1, b"v1", &mut tm);
        bytes(2, b"Secret", &mut tm);
        let mut unknown = b"k8s\0".to_vec();
        bytes(1, &tm, &mut unknown);
        bytes(2, &secret, &mut unknown);
        let v = decode(&unknown).unwrap();
        assert_eq!(
            v,
            json!({
                "apiVersion": "v1", "kind": "Secret",
                "metadata": {"name": "regcred", "namespace": "default"},
                "data": {".dockerconfigjson": "e30="},
                "type": "kubernetes.io/dockerconfigjson",
            })
        );
    }

    /// `kubectl create deployment`'s body: the template's zero creationTimestamp (written as an
    /// empty message) is no field, as JSON's null; the replicas pointer keeps a zero.
    #[test]
    fn a_deployment_with_a_zero_time_template() {
        let mut tmeta = Vec::new();
        bytes(8, &[], &mut tmeta);
        let mut label = Vec::new();
        bytes(1, b"app", &mut label);
        bytes(2, b"web", &mut label);
        bytes(11, &label, &mut tmeta);
        let mut port = Vec::new();
        varint(3 << 3, &mut port);
        varint(80, &mut port);
        let mut ct = Vec::new();
        bytes(1, b"nginx", &mut ct);
        bytes(2, b"nginx:1.25", &mut ct);
        bytes(6, &port, &mut ct);
        bytes(8, &[], &mut ct);
        let mut pod = Vec::new();
        bytes(2, &ct, &mut pod);
        let mut template = Vec::new();
        bytes(1, &tmeta, &mut template);
        bytes(2, &pod, &mut template);
        let mut sel = Vec::new();
        bytes(1, &label, &mut sel);
        let mut spec = Vec::new();
        varint(1 << 3, &mut spec);
        varint(0, &mut spec);
        bytes(2, &sel, &mut spec);
        bytes(3, &template, &mut spec);
        bytes(4, &[], &mut spec);
        let mut meta = Vec::new();
        bytes(1, b"web", &mut meta);
        let mut d = Vec::new();
        bytes(1, &meta, &mut d);
        bytes(2, &spec, &mut d);
        let mut tm = Vec::new();
        bytes(1, b"apps/v1", &mut tm);
        bytes(2, b"Deployment", &mut tm);
        let mut unknown = b"k8s\0".to_vec();
        bytes(1, &tm, &mut unknown);
        bytes(2, &d, &mut unknown);
        assert_eq!(
            decode(&unknown).unwrap(),
            json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web"},
                "spec": {
                    "replicas": 0,
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": {
                        "metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{
                            "name": "nginx", "image": "nginx:1.25",
                            "ports": [{"containerPort": 80}], "resources": {},
                        }]},
                    },
                    "strategy": {},
                },
            })
        );
    }

    #[test]
    fn bad_bodies_are_errors_not_panics() {
        assert!(decode(b"").is_err());
        // gogo-protobuf writes Go's zero values; JSON's omitempty drops them, and so do we,
        // but a pointer's zero is a value (`--grace-period=0`).
        let mut opts = Vec::new();
        opts.extend_from_slice(&[0x08, 0x00]); // gracePeriodSeconds: 0
        bytes(4, b"", &mut opts); // propagationPolicy: ""
        let mut tm = Vec::new();
        bytes(2, b"DeleteOptions", &mut tm);
        let mut body = b"k8s\0".to_vec();
        bytes(1, &tm, &mut body);
        bytes(2, &opts, &mut body);
        assert_eq!(
            decode(&body).unwrap(),
            json!({"apiVersion": "", "kind": "DeleteOptions", "gracePeriodSeconds": 0})
        );
        assert!(decode(b"k8s\0\x0a\xff").is_err());
        assert!(decode(b"k8s\0\x0a\x02\x12\x00").is_err()); // kind "" is unknown
        let mut deep = b"k8s\0".to_vec();
        deep.extend_from_slice(&[0xff; 20]);
        assert!(decode(&deep).is_err());
    }
}
