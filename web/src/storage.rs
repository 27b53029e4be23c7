//! What the page keeps in `localStorage` (the editor buffer, the session's record and its
//! backup, lesson progress), so it survives a reload. Anything unreadable (no storage, a blocked
//! storage, a value that is not ours) falls back to the example or a fresh cluster. A write the
//! browser refuses (its quota for the page is full, or storage is off) is returned as a
//! [`SaveError`] for the page to show; the value stored before stays as it was (a `setItem` that
//! throws changes nothing), and the saved session is never written over while it has no backup.

use crate::engine::{parse_record, Recorded};
use crate::lessons::{decode_progress, encode_progress, Progress};
use serde_json::{json, Value};
use std::cell::Cell;
use wasm_bindgen::JsValue;

/// What the page keeps in `localStorage`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stored {
    /// The saved session was being copied to the backup, before another one replaced it.
    Backup,
    Session,
    Editor,
    Progress,
}

/// Why a write was refused.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The browser's quota for the page is full (`QuotaExceededError`).
    Full,
    /// No storage: it is off or blocked for this page, or the write threw something else.
    Unavailable,
    /// Not attempted: the saved session could not be backed up, so it is kept as it is.
    Held,
}

/// A write the browser refused: what, how big (UTF-8 bytes of the value) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveError {
    pub what: Stored,
    pub bytes: usize,
    pub why: Refusal,
}

thread_local! {
    /// Set when the saved session could not be copied to the backup before another session
    /// replaced it: the saved one is then not written over (until a backup succeeds).
    static HELD: Cell<bool> = const { Cell::new(false) };
}

/// The refusal a `setItem` exception means.
fn refusal(e: &JsValue) -> Refusal {
    let name = js_sys::Reflect::get(e, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string());
    match name.as_deref() {
        // Firefox before 71 named it differently.
        Some("QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED") => Refusal::Full,
        _ => Refusal::Unavailable,
    }
}

/// `setItem`, its refusal as a [`SaveError`].
fn put(what: Stored, key: &str, value: &str) -> Result<(), SaveError> {
    let error = |why| SaveError {
        what,
        bytes: value.len(),
        why,
    };
    let s = storage().ok_or_else(|| error(Refusal::Unavailable))?;
    s.set_item(key, value).map_err(|e| error(refusal(&e)))
}

const KEY: &str = "ordinal.editor.v1";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Decodes a stored value: `{"version":1,"text":"…"}`.
pub fn decode(raw: &str) -> Option<String> {
    let v: Value = serde_json::from_str(raw).ok()?;
    if v.get("version")?.as_u64()? != 1 {
        return None;
    }
    Some(v.get("text")?.as_str()?.to_string())
}

pub fn encode(text: &str) -> String {
    json!({ "version": 1, "text": text }).to_string()
}

/// What was stored: `Ok(None)` if nothing, `Err(())` if something unreadable was there.
pub fn load() -> Result<Option<String>, ()> {
    let Some(s) = storage() else {
        return Ok(None);
    };
    match s.get_item(KEY) {
        Ok(None) => Ok(None),
        Ok(Some(raw)) => decode(&raw).map(Some).ok_or(()),
        Err(_) => Err(()),
    }
}

/// Keeps the editor buffer.
pub fn save(text: &str) -> Result<(), SaveError> {
    put(Stored::Editor, KEY, &encode(text))
}

const SESSION_KEY: &str = "ordinal.session";

/// The saved session: `Ok(None)` if none, `Err(why)` if one is there but cannot be replayed.
pub fn load_session() -> Result<Option<(Vec<Recorded>, u64)>, String> {
    let Some(s) = storage() else {
        return Ok(None);
    };
    let Ok(Some(raw)) = s.get_item(SESSION_KEY) else {
        return Ok(None);
    };
    let v: Value = serde_json::from_str(&raw).map_err(|_| "it is not valid JSON".to_string())?;
    parse_record(&v).map(Some)
}

const BACKUP_KEY: &str = "ordinal.session.backup";

/// Before a shared or imported session replaces the saved one, the saved one is kept here. If
/// the browser refuses the copy, the saved session is held: [`save_session`] does not write over
/// it until a later backup succeeds.
pub fn backup_session() -> Result<(), SaveError> {
    let Some(raw) = storage().and_then(|s| s.get_item(SESSION_KEY).ok().flatten()) else {
        // Nothing saved (or no storage at all): nothing to lose.
        return Ok(());
    };
    let r = put(Stored::Backup, BACKUP_KEY, &raw);
    HELD.with(|h| h.set(r.is_err()));
    r
}

/// The backed-up session's JSON text, if any.
pub fn load_backup() -> Option<String> {
    storage()?.get_item(BACKUP_KEY).ok().flatten()
}

/// Keeps the session's record. Refused, the session saved before stays (a reload replays it).
pub fn save_session(record: &Value) -> Result<(), SaveError> {
    let text = record.to_string();
    if HELD.with(Cell::get) {
        return Err(SaveError {
            what: Stored::Session,
            bytes: text.len(),
            why: Refusal::Held,
        });
    }
    put(Stored::Session, SESSION_KEY, &text)
}

const PROGRESS_KEY: &str = "ordinal.progress.v1";

/// Lesson progress; anything unreadable is no progress (the checks pass again as the reader
/// redoes the steps).
pub fn load_progress() -> Progress {
    storage()
        .and_then(|s| s.get_item(PROGRESS_KEY).ok().flatten())
        .and_then(|raw| decode_progress(&raw))
        .unwrap_or_default()
}

/// Keeps lesson progress.
pub fn save_progress(p: &Progress) -> Result<(), SaveError> {
    put(Stored::Progress, PROGRESS_KEY, &encode_progress(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_unreadable_values() {
        assert_eq!(decode(&encode("a: 1\n")).as_deref(), Some("a: 1\n"));
        assert_eq!(decode("{\"version\":1,\"text\":"), None);
        assert_eq!(decode("{\"version\":1,\"text\":42}"), None);
        assert_eq!(decode("{\"version\":2,\"text\":\"x\"}"), None);
        assert_eq!(decode("plain text"), None);
    }
}
