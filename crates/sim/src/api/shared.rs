//! [`Shared`]: a part of an object that its versions share until one of them changes it.

use super::decode::{Cx, Decode, Error};
use super::encode::Encode;
use serde_json::Value;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// A value shared, copy-on-write, between the versions of an object: cloning the object clones
/// a pointer, and the first change through `&mut` (`DerefMut`, as `Arc::make_mut`) copies the
/// value if another version still holds it. A status-only write of a pod (the kubelet's, the
/// conditions') thus keeps one `PodSpec` for every version the watch caches hold.
///
/// It reads, writes, compares, prints, encodes and decodes as the value itself: the JSON is
/// the value's.
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Arc::new(value))
    }
}

/// `Default` for each kind of `Shared` the API types hold: one default value per thread that
/// every default shares, so an object's empty annotations or owners (an Event's labels, most
/// objects' annotations) cost no allocation, and a pod built from `..Default::default()`
/// allocates its spec once, on its first change.
macro_rules! shared_default {
    ($($t:ty,)*) => {$(
        impl Default for Shared<$t> {
            fn default() -> Shared<$t> {
                thread_local! {
                    static DEFAULT: Arc<$t> = Arc::new(<$t>::default());
                }
                DEFAULT.with(|d| Shared(Arc::clone(d)))
            }
        }
    )*};
}

shared_default! {
    String,
    Vec<String>,
    super::Labels,
    Vec<super::OwnerReference>,
    super::PodSpec,
    Vec<super::Container>,
    super::PvcSpec,
    super::PvSpec,
    super::StatefulSetSpec,
    super::Endpoint,
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Shared<T> {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Shared<T> {
        Shared::new(value)
    }
}

impl<'a, T> IntoIterator for &'a Shared<Vec<T>> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Changing the elements in place: copied first if another version holds them.
impl<'a, T: Clone> IntoIterator for &'a mut Shared<Vec<T>> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        Arc::make_mut(&mut self.0).iter_mut()
    }
}

impl<'a, K, V> IntoIterator for &'a Shared<std::collections::BTreeMap<K, V>> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::collections::btree_map::Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<A, T: FromIterator<A>> FromIterator<A> for Shared<T> {
    fn from_iter<I: IntoIterator<Item = A>>(iter: I) -> Shared<T> {
        Shared::new(T::from_iter(iter))
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    /// Two versions that share the value are equal without comparing it.
    fn eq(&self, other: &Shared<T>) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl<T: Eq> Eq for Shared<T> {}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (*self.0).fmt(f)
    }
}

impl<T: serde::Serialize> serde::Serialize for Shared<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (*self.0).serialize(s)
    }
}

#[cfg(test)]
impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Shared<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Shared<T>, D::Error> {
        T::deserialize(d).map(Shared::new)
    }
}

impl<T: Decode> Decode for Shared<T> {
    fn decode(v: &Value, cx: &mut Cx) -> Result<Shared<T>, Error> {
        T::decode(v, cx).map(Shared::new)
    }
}

impl<T: Encode> Encode for Shared<T> {
    fn encode(&self) -> Value {
        (*self.0).encode()
    }
}

#[cfg(feature = "schema")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Shared<T> {
    fn is_referenceable() -> bool {
        T::is_referenceable()
    }
    fn schema_name() -> String {
        T::schema_name()
    }
    /// The value's: a `Shared<PodSpec>` is the one `PodSpec` schema, not a second.
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        T::json_schema(gen)
    }
}

/// A string that repeats across objects (an Event's type, reason, reporting component and
/// host): one allocation every holder shares, where a `String` would be one per holder. It
/// reads as a `str`, and prints, compares, encodes, decodes and has the schema of a string.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<str>);

impl Default for SharedStr {
    /// The empty string, one per thread.
    fn default() -> SharedStr {
        thread_local! {
            static EMPTY: Arc<str> = Arc::from("");
        }
        EMPTY.with(|e| SharedStr(Arc::clone(e)))
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> SharedStr {
        SharedStr(Arc::from(s))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> SharedStr {
        SharedStr(Arc::from(s))
    }
}

impl From<&String> for SharedStr {
    fn from(s: &String) -> SharedStr {
        SharedStr(Arc::from(s.as_str()))
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (*self.0).fmt(f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (*self.0).fmt(f)
    }
}

impl serde::Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
impl<'de> serde::Deserialize<'de> for SharedStr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<SharedStr, D::Error> {
        String::deserialize(d).map(SharedStr::from)
    }
}

impl Decode for SharedStr {
    fn decode(v: &Value, cx: &mut Cx) -> Result<SharedStr, Error> {
        String::decode(v, cx).map(SharedStr::from)
    }
}

impl Encode for SharedStr {
    fn encode(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for SharedStr {
    fn is_referenceable() -> bool {
        String::is_referenceable()
    }
    fn schema_name() -> String {
        String::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        String::schema_id()
    }
    fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        String::json_schema(gen)
    }
}

/// Strings many objects repeat, each kept once: [`Interner::get`] hands out the one copy.
#[derive(Clone, Default)]
pub struct Interner(std::collections::HashSet<SharedStr>);

impl Interner {
    pub fn get(&mut self, s: &str) -> SharedStr {
        if let Some(x) = self.0.get(s) {
            return x.clone();
        }
        let x = SharedStr::from(s);
        self.0.insert(x.clone());
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_share_the_value_until_one_changes_it() {
        let a = Shared::new(vec![1, 2]);
        let mut b = a.clone();
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, b);
        b.push(3);
        assert!(!Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(*a, vec![1, 2]);
        assert_eq!(*b, vec![1, 2, 3]);
        assert_ne!(a, b);
        // A value no other version holds is changed in place.
        let p = Arc::as_ptr(&b.0);
        b.push(4);
        assert_eq!(Arc::as_ptr(&b.0), p);
    }

    #[test]
    fn encodes_and_decodes_as_the_value() {
        let v = serde_json::json!(["a", "b"]);
        let (s, unknown) = crate::api::decode::decode::<Shared<Vec<String>>>(&v).unwrap();
        assert!(unknown.is_empty());
        assert_eq!(s.encode(), v);
        assert_eq!(serde_json::to_value(&s).unwrap(), v);
        assert_eq!(format!("{s:?}"), r#"["a", "b"]"#);
    }

    #[test]
    fn interned_strings_are_one_allocation_and_read_as_strings() {
        let mut i = Interner::default();
        let (a, b) = (i.get("Normal"), i.get("Normal"));
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "Normal");
        assert_eq!(Some(a.clone()).as_deref(), Some("Normal"));
        let v = serde_json::json!("Normal");
        let (d, _) = crate::api::decode::decode::<SharedStr>(&v).unwrap();
        assert_eq!(d, a);
        assert_eq!(a.encode(), v);
        assert_eq!(serde_json::to_value(&a).unwrap(), v);
        assert_eq!(format!("{a:?} {a}"), r#""Normal" Normal"#);
        assert_eq!(&*SharedStr::default(), "");
    }
}
