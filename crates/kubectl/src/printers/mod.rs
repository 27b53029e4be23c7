//! Output formats: `-o yaml`, `-o jsonpath=…`, `-o go-template=…`, `-o custom-columns=…` (tables and the rest come with the commands).

pub mod custom_columns;
pub mod jsonpath;
pub mod sort;
pub mod template;
pub mod yaml;
