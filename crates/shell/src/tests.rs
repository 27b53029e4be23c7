//! The language and builtins against a fake host that records what it was asked.

use super::*;
use std::collections::{BTreeMap, BTreeSet};

/// One command the host ran: its words, its stdin and its environment.
type Call = (Vec<String>, String, Vec<(String, String)>);

#[derive(Default)]
struct Fake {
    files: BTreeMap<String, String>,
    dirs: BTreeSet<String>,
    calls: Vec<Call>,
    slept: Vec<u64>,
    stop_after: Option<usize>,
}

impl Fake {
    fn new() -> Fake {
        let mut f = Fake::default();
        for d in [
            "/",
            "/tmp",
            "/usr",
            "/usr/share",
            "/usr/share/nginx",
            "/usr/share/nginx/html",
        ] {
            f.dirs.insert(d.into());
        }
        f.files.insert("/etc/hostname".into(), "web-0\n".into());
        f
    }
}

impl Host for Fake {
    fn command(&mut self, state: &State, argv: &[String], stdin: &str) -> Output {
        self.calls
            .push((argv.to_vec(), stdin.to_string(), state.env()));
        match argv[0].as_str() {
            "hostname" => Output::out("web-0\n"),
            "cat" if argv.len() == 1 => Output::out(stdin),
            "cat" => {
                let mut o = Output::default();
                for f in &argv[1..] {
                    match self.files.get(&state.resolve(f)) {
                        Some(t) => o.push_out(t.clone()),
                        None => {
                            o.push_err(format!(
                                "cat: can't open '{f}': No such file or directory\n"
                            ));
                            o.status = 1;
                        }
                    }
                }
                o
            }
            "upper" => Output::out(stdin.to_uppercase()),
            "wc" => Output::out(format!("{}\n", stdin.lines().count())),
            "env" => Output::out(
                state
                    .env()
                    .iter()
                    .map(|(k, v)| format!("{k}={v}\n"))
                    .collect::<String>(),
            ),
            "fail" => Output::err("fail: it failed\n", 3),
            "both" => {
                let mut o = Output::out("to out\n");
                o.push_err("to err\n");
                o
            }
            "clearer" => Output {
                clear: true,
                ..Output::default()
            },
            _ => Output::default().with_status(127),
        }
    }
    fn read_file(&mut self, state: &State, path: &str) -> Result<String, String> {
        let p = state.resolve(path);
        if self.dirs.contains(&p) {
            return Err("Is a directory".into());
        }
        self.files
            .get(&p)
            .cloned()
            .ok_or_else(|| "No such file or directory".into())
    }
    fn write_file(
        &mut self,
        state: &State,
        path: &str,
        content: &str,
        append: bool,
    ) -> Result<(), String> {
        let p = state.resolve(path);
        let parent = resolve_path(&p, "..");
        if !self.dirs.contains(&parent) {
            return Err("No such file or directory".into());
        }
        if self.dirs.contains(&p) {
            return Err("Is a directory".into());
        }
        let e = self.files.entry(p).or_default();
        if append {
            e.push_str(content);
        } else {
            *e = content.to_string();
        }
        Ok(())
    }
    fn sleep(&mut self, ms: u64) {
        self.slept.push(ms);
    }
    fn is_dir(&mut self, state: &State, path: &str) -> bool {
        self.dirs.contains(&state.resolve(path))
    }
    fn list_dir(&mut self, state: &State, path: &str) -> Option<Vec<String>> {
        let dir = state.resolve(path);
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        let mut names: Vec<String> = self
            .files
            .keys()
            .chain(self.dirs.iter())
            .filter_map(|p| p.strip_prefix(&prefix))
            .filter(|r| !r.is_empty() && !r.contains('/'))
            .map(str::to_string)
            .collect();
        names.sort();
        names.dedup();
        Some(names)
    }
    fn interrupted(&mut self) -> Option<i32> {
        match self.stop_after {
            Some(n) if self.calls.len() >= n => Some(137),
            _ => None,
        }
    }
}

fn run_in(d: Dialect, script: &str) -> (Output, Fake, Shell) {
    let mut host = Fake::new();
    let mut sh = Shell::new(d);
    let o = sh.run(&mut host, script);
    (o, host, sh)
}

fn bash(script: &str) -> Output {
    run_in(Dialect::Bash, script).0
}

fn ash(script: &str) -> Output {
    run_in(Dialect::Ash, script).0
}

fn dash(script: &str) -> Output {
    run_in(Dialect::Dash, script).0
}

