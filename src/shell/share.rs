//! Share links and autosave: a [`Scene`] is everything needed to rebuild what the learner sees —
//! the scenario text (and the files it names), the seed, the editor text, the journal of inputs,
//! the moment shown and the furthest moment reached. Opening it replays the journal
//! ([`History::replay`]), so the cluster and the timeline come back exactly.
//!
//! A link is `#s=<base64url(deflate(JSON))>`; the saved session in localStorage is the same JSON,
//! uncompressed. Both carry a format version (`"v": 1`). Anything wrong — not base64url, not
//! deflate, too big, not JSON, another version, a scenario that does not parse, a journal out of
//! order — is an `Err` with a sentence saying what, never a panic.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::history::{Entry, History};
use crate::engine::scenario::{parse_scenario, Scenario};
use crate::engine::time::{Clock, Millis, HOUR};

/// The format version this Berth writes and reads.
pub const VERSION: u32 = 1;
/// Longest link payload accepted (the text after `s=`).
pub const MAX_LINK_BYTES: usize = 64 * 1024;
/// Most bytes a link may unpack to (a deflate bomb stops here).
pub const MAX_JSON_BYTES: usize = 1024 * 1024;
/// Most journal entries a scene may hold.
pub const MAX_JOURNAL: usize = 5_000;
/// Latest virtual time a scene may reach (opening it replays this far).
pub const MAX_TIME: Millis = 7 * 24 * HOUR;

/// Everything needed to rebuild the playground.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scene {
    /// Format version ([`VERSION`]).
    pub v: u32,
    /// The scenario file's text.
    pub scenario: String,
    /// Files the scenario names (`taskdefs/web.json` → text).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    pub seed: u64,
    /// The task definition editor's text.
    #[serde(default)]
    pub editor: String,
    /// The learner's inputs, in time order.
    #[serde(default)]
    pub journal: Vec<Entry>,
    /// The moment shown.
    pub time: Millis,
    /// The latest moment reached (the end of the scrubber).
    pub furthest: Millis,
}

impl Scene {
    /// A scene at the start of a scenario, nothing done yet.
    pub fn new(scenario: &str, files: BTreeMap<String, String>, seed: u64, editor: &str) -> Self {
        Scene { v: VERSION, scenario: scenario.to_string(), files, seed, editor: editor.to_string(), journal: Vec::new(), time: 0, furthest: 0 }
    }

    /// Parses the scenario (with the scene's own files) and replays the journal.
    pub fn open(&self) -> Result<(Scenario, History), String> {
        self.check()?;
        let files = |name: &str| self.files.get(name).cloned().ok_or_else(|| format!("{name} is not included"));
        let scenario = parse_scenario(&self.scenario, &files).map_err(|d| {
            let first = d.iter().find(|d| d.is_error()).or(d.first()).map(|d| d.render("scenario")).unwrap_or_default();
            format!("its scenario does not load: {first}")
        })?;
        let start = scenario.start(Some(self.seed));
        let history = History::replay(start, self.journal.clone(), self.furthest, self.time)?;
        Ok((scenario, history))
    }

    /// The limits every scene must keep.
    pub fn check(&self) -> Result<(), String> {
        if self.journal.len() > MAX_JOURNAL {
            return Err(format!("it holds {} actions; at most {MAX_JOURNAL} are allowed", self.journal.len()));
        }
        if self.furthest > MAX_TIME {
            return Err(format!("its timeline reaches {}; at most {} (7 days) is allowed", Clock(self.furthest), Clock(MAX_TIME)));
        }
        if self.time > self.furthest {
            return Err(format!("its time {} is after the end of its timeline ({})", Clock(self.time), Clock(self.furthest)));
        }
        if let Some(e) = self.journal.iter().find(|e| e.t > self.furthest) {
            return Err(format!("an action at {} is after the end of its timeline ({})", Clock(e.t), Clock(self.furthest)));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// base64url (RFC 4648 §5), no padding

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            let idx = ((n >> (18 - 6 * i)) & 63) as usize;
            out.push(char::from(ALPHABET[idx]));
        }
    }
    out
}

