//! Files: directory trees for volumes (local-path directories on a node) and container
//! writable layers, and the path resolution a container sees through its mounts.

use std::borrow::Cow;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Dir,
    /// A file's content: an image's files are borrowed from the image (every container's
    /// layer starts with the same ones), until a write copies them.
    File(Cow<'static, str>),
}

/// A directory tree keyed by normalised relative path (`a/b/c`); the root is implicit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    entries: BTreeMap<String, Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsError {
    NotFound,
    NotADirectory,
    IsADirectory,
    Exists,
    NotEmpty,
    ReadOnly,
    Busy,
}

impl FsError {
    /// The errno text busybox and coreutils print.
    pub fn message(&self) -> &'static str {
        match self {
            FsError::NotFound => "No such file or directory",
            FsError::NotADirectory => "Not a directory",
            FsError::IsADirectory => "Is a directory",
            FsError::Exists => "File exists",
            FsError::NotEmpty => "Directory not empty",
            FsError::ReadOnly => "Read-only file system",
            FsError::Busy => "Resource busy",
        }
    }
}

/// Splits an absolute or relative path into clean components (`.`/`..` resolved).
pub fn components(path: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            c => out.push(c.to_string()),
        }
    }
    out
}

pub fn normalise(path: &str) -> String {
    format!("/{}", components(path).join("/"))
}

impl Tree {
    fn key(path: &str) -> String {
        components(path).join("/")
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, path: &str) -> Option<&Entry> {
        let k = Self::key(path);
        if k.is_empty() {
            return Some(&Entry::Dir);
        }
        self.entries.get(&k)
    }

    fn parent_ok(&self, key: &str) -> Result<(), FsError> {
        match key.rsplit_once('/') {
            None => Ok(()),
            Some((parent, _)) => match self.entries.get(parent) {
                Some(Entry::Dir) => Ok(()),
                Some(Entry::File(_)) => Err(FsError::NotADirectory),
                None => Err(FsError::NotFound),
            },
        }
    }

    pub fn read(&self, path: &str) -> Result<&str, FsError> {
        match self.get(path) {
            Some(Entry::File(s)) => Ok(s),
            Some(Entry::Dir) => Err(FsError::IsADirectory),
            None => Err(FsError::NotFound),
        }
    }

    pub fn write(&mut self, path: &str, content: &str, append: bool) -> Result<(), FsError> {
        let k = Self::key(path);
        if k.is_empty() {
            return Err(FsError::IsADirectory);
        }
        self.parent_ok(&k)?;
        match self.entries.get_mut(&k) {
            Some(Entry::Dir) => Err(FsError::IsADirectory),
            Some(Entry::File(s)) if append => {
                s.to_mut().push_str(content);
                Ok(())
            }
            _ => {
                self.entries
                    .insert(k, Entry::File(Cow::Owned(content.to_string())));
                Ok(())
            }
        }
    }

    pub fn mkdir(&mut self, path: &str, parents: bool) -> Result<(), FsError> {
        let parts = components(path);
        if parts.is_empty() {
            return if parents {
                Ok(())
            } else {
                Err(FsError::Exists)
            };
        }
        if parents {
            for i in 1..=parts.len() {
                let k = parts[..i].join("/");
                match self.entries.get(&k) {
                    Some(Entry::Dir) => {}
                    Some(Entry::File(_)) => {
                        return Err(if i == parts.len() {
                            FsError::Exists
                        } else {
                            FsError::NotADirectory
                        })
                    }
                    None => {
                        self.entries.insert(k, Entry::Dir);
                    }
                }
            }
            return Ok(());
        }
        let k = parts.join("/");
        if self.entries.contains_key(&k) {
            return Err(FsError::Exists);
        }
        self.parent_ok(&k)?;
        self.entries.insert(k, Entry::Dir);
        Ok(())
    }