#[test]
fn words_and_quotes() {
    assert_eq!(
        bash(r#"echo 'a  b' "c  d" e\ f   g"#).stdout(),
        "a  b c  d e f g\n"
    );
    assert_eq!(
        bash(r#"echo "it's" 'say "hi"' \$HOME"#).stdout(),
        "it's say \"hi\" $HOME\n"
    );
    assert_eq!(bash("echo a\\\nb").stdout(), "ab\n");
    assert_eq!(bash("echo ''").stdout(), "\n");
    assert_eq!(bash("echo a # a comment\n# another").stdout(), "a\n");
    assert_eq!(bash("echo a#b").stdout(), "a#b\n");
}

#[test]
fn variables() {
    let o = bash(
        "X=1; Y='two words'; echo $X ${X}x \"$Y\" $Y ${#Y} ${Z:-dflt} ${Z-d2} ${X:+alt} ${Z:+alt}",
    );
    assert_eq!(o.stdout(), "1 1x two words two words 9 dflt d2 alt\n");
    assert_eq!(bash("echo ${A:=set}; echo $A").stdout(), "set\nset\n");
    assert_eq!(
        bash("f=index.html; echo ${f%.html} ${f#*.} ${f%%.*}").stdout(),
        "index html index\n"
    );
    assert_eq!(
        bash("X=\"a   b\"; for w in $X; do echo [$w]; done").stdout(),
        "[a]\n[b]\n"
    );
    assert_eq!(
        bash("e=; for w in $e; do echo no; done; echo \"[$e]\"").stdout(),
        "[]\n"
    );
    assert_eq!(
        bash("HOME=/root; echo ~ ~/x a~").stdout(),
        "/root /root/x a~\n"
    );
}

#[test]
fn status_variable() {
    assert_eq!(bash("false; echo $?; true; echo $?").stdout(), "1\n0\n");
    assert_eq!(bash("fail; echo $?").text(), "fail: it failed\n3\n");
    assert_eq!(bash("! true; echo $?").stdout(), "1\n");
}

#[test]
fn parameter_error_ends_the_line() {
    let o = bash("echo ${NOPE:?is required}; echo after");
    assert_eq!(o.stderr(), "bash: NOPE: is required\n");
    assert_eq!(o.stdout(), "");
    assert_eq!(o.status, 1);
    let o = dash("echo ${NOPE?}");
    assert_eq!(o.stderr(), "sh: 1: NOPE: parameter not set\n");
    assert_eq!(o.status, 2);
}

#[test]
fn command_substitution() {
    assert_eq!(
        bash("echo $(hostname) > /tmp/i; cat /tmp/i").stdout(),
        "web-0\n"
    );
    assert_eq!(bash("echo \"[$(printf 'a\\n\\n\\n')]\"").stdout(), "[a]\n");
    assert_eq!(bash("echo `hostname`-x").stdout(), "web-0-x\n");
    assert_eq!(bash("echo $(echo $(echo deep))").stdout(), "deep\n");
    assert_eq!(bash("x=$(false); echo $?").stdout(), "1\n");
    // A substitution runs in a subshell.
    assert_eq!(
        bash("y=1; z=$(y=2; cd /tmp; echo $y); echo $y $z; pwd").stdout(),
        "1 2\n/\n"
    );
    // Its stderr is not captured.
    let o = bash("x=$(both); echo \"$x\"");
    assert_eq!(o.text(), "to err\nto out\n");
}

#[test]
fn arithmetic() {
    assert_eq!(
        bash("i=4; echo $((i * (2 + 3) - 1)) $((7 / 2)) $((7 % 2)) $(( -3 + i ))").stdout(),
        "19 3 1 1\n"
    );
    assert_eq!(
        bash("i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i").stdout(),
        "3\n"
    );
    assert_eq!(bash("n=5; echo $(($n + 1)) $((n > 3))").stdout(), "6 1\n");
    assert_eq!(bash("echo $((i = 9)); echo $i").stdout(), "9\n9\n");
}

#[test]
fn arithmetic_errors_per_dialect() {
    let o = bash("echo $((1/0)); echo after");
    assert_eq!(
        o.stderr(),
        "bash: 1/0: division by 0 (error token is \"0\")\n"
    );
    assert_eq!(o.stdout(), "");
    assert_eq!(o.status, 1);
    let o = dash("echo $((1/0))");
    assert_eq!(
        o.stderr(),
        "sh: 1: arithmetic expression: division by zero: \"1/0\"\n"
    );
    assert_eq!(o.status, 2);
    assert_eq!(ash("echo $((1/0))").stderr(), "sh: divide by zero\n");
    assert_eq!(
        bash("echo $((1 +))").stderr(),
        "bash: 1 +: syntax error: operand expected (error token is \"\")\n"
    );
    assert_eq!(
        ash("echo $((1 +))").stderr(),
        "sh: arithmetic syntax error\n"
    );
}

#[test]
fn lists_and_pipes() {
    assert_eq!(bash("echo a; echo b").stdout(), "a\nb\n");
    assert_eq!(bash("true && echo yes || echo no").stdout(), "yes\n");
    assert_eq!(bash("false && echo yes || echo no").stdout(), "no\n");
    assert_eq!(bash("false || false && echo x; echo $?").stdout(), "1\n");
    let (o, host, _) = run_in(Dialect::Bash, "echo hello | upper | cat");
    assert_eq!(o.stdout(), "HELLO\n");
    assert_eq!(host.calls[0].1, "hello\n");
    assert_eq!(host.calls[1].1, "HELLO\n");
    assert_eq!(bash("printf 'a\\nb\\nc\\n' | wc -l").stdout(), "3\n");
    assert_eq!(bash("false | true; echo $?").stdout(), "0\n");
    // Pipeline stages are subshells.
    assert_eq!(bash("x=1; x=2 | true; echo $x | cat").stdout(), "1\n");
}

#[test]
fn redirections() {
    let (o, host, _) = run_in(
        Dialect::Bash,
        "echo one > /tmp/f; echo two >> /tmp/f; cat < /tmp/f; echo gone > /dev/null",
    );
    assert_eq!(o.stdout(), "one\ntwo\n");
    assert_eq!(host.files["/tmp/f"], "one\ntwo\n");
    assert_eq!(bash("both 2>&1 | upper").stdout(), "TO OUT\nTO ERR\n");
    assert_eq!(bash("both 2>/dev/null").text(), "to out\n");
    assert_eq!(bash("both >/dev/null").text(), "to err\n");
    assert_eq!(
        bash("both > /tmp/o 2>&1; cat /tmp/o").stdout(),
        "to out\nto err\n"
    );
    assert_eq!(bash("both 2>&1 > /tmp/o").text(), "to err\n");
    assert_eq!(
        bash("both &> /tmp/o; cat /tmp/o").stdout(),
        "to out\nto err\n"
    );
    assert_eq!(bash("echo err >&2").stderr(), "err\n");
    assert_eq!(
        bash("{ echo a; echo b; } > /tmp/g; cat /tmp/g").stdout(),
        "a\nb\n"
    );
    assert_eq!(
        bash("for i in 1 2; do echo $i; done > /tmp/h; cat /tmp/h").stdout(),
        "1\n2\n"
    );
    // `>` truncates even when the command prints nothing.
    let (_, host, _) = run_in(Dialect::Bash, "echo x > /tmp/e; true > /tmp/e");
    assert_eq!(host.files["/tmp/e"], "");
    // The tutorial's line.
    let (_, host, _) = run_in(
        Dialect::Dash,
        "echo $(hostname) > /usr/share/nginx/html/index.html",
    );
    assert_eq!(host.files["/usr/share/nginx/html/index.html"], "web-0\n");
}

#[test]
fn redirection_errors_per_dialect() {
    let o = bash("echo x > /nope/f; echo $?");
    assert_eq!(o.text(), "bash: /nope/f: No such file or directory\n1\n");
    assert_eq!(
        ash("echo x > /nope/f").stderr(),
        "sh: can't create /nope/f: nonexistent directory\n"
    );
    assert_eq!(
        dash("echo x > /nope/f").stderr(),
        "sh: 1: cannot create /nope/f: Directory nonexistent\n"
    );
    assert_eq!(
        dash("echo x > /tmp").stderr(),
        "sh: 1: cannot create /tmp: Is a directory\n"
    );
    assert_eq!(
        bash("cat < /nope").stderr(),
        "bash: /nope: No such file or directory\n"
    );
    assert_eq!(
        ash("cat < /nope").stderr(),
        "sh: can't open /nope: no such file\n"
    );
    assert_eq!(
        dash("cat < /nope").stderr(),
        "sh: 1: cannot open /nope: No such file\n"
    );
}

#[test]
fn heredocs() {
    let o = bash("X=web; cat <<EOF\nhello $X\n  $(hostname)\nEOF\necho after");
    assert_eq!(o.stdout(), "hello web\n  web-0\nafter\n");
    assert_eq!(bash("cat <<'EOF'\n$X\nEOF").stdout(), "$X\n");
    assert_eq!(bash("cat <<-EOF\n\tindented\n\tEOF").stdout(), "indented\n");
}

#[test]
fn for_if_while() {
    assert_eq!(
        bash("for i in 0 1; do echo web-$i; done").stdout(),
        "web-0\nweb-1\n"
    );
    assert_eq!(
        bash("for i in 1 2 3\ndo\n  if [ $i = 2 ]; then echo two; elif [ $i = 3 ]; then echo three; else echo other; fi\ndone").stdout(),
        "other\ntwo\nthree\n"
    );
    assert_eq!(
        bash("n=0; while [ $n -lt 3 ]; do echo $n; n=$((n+1)); done").stdout(),
        "0\n1\n2\n"
    );
    assert_eq!(
        bash("n=0; until [ $n -ge 2 ]; do n=$((n+1)); done; echo $n").stdout(),
        "2\n"
    );
    assert_eq!(
        bash("for i in 1 2 3 4; do [ $i = 3 ] && break; echo $i; done").stdout(),
        "1\n2\n"
    );
    assert_eq!(
        bash("for i in 1 2 3; do [ $i = 2 ] && continue; echo $i; done").stdout(),
        "1\n3\n"
    );
    assert_eq!(bash("if false; then echo x; fi; echo $?").stdout(), "0\n");
    let (_, _, sh) = run_in(Dialect::Ash, "set -- a b c; for x; do echo $x; done");
    assert_eq!(sh.state.get("x"), Some("c"));
}

#[test]
fn assignments_before_commands() {
    let (o, host, sh) = run_in(Dialect::Bash, "GREETING=hi env; echo \"[$GREETING]\"");
    assert_eq!(o.stdout(), "GREETING=hi\n[]\n");
    assert!(host.calls[0].2.contains(&("GREETING".into(), "hi".into())));
    assert_eq!(sh.state.get("GREETING"), None);
    let (_, host, _) = run_in(Dialect::Bash, "export A=1; B=2; env");
    assert_eq!(host.calls[0].2, vec![("A".to_string(), "1".to_string())]);
}

#[test]
fn echo_and_printf() {
    assert_eq!(bash("echo -n a; echo b").stdout(), "ab\n");
    assert_eq!(bash("echo -e 'a\\tb\\n'").stdout(), "a\tb\n\n");
    assert_eq!(bash("echo 'a\\tb'").stdout(), "a\\tb\n");
    assert_eq!(bash("echo -e 'x\\cy'; echo z").stdout(), "xz\n");
    assert_eq!(bash("echo -x").stdout(), "-x\n");
    // dash's echo always interprets backslashes and knows no -e.
    assert_eq!(dash("echo 'a\\tb'; echo -e x").stdout(), "a\tb\n-e x\n");
    assert_eq!(ash("echo -e 'a\\tb'").stdout(), "a\tb\n");
    assert_eq!(bash("printf '%s=%d%%\\n' a 5 b 7").stdout(), "a=5%\nb=7%\n");
    assert_eq!(
        bash("printf '[%5s][%-3s][%03d][%x]\\n' ab c 7 255").stdout(),
        "[   ab][c  ][007][ff]\n"
    );
    assert_eq!(bash("printf 'no newline'").stdout(), "no newline");
    let o = bash("printf '%d\\n' abc");
    assert_eq!(o.text(), "0\nbash: printf: abc: invalid number\n");
    assert_eq!(o.status, 1);
}

#[test]
fn cd_and_pwd() {
    let (o, _, sh) = run_in(
        Dialect::Bash,
        "cd /usr/share; pwd; cd nginx/html; pwd; cd ..; echo $PWD; cd -; cd",
    );
    assert_eq!(
        o.stdout(),
        "/usr/share\n/usr/share/nginx/html\n/usr/share/nginx\n/usr/share/nginx/html\n"
    );
    assert_eq!(sh.state.cwd, "/");
    assert_eq!(
        bash("cd /nope").stderr(),
        "bash: cd: /nope: No such file or directory\n"
    );
    assert_eq!(
        bash("cd /etc/hostname").stderr(),
        "bash: cd: /etc/hostname: Not a directory\n"
    );
    assert_eq!(bash("cd / /tmp").stderr(), "bash: cd: too many arguments\n");
    assert_eq!(
        ash("cd /nope").stderr(),
        "sh: cd: line 1: can't cd to /nope: No such file or directory\n"
    );
    let o = dash("cd /nope; echo $?");
    assert_eq!(o.text(), "sh: 1: cd: can't cd to /nope\n2\n");
    // Subshells keep their cd.
    assert_eq!(bash("(cd /tmp; pwd); pwd").stdout(), "/tmp\n/\n");
}

#[test]
fn export_and_unset() {
    let (o, _, sh) = run_in(
        Dialect::Bash,
        "export A=1 B; B=2; export; unset A; echo \"[$A]\"",
    );
    assert_eq!(o.stdout(), "declare -x A=\"1\"\ndeclare -x B=\"2\"\n[]\n");
    assert!(!sh.state.exported.contains("A"));
    assert_eq!(
        dash("export A='it''s'; export").stdout(),
        "export A='its'\n"
    );
    assert_eq!(
        bash("export 1x=2").stderr(),
        "bash: export: `1x=2': not a valid identifier\n"
    );
}

#[test]
fn exit_ends_the_script() {
    let (o, _, sh) = run_in(Dialect::Ash, "echo a; exit 3; echo b");
    assert_eq!((o.stdout().as_str(), o.status), ("a\n", 3));
    assert!(sh.has_exited());
    assert_eq!(ash("false; exit").status, 1);
    assert_eq!(ash("exit 300").status, 44);
    // `exit` in a subshell ends only the subshell.
    let (o, _, sh) = run_in(Dialect::Bash, "(exit 4); echo $?");
    assert_eq!(o.stdout(), "4\n");
    assert!(!sh.has_exited());
    let o = bash("exit abc");
    assert_eq!(
        (o.stderr().as_str(), o.status),
        ("bash: exit: abc: numeric argument required\n", 2)
    );
    assert_eq!(
        dash("exit abc").stderr(),
        "sh: 1: exit: Illegal number: abc\n"
    );
}

#[test]
fn sleep_asks_the_host() {
    let (o, host, _) = run_in(Dialect::Bash, "sleep 5; sleep 0.5; sleep 2s; sleep 1m 1");
    assert_eq!(o.status, 0);
    assert_eq!(host.slept, vec![5000, 500, 2000, 61_000]);
    let o = bash("sleep x");
    assert_eq!(
        o.stderr(),
        "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n"
    );
    assert_eq!(o.status, 1);
    assert_eq!(ash("sleep x").stderr(), "sleep: invalid number 'x'\n");
    assert_eq!(
        bash("sleep").stderr(),
        "sleep: missing operand\nTry 'sleep --help' for more information.\n"
    );
    let o = bash("sleep infinity");
    assert!(o.stderr().contains("stopped"), "{o:?}");
    assert_eq!(o.status, 1);
    assert_eq!(parse_duration("1.5m"), Some(90_000));
    assert_eq!(parse_duration("-1"), None);
}

#[test]
fn test_builtin() {
    let t = |s: &str| bash(&format!("{s}; echo $?")).stdout();
    assert_eq!(t("[ -f /etc/hostname ]"), "0\n");
    assert_eq!(t("[ -f /tmp ]"), "1\n");
    assert_eq!(t("[ -d /tmp ]"), "0\n");
    assert_eq!(t("[ -e /nope ]"), "1\n");
    assert_eq!(t("test -z ''"), "0\n");
    assert_eq!(t("test -n ''"), "1\n");
    assert_eq!(t("[ a = a ]"), "0\n");
    assert_eq!(t("[ a != a ]"), "1\n");
    assert_eq!(t("[ 2 -eq 2 ]"), "0\n");
    assert_eq!(t("[ 2 -ne 2 ]"), "1\n");
    assert_eq!(t("[ 1 -lt 2 ]"), "0\n");
    assert_eq!(t("[ 1 -gt 2 ]"), "1\n");
    assert_eq!(t("[ ! -d /nope ]"), "0\n");
    assert_eq!(t("[ -d /tmp -a -f /etc/hostname ]"), "0\n");
    assert_eq!(t("[ -d /nope -o -f /etc/hostname ]"), "0\n");
    assert_eq!(t("[ ]"), "1\n");
    assert_eq!(t("[ x ]"), "0\n");
    let o = bash("[ 1 -eq 1");
    assert_eq!(
        (o.stderr().as_str(), o.status),
        ("bash: [: missing `]'\n", 2)
    );
    assert_eq!(
        bash("[ a -eq 1 ]").stderr(),
        "bash: [: a: integer expression expected\n"
    );
    assert_eq!(
        dash("[ a -eq 1 ]").stderr(),
        "sh: 1: [: Illegal number: a\n"
    );
    assert_eq!(ash("[ a -eq 1 ]").stderr(), "sh: a: bad number\n");
    assert_eq!(dash("[ 1 -eq 1").stderr(), "sh: 1: [: missing ]\n");
}

#[test]
fn clear_history_help() {
    assert!(bash("clear").clear);
    assert!(bash("clearer | cat").clear);
    let mut host = Fake::new();
    let mut sh = Shell::new(Dialect::Bash);
    sh.run(&mut host, "echo a");
    sh.run(&mut host, "   ");
    sh.run(&mut host, "ls");
    let o = sh.run(&mut host, "history");
    assert_eq!(o.stdout(), "    1  echo a\n    2  ls\n    3  history\n");
    assert!(bash("help").stdout().contains("for NAME in WORDS"));
    // ash and dash under `sh -c` keep no history.
    let (_, _, sh) = run_in(Dialect::Ash, "echo a");
    assert!(sh.state.history.is_empty());
}

#[test]
fn read_and_loops_over_input() {
    let o = bash("printf 'a 1\\nb 2\\n' | while read name n; do echo \"$n-$name\"; done");
    assert_eq!(o.stdout(), "1-a\n2-b\n");
    let o = bash("printf 'x\\ny\\n' > /tmp/l; while read l; do echo [$l]; done < /tmp/l");
    assert_eq!(o.stdout(), "[x]\n[y]\n");
    let mut host = Fake::new();
    let mut sh = Shell::new(Dialect::Ash);
    let o = sh.run_with_input(&mut host, "read a; cat", "first\nrest\n");
    assert_eq!(o.stdout(), "rest\n");
    assert_eq!(sh.state.get("a"), Some("first"));
}

#[test]
fn eval_set_and_dot() {
    assert_eq!(bash("c='echo hi'; eval $c there").stdout(), "hi there\n");
    let o = bash("set -e; echo a; false; echo b");
    assert_eq!((o.stdout().as_str(), o.status), ("a\n", 1));
    assert_eq!(
        bash("set -e; false || true; if false; then :; fi; echo ok").stdout(),
        "ok\n"
    );
    assert_eq!(bash("set -x; echo hi").text(), "+ echo hi\nhi\n");
    assert_eq!(
        bash("echo 'X=5' > /tmp/env; . /tmp/env; echo $X").stdout(),
        "5\n"
    );
    assert_eq!(
        bash("set -- a 'b c'; echo $# $2; shift; echo $1").stdout(),
        "2 b c\nb c\n"
    );
}

#[test]
fn patterns_use_the_host_listing() {
    let mut host = Fake::new();
    host.files
        .insert("/usr/share/nginx/html/a.html".into(), "A".into());
    host.files
        .insert("/usr/share/nginx/html/b.html".into(), "B".into());
    host.files
        .insert("/usr/share/nginx/html/.hidden".into(), "H".into());
    let mut sh = Shell::new(Dialect::Bash);
    let o = sh.run(&mut host, "echo /usr/share/nginx/html/*; cd /usr/share/nginx; echo html/*.html; echo *.none; echo '*'");
    assert_eq!(
        o.stdout(),
        "/usr/share/nginx/html/a.html /usr/share/nginx/html/b.html\nhtml/a.html html/b.html\n*.none\n*\n"
    );
}

#[test]
fn not_found_in_each_dialect() {
    let o = bash("nosuch arg");
    assert_eq!(
        (o.stderr().as_str(), o.status),
        ("bash: nosuch: command not found\n", 127)
    );
    assert_eq!(ash("nosuch").stderr(), "sh: nosuch: not found\n");
    assert_eq!(
        dash("echo a\nnosuch").stderr(),
        "sh: 2: nosuch: not found\n"
    );
    let mut host = Fake::new();
    let mut sh = Shell::new(Dialect::Bash);
    sh.set_interactive(false);
    assert_eq!(
        sh.run(&mut host, "nosuch").stderr(),
        "bash: line 1: nosuch: command not found\n"
    );
    assert_eq!(Dialect::Dash.not_found("foo", 1), "sh: 1: foo: not found\n");
}

#[test]
fn syntax_errors_in_each_dialect() {
    let o = bash("for i in 1; do echo; done; done");
    assert_eq!(
        (o.stderr().as_str(), o.status),
        ("bash: syntax error near unexpected token `done'\n", 2)
    );
    assert_eq!(o.stdout(), "");
    assert_eq!(
        ash("done").stderr(),
        "sh: syntax error: unexpected \"done\"\n"
    );
    assert_eq!(
        dash("done").stderr(),
        "sh: 1: Syntax error: \"done\" unexpected\n"
    );
    assert_eq!(dash("done").status, 2);
    assert_eq!(
        ash("for i in 1 2; echo $i; done").stderr(),
        "sh: syntax error: unexpected word (expecting \"do\")\n"
    );
    assert_eq!(
        dash("for i in 1 2; do echo $i").stderr(),
        "sh: 1: Syntax error: end of file unexpected (expecting \"done\")\n"
    );
    assert_eq!(
        bash("if true; then echo").stderr(),
        "bash: syntax error: unexpected end of file\n"
    );
    assert_eq!(
        bash("echo >").stderr(),
        "bash: syntax error: unexpected end of file\n"
    );
    assert_eq!(
        bash("echo > ;").stderr(),
        "bash: syntax error near unexpected token `;'\n"
    );
    assert_eq!(
        bash("| wc").stderr(),
        "bash: syntax error near unexpected token `|'\n"
    );
    assert_eq!(
        dash("echo >\n").stderr(),
        "sh: 1: Syntax error: newline unexpected\n"
    );
    assert_eq!(
        ash("if true; then :; done").stderr(),
        "sh: syntax error: unexpected \"done\" (expecting \"fi\")\n"
    );
    // Unterminated quotes.
    assert_eq!(
        bash("echo 'abc").stderr(),
        "bash: unexpected EOF while looking for matching `''\n"
    );
    assert_eq!(
        bash("echo \"abc").stderr(),
        "bash: unexpected EOF while looking for matching `\"'\n"
    );
    assert_eq!(
        ash("echo 'abc").stderr(),
        "sh: syntax error: unterminated quoted string\n"
    );
    assert_eq!(
        dash("echo 'abc").stderr(),
        "sh: 1: Syntax error: Unterminated quoted string\n"
    );
    assert_eq!(
        bash("echo $(ls").stderr(),
        "bash: unexpected EOF while looking for matching `)'\n"
    );
    assert_eq!(
        dash("echo ${x").stderr(),
        "sh: 1: Syntax error: Missing '}'\n"
    );
    assert_eq!(
        bash("echo ${x!}").stderr(),
        "bash: ${x!}: bad substitution\n"
    );
    // bash -c echoes the line.
    let mut host = Fake::new();
    let mut sh = Shell::new(Dialect::Bash);
    sh.set_interactive(false);
    assert_eq!(
        sh.run(&mut host, "echo ok\nfi").text(),
        "ok\nbash: -c: line 2: syntax error near unexpected token `fi'\nbash: -c: line 2: `fi'\n"
    );
    // Lines before the bad one ran.
    assert_eq!(dash("echo first\ndone").stdout(), "first\n");
}

#[test]
fn runs_are_bounded() {
    let o = bash("while true; do :; done");
    assert_eq!(o.status, 1);
    assert_eq!(
        o.stderr(),
        "bash: stopped after 100000 steps: one command line may run at most that many commands and loop rounds here\n"
    );
    let (o, _, _) = run_in(Dialect::Ash, "while :; do echo y; done");
    assert!(o.stderr().starts_with("sh: stopped"));
    let o = bash("x=a; while true; do x=$x$x; done");
    assert!(o.stderr().contains("stopped"), "{}", o.stderr());
    let o = bash("while true; do sleep 3600; done");
    assert!(o.stderr().contains("sleep at most"), "{}", o.stderr());
    // A loop stopped inside a pipeline said nothing: its message was dropped with the stage.
    let o = bash("while true; do sleep 3600; done | wc -l");
    assert!(o.stderr().contains("sleep at most"), "{}", o.stderr());
    let o = bash("while true; do echo y; done | cat");
    assert!(o.stderr().contains("stopped"), "{}", o.stderr());
    let mut host = Fake::new();
    let mut sh = Shell::new(Dialect::Bash);
    sh.set_limits(Limits {
        steps: 10,
        ..Limits::default()
    });
    let o = sh.run(
        &mut host,
        "for i in $(seq 100) 1 2 3 4 5 6 7 8 9 10 11; do :; done",
    );
    assert_eq!(o.status, 1);
    assert!(sh.steps_used() > 10);
    // The state survives a stopped run; the next run has a fresh budget.
    assert_eq!(sh.run(&mut host, "echo $i").stdout(), "5\n");
    // Deep nesting stops too.
    let o = bash("x='eval \"$x\"'; eval \"$x\"");
    assert!(o.stderr().contains("nested deeper"), "{}", o.stderr());
}

#[test]
fn trims_take_the_shortest_or_longest_match_from_each_end() {
    let o = bash(
        "p=/usr/share/nginx/html/é.tar.gz; echo ${p#*/} ${p##*/} ${p%.*} ${p%%.*} ${p#/usr} ${p%x}",
    );
    assert_eq!(
        o.stdout(),
        "usr/share/nginx/html/é.tar.gz é.tar.gz /usr/share/nginx/html/é.tar /usr/share/nginx/html/é /share/nginx/html/é.tar.gz /usr/share/nginx/html/é.tar.gz\n"
    );
    assert_eq!(
        bash("v=aXbXc; echo ${v#*X}/${v##*X}/${v%X*}/${v%%X*}/${v#}").stdout(),
        "bXc/c/aXb/a/aXbXc\n"
    );
}

/// A shell whose `$x` holds `len` bytes, with the default budget.
fn with_long_value(len: usize) -> (Shell, Fake) {
    let mut sh = Shell::new(Dialect::Dash);
    sh.state.set("x", "ab".repeat(len / 2));
    (sh, Fake::new())
}

#[test]
fn work_on_long_values_counts_against_the_step_budget() {
    let stopped = "sh: stopped after 100000 steps: one command line may run at most that many commands and loop rounds here\n";
    // Each round copied 1 MiB: the 100 000 steps of rounds would have copied 100 GiB. Now
    // each 256 bytes copied is a step, so the loop ends after a few rounds.
    let (mut sh, mut host) = with_long_value(1 << 20);
    let o = sh.run(&mut host, "n=0; while :; do y=$x; n=$((n+1)); done");
    assert_eq!((o.stderr().as_str(), o.status), (stopped, 1));
    let rounds: usize = sh.state.get("n").unwrap().parse().unwrap();
    assert!((1..100).contains(&rounds), "{rounds} rounds");
    // The same for `${#x}`, a subshell's copy of the variables, and words of a command.
    for script in [
        "while :; do y=${#x}; done",
        "while :; do (:); done",
        "while :; do echo | cat; done",
        ": $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x $x",
    ] {
        let (mut sh, mut host) = with_long_value(1 << 20);
        let o = sh.run(&mut host, script);
        assert_eq!((o.stderr().as_str(), o.status), (stopped, 1), "{script}");
    }
    // A pattern that never matches tried every cut, each a longer scan: quadratic, hours for
    // 1 MiB. The scans are counted now.
    for script in ["y=${x#*z}", "y=${x##*z}", "y=${x%z*}", "y=${x%%z*}"] {
        let (mut sh, mut host) = with_long_value(1 << 20);
        let o = sh.run(&mut host, script);
        assert_eq!((o.stderr().as_str(), o.status), (stopped, 1), "{script}");
    }
    // A match near the end that is found at once costs little.
    let (mut sh, mut host) = with_long_value(1 << 20);
    let o = sh.run(&mut host, "y=${x%b}; echo ${#y}");
    assert_eq!(o.stdout(), format!("{}\n", (1 << 20) - 1));
    // A variable whose value names others, 8 each, 15 levels deep: 8^15 lookups.
    let mut script = String::new();
    let names: Vec<char> = ('a'..='p').collect();
    for w in names.windows(2) {
        script.push_str(&format!(
            "{}={}; ",
            w[0],
            vec![w[1].to_string(); 8].join("+")
        ));
    }
    script.push_str("p=1; echo $((n)); echo $((a)); echo never");
    let mut sh = Shell::new(Dialect::Dash);
    sh.set_limits(Limits {
        steps: 10_000,
        ..Limits::default()
    });
    let o = sh.run(&mut Fake::new(), &script);
    assert_eq!(o.stdout(), "64\n");
    assert_eq!(o.stderr(), stopped.replace("100000", "10000"));
    // `shift` moves every remaining parameter: 300 000 of them, 50 000 times, before.
    let mut sh = Shell::new(Dialect::Dash);
    sh.set_args((0..300_000).map(|i| i.to_string()).collect());
    let o = sh.run(&mut Fake::new(), "while shift; do :; done");
    assert_eq!((o.stderr().as_str(), o.status), (stopped, 1));
    // Short values are as cheap as before: one step a command or round.
    let (mut sh, mut host) = (Shell::new(Dialect::Dash), Fake::new());
    let o = sh.run(
        &mut host,
        "x=abc; i=0; while [ $i -lt 1000 ]; do y=$x; i=$((i+1)); done; echo ${y%c}",
    );
    assert_eq!(o.stdout(), "ab\n");
    // 4 steps a round (the round, `[`, two assignments), 3 outside, and about 70 bytes of
    // expansions and arithmetic lookups a round (a step per 256).
    assert!(sh.steps_used() < 4300, "{}", sh.steps_used());
}

#[test]
fn the_host_can_interrupt() {
    let mut host = Fake::new();
    host.stop_after = Some(2);
    let mut sh = Shell::new(Dialect::Ash);
    let o = sh.run(&mut host, "hostname; hostname; hostname; echo never");
    assert_eq!(o.stdout(), "web-0\nweb-0\n");
    assert_eq!(o.status, 137);
}

#[test]
fn run_argv_skips_parsing() {
    let mut host = Fake::new();
    let mut sh = Shell::new(Dialect::Ash);
    let o = sh.run_argv(&mut host, &["echo".into(), "$HOME;".into()], "");
    assert_eq!(o.stdout(), "$HOME;\n");
    let o = sh.run_argv(&mut host, &["upper".into()], "in");
    assert_eq!(o.stdout(), "IN");
}

#[test]
fn output_helpers() {
    let mut o = Output::out("a");
    o.push_out("b");
    o.push_err("c");
    o.push_out("d");
    assert_eq!(o.chunks.len(), 3);
    assert_eq!(
        (o.stdout(), o.stderr(), o.text()),
        ("abd".into(), "c".into(), "abcd".into())
    );
    let e = Output::err("x", 2);
    assert_eq!((e.stderr().as_str(), e.status), ("x", 2));
    assert_eq!(resolve_path("/a/b", "../c/./d"), "/a/c/d");
    assert_eq!(resolve_path("/", "/x/.."), "/");
}

/// Found by fuzzing (`fuzz/regressions/shell_parse/shift-no-args`): `shift` with no positional
/// parameters indexed its missing operand and panicked.
#[test]
fn shift_past_the_end_reports_as_each_shell_does() {
    let o = bash("shift; echo $?; shift 5; echo $?");
    assert_eq!((o.stdout().as_str(), o.stderr().as_str()), ("1\n1\n", ""));
    let o = bash("set -- a; shift x; echo $?; shift -1; echo $?; echo $1");
    assert_eq!(o.stdout(), "1\n1\na\n");
    assert_eq!(
        o.stderr(),
        "bash: shift: x: numeric argument required\nbash: shift: -1: shift count out of range\n"
    );
    // dash: a special builtin's error ends the script.
    let o = dash("shift; echo $?");
    assert_eq!((o.stdout().as_str(), o.status), ("", 2));
    assert_eq!(o.stderr(), "sh: 1: shift: can't shift that many\n");
    let o = dash("set -- a; shift x; echo $?");
    assert_eq!((o.stdout().as_str(), o.status), ("", 2));
    assert_eq!(o.stderr(), "sh: 1: shift: Illegal number: x\n");
}

/// Found by fuzzing (`fuzz/regressions/shell_parse/printf-huge-width`): a printf width of
/// trillions allocated it up front and aborted the process.
#[test]
fn printf_widths_past_the_budget_are_bounded() {
    // bash prints nothing for a directive whose width or precision passes INT_MAX.
    let o = bash("printf '%-3709553709551e|%.3000000000f|%3000000000s|\\n' 1 2 x; echo $?");
    assert_eq!(o.stdout(), "|||\n0\n");
    // A width within INT_MAX but past the output budget stops the run as any output would.
    let o = bash("printf '%2000000000s|' x; echo after");
    assert!(o.stdout().len() <= (4 << 20) + 2 && !o.stdout().contains("after"));
    assert!(
        o.stderr().contains("stopped: the output passed"),
        "{}",
        o.stderr()
    );
    assert_eq!(
        bash("printf '%5s|%-3s|%.2s|%.f\\n' a b xyz 2.5").stdout(),
        "    a|b  |xy|2\n"
    );
    // A precision past 65 535 (Rust's formatter's limit: it panicked) pads with zeros.
    let o = dash("printf '%.70000f|%.70000e|%.70000f' 1.5 2 inf");
    let f = format!("1.5{}", "0".repeat(69_999));
    let e = format!("2.{}e0", "0".repeat(70_000));
    assert_eq!(o.stdout(), format!("{f}|{e}|inf"));
}

/// A host with job control, as the learner's terminal: `watch` keeps running (it becomes the
/// background job), `tty` writes straight to the terminal.
#[derive(Default)]
struct Jobs {
    fake: Fake,
    started: Vec<String>,
    ended: Vec<(i32, Option<Rest>)>,
    sinks: Vec<(Sink, Sink)>,
    detach: bool,
    in_bg: bool,
}

impl Host for Jobs {
    fn command(&mut self, state: &State, argv: &[String], stdin: &str) -> Output {
        match argv[0].as_str() {
            "watch" => {
                self.detach = self.in_bg;
                Output::out("first rows\n")
            }
            "tty" => {
                let mut o = Output::default();
                o.push(Stream::Tty, "Handling connection for 8080\n");
                o.push_out("page\n");
                o
            }
            _ => self.fake.command(state, argv, stdin),
        }
    }
    fn read_file(&mut self, state: &State, path: &str) -> Result<String, String> {
        self.fake.read_file(state, path)
    }
    fn write_file(
        &mut self,
        state: &State,
        path: &str,
        content: &str,
        append: bool,
    ) -> Result<(), String> {
        self.fake.write_file(state, path, content, append)
    }
    fn sleep(&mut self, ms: u64) {
        self.fake.sleep(ms);
        self.detach = self.in_bg;
    }
    fn is_dir(&mut self, state: &State, path: &str) -> bool {
        self.fake.is_dir(state, path)
    }
    fn begin_background(&mut self, text: &str) -> Background {
        if text == "refuse" {
            return Background::Refused("bash: refused\n".into());
        }
        self.started.push(text.to_string());
        self.in_bg = true;
        let n = self.started.len() as u32;
        Background::Job {
            number: n,
            pid: 4242 + n,
        }
    }
    fn end_background(&mut self, status: i32, rest: Option<Rest>) {
        self.in_bg = false;
        self.ended.push((status, rest));
    }
    fn detached(&mut self) -> bool {
        std::mem::take(&mut self.detach)
    }
    fn sinks(&mut self, out: &Sink, err: &Sink) {
        self.sinks.push((out.clone(), err.clone()));
    }
}

fn jobs(script: &str) -> (Output, Jobs, Shell) {
    let mut host = Jobs {
        fake: Fake::new(),
        ..Jobs::default()
    };
    let mut sh = Shell::new(Dialect::Bash);
    let o = sh.run(&mut host, script);
    (o, host, sh)
}

#[test]
fn a_background_list_is_announced_and_runs_until_a_command_keeps_running() {
    let (o, host, _) = jobs("watch pods &");
    assert_eq!(o.text(), "[1] 4243\nfirst rows\n");
    assert_eq!(o.status, 0);
    assert_eq!(host.started, ["watch pods"]);
    assert_eq!(host.ended.len(), 1);
    assert!(host.ended[0].1.is_none(), "nothing after the watch");
    // A list that finishes at once is a job too.
    let (o, host, _) = jobs("echo hi &\necho $!");
    assert_eq!(o.text(), "[1] 4243\nhi\n4243\n");
    assert_eq!(host.ended[0].0, 0);
    // bash's text of the list: words as typed, single spaces, redirections spaced.
    let (_, host, _) = jobs("echo   'a  b'  >/tmp/f  2>&1 &");
    assert_eq!(host.started, ["echo 'a  b' > /tmp/f 2>&1"]);
    let (_, host, _) = jobs("X=1 watch a|upper && echo ok || echo no &");
    assert_eq!(host.started, ["X=1 watch a | upper && echo ok || echo no"]);
}

#[test]
fn what_follows_a_command_that_keeps_running_waits_for_it() {
    let (o, mut host, mut sh) = jobs("watch a && echo done || echo failed &");
    assert_eq!(o.stdout(), "first rows\n");
    let rest = host.ended.pop().and_then(|(_, r)| r).expect("the rest");
    host.in_bg = true;
    assert_eq!(sh.resume(&mut host, rest.clone(), 0).stdout(), "done\n");
    host.in_bg = true;
    assert_eq!(sh.resume(&mut host, rest, 1).stdout(), "failed\n");
    // `$?` is the terminal's, not the job's.
    let (_, mut host, mut sh) = jobs("watch a && false &\nfalse");
    let rest = host.ended.remove(0).1.expect("the rest");
    sh.resume(&mut host, rest, 0);
    assert_eq!(sh.run(&mut host, "echo $?").stdout(), "1\n");
    // A sleep keeps running too.
    let (_, host, _) = jobs("sleep 5 && echo done &");
    assert!(host.ended[0].1.is_some());
}

#[test]
fn a_background_list_runs_in_a_subshell() {
    let (o, _, sh) = jobs("cd /tmp & X=1 &\necho $X; pwd");
    assert_eq!(o.stdout(), "\n/\n");
    assert_eq!(sh.state.cwd, "/");
    // Without job control (`sh -c`) `&` runs the list in the foreground, as before.
    assert_eq!(bash("echo a & echo b").stdout(), "a\nb\n");
    // A host may refuse a job: the list does not run.
    let (o, _, _) = jobs("refuse & echo $?");
    assert_eq!(o.text(), "bash: refused\n1\n");
}

#[test]
fn a_background_command_knows_where_its_later_output_goes() {
    let (_, host, _) = jobs("watch a > /tmp/log 2>&1 &");
    assert_eq!(
        host.sinks,
        [(Sink::File("/tmp/log".into()), Sink::File("/tmp/log".into()))]
    );
    let (_, host, _) = jobs("watch a 2>/dev/null | upper &");
    assert_eq!(host.sinks[0], (Sink::Pipe, Sink::Null));
    let (_, host, _) = jobs("{ watch a; } >/dev/null &");
    assert_eq!(host.sinks[0], (Sink::Null, Sink::Err));
}

#[test]
fn the_terminal_stream_passes_pipes_redirections_and_substitutions() {
    let (o, host, _) = jobs("tty | upper > /tmp/out; x=$(tty); echo \"$x\"");
    assert_eq!(
        o.text(),
        "Handling connection for 8080\nHandling connection for 8080\npage\n"
    );
    assert_eq!(
        host.fake.files.get("/tmp/out").map(String::as_str),
        Some("PAGE\n")
    );
}

#[test]
fn a_loop_in_the_background_says_it_stops_at_a_command_that_keeps_running() {
    let (o, host, _) = jobs("for i in 1 2; do watch $i; done &");
    assert_eq!(o.stdout(), "first rows\n");
    assert_eq!(
        o.stderr(),
        "[1] 4243\nbash: for i in 1 2; do watch $i; done: not available in this playground: a loop or group in the background stops at its first command that keeps running, so the rest of it does not run\n"
    );
    assert_eq!(host.ended.len(), 1);
}
