//! The schemas of the API machinery's own types that the operations name (lists, `Status`,
//! `DeleteOptions`, `Patch`) and of the subresources' kinds (`autoscaling/v1` Scale,
//! `policy/v1` Eviction). The simulation has no structs for these: the server builds and reads
//! them as JSON (`resources.rs`, `status.rs`), so their schemas are written here.

use super::paths::META;
use serde_json::{json, Value};

fn s(t: &str, description: &str) -> Value {
    json!({"type": t, "description": description})
}

fn int(format: &str, description: &str) -> Value {
    json!({"type": "integer", "format": format, "description": description})
}

fn reference(name: &str, description: &str) -> Value {
    json!({"allOf": [{"$ref": format!("#/components/schemas/{name}")}], "description": description})
}

const API_VERSION: &str = "The version of the schema the object follows, as group/version.";
const KIND: &str = "The kind of object this is, in CamelCase.";

pub fn schemas() -> Vec<(String, Value)> {
    vec![
        (
            format!("{META}.ListMeta"),
            json!({
                "description": "The metadata of a list.",
                "type": "object",
                "properties": {
                    "continue": s("string", "Set when the list was limited and more objects remain: pass it as the continue parameter to get the next chunk. It expires with the data it was taken from."),
                    "remainingItemCount": int("int64", "How many objects a limited list left out, when the server can tell."),
                    "resourceVersion": s("string", "The version of the data the list was read at: a watch from it sees every change after the list."),
                    "selfLink": s("string", "Deprecated and never set."),
                },
            }),
        ),
        (
            format!("{META}.Status"),
            json!({
                "description": "The result of a call that returns no object: an error, or the success of some deletes.",
                "type": "object",
                "properties": {
                    "apiVersion": s("string", API_VERSION),
                    "code": int("int32", "The HTTP status code of the result."),
                    "details": reference(&format!("{META}.StatusDetails"), "More about the error: the object it concerns and its causes, by field."),
                    "kind": s("string", KIND),
                    "message": s("string", "What went wrong, for people to read."),
                    "metadata": reference(&format!("{META}.ListMeta"), "Standard list metadata."),
                    "reason": s("string", "What went wrong, for programs: NotFound, AlreadyExists, Conflict, Invalid, BadRequest, …"),
                    "status": s("string", "Success or Failure."),
                },
                "x-kubernetes-group-version-kind": [{"group": "", "kind": "Status", "version": "v1"}],
            }),
        ),
        (
            format!("{META}.StatusDetails"),
            json!({
                "description": "What a Status says about the object concerned.",
                "type": "object",
                "properties": {
                    "causes": {
                        "description": "The individual problems, each with the field it concerns.",
                        "type": "array",
                        "items": {"allOf": [{"$ref": format!("#/components/schemas/{META}.StatusCause")}], "default": {}},
                    },
                    "group": s("string", "The group of the resource concerned."),
                    "kind": s("string", "The kind, or the resource, concerned."),
                    "name": s("string", "The name of the object concerned."),
                    "retryAfterSeconds": int("int32", "How long to wait before trying again, when the server says."),
                    "uid": s("string", "The uid of the object concerned."),
                },
            }),
        ),
        (
            format!("{META}.StatusCause"),
            json!({
                "description": "One problem behind an error.",
                "type": "object",
                "properties": {
                    "field": s("string", "The field it concerns, as a JSON path such as spec.replicas or spec.containers[0].name."),
                    "message": s("string", "The problem, for people to read."),
                    "reason": s("string", "The problem, for programs: FieldValueInvalid, FieldValueRequired, …"),
                },
            }),
        ),
        (
            format!("{META}.Preconditions"),
            json!({
                "description": "What must hold for a delete to go ahead.",
                "type": "object",
                "properties": {
                    "resourceVersion": s("string", "The object's resourceVersion must be this."),
                    "uid": s("string", "The object's uid must be this."),
                },
            }),
        ),
        (
            format!("{META}.DeleteOptions"),
            json!({
                "description": "How to delete: the grace period, preconditions, and what happens to the objects it owns.",
                "type": "object",
                "properties": {
                    "apiVersion": s("string", API_VERSION),
                    "dryRun": {"description": "If All, the delete is checked but not done.", "type": "array", "items": {"type": "string", "default": ""}},
                    "gracePeriodSeconds": int("int64", "How many seconds the object gets to end before it is removed; 0 removes it at once."),
                    "ignoreStoreReadErrorWithClusterBreakingPotential": s("boolean", "Delete objects that cannot be read from storage. Dangerous."),
                    "kind": s("string", KIND),
                    "orphanDependents": s("boolean", "Deprecated: use propagationPolicy."),
                    "preconditions": reference(&format!("{META}.Preconditions"), "What must hold for the delete to go ahead."),
                    "propagationPolicy": s("string", "What happens to the objects this one owns: Orphan, Background or Foreground."),
                },
                "x-kubernetes-group-version-kind": [{"group": "", "kind": "DeleteOptions", "version": "v1"}],
            }),
        ),
        (
            format!("{META}.Patch"),
            json!({
                "description": "A patch: its form is given by the request's Content-Type (JSON patch, merge patch, strategic merge patch, or server-side apply).",
                "type": "object",
            }),
        ),
        (
            "io.k8s.api.autoscaling.v1.Scale".into(),
            json!({
                "description": "The scale subresource: how many replicas a workload wants and has.",
                "type": "object",
                "properties": {
                    "apiVersion": s("string", API_VERSION),
                    "kind": s("string", KIND),
                    "metadata": reference(&format!("{META}.ObjectMeta"), "The metadata of the object scaled."),
                    "spec": reference("io.k8s.api.autoscaling.v1.ScaleSpec", "The wanted scale."),
                    "status": reference("io.k8s.api.autoscaling.v1.ScaleStatus", "The observed scale. Read-only."),
                },
                "x-kubernetes-group-version-kind": [{"group": "autoscaling", "kind": "Scale", "version": "v1"}],
            }),
        ),
        (
            "io.k8s.api.autoscaling.v1.ScaleSpec".into(),
            json!({
                "description": "The wanted scale.",
                "type": "object",
                "properties": {"replicas": int("int32", "How many replicas are wanted.")},
            }),
        ),
        (
            "io.k8s.api.autoscaling.v1.ScaleStatus".into(),
            json!({
                "description": "The observed scale.",
                "type": "object",
                "properties": {
                    "replicas": int("int32", "How many replicas there are."),
                    "selector": s("string", "The label query over the workload's pods, as a string."),
                },
                "required": ["replicas"],
            }),
        ),
        (
            "io.k8s.api.policy.v1.Eviction".into(),
            json!({
                "description": "A request to evict a pod: deleting it if its disruption budgets allow.",
                "type": "object",
                "properties": {
                    "apiVersion": s("string", API_VERSION),
                    "deleteOptions": reference(&format!("{META}.DeleteOptions"), "How to delete the pod."),
                    "kind": s("string", KIND),
                    "metadata": reference(&format!("{META}.ObjectMeta"), "The name and namespace of the pod to evict."),
                },
                "x-kubernetes-group-version-kind": [{"group": "policy", "kind": "Eviction", "version": "v1"}],
            }),
        ),
    ]
}