pub fn base64url_decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for (i, c) in text.chars().enumerate() {
        let v = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '-' => 62,
            '_' => 63,
            other => return Err(format!("character {other:?} at position {} does not belong in a link", i + 1)),
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if text.len() % 4 == 1 {
        return Err("it ends in the middle of a character (it was probably cut off)".to_string());
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Links and saved sessions

/// The link payload for a scene: the text to put after `#s=`. Refused (with the reason) when the
/// scene breaks a limit or the link would be longer than [`MAX_LINK_BYTES`].
pub fn encode_link(scene: &Scene) -> Result<String, String> {
    scene.check()?;
    let json = serde_json::to_vec(scene).map_err(|e| format!("it could not be written ({e})"))?;
    pack(&json).map_err(|e| format!("{e} (a very long editor text or timeline)"))
}

/// base64url(deflate(bytes)), refused when longer than [`MAX_LINK_BYTES`]. Share links and
/// lesson links (src/shell/builder.rs) both use it.
pub fn pack(bytes: &[u8]) -> Result<String, String> {
    let packed = miniz_oxide::deflate::compress_to_vec(bytes, 9);
    let text = base64url_encode(&packed);
    if text.len() > MAX_LINK_BYTES {
        return Err(format!("the link would be {} KiB; links can be at most {} KiB", text.len().div_ceil(1024), MAX_LINK_BYTES / 1024));
    }
    Ok(text)
}

/// The text a [`pack`]ed payload holds; `prefix` (`s=`, `lesson=`) names the link part in
/// messages. Every way a payload can be damaged is an `Err` sentence.
pub fn unpack(payload: &str, prefix: &str) -> Result<String, String> {
    if payload.len() > MAX_LINK_BYTES {
        return Err(format!("it is {} KiB long; links can be at most {} KiB", payload.len().div_ceil(1024), MAX_LINK_BYTES / 1024));
    }
    if payload.is_empty() {
        return Err(format!("it is empty after \"{prefix}\" (it was probably cut off)"));
    }
    let packed = base64url_decode(payload).map_err(|e| format!("it is damaged: {e}"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_JSON_BYTES).map_err(|e| match e.status {
        miniz_oxide::inflate::TINFLStatus::HasMoreOutput => format!("it unpacks to more than {} KiB", MAX_JSON_BYTES / 1024),
        _ => "it is damaged: the compressed data is incomplete or corrupt (was it cut off?)".to_string(),
    })?;
    String::from_utf8(json).map_err(|_| "it is damaged: the unpacked data is not text".to_string())
}

/// Reads a link payload (the text after `s=`). The error completes "This link could not be
/// opened: …".
pub fn decode_link(payload: &str) -> Result<Scene, String> {
    let text = unpack(payload, "s=")?;
    parse_scene(&text)
}

/// The notice shown after a share link opened: where the scene stands and, when the link carries a
/// recorded future (the sharer had scrubbed back), how far its timeline runs. `kept_aside`: the
/// learner's own session was saved aside and can be brought back. While the scene is paused the
/// page adds [`OPENED_PAUSED_HINT`]; once it plays, the hint would be stale and is left out.
pub fn opened_notice(now: Millis, furthest: Millis, kept_aside: bool) -> String {
    let mut text = format!("Opened a shared scene at {}", Clock(now));
    if furthest > now {
        text.push_str(&format!(" (its recorded timeline runs to {})", Clock(furthest)));
    }
    text.push('.');
    if kept_aside {
        text.push_str(" Your own session was kept aside.");
    }
    text
}

/// The notice shown when a share link cannot be opened (`reason` completes "This link could not
/// be opened: …"): what was wrong, that the sample scenario is shown instead, and, when the
/// learner's own session was kept aside (`kept_aside`), that "Go back to my own session" brings it
/// back, even after acting in the sample.
pub fn bad_link_notice(reason: &str, kept_aside: bool) -> String {
    let mut text = format!("This link could not be opened: {reason}. Showing the sample scenario instead.");
    if kept_aside {
        text.push_str(" Your own session was kept aside: \u{201c}Go back to my own session\u{201d} brings it back, also after you change something here.");
    }
    text
}

/// Added to [`opened_notice`] while the opened scene has not been played yet.
pub const OPENED_PAUSED_HINT: &str = "It is paused: press Play to go on.";

/// Opening a link (or an example from the scenario picker) replaces the saved session; whether
/// that session should be kept aside for "Go back to my own session", replacing whatever is
/// kept aside already. `current` is the saved session, `opened` the scene as the previous link
/// opened it (saved form), `already_aside` whether something is kept aside now. A session that
/// is only an earlier link looked at (same scenario, files, seed, editor text and actions as
/// when it opened; playing it does not count) is not kept: the learner's own work, kept aside
/// when that link opened, stays the one "Go back" brings back.
pub fn keep_aside(current: &str, opened: Option<&str>, already_aside: bool) -> bool {
    if !already_aside {
        return true;
    }
    let same_work = |a: &Scene, b: &Scene| a.scenario == b.scenario && a.files == b.files && a.seed == b.seed && a.editor == b.editor && a.journal == b.journal;
    match (parse_scene(current), opened.map(parse_scene)) {
        (Ok(now), Some(Ok(then))) => !same_work(&now, &then),
        _ => true,
    }
}

/// The JSON stored for autosave.
pub fn to_saved(scene: &Scene) -> String {
    serde_json::to_string(scene).unwrap_or_default()
}

/// Reads a scene from JSON (a saved session, or an unpacked link), version first so an old or
/// newer format gets a message about versions rather than about fields.
pub fn parse_scene(text: &str) -> Result<Scene, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("it is not valid JSON ({e})"))?;
    let Some(obj) = value.as_object() else {
        return Err("it is not a Berth scene (expected a JSON object)".to_string());
    };
    match obj.get("v") {
        None => return Err("it has no format version (\"v\"); it was not made by Berth".to_string()),
        Some(v) if v.as_u64() == Some(u64::from(VERSION)) => {}
        Some(v) => {
            let shown = v.as_u64().map_or_else(|| v.to_string(), |n| n.to_string());
            return Err(format!("it uses format version {shown}; this Berth reads version {VERSION}"));
        }
    }
    let scene: Scene = serde_json::from_value(value).map_err(|e| format!("it is not readable ({e})"))?;
    scene.check()?;
    Ok(scene)
}
