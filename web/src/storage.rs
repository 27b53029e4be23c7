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
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Stored {
    /// The saved session was being copied to the backup, before another one replaced it.
    Backup,
    Session,
    Editor,
    Progress,
}

/// Why a write was refused.
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Refusal {
    /// The browser's quota for the page is full (`QuotaExceededError`).
    Full,
    /// No storage: it is off or blocked for this page, or the write threw something else.
    Unavailable,
    /// Not attempted: the saved session could not be backed up, so it is kept as it is.
    Held,
    /// Not attempted: another tab holds the session (see [`lease_of`]), and this tab writes
    /// nothing over its work.
    OtherTab,
}

/// A write the browser refused: what, how big (UTF-8 bytes of the value) and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    if lease() == Lease::Other || READ_ONLY.with(Cell::get) {
        return Err(error(Refusal::OtherTab));
    }
    s.set_item(key, value).map_err(|e| error(refusal(&e)))
}

thread_local! {
    /// This tab is read-only (the page says so): it writes nothing, even while nobody holds
    /// the lease (the holder closed, and this tab has not taken over).
    static READ_ONLY: Cell<bool> = const { Cell::new(false) };
}

/// Whether this tab is read-only (the page sets it as its model says).
pub fn set_read_only(read_only: bool) {
    READ_ONLY.with(|r| r.set(read_only));
}

/// Who holds the session: one tab at a time writes it (the session, the editor, progress, the
/// backup); any other tab opened meanwhile is read-only until the user takes over there.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Lease {
    /// This tab.
    Mine,
    /// Another tab, which renewed it less than [`LEASE_MS`] ago.
    Other,
    /// Nobody: none stored, an expired one (its tab crashed or was frozen) or an unreadable one.
    Free,
}

const LEASE_KEY: &str = "ordinal.lease";
/// A holder renews its lease every [`HEARTBEAT_MS`]; one not renewed for this long is free.
pub const LEASE_MS: f64 = 5_000.0;
pub const HEARTBEAT_MS: i32 = 1_000;

thread_local! {
    /// This tab's id (a new one every load: a reload releases the lease and claims it again).
    static TAB: String = format!("{:x}", (js_sys::Math::random() * 2f64.powi(52)) as u64);
}

/// The state of the stored lease `raw` (`{"tab":"…","at":ms}`) for tab `me` at `now` (ms).
pub fn lease_of(raw: Option<&str>, me: &str, now: f64) -> Lease {
    let Some(v) = raw.and_then(|r| serde_json::from_str::<Value>(r).ok()) else {
        return Lease::Free;
    };
    let (Some(tab), Some(at)) = (
        v.get("tab").and_then(Value::as_str),
        v.get("at").and_then(Value::as_f64),
    ) else {
        return Lease::Free;
    };
    if tab == me {
        Lease::Mine
    } else if now - at < LEASE_MS && at <= now + LEASE_MS {
        // (A time far ahead is a clock that jumped back, or a forged value: free.)
        Lease::Other
    } else {
        Lease::Free
    }
}

/// The lease as it is now (no storage at all: free).
pub fn lease() -> Lease {
    let Some(s) = storage() else {
        return Lease::Free;
    };
    let raw = s.get_item(LEASE_KEY).ok().flatten();
    TAB.with(|me| lease_of(raw.as_deref(), me, js_sys::Date::now()))
}

fn write_lease() {
    if let Some(s) = storage() {
        let v = TAB.with(|me| json!({ "tab": me, "at": js_sys::Date::now() }));
        // Refused (storage full or off): the lease is then not held, and nothing else is
        // written either way.
        let _ = s.set_item(LEASE_KEY, &v.to_string());
    }
}

/// Claims the session for this tab unless another one holds it; whether this tab holds it.
/// Called at startup, and by the holder's heartbeat, which renews it (a read-only tab never
/// claims it by itself: the holder's reload releases it for a moment).
pub fn claim() -> bool {
    if lease() == Lease::Other {
        return false;
    }
    write_lease();
    true
}

/// "Take over here": this tab holds the session, whoever held it (that tab sees it and goes
/// read-only; it writes nothing more).
pub fn take_over() {
    write_lease();
}

