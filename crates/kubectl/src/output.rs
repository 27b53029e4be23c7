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
    }
}
