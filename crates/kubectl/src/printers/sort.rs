//! `--sort-by=JSONPATH`: kubectl's sorter (`cmd/get/sorter.go`) over the objects' JSON: the
//! first result of the relaxed JSONPath is the key; integers and floats by value, strings as
//! quantities when both parse as one, else in natural order (digit runs by number; RFC 3339
//! timestamps sort right as strings); an object without the field sorts first.

use super::custom_columns::relaxed;
use super::jsonpath;
use ordinal_sim::quantity::Quantity;
use serde_json::Value;

/// `sortorder.NaturalLess`.
pub fn natural_less(a: &str, b: &str) -> bool {
    let (s1, s2) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < s1.len() && j < s2.len() {
        let (c1, c2) = (s1[i], s2[j]);
        let (d1, d2) = (c1.is_ascii_digit(), c2.is_ascii_digit());
        if d1 != d2 {
            return d1;
        }
        if !d1 {
            if c1 != c2 {
                return c1 < c2;
            }
            i += 1;
            j += 1;
            continue;
        }
        while i < s1.len() && s1[i] == b'0' {
            i += 1;
        }
        while j < s2.len() && s2[j] == b'0' {
            j += 1;
        }
        let (n1, n2) = (i, j);
        while i < s1.len() && s1[i].is_ascii_digit() {
            i += 1;
        }
        while j < s2.len() && s2[j].is_ascii_digit() {
            j += 1;
        }
        if i - n1 != j - n2 {
            return i - n1 < j - n2;
        }
        if s1[n1..i] != s2[n2..j] {
            return s1[n1..i] < s2[n2..j];
        }
        if n1 != n2 {
            return n1 < n2;
        }
    }
    s1.len() < s2.len()
}

/// `isLess` for two keys taken from unstructured objects (Go `interface {}` values); the error
/// is the one kubectl then exits with.
fn is_less(a: &Value, b: &Value) -> Result<bool, String> {
    let unsortable = |v: &Value| {
        let t = match v {
            Value::Bool(_) => "bool",
            Value::Array(_) => "[]interface {}",
            Value::Object(_) => "map[string]interface {}",
            _ => "interface {}",
        };
        format!("unsortable type: {t}")
    };
    match (a, b) {
        (Value::Null, Value::Null) => Ok(false),
        (Value::Null, _) => Ok(true),
        (_, Value::Null) => Ok(false),
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(p), Some(q)) => Ok(p < q),
            (None, None) => Ok(x.as_f64().unwrap_or(0.0) < y.as_f64().unwrap_or(0.0)),
            _ => Err("unsortable interface: interface".into()),
        },
        (Value::String(x), Value::String(y)) => {
            Ok(match (Quantity::parse(x), Quantity::parse(y)) {
                (Ok(p), Ok(q)) => p.milli < q.milli,
                _ => natural_less(x, y),
            })
        }
        (Value::Number(_) | Value::String(_), _) => Err("unsortable interface: interface".into()),
        (other, _) => Err(unsortable(other)),
    }
}

