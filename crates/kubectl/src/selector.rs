//! Label selectors as `kubectl -l` takes them: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
//! `a notin (x)`, `a`, `!a`, comma-separated.

use ordinal_sim::api::Labels;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Req {
    Eq(String, String),
    Ne(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector(Vec<Req>);

impl Selector {
    pub fn parse(s: &str) -> Result<Selector, String> {
        let mut reqs = Vec::new();
        let mut parts = Vec::new();
        let (mut depth, mut cur) = (0, String::new());
        for ch in s.chars() {
            match ch {
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(std::mem::take(&mut cur));
                    continue;
                }
                _ => {}
            }
            cur.push(ch);
        }
        parts.push(cur);
        for p in parts {
            let p = p.trim();
            if p.is_empty() {
                if s.trim().is_empty() {
                    continue;
                }
                return Err(
                    "error: unable to parse requirement: found '', expected: identifier"
                        .to_string(),
                );
            }
            let bad = || format!("error: unable to parse requirement: {p:?}");
            let req = if let Some((k, v)) = p.split_once("!=") {
                Req::Ne(key(k)?, value(v)?)
            } else if let Some((k, v)) = p.split_once("==") {
                Req::Eq(key(k)?, value(v)?)
            } else if let Some((k, v)) = p.split_once('=') {
                Req::Eq(key(k)?, value(v)?)
            } else if let Some(k) = p.strip_prefix('!') {
                Req::NotExists(key(k)?)
            } else if let Some((k, rest)) = split_word(p, " notin ") {
                Req::NotIn(key(k)?, set(rest).ok_or_else(bad)?)
            } else if let Some((k, rest)) = split_word(p, " in ") {
                Req::In(key(k)?, set(rest).ok_or_else(bad)?)
            } else {
                Req::Exists(key(p)?)
            };
            reqs.push(req);
        }
        Ok(Selector(reqs))
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        self.0.iter().all(|r| match r {
            Req::Eq(k, v) => labels.get(k) == Some(v),
            Req::Ne(k, v) => labels.get(k) != Some(v),
            Req::In(k, vs) => labels.get(k).is_some_and(|x| vs.contains(x)),
            Req::NotIn(k, vs) => labels.get(k).is_none_or(|x| !vs.contains(x)),
            Req::Exists(k) => labels.contains_key(k),
            Req::NotExists(k) => !labels.contains_key(k),
        })
    }
}

/// A `metav1.LabelSelector` as `ParseToLabelSelector` builds one: the equalities as
/// `matchLabels`, the rest as `matchExpressions` (key, operator, sorted values), each in key
/// order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub match_labels: Vec<(String, String)>,
    pub match_expressions: Vec<(String, &'static str, Vec<String>)>,
}

impl Selector {
    /// `metav1.ParseToLabelSelector` of the parsed requirements; `!=` has no operator there.
    pub fn to_label_selector(&self) -> Result<LabelSelector, String> {
        let mut reqs: Vec<&Req> = self.0.iter().collect();
        let key = |r: &Req| match r {
            Req::Eq(k, _)
            | Req::Ne(k, _)
            | Req::In(k, _)
            | Req::NotIn(k, _)
            | Req::Exists(k)
            | Req::NotExists(k) => k.clone(),
        };
        ordinal_sim::sort::sort_by_key(&mut reqs, |r| key(r));
        let mut out = LabelSelector::default();
        for r in reqs {
            let (op, mut values) = match r {
                Req::Eq(k, v) => {
                    out.match_labels.retain(|(x, _)| x != k);
                    out.match_labels.push((k.clone(), v.clone()));
                    continue;
                }
                Req::Ne(..) => return Err("\"!=\" is not a valid label selector operator".into()),
                Req::In(_, v) => ("In", v.clone()),
                Req::NotIn(_, v) => ("NotIn", v.clone()),
                Req::Exists(_) => ("Exists", Vec::new()),
                Req::NotExists(_) => ("DoesNotExist", Vec::new()),
            };
            ordinal_sim::sort::sort(&mut values);
            values.dedup();
            out.match_expressions.push((key(r), op, values));
        }
        Ok(out)
    }
}

fn split_word<'a>(p: &'a str, word: &str) -> Option<(&'a str, &'a str)> {
    p.find(word).map(|i| (&p[..i], &p[i + word.len()..]))
}

fn key(k: &str) -> Result<String, String> {
    let k = k.trim();
    let ok = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if ok {
        Ok(k.to_string())
    } else {
        Err(format!("error: unable to parse requirement: <nil>: Invalid value: {k:?}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"))
    }
}

fn value(v: &str) -> Result<String, String> {
    let v = v.trim();
    let ok = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(v.to_string())
    } else {
        Err(format!("error: unable to parse requirement: values[0][{v}]: Invalid value: {v:?}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"))
    }
}

fn set(rest: &str) -> Option<Vec<String>> {
    let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some(
        inner
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn selector_forms() {
        let nginx = l(&[("app", "nginx"), ("tier", "web")]);
        let db = l(&[("app", "db")]);
        let check = |s: &str, want: [bool; 2]| {
            let sel = Selector::parse(s).unwrap();
            assert_eq!([sel.matches(&nginx), sel.matches(&db)], want, "{s}");
        };
        check("app=nginx", [true, false]);
        check("app==nginx", [true, false]);
        check("app!=nginx", [false, true]);
        check("app in (nginx, db)", [true, true]);
        check("app notin (nginx)", [false, true]);
        check("tier", [true, false]);
        check("!tier", [false, true]);
        check("app=nginx,tier=web", [true, false]);
        assert!(Selector::parse("app=ng inx").is_err());
    }
}
