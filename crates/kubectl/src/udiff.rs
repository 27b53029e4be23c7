//! A unified diff of two texts as GNU `diff -u` prints it (three lines of context, hunks whose
//! contexts touch joined, each change's deletions before its insertions), over a line-level
//! shortest edit script (Myers' O(ND) greedy algorithm). Work is bounded: past [`MAX_D`] edits
//! the texts are treated as wholly different (every old line deleted, every new one inserted).

/// Context lines around each change (`diff -u`).
const CONTEXT: usize = 3;

/// The most edits the greedy search looks for before giving up on a minimal script. The trace
/// it keeps is O(D²) numbers and the search O((N+M)·D) comparisons, so this and [`MAX_LINES`]
/// bound both time and memory.
const MAX_D: usize = 1_000;

/// Past this many lines (both texts, less their common ends) no search is made.
const MAX_LINES: usize = 50_000;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Op {
    Equal,
    Delete,
    Insert,
}

/// The edit script from `a` to `b`, one [`Op`] a line.
fn script(a: &[&str], b: &[&str]) -> Vec<Op> {
    // The common prefix and suffix need no search.
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let mut ops = vec![Op::Equal; pre];
    let searched = if am.len() + bm.len() <= MAX_LINES {
        myers(am, bm)
    } else {
        None
    };
    match searched {
        Some(mid) => ops.extend(mid),
        None => {
            ops.extend(std::iter::repeat_n(Op::Delete, am.len()));
            ops.extend(std::iter::repeat_n(Op::Insert, bm.len()));
        }
    }
    ops.extend(std::iter::repeat_n(Op::Equal, suf));
    ops
}

/// Myers' greedy forward search with a trace of each round's furthest reaches; `None` past
/// [`MAX_D`] edits.
fn myers(a: &[&str], b: &[&str]) -> Option<Vec<Op>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (a.len() + b.len()).min(MAX_D) as isize;
    let off = max + 1;
    let mut v = vec![0isize; 2 * off as usize + 1];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let mut found = None;
    'outer: for d in 0..=max {
        // What round d reads: the reaches of diagonals -d..=d (index k + d).
        trace.push(v[(off - d) as usize..=(off + d) as usize].to_vec());
        let mut k = -d;
        while k <= d {
            let i = (k + off) as usize;
            let mut x = if k == -d || (k != d && v[i - 1] < v[i + 1]) {
                v[i + 1]
            } else {
                v[i - 1] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[i] = x;
            if x >= n && y >= m {
                found = Some(d);
                break 'outer;
            }
            k += 2;
        }
    }
    let d_end = found?;
    // Walk the trace back from (n, m).
    let mut ops = Vec::with_capacity(a.len() + b.len());
    let (mut x, mut y) = (n, m);
    for d in (1..=d_end).rev() {
        let v = &trace[d as usize];
        let k = x - y;
        let i = (k + d) as usize;
        let down = k == -d || (k != d && v[i - 1] < v[i + 1]);
        let prev_k = if down { k + 1 } else { k - 1 };
        let prev_x = v[(prev_k + d) as usize];
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            ops.push(Op::Equal);
            x -= 1;
            y -= 1;
        }
        if down {
            ops.push(Op::Insert);
            y -= 1;
        } else {
            ops.push(Op::Delete);
            x -= 1;
        }
    }
    while x > 0 && y > 0 {
        ops.push(Op::Equal);
        x -= 1;
        y -= 1;
    }
    ops.reverse();
    Some(ops)
}

/// `start,count` of a hunk's range as `diff -u` writes it (`start` alone for one line; the line
/// before it, and `,0`, for none).
fn range(start: usize, count: usize) -> String {
    match count {
        0 => format!("{},0", start.saturating_sub(1)),
        1 => format!("{start}"),
        _ => format!("{start},{count}"),
    }
}

