//! Share links and saved sessions (src/shell/share.rs): a link reopens the same cluster and
//! timeline; damaged, oversized, foreign and wrong-version links are refused with a sentence.

use std::collections::BTreeMap;

use berth::engine::history::{History, Input};
use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Command;
use berth::shell::share::{base64url_decode, base64url_encode, decode_link, encode_link, keep_aside, parse_scene, to_saved, Scene, MAX_LINK_BYTES, VERSION};

const FIRST_PAGE: &str = include_str!("../docs/examples/scenarios/first-page.json");
const WEB: &str = include_str!("../docs/examples/scenarios/taskdefs/web.json");
const MIN: u64 = 60_000;

fn files() -> BTreeMap<String, String> {
    BTreeMap::from([("taskdefs/web.json".to_string(), WEB.to_string())])
}

/// A learner's session: scale, kill an instance, deploy a bigger task, look back at 4 minutes.
fn session() -> (Scene, History) {
    let scenario = parse_scenario(FIRST_PAGE, &|n: &str| files().get(n).cloned().ok_or_else(|| n.to_string())).unwrap();
    let mut h = History::new(scenario.start(Some(99)));
    h.advance_to(MIN);
    h.input(Input::Command(Command::UpdateService { service: "web".into(), desired_count: Some(9), task_definition: None, deployment_configuration: None, force_new_deployment: false, placement_strategy: None, placement_constraints: None }));
    h.advance_to(3 * MIN + 125);
    h.input(Input::Command(Command::TerminateInstance { instance: "i-04".into() }));
    h.advance_to(5 * MIN);
    let editor = WEB.replace("\"cpu\": 256,", "\"cpu\": 768,");
    h.input(Input::Deploy(editor.clone()));
    h.advance_to(8 * MIN);
    h.seek(4 * MIN);
    let scene = Scene { v: VERSION, scenario: FIRST_PAGE.to_string(), files: files(), seed: 99, editor, journal: h.journal().to_vec(), time: h.now(), furthest: h.furthest() };
    (scene, h)
}

fn snap(h: &History) -> String {
    serde_json::to_string(&h.engine().snapshot()).unwrap()
}

#[test]
fn a_link_reopens_the_same_cluster_and_timeline() {
    let (scene, mut h) = session();
    let link = encode_link(&scene).unwrap();
    assert!(link.len() < 4096, "a small session makes a short link ({} bytes)", link.len());
    assert!(link.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{link}");
    let back = decode_link(&link).unwrap();
    assert_eq!(back, scene);

    let (_, mut opened) = back.open().unwrap();
    assert_eq!(opened.now(), 4 * MIN);
    assert_eq!(opened.furthest(), 8 * MIN);
    assert_eq!(opened.engine().seed(), 99);
    assert_eq!(snap(&opened), snap(&h));
    assert_eq!(opened.engine().log_hash(), h.engine().log_hash());
    // The whole timeline came along: the end is the same too.
    opened.go_live();
    h.go_live();
    assert_eq!(opened.engine().log_hash(), h.engine().log_hash());
    assert_eq!(opened.engine().services().get("web").map(|s| s.task_definition.as_str()), Some("web:2"));
    assert!(!opened.engine().instances().contains_key("i-04"));
}

#[test]
fn a_saved_session_round_trips() {
    let (scene, _) = session();
    let text = to_saved(&scene);
    assert!(text.starts_with("{\"v\":1,"), "{}", &text[..20]);
    assert_eq!(parse_scene(&text).unwrap(), scene);
}

#[test]
fn base64url_round_trips_every_length() {
    let data: Vec<u8> = (0..=255u8).collect();
    for n in 0..40 {
        let enc = base64url_encode(&data[..n]);
        assert_eq!(enc.len(), (n * 4).div_ceil(3));
        assert_eq!(base64url_decode(&enc).unwrap(), &data[..n]);
    }
    // RFC 4648 test vectors, without padding and with the URL alphabet.
    assert_eq!(base64url_encode(b"foobar"), "Zm9vYmFy");
    assert_eq!(base64url_encode(b"fo"), "Zm8");
    assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
}

#[test]
fn damaged_links_say_what_is_wrong() {
    let (scene, _) = session();
    let link = encode_link(&scene).unwrap();
    let cases: Vec<(String, String)> = vec![
        (String::new(), "it is empty after \"s=\" (it was probably cut off)".into()),
        ("abc!def".into(), "it is damaged: character '!' at position 4 does not belong in a link".into()),
        ("abcde".into(), "it is damaged: it ends in the middle of a character (it was probably cut off)".into()),
        (link[..link.len() / 2].to_string(), "it is damaged: the compressed data is incomplete or corrupt (was it cut off?)".into()),
        (base64url_encode(b"not deflate at all"), "it is damaged: the compressed data is incomplete or corrupt (was it cut off?)".into()),
        ("A".repeat(MAX_LINK_BYTES + 1), "it is 65 KiB long; links can be at most 64 KiB".into()),
    ];
    for (payload, want) in cases {
        let got = decode_link(&payload).err().unwrap_or_else(|| panic!("{payload:.40} was accepted"));
        assert_eq!(got, want, "payload {payload:.40}");
    }
}

fn pack(json: &str) -> String {
    base64url_encode(&miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6))
}

