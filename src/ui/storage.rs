//! Autosave: the sandbox session (a [`Scene`]: editor text, journal, position) in localStorage.
//! Unreadable saved data is never thrown away and never blanks the page: it is moved to
//! [`CORRUPT_KEY`] and the page says so.

use crate::shell::share::{parse_scene, to_saved, Scene};

/// The saved sandbox session.
pub const KEY: &str = "berth.sandbox";
/// Where an unreadable saved session is set aside.
pub const CORRUPT_KEY: &str = "berth.sandbox.corrupt";
/// Where the previous session is kept when a share link replaces it.
pub const BEFORE_LINK_KEY: &str = "berth.sandbox.before-link";
/// The scene as the most recent link opened it (to tell a link only looked at from work).
pub const OPENED_LINK_KEY: &str = "berth.sandbox.opened-link";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

pub fn get(key: &str) -> Option<String> {
    storage().and_then(|s| s.get_item(key).ok().flatten())
}

/// Stores `value`; the error (quota, storage switched off) is returned as a sentence.
pub fn set(key: &str, value: &str) -> Result<(), String> {
    let s = storage().ok_or("this browser does not allow storage for the page")?;
    s.set_item(key, value).map_err(|_| "the browser refused to store it (storage full or switched off)".to_string())
}

pub fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// What was found in storage.
pub enum Saved {
    Nothing,
    Scene(Scene),
    /// Unreadable: the reason. The raw text has already been set aside.
    SetAside(String),
}

/// Reads the saved session; unreadable data is moved to [`CORRUPT_KEY`].
pub fn load() -> Saved {
    let Some(text) = get(KEY) else { return Saved::Nothing };
    match parse_scene(&text) {
        Ok(scene) => Saved::Scene(scene),
        Err(e) => {
            set_aside(&text);
            Saved::SetAside(e)
        }
    }
}

/// Moves unreadable saved text out of the way (kept for a bug report, never deleted).
pub fn set_aside(text: &str) {
    let _ = set(CORRUPT_KEY, text);
    remove(KEY);
}

pub fn save(scene: &Scene) -> Result<(), String> {
    set(KEY, &to_saved(scene))
}
