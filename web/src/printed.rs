//! One object's row of the server's printed table (`ordinal_sim::printers`, what `kubectl get`
//! shows), read by column header: the page never depends on where a column sits.

use ordinal_sim::api::Object;
use ordinal_sim::printers;
use ordinal_sim::Cluster;

pub struct PrintedRow {
    headers: Vec<&'static str>,
    cells: Vec<String>,
}

impl PrintedRow {
    /// The object's row as `kubectl get` prints it (`wide`: as `-o wide` does).
    pub fn new(c: &Cluster, obj: &Object, wide: bool) -> PrintedRow {
        PrintedRow {
            headers: printers::headers(obj.kind(), wide),
            cells: printers::row(c, obj, wide, false),
        }
    }

    /// The cell under `header` (`STATUS`, `RECLAIM POLICY`; ASCII case ignored), if the kind
    /// prints such a column.
    pub fn get(&self, header: &str) -> Option<&str> {
        self.headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(header))
            .and_then(|i| self.cells.get(i))
            .map(String::as_str)
    }

    /// The cell under `header`, or empty.
    pub fn cell(&self, header: &str) -> String {
        self.get(header).unwrap_or_default().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ordinal_sim::api::Kind;

    #[test]
    fn cells_are_found_by_header_whatever_their_place() {
        let c = Cluster::new(1);
        let node = c.list(Kind::Node, None)[0].clone();
        let row = PrintedRow::new(&c, &node, false);
        assert_eq!(row.get("NAME"), Some(node.meta().name.as_str()));
        assert_eq!(row.get("status"), Some("Ready"));
        // A column only `-o wide` prints is not in the short row.
        assert_eq!(row.get("INTERNAL-IP"), None);
        assert_eq!(row.cell("INTERNAL-IP"), "");
        let wide = PrintedRow::new(&c, &node, true);
        assert!(wide.get("INTERNAL-IP").is_some_and(|ip| !ip.is_empty()));
    }
}