#[test]
fn well_formed_links_with_the_wrong_content_are_refused() {
    let (scene, _) = session();
    let mut newer = serde_json::to_value(&scene).unwrap();
    newer["v"] = 2.into();
    let mut no_seed = serde_json::to_value(&scene).unwrap();
    no_seed.as_object_mut().unwrap().remove("seed");
    let cases = vec![
        (pack("[1, 2]"), "it is not a Berth scene (expected a JSON object)"),
        (pack("{\"scenario\": \"x\"}"), "it has no format version (\"v\"); it was not made by Berth"),
        (pack(&newer.to_string()), "it uses format version 2; this Berth reads version 1"),
        (pack("{\"v\": \"one\"}"), "it uses format version \"one\"; this Berth reads version 1"),
        (pack(&no_seed.to_string()), "it is not readable (missing field `seed`)"),
        (pack("{\"v\": 1, "), "it is not valid JSON (EOF while parsing a value at line 1 column 9)"),
    ];
    for (payload, want) in cases {
        assert_eq!(decode_link(&payload).err().as_deref(), Some(want));
    }
    // A deflate bomb: 2 MiB of spaces packs into a few KiB and is stopped at 1 MiB.
    let bomb = pack(&" ".repeat(2 * 1024 * 1024));
    assert!(bomb.len() < 8 * 1024);
    assert_eq!(decode_link(&bomb).err().as_deref(), Some("it unpacks to more than 1024 KiB"));
}

#[test]
fn scenes_that_cannot_be_replayed_are_refused() {
    let (scene, _) = session();
    let mut late = scene.clone();
    late.time = late.furthest + 1;
    assert_eq!(decode_link(&pack(&to_saved(&late))).err().as_deref(), Some("its time 00:08:00.001 is after the end of its timeline (00:08:00)"));

    let mut long = scene.clone();
    long.furthest = 8 * 24 * 60 * MIN;
    assert_eq!(encode_link(&long).err().as_deref(), Some("its timeline reaches 192:00:00; at most 168:00:00 (7 days) is allowed"));

    let mut broken = scene.clone();
    broken.scenario = broken.scenario.replace("\"seed\": 7,", "\"seed\": \"seven\",");
    let err = broken.open().err().unwrap();
    assert!(err.starts_with("its scenario does not load: scenario:5:"), "{err}");

    let mut missing = scene.clone();
    missing.files.clear();
    let err = missing.open().err().unwrap();
    assert!(err.contains("taskdefs/web.json is not included"), "{err}");

    let mut disorder = scene;
    disorder.journal.swap(0, 2);
    let err = disorder.open().err().unwrap();
    assert_eq!(err, "journal entry 1 is at 180125 ms, before entry 0 (300000 ms): entries must be in time order");
}

