//! `$((…))`: integer arithmetic with C's operators and precedence, on 64-bit integers.

/// Where arithmetic reads and writes variables.
pub trait Vars {
    fn get(&mut self, name: &str) -> Option<String>;
    fn set(&mut self, name: &str, value: i64);
    /// The run's budget is spent: evaluation unwinds at once (the caller reports it).
    fn exhausted(&mut self) -> bool {
        false
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArithError {
    /// Division or remainder by zero; `token` is the text from the divisor on.
    DivisionByZero { token: String },
    /// An operand was missing (`1 +`); `token` is the text from there on.
    OperandExpected { token: String },
    /// A character that is no operator (`1 @ 2`).
    InvalidOperator { token: String },
    /// Anything else that does not parse.
    Syntax { token: String },
    /// A variable whose value is not a number and not an expression.
    NotANumber { value: String },
}

#[derive(Clone, Debug, PartialEq)]
enum T {
    Num(i64),
    Name(String),
    Op(&'static str),
}

const OPS: &[&str] = &[
    "<<=", ">>=", "**", "<=", ">=", "==", "!=", "&&", "||", "<<", ">>", "+=", "-=", "*=", "/=",
    "%=", "&=", "|=", "^=", "++", "--", "+", "-", "*", "/", "%", "<", ">", "&", "|", "^", "!", "~",
    "(", ")", "?", ":", "=",
];

struct Lexed {
    toks: Vec<(T, usize)>,
    end: usize,
}

fn tokenize(src: &str) -> Result<Lexed, ArithError> {
    let b: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut toks = Vec::new();
    while i < b.len() {
        let c = b[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let text: String = b[start..i].iter().collect();
            let v = parse_number(&text).ok_or_else(|| ArithError::Syntax {
                token: rest(&b, start),
            })?;
            toks.push((T::Num(v), start));
            continue;
        }
        if c == '_' || c.is_ascii_alphabetic() {
            while i < b.len() && (b[i] == '_' || b[i].is_ascii_alphanumeric()) {
                i += 1;
            }
            toks.push((T::Name(b[start..i].iter().collect()), start));
            continue;
        }
        let Some(op) = OPS.iter().find(|op| {
            let n = op.chars().count();
            i + n <= b.len() && b[i..i + n].iter().copied().eq(op.chars())
        }) else {
            return Err(ArithError::InvalidOperator {
                token: rest(&b, start),
            });
        };
        i += op.chars().count();
        toks.push((T::Op(op), start));
    }
    Ok(Lexed { toks, end: b.len() })
}

fn rest(b: &[char], from: usize) -> String {
    b[from.min(b.len())..].iter().collect()
}

/// A decimal, `0x` hexadecimal or `0` octal number.
pub fn parse_number(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let v = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()?
    } else if s.len() > 1 && s.starts_with('0') {
        i64::from_str_radix(&s[1..], 8).ok()?
    } else if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        s.parse::<u64>().ok().map(|v| v as i64)?
    } else {
        return None;
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

struct Eval<'a> {
    src: Vec<char>,
    toks: Vec<(T, usize)>,
    end: usize,
    pos: usize,
    vars: &'a mut dyn Vars,
    depth: usize,
    /// Inside the branch not taken by `&&`, `||` or `?:`: parse only.
    skip: usize,
}

/// Evaluates an expression (already expanded: no `$` left).
pub fn eval(src: &str, vars: &mut dyn Vars) -> Result<i64, ArithError> {
    eval_depth(src, vars, 0)
}

fn eval_depth(src: &str, vars: &mut dyn Vars, depth: usize) -> Result<i64, ArithError> {
    let lexed = tokenize(src)?;
    if lexed.toks.is_empty() {
        return Ok(0);
    }
    let mut e = Eval {
        src: src.chars().collect(),
        toks: lexed.toks,
        end: lexed.end,
        pos: 0,
        vars,
        depth,
        skip: 0,
    };
    let v = e.assign()?;
    if e.pos < e.toks.len() {
        return Err(ArithError::Syntax {
            token: e.rest_here(),
        });
    }
    Ok(v)
}

impl Eval<'_> {
    fn peek(&self) -> Option<&T> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn peek_op(&self) -> Option<&'static str> {
        match self.peek() {
            Some(T::Op(o)) => Some(o),
            _ => None,
        }
    }

    fn rest_here(&self) -> String {
        let at = self.toks.get(self.pos).map_or(self.end, |(_, p)| *p);
        rest(&self.src, at)
    }

