//! Writing the API types as JSON values: what serde's derived `Serialize` gives through
//! `serde_json::to_value` (the same keys, the same fields skipped), from one small function per
//! struct (`#[derive(Encode)]`, `ordinal-derive`) over the leaf impls below. The structs keep
//! `Serialize` for callers that serialize them straight to text (in field order), but
//! everything that wants a `Value` (`Object::to_value`, templates) encodes through this, so the
//! wasm carries no instantiation of the derived `Serialize` for `serde_json`'s value
//! serializer. The tests check both give the same value for every object they decode.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub use ordinal_derive::Encode;

/// A type the API writes as a JSON value.
pub trait Encode {
    fn encode(&self) -> Value;
}

/// Puts a field's value under its key. Not inlined: one copy per field type.
#[inline(never)]
pub fn put<T: Encode>(m: &mut Map<String, Value>, key: &str, v: &T) {
    m.insert(key.to_string(), v.encode());
}

impl Encode for String {
    fn encode(&self) -> Value {
        Value::String(self.clone())
    }
}

impl Encode for bool {
    fn encode(&self) -> Value {
        Value::Bool(*self)
    }
}

impl Encode for i32 {
    fn encode(&self) -> Value {
        Value::from(*self)
    }
}

impl Encode for i64 {
    fn encode(&self) -> Value {
        Value::from(*self)
    }
}

impl Encode for Value {
    fn encode(&self) -> Value {
        self.clone()
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self) -> Value {
        match self {
            Some(t) => t.encode(),
            None => Value::Null,
        }
    }
}

impl<T: Encode> Encode for Box<T> {
    fn encode(&self) -> Value {
        (**self).encode()
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self) -> Value {
        Value::Array(self.iter().map(Encode::encode).collect())
    }
}

impl<T: Encode> Encode for BTreeMap<String, T> {
    fn encode(&self) -> Value {
        Value::Object(self.iter().map(|(k, v)| (k.clone(), v.encode())).collect())
    }
}
