//! The few text tools of the learner's own machine that kubectl pipelines lean on:
//! `grep`, `head`, `tail`, `wc`, `sort`, `base64`.

use ordinal_shell::{Chunk, Output, Stream};

fn out(s: String) -> Output {
    Output {
        chunks: if s.is_empty() {
            Vec::new()
        } else {
            vec![Chunk {
                stream: Stream::Out,
                text: s,
            }]
        },
        status: 0,
        clear: false,
    }
}

fn err(s: String, status: i32) -> Output {
    Output {
        chunks: vec![Chunk {
            stream: Stream::Err,
            text: s,
        }],
        status,
        clear: false,
    }
}

fn lines(s: &str) -> Vec<&str> {
    s.lines().collect()
}

/// Runs a tool on `input` (stdin, or the files' text the caller read). `None`: not a tool here.
pub fn run(name: &str, args: &[String], input: &str) -> Option<Output> {
    Some(match name {
        "grep" => {
            let (mut invert, mut icase, mut count) = (false, false, false);
            let (mut after, mut before) = (0usize, 0usize);
            let mut pattern = None;
            let mut it = args.iter().peekable();
            while let Some(a) = it.next() {
                match a.as_str() {
                    "-A" | "-B" | "-C" => {
                        let n = it.next().and_then(|v| v.parse().ok()).unwrap_or(0);
                        match a.as_str() {
                            "-A" => after = n,
                            "-B" => before = n,
                            _ => (after, before) = (n, n),
                        }
                    }
                    "-v" => invert = true,
                    "-i" => icase = true,
                    "-c" => count = true,
                    "-E" | "-F" | "-w" => {}
                    s if s.starts_with('-') && s.len() > 1 && pattern.is_none() => {
                        for ch in s[1..].chars() {
                            match ch {
                                'v' => invert = true,
                                'i' => icase = true,
                                'c' => count = true,
                                _ => {}
                            }
                        }
                    }
                    s if pattern.is_none() => pattern = Some(s.to_string()),
                    _ => {}
                }
            }
            let Some(pat) = pattern else {
                return Some(err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n".into(), 2));
            };
            let alts: Vec<String> = pat
                .split("\\|")
                .map(|p| {
                    if icase {
                        p.to_lowercase()
                    } else {
                        p.to_string()
                    }
                })
                .collect();
            let all = lines(input);
            let matched: Vec<bool> = all
                .iter()
                .map(|l| {
                    let l = if icase {
                        l.to_lowercase()
                    } else {
                        l.to_string()
                    };
                    alts.iter().any(|p| l.contains(p.as_str())) != invert
                })
                .collect();
            let hits = matched.iter().filter(|m| **m).count();
            let status = if hits == 0 { 1 } else { 0 };
            let mut shown = vec![false; all.len()];
            for (i, m) in matched.iter().enumerate() {
                if *m {
                    for s in shown
                        .iter_mut()
                        .take((i + after + 1).min(all.len()))
                        .skip(i.saturating_sub(before))
                    {
                        *s = true;
                    }
                }
            }
            let text = if count {
                format!("{hits}\n")
            } else {
                all.iter()
                    .zip(&shown)
                    .filter(|(_, s)| **s)
                    .map(|(l, _)| format!("{l}\n"))
                    .collect()
            };
            Output {
                status,
                ..out(text)
            }
        }
        "head" | "tail" => {
            let mut n: usize = 10;
            let mut it = args.iter();
            while let Some(a) = it.next() {
                if a == "-n" {
                    n = it
                        .next()
                        .and_then(|v| v.trim_start_matches('+').parse().ok())
                        .unwrap_or(10);
                } else if let Some(v) = a.strip_prefix("-n") {
                    n = v.parse().unwrap_or(10);
                } else if let Some(v) = a.strip_prefix('-') {
                    n = v.parse().unwrap_or(n);
                }
            }
            let ls = lines(input);
            let picked = if name == "head" {
                &ls[..n.min(ls.len())]
            } else {
                &ls[ls.len().saturating_sub(n)..]
            };
            out(picked.iter().map(|l| format!("{l}\n")).collect())
        }
        "wc" => {
            let l = input.matches('\n').count();
            let w = input.split_whitespace().count();
            let c = input.len();
            let text = match args.iter().find(|a| a.starts_with('-')).map(String::as_str) {
                Some("-l") => format!("{l}\n"),
                Some("-w") => format!("{w}\n"),
                Some("-c") => format!("{c}\n"),
                _ => format!("{l:>7} {w:>7} {c:>7}\n"),
            };
            out(text)
        }
        "sort" => {
            let mut ls = lines(input);
            ls.sort();
            if args.iter().any(|a| a == "-r") {
                ls.reverse();
            }
            out(ls.iter().map(|l| format!("{l}\n")).collect())
        }
        "base64" => {
            if args.iter().any(|a| a == "-d" || a == "--decode") {
                let compact: String = input.split_whitespace().collect();
                match ordinal_sim::base64::decode(&compact) {
                    Some(b) => out(String::from_utf8_lossy(&b).into_owned()),
                    None => err("base64: invalid input\n".into(), 1),
                }
            } else {
                out(format!(
                    "{}\n",
                    ordinal_sim::base64::encode(input.as_bytes())
                ))
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::run;

    #[test]
    fn tools() {
        let text = "NAME\nweb-0\nweb-1\ndns\n";
        assert_eq!(
            run("grep", &["web".into()], text).unwrap().stdout(),
            "web-0\nweb-1\n"
        );
        assert_eq!(
            run("grep", &["-v".into(), "web".into()], text)
                .unwrap()
                .stdout(),
            "NAME\ndns\n"
        );
        assert_eq!(run("grep", &["nope".into()], text).unwrap().status, 1);
        assert_eq!(
            run("tail", &["-n".into(), "1".into()], text)
                .unwrap()
                .stdout(),
            "dns\n"
        );
        assert_eq!(
            run("head", &["-2".into()], text).unwrap().stdout(),
            "NAME\nweb-0\n"
        );
        assert_eq!(run("wc", &["-l".into()], text).unwrap().stdout(), "4\n");
        assert_eq!(
            run("base64", &["-d".into()], "aGk=").unwrap().stdout(),
            "hi"
        );
        assert!(run("awk", &[], "").is_none());
    }
}