/// Lets the session go (the page is going away), if this tab holds it.
pub fn release() {
    if lease() == Lease::Mine {
        if let Some(s) = storage() {
            let _ = s.remove_item(LEASE_KEY);
        }
    }
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

/// The saved session as stored (the engine reads it), if any.
pub fn load_session_raw() -> Option<String> {
    storage()?.get_item(SESSION_KEY).ok().flatten()
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
    save_session_text(record.to_string())
}

/// [`save_session`] of the record's JSON text (as the engine sends it).
pub fn save_session_text(text: String) -> Result<(), SaveError> {
    if HELD.with(Cell::get) {
        return Err(SaveError {
            what: Stored::Session,
            bytes: text.len(),
            why: Refusal::Held,
        });
    }
    put(Stored::Session, SESSION_KEY, &text)
}

/// What the holder wrote that a read-only tab follows (see `model::follow`).
pub enum Followed {
    /// The session as the holder saved it: its record and the time it ran to.
    Session(Vec<Recorded>, u64),
    /// The holder's editor text, and what it was before (as stored).
    Editor { was: Option<String>, text: String },
}

/// What another tab's write to storage (a `storage` event: `key`, `oldValue`, `newValue`)
/// means for a tab that follows it; `None` for anything else (the lease's heartbeat, progress,
/// a value that is not readable, a key removed).
pub fn followed(key: Option<&str>, old: Option<&str>, new: Option<&str>) -> Option<Followed> {
    match key? {
        SESSION_KEY => {
            let v: Value = serde_json::from_str(new?).ok()?;
            let (ops, now) = parse_record(&v).ok()?;
            Some(Followed::Session(ops, now))
        }
        KEY => Some(Followed::Editor {
            was: old.and_then(decode),
            text: decode(new?)?,
        }),
        _ => None,
    }
}

/// A `storage` event's `key`, `oldValue` and `newValue` (what [`followed`] reads; the engine
/// reads it).
pub fn event_parts(e: &web_sys::Event) -> (Option<String>, Option<String>, Option<String>) {
    let get = |name: &str| {
        js_sys::Reflect::get(e, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
    };
    (get("key"), get("oldValue"), get("newValue"))
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
    fn a_lease_is_held_by_its_tab_until_it_expires() {
        let at = |tab: &str, at: f64| json!({ "tab": tab, "at": at }).to_string();
        assert_eq!(lease_of(None, "a", 1e12), Lease::Free);
        assert_eq!(lease_of(Some(&at("a", 1.0)), "a", 1e12), Lease::Mine);
        assert_eq!(
            lease_of(Some(&at("b", 1e12 - 900.0)), "a", 1e12),
            Lease::Other
        );
        // Not renewed for LEASE_MS: its tab crashed (or is frozen), the lease is free.
        assert_eq!(
            lease_of(Some(&at("b", 1e12 - LEASE_MS)), "a", 1e12),
            Lease::Free
        );
        assert_eq!(
            lease_of(Some(&at("b", 1e12 + 2.0 * LEASE_MS)), "a", 1e12),
            Lease::Free
        );
        for bad in ["", "{", "{\"tab\":\"b\"}", "{\"tab\":1,\"at\":1}", "[]"] {
            assert_eq!(lease_of(Some(bad), "a", 1e12), Lease::Free, "{bad}");
        }
    }

    /// A `storage` event of the session or the editor is followed; anything else (the lease's
    /// heartbeat, progress, a removed or unreadable value) is not.
    #[test]
    fn what_a_read_only_tab_follows() {
        let record = r#"{"version":1,"seed":1,"now":9,"ops":[[3,"line","kubectl get pods"]]}"#;
        match followed(Some(SESSION_KEY), None, Some(record)) {
            Some(Followed::Session(ops, 9)) => assert_eq!(ops.len(), 1),
            _ => panic!("the session is followed"),
        }
        match followed(Some(KEY), Some(&encode("a: 1\n")), Some(&encode("b: 2\n"))) {
            Some(Followed::Editor { was, text }) => {
                assert_eq!(was.as_deref(), Some("a: 1\n"));
                assert_eq!(text, "b: 2\n");
            }
            _ => panic!("the editor is followed"),
        }
        assert!(matches!(
            followed(Some(KEY), None, Some(&encode(""))),
            Some(Followed::Editor { was: None, .. })
        ));
        for (key, new) in [
            (Some(LEASE_KEY), Some("{\"tab\":\"b\",\"at\":1}")),
            (Some(PROGRESS_KEY), Some("{}")),
            (Some(SESSION_KEY), None),
            (Some(SESSION_KEY), Some("{\"version\":7}")),
            (Some(SESSION_KEY), Some("not json")),
            (Some(KEY), Some("plain")),
            (None, None),
        ] {
            assert!(followed(key, None, new).is_none(), "{key:?} {new:?}");
        }
    }

    #[test]
    fn round_trip_and_unreadable_values() {
        assert_eq!(decode(&encode("a: 1\n")).as_deref(), Some("a: 1\n"));
        assert_eq!(decode("{\"version\":1,\"text\":"), None);
        assert_eq!(decode("{\"version\":1,\"text\":42}"), None);
        assert_eq!(decode("{\"version\":2,\"text\":\"x\"}"), None);
        assert_eq!(decode("plain text"), None);
    }
}