/// Why a sort failed: kubectl's error (printed `error: …`), or the fatal klog message it
/// exits with (`F… sorter.go:N] …`, `at` being `sorter.go:N`) for keys it cannot compare.
#[derive(Debug, PartialEq)]
pub enum SortError {
    Error(String),
    Fatal { at: &'static str, message: String },
}

/// Sorts `items` by `field` (as the learner wrote it) on `value_of(item)`: the rows of one
/// table (`table`: kubectl's `TableSorter`, which leaves a single row alone) or the objects of
/// a list, in the order Go's `sort.Sort` leaves them (an insertion sort with kubectl's `Less`,
/// which calls an object without the field less than any other, even another without it).
pub fn sort_by<T>(
    field: &str,
    items: &mut [T],
    table: bool,
    value_of: impl Fn(&T) -> &Value,
) -> Result<(), SortError> {
    if items.is_empty() || (table && items.len() == 1) {
        return Ok(());
    }
    let path = match relaxed(field) {
        Ok(p) => p,
        Err(_) if table => field.to_string(),
        Err(e) => return Err(SortError::Error(e)),
    };
    let mut keys: Vec<Option<Value>> = Vec::with_capacity(items.len());
    for it in items.iter() {
        let key = jsonpath::first_value(&path, value_of(it)).map_err(|e| {
            SortError::Error(if table {
                format!("sorting error: {e}")
            } else {
                e
            })
        })?;
        keys.push(key);
    }
    if keys.iter().all(Option::is_none) {
        return Err(SortError::Error(format!(
            "couldn't find any field with path {} in the list of objects",
            super::jsonpath::go_quote(&path)
        )));
    }
    let less = |x: &Option<Value>, y: &Option<Value>| -> Result<bool, SortError> {
        match (x, y) {
            (None, _) => Ok(true),
            (_, None) => Ok(false),
            (Some(p), Some(q)) => is_less(p, q).map_err(|e| {
                let (at, holder) = if table {
                    ("sorter.go:375", "[][][]reflect.Value")
                } else {
                    ("sorter.go:329", "*unstructured.Unstructured")
                };
                SortError::Fatal {
                    at,
                    message: format!(
                        "Field {path} in {holder} is an unsortable type: interface, err: {e}"
                    ),
                }
            }),
        }
    };
    // Go's insertionSort (what sort.Sort does for up to 12 items; beyond, its pdqsort may
    // order ties differently).
    let mut order: Vec<usize> = (0..items.len()).collect();
    for i in 1..order.len() {
        let mut j = i;
        while j > 0 && less(&keys[order[j]], &keys[order[j - 1]])? {
            order.swap(j, j - 1);
            j -= 1;
        }
    }
    apply_order(items, &order);
    Ok(())
}

fn apply_order<T>(items: &mut [T], order: &[usize]) {
    // Cycle-following permutation: position k takes the item at order[k].
    let mut done = vec![false; items.len()];
    for start in 0..items.len() {
        if done[start] {
            continue;
        }
        let mut k = start;
        loop {
            done[k] = true;
            let next = order[k];
            if next == start {
                break;
            }
            items.swap(k, next);
            k = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn natural_and_quantities() {
        assert!(natural_less("web-2", "web-10"));
        assert!(!natural_less("web-10", "web-2"));
        assert!(natural_less("a", "b"));
        let mut v = vec![
            json!({"s": "1Gi"}),
            json!({"s": "500Mi"}),
            json!({}),
            json!({"s": "2Gi"}),
        ];
        sort_by(".s", &mut v, false, |x| x).unwrap();
        assert_eq!(
            v,
            vec![
                json!({}),
                json!({"s": "500Mi"}),
                json!({"s": "1Gi"}),
                json!({"s": "2Gi"})
            ]
        );
        let mut n = vec![json!({"n": 3}), json!({"n": 1}), json!({"n": 2})];
        sort_by("{.n}", &mut n, false, |x| x).unwrap();
        assert_eq!(n, vec![json!({"n": 1}), json!({"n": 2}), json!({"n": 3})]);
        assert_eq!(
            sort_by(".x", &mut n, true, |x| x).unwrap_err(),
            SortError::Error(
                "couldn't find any field with path \"{.x}\" in the list of objects".into()
            )
        );
        // kubectl's Less calls a missing key less than another missing key: two swap.
        let mut m = vec![json!({"a": 1}), json!({"b": 1}), json!({"s": "x"})];
        sort_by(".s", &mut m, false, |x| x).unwrap();
        assert_eq!(m, vec![json!({"b": 1}), json!({"a": 1}), json!({"s": "x"})]);
        let mut bad = vec![json!({"s": true}), json!({"s": false})];
        assert_eq!(
            sort_by(".s", &mut bad, false, |x| x).unwrap_err(),
            SortError::Fatal {
                at: "sorter.go:329",
                message: "Field {.s} in *unstructured.Unstructured is an unsortable type: interface, err: unsortable type: bool".into()
            }
        );
    }
}
