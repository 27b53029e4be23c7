//! kubectl's table layout: Go's tabwriter with minwidth 6, padding 3, the last column unpadded,
//! and (for watches) column widths remembered from the first print.

#[derive(Default, Clone, Debug)]
pub struct Table {
    widths: Vec<usize>,
}

const MIN_WIDTH: usize = 6;
const PADDING: usize = 3;

impl Table {
    /// Lays out `rows` (the header first, if any), growing the remembered widths as needed.
    pub fn render(&mut self, rows: &[Vec<String>]) -> String {
        for row in rows {
            for (i, cell) in row.iter().enumerate().take(row.len().saturating_sub(1)) {
                let w = (cell.chars().count() + PADDING).max(MIN_WIDTH);
                if i >= self.widths.len() {
                    self.widths.push(w);
                } else if w > self.widths[i] {
                    self.widths[i] = w;
                }
            }
        }
        let mut out = String::new();
        for row in rows {
            let n = row.len();
            for (i, cell) in row.iter().enumerate() {
                out.push_str(cell);
                if i + 1 < n {
                    let pad = self.widths[i].saturating_sub(cell.chars().count());
                    out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push('\n');
        }
        out
    }
}

/// One-shot layout.
pub fn render(rows: &[Vec<String>]) -> String {
    Table::default().render(rows)
}

#[cfg(test)]
mod tests {
    #[test]
    fn aligns_like_kubectl() {
        let rows = vec![
            vec![
                "NAME".into(),
                "READY".into(),
                "STATUS".into(),
                "RESTARTS".into(),
                "AGE".into(),
            ],
            vec![
                "web-0".into(),
                "1/1".into(),
                "Running".into(),
                "0".into(),
                "2m".into(),
            ],
        ];
        assert_eq!(
            super::render(&rows),
            "NAME    READY   STATUS    RESTARTS   AGE\nweb-0   1/1     Running   0          2m\n"
        );
    }
}