/// The hunks of `diff -u OLD NEW` (everything after the `---`/`+++` lines); empty when the
/// texts are the same. Both texts are taken to end with a newline.
pub fn hunks(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let ops = script(&a, &b);
    // Each op's line numbers (0-based) in a and b before it.
    let mut at = Vec::with_capacity(ops.len() + 1);
    let (mut i, mut j) = (0, 0);
    for op in &ops {
        at.push((i, j));
        match op {
            Op::Equal => {
                i += 1;
                j += 1;
            }
            Op::Delete => i += 1,
            Op::Insert => j += 1,
        }
    }
    at.push((i, j));
    // Group the changes: a hunk runs from CONTEXT lines before a change to CONTEXT after the
    // last change no more than 2 * CONTEXT equal lines from the next.
    let changes: Vec<usize> = (0..ops.len()).filter(|&x| ops[x] != Op::Equal).collect();
    let mut out = String::new();
    let mut c = 0;
    while c < changes.len() {
        let first = changes[c];
        let mut last = first;
        while c + 1 < changes.len() && changes[c + 1] - last <= 2 * CONTEXT + 1 {
            c += 1;
            last = changes[c];
        }
        c += 1;
        let from = first.saturating_sub(CONTEXT);
        let to = (last + 1 + CONTEXT).min(ops.len());
        let (a0, b0) = at[from];
        let (a1, b1) = at[to];
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(a0 + 1, a1 - a0),
            range(b0 + 1, b1 - b0)
        ));
        // Within a run of changes, deletions first, then insertions.
        let mut x = from;
        while x < to {
            if ops[x] == Op::Equal {
                out.push(' ');
                out.push_str(a[at[x].0]);
                out.push('\n');
                x += 1;
                continue;
            }
            let run_end = (x..to).find(|&y| ops[y] == Op::Equal).unwrap_or(to);
            for y in x..run_end {
                if ops[y] == Op::Delete {
                    out.push('-');
                    out.push_str(a[at[y].0]);
                    out.push('\n');
                }
            }
            for y in x..run_end {
                if ops[y] == Op::Insert {
                    out.push('+');
                    out.push_str(b[at[y].1]);
                    out.push('\n');
                }
            }
            x = run_end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_texts_have_no_hunks() {
        assert_eq!(hunks("a\nb\n", "a\nb\n"), "");
        assert_eq!(hunks("", ""), "");
    }

    #[test]
    fn a_changed_line_with_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n";
        let new = "1\n2\n3\nx\n5\n6\n7\n";
        assert_eq!(
            hunks(old, new),
            "@@ -1,7 +1,7 @@\n 1\n 2\n 3\n-4\n+x\n 5\n 6\n 7\n"
        );
    }

    #[test]
    fn from_one_line_to_many_and_far_changes_split() {
        assert_eq!(hunks("null\n", "a\nb\n"), "@@ -1 +1,2 @@\n-null\n+a\n+b\n");
        assert_eq!(hunks("", "a\n"), "@@ -0,0 +1 @@\n+a\n");
        let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let new: String = (1..=20)
            .map(|i| match i {
                2 => "two\n".to_string(),
                19 => "x\n".to_string(),
                _ => format!("{i}\n"),
            })
            .collect();
        assert_eq!(
            hunks(&old, &new),
            "@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n@@ -16,5 +16,5 @@\n 16\n 17\n 18\n-19\n+x\n 20\n"
        );
    }

    #[test]
    fn changes_six_lines_apart_share_a_hunk() {
        let old: String = (1..=9).map(|i| format!("{i}\n")).collect();
        let new = old.replace("1\n", "a\n").replace("8\n", "b\n");
        assert_eq!(
            hunks(&old, &new),
            "@@ -1,9 +1,9 @@\n-1\n+a\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+b\n 9\n"
        );
    }

    #[test]
    fn past_the_bound_the_texts_are_replaced_whole() {
        let old: String = (0..3000).map(|i| format!("{i}\n")).collect();
        let new: String = (0..3000).map(|i| format!("n{i}\n")).collect();
        let h = hunks(&old, &new);
        assert!(h.starts_with("@@ -1,3000 +1,3000 @@\n-0\n"));
        assert_eq!(h.lines().count(), 6001);
    }
}
