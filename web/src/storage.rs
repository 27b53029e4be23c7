//! The editor buffer in `localStorage`, so it survives a reload. Anything unreadable (no
//! storage, a blocked storage, a value that is not ours) falls back to the example.

use crate::engine::{parse_record, Recorded};
use crate::model::Progress;
use serde_json::{json, Value};

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

pub fn save(text: &str) {
    if let Some(s) = storage() {
        // A full or blocked storage only loses the buffer on reload.
        let _ = s.set_item(KEY, &encode(text));
    }
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

/// Before a shared or imported session replaces the saved one, the saved one is kept here.
pub fn backup_session() {
    if let Some(s) = storage() {
        if let Ok(Some(raw)) = s.get_item(SESSION_KEY) {
            let _ = s.set_item(BACKUP_KEY, &raw);
        }
    }
}

/// The backed-up session's JSON text, if any.
pub fn load_backup() -> Option<String> {
    storage()?.get_item(BACKUP_KEY).ok().flatten()
}

/// Keeps the session's record (a full or blocked storage only loses it on reload).
pub fn save_session(record: &Value) {
    if let Some(s) = storage() {
        let _ = s.set_item(SESSION_KEY, &record.to_string());
    }
}

const PROGRESS_KEY: &str = "ordinal.progress.v1";

/// Decodes stored lesson progress: `{"version":1,"lessons":{"basics":["created",…]}}`.
pub fn decode_progress(raw: &str) -> Option<Progress> {
    let v: Value = serde_json::from_str(raw).ok()?;
    if v.get("version")?.as_u64()? != 1 {
        return None;
    }
    let mut p = Progress::new();
    for (lesson, checks) in v.get("lessons")?.as_object()? {
        let set = p.entry(lesson.clone()).or_default();
        for c in checks.as_array()? {
            set.insert(c.as_str()?.to_string());
        }
    }
    Some(p)
}

pub fn encode_progress(p: &Progress) -> String {
    json!({ "version": 1, "lessons": p }).to_string()
}

/// Lesson progress; anything unreadable is no progress (the checks pass again as the reader
/// redoes the steps).
pub fn load_progress() -> Progress {
    storage()
        .and_then(|s| s.get_item(PROGRESS_KEY).ok().flatten())
        .and_then(|raw| decode_progress(&raw))
        .unwrap_or_default()
}

pub fn save_progress(p: &Progress) {
    if let Some(s) = storage() {
        let _ = s.set_item(PROGRESS_KEY, &encode_progress(p));
    }
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

    #[test]
    fn progress_round_trip_and_unreadable_values() {
        let mut p = Progress::new();
        p.entry("basics".into())
            .or_default()
            .insert("created".into());
        p.entry("basics".into()).or_default().insert("dns".into());
        assert_eq!(decode_progress(&encode_progress(&p)), Some(p));
        assert_eq!(decode_progress("{\"version\":2,\"lessons\":{}}"), None);
        assert_eq!(
            decode_progress("{\"version\":1,\"lessons\":{\"a\":[1]}}"),
            None
        );
        assert_eq!(decode_progress("[]"), None);
    }
}