    /// Removes a file, or a directory (`recursive`, or empty).
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), FsError> {
        let k = Self::key(path);
        match self.entries.get(&k) {
            None => Err(FsError::NotFound),
            Some(Entry::File(_)) => {
                self.entries.remove(&k);
                Ok(())
            }
            Some(Entry::Dir) => {
                let prefix = format!("{k}/");
                let children: Vec<String> = self
                    .entries
                    .range(prefix.clone()..)
                    .take_while(|(p, _)| p.starts_with(&prefix))
                    .map(|(p, _)| p.clone())
                    .collect();
                if !children.is_empty() && !recursive {
                    return Err(FsError::NotEmpty);
                }
                for c in children {
                    self.entries.remove(&c);
                }
                self.entries.remove(&k);
                Ok(())
            }
        }
    }

    /// Names directly inside a directory, sorted, with whether each is a directory.
    pub fn list(&self, path: &str) -> Result<Vec<(String, bool)>, FsError> {
        let k = Self::key(path);
        match self.get(path) {
            None => return Err(FsError::NotFound),
            Some(Entry::File(_)) => return Err(FsError::NotADirectory),
            Some(Entry::Dir) => {}
        }
        let prefix = if k.is_empty() {
            String::new()
        } else {
            format!("{k}/")
        };
        let mut out = Vec::new();
        for (p, e) in self.entries.range(prefix.clone()..) {
            if !p.starts_with(&prefix) {
                break;
            }
            let rest = &p[prefix.len()..];
            if !rest.is_empty() && !rest.contains('/') {
                out.push((rest.to_string(), *e == Entry::Dir));
            }
        }
        Ok(out)
    }

    /// Every file with its content, in path order (for views and invariant checks).
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().filter_map(|(p, e)| match e {
            Entry::File(s) => Some((p.as_str(), &**s)),
            Entry::Dir => None,
        })
    }

    /// Builds a tree from `(path, content)` pairs; a path ending in `/` is a directory. The
    /// contents are borrowed, not copied.
    pub fn from_files(files: &[(&str, &'static str)]) -> Tree {
        let mut t = Tree::default();
        for (path, content) in files {
            let parts = components(path);
            if parts.is_empty() {
                continue;
            }
            let dir_parts = if path.ends_with('/') {
                parts.len()
            } else {
                parts.len() - 1
            };
            let _ = t.mkdir(&parts[..dir_parts].join("/"), true);
            if !path.ends_with('/') && t.write(path, "", false).is_ok() {
                t.entries
                    .insert(Self::key(path), Entry::File(Cow::Borrowed(content)));
            }
        }
        t
    }
}

/// Node-local directories that back volumes, keyed by `(node, host path)`.
#[derive(Clone, Default, Debug)]
pub struct Disks {
    pub dirs: BTreeMap<(String, String), Tree>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_operations() {
        let mut t = Tree::default();
        assert_eq!(t.write("/a/b", "x", false), Err(FsError::NotFound));
        t.mkdir("/a", false).unwrap();
        t.write("/a/b", "x", false).unwrap();
        t.write("/a/b", "y", true).unwrap();
        assert_eq!(t.read("a/./b").unwrap(), "xy");
        assert_eq!(t.read("/a"), Err(FsError::IsADirectory));
        assert_eq!(t.list("/").unwrap(), vec![("a".to_string(), true)]);
        assert_eq!(t.list("/a").unwrap(), vec![("b".to_string(), false)]);
        assert_eq!(t.remove("/a", false), Err(FsError::NotEmpty));
        t.mkdir("/x/y/z", true).unwrap();
        assert_eq!(t.get("/x/y"), Some(&Entry::Dir));
        t.remove("/a", true).unwrap();
        assert_eq!(t.read("/a/b"), Err(FsError::NotFound));
        assert_eq!(normalise("/usr/../etc//hosts"), "/etc/hosts");
    }

    #[test]
    fn from_files_makes_parents() {
        let t = Tree::from_files(&[("/usr/share/nginx/html/index.html", "hi"), ("/tmp/", "")]);
        assert_eq!(t.read("/usr/share/nginx/html/index.html").unwrap(), "hi");
        assert_eq!(t.get("/tmp"), Some(&Entry::Dir));
    }
}