    fn var(&mut self, name: &str) -> Result<i64, ArithError> {
        // A variable whose value names variables is evaluated in turn, up to 16 levels: with
        // a few names each, that is exponentially many lookups, which the budget bounds.
        if self.skip > 0 || self.vars.exhausted() {
            return Ok(0);
        }
        let v = self.vars.get(name).unwrap_or_default();
        if v.trim().is_empty() {
            return Ok(0);
        }
        if let Some(n) = parse_number(&v) {
            return Ok(n);
        }
        if self.depth < 16 {
            if let Ok(n) = eval_depth(&v, self.vars, self.depth + 1) {
                return Ok(n);
            }
        }
        Err(ArithError::NotANumber { value: v })
    }

    fn set(&mut self, name: &str, v: i64) {
        if self.skip == 0 {
            self.vars.set(name, v);
        }
    }

    fn assign(&mut self) -> Result<i64, ArithError> {
        if let (Some(T::Name(name)), Some((T::Op(op), _))) =
            (self.peek().cloned(), self.toks.get(self.pos + 1))
        {
            let op = *op;
            if op.ends_with('=') && !matches!(op, "==" | "!=" | "<=" | ">=") {
                self.pos += 2;
                let rhs_at = self.pos;
                let rhs = self.assign()?;
                let v = if op == "=" {
                    rhs
                } else {
                    let cur = self.var(&name)?;
                    self.binary(&op[..op.len() - 1], cur, rhs, rhs_at)?
                };
                self.set(&name, v);
                return Ok(v);
            }
        }
        self.ternary()
    }

    fn ternary(&mut self) -> Result<i64, ArithError> {
        let c = self.binop(0)?;
        if self.peek_op() != Some("?") {
            return Ok(c);
        }
        self.pos += 1;
        if c == 0 {
            self.skip += 1;
        }
        let a = self.assign();
        if c == 0 {
            self.skip -= 1;
        }
        let a = a?;
        if self.peek_op() != Some(":") {
            return Err(ArithError::Syntax {
                token: self.rest_here(),
            });
        }
        self.pos += 1;
        if c != 0 {
            self.skip += 1;
        }
        let b = self.ternary();
        if c != 0 {
            self.skip -= 1;
        }
        let b = b?;
        Ok(if c != 0 { a } else { b })
    }

    /// Binary operators by precedence level, loosest first.
    fn binop(&mut self, level: usize) -> Result<i64, ArithError> {
        const LEVELS: &[&[&str]] = &[
            &["||"],
            &["&&"],
            &["|"],
            &["^"],
            &["&"],
            &["==", "!="],
            &["<", ">", "<=", ">="],
            &["<<", ">>"],
            &["+", "-"],
            &["*", "/", "%"],
        ];
        if level == LEVELS.len() {
            return self.power();
        }
        let mut left = self.binop(level + 1)?;
        while let Some(op) = self.peek_op().filter(|o| LEVELS[level].contains(o)) {
            self.pos += 1;
            let short = match op {
                "&&" => left == 0,
                "||" => left != 0,
                _ => false,
            };
            if short {
                self.skip += 1;
            }
            let rhs_at = self.pos;
            let right = self.binop(level + 1);
            if short {
                self.skip -= 1;
            }
            let right = right?;
            left = self.binary(op, left, right, rhs_at)?;
        }
        Ok(left)
    }

    fn power(&mut self) -> Result<i64, ArithError> {
        let base = self.unary()?;
        if self.peek_op() == Some("**") {
            self.pos += 1;
            let exp = self.power()?;
            return Ok(if exp < 0 {
                0
            } else {
                base.wrapping_pow(exp.min(u32::MAX as i64) as u32)
            });
        }
        Ok(base)
    }

    fn binary(&mut self, op: &str, a: i64, b: i64, rhs_at: usize) -> Result<i64, ArithError> {
        Ok(match op {
            "||" => (a != 0 || b != 0) as i64,
            "&&" => (a != 0 && b != 0) as i64,
            "|" => a | b,
            "^" => a ^ b,
            "&" => a & b,
            "==" => (a == b) as i64,
            "!=" => (a != b) as i64,
            "<" => (a < b) as i64,
            ">" => (a > b) as i64,
            "<=" => (a <= b) as i64,
            ">=" => (a >= b) as i64,
            "<<" => a.wrapping_shl(b as u32),
            ">>" => a.wrapping_shr(b as u32),
            "+" => a.wrapping_add(b),
            "-" => a.wrapping_sub(b),
            "*" => a.wrapping_mul(b),
            "/" | "%" => {
                if b == 0 {
                    if self.skip > 0 {
                        return Ok(0);
                    }
                    let at = self.toks.get(rhs_at).map_or(self.end, |(_, p)| *p);
                    return Err(ArithError::DivisionByZero {
                        token: rest(&self.src, at),
                    });
                }
                if op == "/" {
                    a.wrapping_div(b)
                } else {
                    a.wrapping_rem(b)
                }
            }
            _ => 0,
        })
    }

