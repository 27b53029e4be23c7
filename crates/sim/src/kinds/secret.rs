//! The Secret kind (core/v1).

use super::{KindDef, Rest};
use crate::admission;
use crate::api::decode::DecodeError;
use crate::api::*;
use crate::error::{field, ApiError, Cause};
use crate::printers::*;
use crate::store::{Indices, ObjKey};
use crate::time::Time;
use crate::Cluster;

impl KindDef for Secret {
    const REST: Rest = Rest {
        group: "",
        version: "v1",
        plural: "secrets",
        singular: "secret",
        short_names: &[],
        namespaced: true,
    };

    const GENERATION: bool = false;

    fn validate_name(name: &str) -> Vec<String> {
        admission::dns1123_subdomain(name)
    }

    /// `data` is `[]byte`: base64 that Go's decoder refuses is a decode error.
    fn check_decoded(&self) -> Result<(), DecodeError> {
        for v in self.data.values() {
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

    fn set_defaults(&mut self) {
        let s = self;
        s.type_.get_or_insert_with(|| "Opaque".into());
    }

    fn validate_create(&self, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
        admission::validate_secret(self, causes);
        Ok(())
    }

    fn validate_update(&self, old: &Self, causes: &mut Vec<Cause>) -> Result<(), ApiError> {
        let (o, n) = (old, self);
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

    fn copy_status(from: &Self, to: &mut Self) {
        // No status.
        let _ = (from, to);
    }

    fn admit_create(&mut self, _c: &mut Cluster) -> Result<(), ApiError> {
        self.merge_string_data();
        Ok(())
    }

    fn deletion_grace(&self, _requested: Option<i64>) -> Option<i64> {
        None
    }

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

    fn index(&self, _key: &ObjKey, _idx: &mut Indices) {}

    fn unindex(&self, _key: &ObjKey, _idx: &mut Indices) {}
}

impl Secret {
    /// `stringData` is write-only: the API server merges it into `data` (base64) on every write.
    pub(crate) fn merge_string_data(&mut self) {
        for (k, v) in std::mem::take(&mut self.string_data) {
            self.data.insert(k, crate::base64::encode(v.as_bytes()));
        }
    }
}
