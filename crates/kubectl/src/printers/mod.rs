//! Output formats: `-o yaml`, `-o jsonpath=…` (tables and the rest come with the commands).

pub mod jsonpath;
pub mod yaml;