    fn unary(&mut self) -> Result<i64, ArithError> {
        match self.peek_op() {
            Some(op @ ("+" | "-" | "!" | "~")) => {
                self.pos += 1;
                let v = self.unary()?;
                Ok(match op {
                    "+" => v,
                    "-" => v.wrapping_neg(),
                    "!" => (v == 0) as i64,
                    _ => !v,
                })
            }
            Some(op @ ("++" | "--")) => {
                self.pos += 1;
                let Some(T::Name(name)) = self.peek().cloned() else {
                    return Err(ArithError::OperandExpected {
                        token: self.rest_here(),
                    });
                };
                self.pos += 1;
                let v = self.var(&name)? + if op == "++" { 1 } else { -1 };
                self.set(&name, v);
                Ok(v)
            }
            _ => self.postfix(),
        }
    }

    fn postfix(&mut self) -> Result<i64, ArithError> {
        match self.peek().cloned() {
            Some(T::Num(n)) => {
                self.pos += 1;
                Ok(n)
            }
            Some(T::Name(name)) => {
                self.pos += 1;
                let v = self.var(&name)?;
                if let Some(op @ ("++" | "--")) = self.peek_op() {
                    self.pos += 1;
                    self.set(&name, v + if op == "++" { 1 } else { -1 });
                }
                Ok(v)
            }
            Some(T::Op("(")) => {
                self.pos += 1;
                let v = self.assign()?;
                if self.peek_op() != Some(")") {
                    return Err(ArithError::Syntax {
                        token: self.rest_here(),
                    });
                }
                self.pos += 1;
                Ok(v)
            }
            _ => Err(ArithError::OperandExpected {
                token: self.rest_here(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    struct M(BTreeMap<String, String>);
    impl Vars for M {
        fn get(&mut self, name: &str) -> Option<String> {
            self.0.get(name).cloned()
        }
        fn set(&mut self, name: &str, value: i64) {
            self.0.insert(name.into(), value.to_string());
        }
    }

    fn ev(s: &str) -> Result<i64, ArithError> {
        let mut m = M(BTreeMap::from([
            ("x".to_string(), "5".to_string()),
            ("e".to_string(), "x*2".to_string()),
        ]));
        eval(s, &mut m)
    }

    #[test]
    fn precedence_and_operators() {
        assert_eq!(ev("1 + 2 * 3"), Ok(7));
        assert_eq!(ev("(1 + 2) * 3"), Ok(9));
        assert_eq!(ev("7 / 2"), Ok(3));
        assert_eq!(ev("-7 % 3"), Ok(-1));
        assert_eq!(ev("x + 1"), Ok(6));
        assert_eq!(ev("e + 1"), Ok(11));
        assert_eq!(ev("unset + 1"), Ok(1));
        assert_eq!(ev("x > 3 && x < 10"), Ok(1));
        assert_eq!(ev("x == 5 ? 10 : 20"), Ok(10));
        assert_eq!(ev("0x10 + 010"), Ok(24));
        assert_eq!(ev("2 ** 10"), Ok(1024));
        assert_eq!(ev(""), Ok(0));
        assert_eq!(ev("0 && 1/0"), Ok(0));
    }

    #[test]
    fn assignment() {
        let mut m = M(BTreeMap::new());
        assert_eq!(eval("i = 3", &mut m), Ok(3));
        assert_eq!(eval("i += 2", &mut m), Ok(5));
        assert_eq!(eval("i++", &mut m), Ok(5));
        assert_eq!(m.0["i"], "6");
    }

    #[test]
    fn errors() {
        assert_eq!(
            ev("1/0"),
            Err(ArithError::DivisionByZero { token: "0".into() })
        );
        assert_eq!(
            ev("1 +"),
            Err(ArithError::OperandExpected { token: "".into() })
        );
        assert_eq!(
            ev("1 @ 2"),
            Err(ArithError::InvalidOperator {
                token: "@ 2".into()
            })
        );
        assert!(matches!(ev("(1"), Err(ArithError::Syntax { .. })));
    }
}
