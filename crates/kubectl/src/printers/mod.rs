//! Output formats: `-o yaml`, `-o jsonpath=…`, `-o go-template=…`, `-o custom-columns=…` (tables and the rest come with the commands).

pub mod custom_columns;
pub mod jsonpath;
pub mod sort;
pub mod template;
pub mod yaml;

/// `-L`'s cells: each label's value, empty where the object lacks it.
pub fn label_cells(o: &ordinal_sim::api::Object, label_columns: &[String]) -> Vec<String> {
    let labels = &o.meta().labels;
    label_columns
        .iter()
        .map(|l| labels.get(l.as_str()).cloned().unwrap_or_default())
        .collect()
}
