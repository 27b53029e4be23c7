//! Go's `text/tabwriter`, the one tab writer here. Cells are tab-terminated; the text after a
//! line's last tab is not aligned; a column's width is the widest cell (in characters) of a run
//! of adjacent lines that all have a cell in that column, plus the padding, and at least the
//! minimum width. kubectl's tables use minwidth 6, padding 3 (and, for watches, remember
//! column widths from the first print: [`Table`]); describe's `Label:\tvalue` text uses
//! minwidth 0, padding 2 ([`tabwrite`]).

/// A tabwriter's settings (padding with spaces, no flags).
#[derive(Copy, Clone, Debug)]
pub struct Layout {
    pub min_width: usize,
    pub padding: usize,
}

/// `printers.GetNewTabWriter`: kubectl's tables.
pub const TABLE: Layout = Layout {
    min_width: 6,
    padding: 3,
};

/// `describe`'s tabwriter (and rollout history's).
pub const DESCRIBE: Layout = Layout {
    min_width: 0,
    padding: 2,
};

/// A kubectl table whose column widths only grow: rows printed later line up with the first.
#[derive(Default, Clone, Debug)]
pub struct Table {
    widths: Vec<usize>,
}

impl Table {
    /// Lays out `rows` (the header first, if any), growing the remembered widths as needed.
    pub fn render(&mut self, rows: &[Vec<String>]) -> String {
        let lines: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        write(&lines, true, TABLE, Some(&mut self.widths))
    }
}

/// One-shot layout of rows (cells) as kubectl's tables are laid out.
pub fn render(rows: &[Vec<String>]) -> String {
    Table::default().render(rows)
}

/// One-shot layout of rows with `layout`.
pub fn render_with(rows: &[Vec<String>], layout: Layout) -> String {
    let lines: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    write(&lines, true, layout, None)
}

/// Tab-separated `text` through the tabwriter, as Go writes it on `Flush`.
pub fn tabwrite(text: &str, layout: Layout) -> String {
    let mut pieces: Vec<&str> = text.split('\n').collect();
    let tail = pieces.pop().unwrap_or("");
    let mut lines: Vec<Vec<&str>> = pieces.iter().map(|l| l.split('\t').collect()).collect();
    let ends_with_newline = tail.is_empty();
    if !ends_with_newline {
        lines.push(tail.split('\t').collect());
    }
    write(&lines, ends_with_newline, layout, None)
}

fn write(
    lines: &[Vec<&str>],
    last_has_newline: bool,
    layout: Layout,
    remembered: Option<&mut Vec<usize>>,
) -> String {
    let mut tw = TabWriter {
        lines,
        layout,
        remembered,
        widths: Vec::new(),
        out: String::new(),
        last_has_newline,
    };
    tw.format(0, lines.len());
    tw.out
}

struct TabWriter<'a> {
    lines: &'a [Vec<&'a str>],
    layout: Layout,
    /// Widths kept from earlier prints (a watch's table), by column.
    remembered: Option<&'a mut Vec<usize>>,
    widths: Vec<usize>,
    out: String,
    last_has_newline: bool,
}

impl TabWriter<'_> {
    /// Go's `format`: lines `line0..line1`, in the columns after those in `widths`.
    fn format(&mut self, line0: usize, line1: usize) {
        let column = self.widths.len();
        let mut line0 = line0;
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.lines[this].len() {
                this += 1;
                continue;
            }
            // A block of lines that all have a cell in this column starts here.
            self.write_lines(line0, this);
            line0 = this;
            let mut width = self.layout.min_width;
            while this < line1 && column + 1 < self.lines[this].len() {
                width = width.max(self.lines[this][column].chars().count() + self.layout.padding);
                this += 1;
            }
            if let Some(kept) = self.remembered.as_deref_mut() {
                if column >= kept.len() {
                    kept.resize(column + 1, 0);
                }
                width = width.max(kept[column]);
                kept[column] = width;
            }
            self.widths.push(width);
            self.format(line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(line0, line1);
    }

    fn write_lines(&mut self, line0: usize, line1: usize) {
        for i in line0..line1 {
            let cells = &self.lines[i];
            for (j, cell) in cells.iter().enumerate() {
                self.out.push_str(cell);
                if let Some(&width) = self.widths.get(j) {
                    let pad = width.saturating_sub(cell.chars().count());
                    self.out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            if i + 1 < self.lines.len() || self.last_has_newline {
                self.out.push('\n');
            }
        }
    }
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

    #[test]
    fn a_watch_keeps_its_widths() {
        let mut t = super::Table::default();
        let row = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
        assert_eq!(
            t.render(&[row("NAME", "AGE"), row("web-0", "1s")]),
            "NAME    AGE\nweb-0   1s\n"
        );
        assert_eq!(t.render(&[row("a", "2s")]), "a       2s\n");
        assert_eq!(t.render(&[row("web-10000", "3s")]), "web-10000   3s\n");
        assert_eq!(t.render(&[row("a", "4s")]), "a           4s\n");
    }

    #[test]
    fn tabwriter_matches_go() {
        let tw = |s: &str| super::tabwrite(s, super::DESCRIBE);
        assert_eq!(tw("a:\tb\nlonger:\tc\n"), "a:       b\nlonger:  c\n");
        // A line without a tab ends the column block.
        assert_eq!(
            tw("a:\t1\nbreak\nlonger:\t2\n"),
            "a:  1\nbreak\nlonger:  2\n"
        );
        // Empty cells are padded; the text after the last tab never is.
        assert_eq!(tw("x:\ty\n\tz\n"), "x:  y\n    z\n");
        assert_eq!(tw("x:\t\ny:\tz\n"), "x:  \ny:  z\n");
        assert_eq!(
            tw("  Type\tReason\tAge\n  Normal\tScheduled\t5s\n"),
            "  Type    Reason     Age\n  Normal  Scheduled  5s\n"
        );
        // An inner column is aligned over the lines that have it.
        assert_eq!(
            tw("a\tb\tc\naa\tb\nx\ty\tz\n"),
            "a   b  c\naa  b\nx   y  z\n"
        );
        // Widths count characters, not bytes.
        assert_eq!(tw("α:\t1\nab:\t2\n"), "α:   1\nab:  2\n");
        assert_eq!(tw("no newline\tx"), "no newline  x");
    }
}
