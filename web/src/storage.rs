//! The editor buffer in `localStorage`, so it survives a reload. Anything unreadable (no
//! storage, a blocked storage, a value that is not ours) falls back to the example.

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
