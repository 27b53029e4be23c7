//! The Secret kind (core/v1).

use super::{Hooks, KindDef, Rest, NAMESPACED};
use crate::admission;
use crate::api::decode::DecodeError;
use crate::api::*;
use crate::error::{field, ApiError, Cause};
use crate::printers::*;
use crate::time::Time;
use crate::Cluster;

impl KindDef for Secret {
    const REST: Rest = Rest("", "v1", "secrets", "secret", &[], NAMESPACED);
    const GENERATION: bool = false;
    const NAME_RULE: fn(&str) -> Vec<String> = admission::dns1123_subdomain;
    const HOOKS: Hooks<Self> = Hooks {
        check_decoded: check_secret_decoded,
        set_defaults: set_secret_defaults,
        validate_create: validate_secret,
        validate_update: validate_secret_update,
        admit_create: admit_secret,
        admit_update: |secret, _, _| {
            secret.merge_string_data();
            Ok(())
        },
        ..Hooks::NONE
    };

    const COLUMNS: &'static [&'static str] = &["NAME", "TYPE", "DATA", "AGE"];
    const WIDE_COLUMNS: &'static [&'static str] = &[];

    fn row(&self, now: Time, name: String, _wide: bool) -> Vec<String> {
        let s = self;
        let created = self.metadata.creation_timestamp;
        vec![
            name,
            s.type_.clone().unwrap_or_else(|| "Opaque".into()),
            s.data.len().to_string(),
            age(now, created),
        ]
    }

    fn copy_status(from: &Self, to: &mut Self) {
        // No status.
        let _ = (from, to);
    }
}

/// `data` is `[]byte`: base64 that Go's decoder refuses is a decode error.
fn check_secret_decoded(secret: &Secret) -> Result<(), DecodeError> {
    for v in secret.data.values() {
        if let Some(at) = crate::base64::corrupt_at(v) {
            return Err(DecodeError {
                message: format!("illegal base64 data at input byte {at}"),
                converter: format!(
                    "error decoding from json: illegal base64 data at input byte {at}"
                ),
            });
        }
    }
    Ok(())
}

fn set_secret_defaults(s: &mut Secret) {
    s.type_.get_or_insert_with(|| "Opaque".into());
}

fn validate_secret(secret: &Secret, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
    admission::validate_secret(secret, causes);
    Ok(())
}

fn validate_secret_update(n: &Secret, o: &Secret, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
    admission::validate_secret(n, causes);
    if o.immutable == Some(true) {
        if n.immutable != Some(true) {
            causes.push(field::forbidden(
                "immutable",
                "field is immutable when `immutable` is set",
            ));
        }
        // stringData is merged into data before validation.
        let mut data = n.data.clone();
        for (k, v) in &n.string_data {
            data.insert(k.clone(), crate::base64::encode(v.as_bytes()));
        }
        if data != o.data {
            causes.push(field::forbidden(
                "data",
                "field is immutable when `immutable` is set",
            ));
        }
    }
    if o.type_ != n.type_ {
        causes.push(field::invalid(
            "type",
            admission::quoted(n.type_.as_deref().unwrap_or("")),
            "field is immutable",
        ));
    }
    Ok(())
}

fn admit_secret(secret: &mut Secret, _c: &mut Cluster) -> Result<(), ApiError> {
    secret.merge_string_data();
    Ok(())
}

impl Secret {
    /// `stringData` is write-only: the API server merges it into `data` (base64) on every write.
    fn merge_string_data(&mut self) {
        for (k, v) in std::mem::take(&mut self.string_data) {
            self.data.insert(k, crate::base64::encode(v.as_bytes()));
        }
    }
}
