//! What a kubectl invocation produces: ordered stdout/stderr text, an exit status, and (for
//! commands that keep running) the job the terminal should keep alive.

use crate::jobs::Job;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Stream {
    Out,
    Err,
}

#[derive(Debug, Default)]
pub struct Output {
    pub chunks: Vec<(Stream, String)>,
    pub status: i32,
    /// A command that has not finished: a watch, a wait, an attached shell.
    pub job: Option<Job>,
    /// What `apply -f` and `create -f` said about their files, as data: each error and warning
    /// they wrote (the same text as on stderr) with the place it is about, in order. A caller
    /// that shows the manifest (the web editor) marks lines from these, not from the text.
    pub diagnostics: Vec<Diagnostic>,
    /// What it wrote on the learner's machine (`kubectl cp POD:PATH LOCAL`), in order. kubectl
    /// only reads files through its `Env`; the session applies these to its workspace.
    pub writes: Vec<LocalWrite>,
}

/// A directory or file kubectl made on the learner's machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocalWrite {
    /// `MkdirAll`.
    Dir(String),
    /// A file created (or truncated) with this content.
    File(String, String),
}

/// One message of `apply -f`/`create -f` and where in its file it belongs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as the messages name it (`web.yaml`, `STDIN`).
    pub file: String,
    pub place: Place,
    /// The message as written to stderr, without its final newline. An object refused for
    /// several causes is shown by its causes (`The StatefulSet "web" is invalid: \n* …`); its
    /// diagnostics are one per cause, each worded as the error would be with that cause alone.
    pub message: String,
}

/// Where in a manifest file a [`Diagnostic`] belongs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// No one place: the file as a whole (it holds no objects), or a warning.
    File,
    /// A YAML error's own line (1-based).
    Line(usize),
    /// One object of the file: the 1-based line its document starts on, and the field path the
    /// server named in it (`spec.template.spec.containers[0].image`), if one.
    Object {
        doc_line: usize,
        field: Option<String>,
    },
}

impl Output {
    pub fn out(&mut self, s: impl Into<String>) {
        let s = s.into();
        if !s.is_empty() {
            self.chunks.push((Stream::Out, s));
        }
    }
    /// Writes an error line (a newline is added if missing) and sets status 1.
    pub fn err(&mut self, s: impl Into<String>) {
        let mut s = s.into();
        if !s.ends_with('\n') {
            s.push('\n');
        }
        self.chunks.push((Stream::Err, s));
        self.status = 1;
    }
    /// Writes to stderr without changing the status (warnings, "No resources found").
    pub fn note(&mut self, s: impl Into<String>) {
        let mut s = s.into();
        if !s.ends_with('\n') {
            s.push('\n');
        }
        self.chunks.push((Stream::Err, s));
    }
    pub fn stdout(&self) -> String {
        self.chunks
            .iter()
            .filter(|(s, _)| *s == Stream::Out)
            .map(|(_, t)| t.as_str())
            .collect()
    }
    pub fn stderr(&self) -> String {
        self.chunks
            .iter()
            .filter(|(s, _)| *s == Stream::Err)
            .map(|(_, t)| t.as_str())
            .collect()
    }
    /// Both streams in the order they were written, as a terminal shows them.
    pub fn text(&self) -> String {
        self.chunks.iter().map(|(_, t)| t.as_str()).collect()
    }
    pub fn append(&mut self, other: Output) {
        self.chunks.extend(other.chunks);
        if other.status != 0 {
            self.status = other.status;
        }
        if other.job.is_some() {
            self.job = other.job;
        }
        self.diagnostics.extend(other.diagnostics);
        self.writes.extend(other.writes);
    }
}