#[test]
fn an_editor_too_big_for_a_link_is_refused_when_sharing() {
    let (mut scene, _) = session();
    // Random-looking text does not compress: 100 KiB of it cannot fit in 64 KiB.
    let mut x: u64 = 1;
    scene.editor = (0..100_000)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            char::from(b'!' + ((x >> 33) % 90) as u8)
        })
        .collect();
    let err = encode_link(&scene).err().unwrap();
    assert!(err.starts_with("the link would be ") && err.ends_with("links can be at most 64 KiB (a very long editor text or timeline)"), "{err}");
}

#[test]
fn the_opened_notice_says_where_the_scene_stands() {
    use berth::shell::share::opened_notice;
    // The Autoscaling lab and most links open at their end: no "runs to" clause.
    assert_eq!(opened_notice(0, 0, false), "Opened a shared scene at 00:00:00.");
    // A sharer who scrubbed back: the recorded future is named.
    assert_eq!(opened_notice(4 * MIN, 9 * MIN, true), "Opened a shared scene at 00:04:00 (its recorded timeline runs to 00:09:00). Your own session was kept aside.");
}

#[test]
fn opening_links_in_a_row_keeps_the_learners_own_session_aside_not_a_link_only_looked_at() {
    let (own, _) = session();
    let own = to_saved(&own);
    let example = Scene::new(FIRST_PAGE, files(), 7, WEB);
    let opened = to_saved(&example);
    // Nothing kept aside yet: the current session is kept, whatever it is.
    assert!(keep_aside(&own, None, false));
    assert!(keep_aside(&opened, Some(&opened), false));
    // The first link was only played (time moved, no action, editor untouched): opening a second
    // link keeps the learner's session that is aside already.
    let mut played = example.clone();
    played.time = 5 * MIN;
    played.furthest = 6 * MIN;
    assert!(!keep_aside(&to_saved(&played), Some(&opened), true));
    // Work done on the opened link (an edit, or an action) is kept aside in its turn.
    let mut edited = example.clone();
    edited.editor = WEB.replace("\"cpu\": 256,", "\"cpu\": 512,");
    assert!(keep_aside(&to_saved(&edited), Some(&opened), true));
    let (acted, _) = session();
    assert!(keep_aside(&to_saved(&acted), Some(&opened), true));
    // Unreadable records never stop the current session being kept.
    assert!(keep_aside(&own, Some("{broken"), true));
    assert!(keep_aside(&own, None, true));
}

#[test]
fn a_bad_link_says_what_is_wrong_and_keeps_the_learners_session_aside() {
    use berth::shell::share::bad_link_notice;
    let reason = decode_link("garbage!!").unwrap_err();
    assert_eq!(
        bad_link_notice(&reason, true),
        "This link could not be opened: it is damaged: character '!' at position 8 does not belong in a link. Showing the sample scenario instead. Your own session was kept aside: \u{201c}Go back to my own session\u{201d} brings it back, also after you change something here."
    );
    // Nothing saved in this browser: nothing to go back to, nothing promised.
    assert_eq!(bad_link_notice("it is empty after \"s=\" (it was probably cut off)", false), "This link could not be opened: it is empty after \"s=\" (it was probably cut off). Showing the sample scenario instead.");
    // The page keeps the saved session aside before showing the sample, as for a good link: the
    // learner's edited session with nothing aside yet is kept.
    let (own, _) = session();
    assert!(keep_aside(&to_saved(&own), None, false));
    // A bad link after a good one only looked at: the own session aside already stays there.
    let example = Scene::new(FIRST_PAGE, files(), 7, WEB);
    assert!(!keep_aside(&to_saved(&example), Some(&to_saved(&example)), true));
}
