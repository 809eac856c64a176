//! Tests that run in headless Chromium (`cargo test --target wasm32-unknown-unknown --test wasm`).

#![cfg(target_arch = "wasm32")]

#[path = "common/golden.rs"]
mod golden;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn wasm_log_matches_the_native_golden_hash() {
    let e = golden::run();
    assert_eq!(e.log_hash(), golden::GOLDEN_HASH.trim());
    // Traffic (floating point) and Kubernetes too.
    assert_eq!(golden::run_text(golden::LAB, 90 * 60 * 1000).log_hash(), golden::LAB_HASH.trim());
    assert_eq!(golden::run_text(golden::K8S, 30 * 60 * 1000).log_hash(), golden::K8S_HASH.trim());
}

/// Mounts the whole page. Destroy the handle at the end: a mounted sandbox keeps playing and
/// autosaving, which would disturb later tests.
async fn mount() -> (web_sys::Element, yew::AppHandle<berth::ui::App>) {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<berth::ui::App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    (root, handle)
}

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

#[wasm_bindgen_test]
async fn app_renders_the_sample_cluster() {
    local_storage().remove_item(berth::ui::storage::KEY).unwrap();
    let (root, handle) = mount().await;
    let chips = root.query_selector_all("[data-testid=task-chip]").unwrap();
    assert_eq!(chips.length(), 6, "six web tasks");
    let azs = root.query_selector_all("[data-testid=az]").unwrap();
    assert_eq!(azs.length(), 3);
    let instances = root.query_selector_all("[data-testid=instance]").unwrap();
    assert_eq!(instances.length(), 6);
    let editor = root.query_selector("[data-testid=taskdef-editor]").unwrap().unwrap();
    let text = editor.unchecked_into::<web_sys::HtmlTextAreaElement>().value();
    assert!(text.contains("\"family\": \"web\""), "{text}");
    handle.destroy();
}

use wasm_bindgen::JsCast;

// ---- Lessons (src/ui/lessons.rs, src/ui/markdown.rs) ----

use berth::ui::lessons;

/// Every exercise named by the bundled index loads from the bundle (prose, scenario, editor text).
#[wasm_bindgen_test]
fn the_bundled_course_loads_every_exercise() {
    let course = lessons::load_course().expect("the course loads");
    let index = berth::engine::lesson::parse_index(&lessons::bundled("index.json").unwrap()).unwrap();
    assert_eq!(course.chapters.len(), index.chapters.len());
    let mut n = 0;
    for (c, ic) in course.chapters.iter().zip(&index.chapters) {
        assert_eq!(c.exercises.len(), ic.exercises.len());
        assert!(!c.intro.is_empty(), "chapter {} has no intro", c.id);
        for e in &c.exercises {
            let ex = e.exercise.as_ref().unwrap_or_else(|err| panic!("{}: {err}", e.path));
            assert!(!ex.prose.is_empty(), "{} has no prose", e.path);
            n += 1;
        }
    }
    assert!(n >= 17, "{n} exercises");
    assert!(lessons::bundled("01-task-definitions/../01-task-definitions/intro.md").is_ok());
    assert!(lessons::bundled("nope.md").is_err());
}

#[wasm_bindgen_test]
fn stored_progress_round_trips_and_garbage_is_an_error() {
    let mut p = lessons::Progress::default();
    p.exercises.insert("a/b".into(), lessons::ExerciseProgress { status: lessons::Status::Solved, hints: 2, best: Some(3) });
    let text = serde_json::to_string(&p).unwrap();
    assert_eq!(lessons::parse_progress(&text).unwrap(), p);
    for bad in ["", "{", "null", "[]", "{\"version\": 2}", "{\"version\": 1, \"exercises\": {\"x\": {\"status\": \"done\"}}}"] {
        assert!(lessons::parse_progress(bad).is_err(), "{bad:?} should be refused");
    }
}

async fn mount_html(h: yew::Html) -> web_sys::Element {
    #[derive(yew::Properties, PartialEq)]
    struct P {
        h: yew::Html,
    }
    #[yew::function_component(Wrap)]
    fn wrap(p: &P) -> yew::Html {
        p.h.clone()
    }
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<Wrap>::with_root_and_props(root.clone(), P { h }).render();
    yew::scheduler::flush().await;
    root
}

/// Prose is turned into Yew nodes, never parsed as HTML: markup in a lesson shows as text.
#[wasm_bindgen_test]
async fn markdown_markup_renders_as_text_not_html() {
    let src = "# Hi <script>window.__pwned = 1</script>\n\nA <img src=x onerror=\"window.__pwned = 2\"> **bold** `code` [bad](javascript:alert(1)) [ok](https://example.com)\n\n```\n<b>x</b>\n```\n";
    let root = mount_html(lessons::render_markdown(src)).await;
    assert_eq!(root.query_selector_all("script").unwrap().length(), 0);
    assert_eq!(root.query_selector_all("img").unwrap().length(), 0);
    assert_eq!(root.query_selector_all("pre b").unwrap().length(), 0);
    let h2 = root.query_selector("h2").unwrap().unwrap();
    assert_eq!(h2.text_content().unwrap(), "Hi <script>window.__pwned = 1</script>");
    let text = root.text_content().unwrap();
    assert!(text.contains("<img src=x onerror=\"window.__pwned = 2\">"), "{text}");
    assert_eq!(root.query_selector("strong").unwrap().unwrap().text_content().unwrap(), "bold");
    let links = root.query_selector_all("a").unwrap();
    assert_eq!(links.length(), 1, "the javascript: link is text only");
    let a = links.item(0).unwrap().unchecked_into::<web_sys::Element>();
    assert_eq!(a.get_attribute("href").unwrap(), "https://example.com");
    assert!(js_sys::Reflect::get(&web_sys::window().unwrap(), &"__pwned".into()).unwrap().is_undefined());
}

/// The picker lists the course; corrupted saved progress shows a message and a reset.
#[wasm_bindgen_test]
async fn picker_lists_the_course_and_survives_corrupted_progress() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.set_item(lessons::PROGRESS_KEY, "{not json").unwrap();
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<lessons::LessonsPage>::with_root_and_props(root.clone(), lessons::LessonsProps { nav: yew::Html::default(), open: None, present: false }).render();
    yew::scheduler::flush().await;
    assert!(root.query_selector("[data-testid=lesson-picker]").unwrap().is_some());
    assert!(root.query_selector_all("[data-testid=exercise-item]").unwrap().length() >= 17);
    let err = root.query_selector("[data-testid=progress-error]").unwrap().expect("an error banner");
    assert!(err.text_content().unwrap().contains("could not be read"));
    // The unreadable data is left alone until the learner resets it.
    assert_eq!(storage.get_item(lessons::PROGRESS_KEY).unwrap().unwrap(), "{not json");
    root.query_selector("[data-testid=progress-reset]").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    yew::scheduler::flush().await;
    assert!(root.query_selector("[data-testid=progress-error]").unwrap().is_none());
    assert!(lessons::parse_progress(&storage.get_item(lessons::PROGRESS_KEY).unwrap().unwrap()).is_ok());
    storage.remove_item(lessons::PROGRESS_KEY).unwrap();
}

/// An exercise opens with its goals unmet and its disabled actions greyed out.
#[wasm_bindgen_test]
async fn an_exercise_shows_goals_and_disables_switched_off_actions() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    let props = lessons::LessonsProps { nav: yew::Html::default(), open: Some("task-definitions/cpu-and-memory".into()), present: false };
    yew::Renderer::<lessons::LessonsPage>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    assert!(root.query_selector("[data-testid=exercise]").unwrap().is_some());
    assert_eq!(root.query_selector_all("[data-testid=goal]").unwrap().length(), 3);
    let first = root.query_selector("[data-testid=goal]").unwrap().unwrap();
    assert_eq!(first.get_attribute("data-ok").as_deref(), Some("false"), "four tasks do not run at the start");
    let desired = root.query_selector("[data-testid=desired-web]").unwrap().unwrap();
    assert!(desired.has_attribute("disabled"), "updateService is disabled in this exercise");
    let add = root.query_selector("[data-testid=add-instance]").unwrap().unwrap();
    assert!(add.has_attribute("disabled"), "addInstances is disabled in this exercise");
    let deploy = root.query_selector("[data-testid=deploy]").unwrap().unwrap();
    assert!(!deploy.has_attribute("disabled"));
    let editor = root.query_selector("[data-testid=taskdef-editor]").unwrap().unwrap().unchecked_into::<web_sys::HtmlTextAreaElement>();
    assert!(editor.value().contains("\"cpu\": 1024"), "seeded from taskDefinitionEditor");
}

// ---- App shell (src/ui/hooks.rs, timeline.rs, app.rs, storage.rs; src/shell/share.rs) ----

use berth::ui::hooks::{shortcut_for, virtual_ms, Shortcut, SPEEDS};

/// Shortcuts fire from the page and from buttons, never while typing; a slider keeps its arrows
/// and a button keeps Space.
#[wasm_bindgen_test]
fn shortcuts_respect_what_has_focus() {
    assert_eq!(shortcut_for(" ", "body", false, false), Some(Shortcut::PlayPause));
    assert_eq!(shortcut_for(" ", "button", false, false), None, "Space presses the focused button");
    assert_eq!(shortcut_for("ArrowRight", "button", false, false), Some(Shortcut::Step));
    assert_eq!(shortcut_for("ArrowRight", "input:range", false, false), None, "the scrubber moves");
    assert_eq!(shortcut_for(" ", "input:range", false, false), Some(Shortcut::PlayPause));
    for typing in ["textarea", "select", "input:number", "input:text"] {
        for key in [" ", "ArrowRight", "[", "]", "?"] {
            assert_eq!(shortcut_for(key, typing, false, false), None, "{key:?} in {typing}");
        }
        assert_eq!(shortcut_for("Escape", typing, false, false), Some(Shortcut::Escape));
    }
    assert_eq!(shortcut_for("?", "div", true, false), None, "contenteditable");
    assert_eq!(shortcut_for("]", "body", false, true), None, "Ctrl+] belongs to the browser");
    assert_eq!(shortcut_for("[", "body", false, false), Some(Shortcut::Slower));
    assert_eq!(shortcut_for("]", "a", false, false), Some(Shortcut::Faster));
    assert_eq!(shortcut_for("?", "body", false, false), Some(Shortcut::Help));
    assert_eq!(shortcut_for("x", "body", false, false), None);
}

#[wasm_bindgen_test]
fn speeds_and_frame_arithmetic() {
    let labels: Vec<&str> = SPEEDS.iter().map(|s| s.label).collect();
    assert_eq!(labels, ["¼×", "1×", "4×", "16×", "64×", "max"]);
    // ¼×: four 16 ms frames make 16 virtual ms, the fractions carried from frame to frame.
    let mut carry = 0.0;
    let total: u64 = (0..4).map(|_| virtual_ms(0.25, 16.0, &mut carry)).sum();
    assert_eq!(total, 16);
    // 64×: one 16.5 ms frame is 1056 virtual ms; a 5 s stall counts as 100 ms at most.
    let mut carry = 0.0;
    assert_eq!(virtual_ms(64.0, 16.5, &mut carry), 1056);
    assert_eq!(virtual_ms(64.0, 5000.0, &mut carry), 6400);
    assert_eq!(virtual_ms(1.0, -3.0, &mut carry), 0);
}

#[wasm_bindgen_test]
fn timeline_maths() {
    use berth::ui::timeline::{percent, value_to_time};
    assert_eq!(value_to_time("1500.4", 10_000), Some(1500));
    assert_eq!(value_to_time("1500.5", 10_000), Some(1501));
    assert_eq!(value_to_time("99999", 10_000), Some(10_000));
    assert_eq!(value_to_time("-5", 10_000), Some(0));
    assert_eq!(value_to_time("", 10_000), None);
    assert_eq!(value_to_time("NaN", 10_000), None);
    assert_eq!(percent(2_500, 10_000), 25.0);
    assert_eq!(percent(0, 0), 100.0);
    assert_eq!(percent(20_000, 10_000), 100.0);
}

/// The track ends at the live moment: scripted actions already reached are marks on it, the
/// next one still ahead is said in words under it (only while live).
#[wasm_bindgen_test]
async fn the_timeline_marks_reached_script_and_names_the_next() {
    use berth::ui::timeline::{next_scripted, Props, Timeline};
    use std::rc::Rc;
    let script = vec![(60_000, "update service web to web:2".to_string()), (120_000, "AZ outage of a".to_string()), (120_000, "scale web to 4".to_string())];
    assert_eq!(next_scripted(&script, 0), Some((60_000, "update service web to web:2".to_string())));
    assert_eq!(next_scripted(&script, 60_000), Some((120_000, "AZ outage of a and scale web to 4".to_string())), "reached at 60 s");
    assert_eq!(next_scripted(&script, 120_000), None);
    let render = |live: bool| {
        let props = Props {
            now: 90_000,
            furthest: 90_000,
            live,
            marks: vec![(30_000, "terminate i-01".to_string())],
            scripted: Rc::new(script.clone()),
            on_seek: yew::Callback::noop(),
            on_live: yew::Callback::noop(),
            on_resume: yew::Callback::noop(),
            coarse: false,
            note: None,
        };
        yew::html! { <Timeline ..props /> }
    };
    let root = mount_html(render(true)).await;
    assert_eq!(root.query_selector_all("[data-testid=scripted-mark]").unwrap().length(), 1, "only the action at 60 s is reached");
    let mine = root.query_selector_all("[data-testid=learner-mark]").unwrap();
    assert_eq!(mine.length(), 1);
    let mine = mine.item(0).unwrap().unchecked_into::<web_sys::Element>();
    assert_eq!(mine.get_attribute("title").as_deref(), Some("you at 00:00:30: terminate i-01"));
    let next = root.query_selector("[data-testid=timeline-next]").unwrap().expect("the next scripted action is named");
    assert_eq!(next.text_content().unwrap(), "Next scripted, at 00:02:00: AZ outage of a and scale web to 4");
    let past = mount_html(render(false)).await;
    assert!(past.query_selector("[data-testid=timeline-next]").unwrap().is_none(), "not while viewing the past");
}

#[wasm_bindgen_test]
fn chart_time_axes_label_round_times() {
    use berth::ui::charts::{time_label, time_ticks};
    const MIN: f64 = 60_000.0;
    // Six minutes: every 2 minutes (not every 100 s).
    assert_eq!(time_ticks(6.0 * MIN, 6), vec![0.0, 2.0 * MIN, 4.0 * MIN, 6.0 * MIN]);
    // The first minute: every 15 s.
    assert_eq!(time_ticks(MIN, 6), vec![0.0, 15_000.0, 30_000.0, 45_000.0, MIN]);
    // 80 minutes: every quarter of an hour; a day: every 6 hours.
    assert_eq!(time_ticks(80.0 * MIN, 6), (0..6).map(|i| i as f64 * 15.0 * MIN).collect::<Vec<_>>());
    assert_eq!(time_ticks(24.0 * 60.0 * MIN, 6).len(), 5);
    assert_eq!(time_ticks(0.0, 6), vec![0.0]);
    let labels: Vec<String> = time_ticks(80.0 * MIN, 6).iter().map(|t| time_label(*t, 80.0 * MIN)).collect();
    assert_eq!(labels, ["0h00", "0h15", "0h30", "0h45", "1h00", "1h15"]);
    assert_eq!(time_label(2.0 * MIN, 6.0 * MIN), "02:00");
}

#[wasm_bindgen_test]
fn the_load_slider_shows_the_current_load_until_the_learner_moves_it() {
    use berth::ui::charts::slider_value;
    // No load yet: 0, not a default; a load in place: rounded to the slider's step of 10.
    assert_eq!(slider_value(None, "web", 0.0), 0);
    assert_eq!(slider_value(None, "web", 144.9), 140);
    assert_eq!(slider_value(None, "web", 145.0), 150);
    // Above the slider's range, or nonsense: clamped.
    assert_eq!(slider_value(None, "web", 25_000.0), 1000);
    assert_eq!(slider_value(None, "web", f64::NAN), 0);
    assert_eq!(slider_value(None, "web", -3.0), 0);
    // The learner's choice wins for that service only.
    let chosen = ("web".to_string(), 70);
    assert_eq!(slider_value(Some(&chosen), "web", 300.0), 70);
    assert_eq!(slider_value(Some(&chosen), "api", 300.0), 300);
}

#[wasm_bindgen_test]
fn routes_keep_lessons_links_and_the_presenter_flag() {
    use berth::ui::app::{hash_for, parse_hash, Mode, Route};
    assert_eq!(parse_hash(""), Route { mode: Mode::Sandbox, link: None, present: false });
    assert_eq!(parse_hash("#lessons"), Route { mode: Mode::Lessons(None), link: None, present: false });
    assert_eq!(parse_hash("#lessons/task-definitions/cpu-and-memory&present"), Route { mode: Mode::Lessons(Some("task-definitions/cpu-and-memory".into())), link: None, present: true });
    assert_eq!(parse_hash("#s=abc-_&present"), Route { mode: Mode::Sandbox, link: Some("abc-_".into()), present: true });
    assert_eq!(hash_for(&Mode::Lessons(Some("a/b".into())), true), "lessons/a/b&present");
    assert_eq!(hash_for(&Mode::Sandbox, true), "present");
    assert_eq!(hash_for(&Mode::Sandbox, false), "");
    assert_eq!(parse_hash("#demo/self-healing&present"), Route { mode: Mode::Demo("self-healing".into()), link: None, present: true });
    assert_eq!(hash_for(&Mode::Demo("rolling-updates".into()), true), "demo/rolling-updates&present");
}

/// The share link round trip in Wasm: same snapshot and log as the native engine would give.
#[wasm_bindgen_test]
fn a_share_link_round_trips_in_wasm() {
    use berth::engine::history::{History, Input};
    use berth::engine::sim::Command;
    use berth::shell::share::{decode_link, encode_link, Scene};
    let scenario = berth::ui::sample::scenario().unwrap();
    let mut h = History::new(scenario.start(None));
    h.advance_to(45_000);
    h.input(Input::Command(Command::TerminateInstance { instance: "i-03".into() }));
    h.advance_to(120_000);
    h.seek(50_000);
    let files = std::collections::BTreeMap::from([("taskdefs/web.json".to_string(), berth::ui::sample::WEB_TASKDEF.to_string())]);
    let scene = Scene { journal: h.journal().to_vec(), time: h.now(), furthest: h.furthest(), ..Scene::new(berth::ui::sample::SCENARIO, files, 7, "{}") };
    let link = encode_link(&scene).unwrap();
    let (_, opened) = decode_link(&link).unwrap().open().unwrap();
    assert_eq!(opened.now(), 50_000);
    assert_eq!(opened.furthest(), 120_000);
    assert_eq!(opened.engine().log_hash(), h.engine().log_hash());
    assert!(!opened.engine().instances().contains_key("i-03"));
}

/// A corrupted saved session is set aside with a notice; the page shows the sample.
#[wasm_bindgen_test]
async fn corrupted_saved_session_is_set_aside_with_a_notice() {
    use berth::ui::storage::{CORRUPT_KEY, KEY};
    let ls = local_storage();
    ls.remove_item(CORRUPT_KEY).unwrap();
    ls.set_item(KEY, "{\"v\": 1, \"scenario\": ").unwrap();
    let (root, handle) = mount().await;
    let notice = root.query_selector("[data-testid=notice][data-kind=storage-error]").unwrap().expect("a notice");
    let text = notice.text_content().unwrap();
    assert!(text.starts_with("Your saved session could not be read: it is not valid JSON (EOF while parsing a value at line 1 column 21)."), "{text}");
    assert_eq!(ls.get_item(CORRUPT_KEY).unwrap().as_deref(), Some("{\"v\": 1, \"scenario\": "));
    assert_eq!(root.query_selector_all("[data-testid=task-chip]").unwrap().length(), 6, "the sample is shown");
    handle.destroy();
    ls.remove_item(CORRUPT_KEY).unwrap();
    ls.remove_item(KEY).unwrap();
}

/// A saved session comes back: editor text and the journal's effect.
#[wasm_bindgen_test]
async fn a_saved_session_is_restored() {
    use berth::engine::history::{Entry, Input};
    use berth::engine::sim::Command;
    use berth::shell::share::{to_saved, Scene};
    let files = std::collections::BTreeMap::from([("taskdefs/web.json".to_string(), berth::ui::sample::WEB_TASKDEF.to_string())]);
    let mut scene = Scene::new(berth::ui::sample::SCENARIO, files, 7, "{ \"family\": \"mine\" }");
    scene.journal = vec![Entry { t: 1_000, input: Input::Command(Command::UpdateService { service: "web".into(), desired_count: Some(2), task_definition: None, deployment_configuration: None, force_new_deployment: false, placement_strategy: None, placement_constraints: None }) }];
    scene.time = 1_000;
    scene.furthest = 30_000;
    local_storage().set_item(berth::ui::storage::KEY, &to_saved(&scene)).unwrap();
    let (root, handle) = mount().await;
    let editor = root.query_selector("[data-testid=taskdef-editor]").unwrap().unwrap().unchecked_into::<web_sys::HtmlTextAreaElement>();
    assert_eq!(editor.value(), "{ \"family\": \"mine\" }");
    assert_eq!(root.query_selector("[data-testid=clock]").unwrap().unwrap().text_content().unwrap(), "00:00:01");
    let timeline = root.query_selector("[data-testid=timeline]").unwrap().unwrap();
    assert_eq!(timeline.get_attribute("data-live").as_deref(), Some("false"), "shown at 1 s of 30 s");
    assert_eq!(root.query_selector("[data-testid=desired-web]").unwrap().unwrap().unchecked_into::<web_sys::HtmlInputElement>().value(), "2");
    handle.destroy();
    local_storage().remove_item(berth::ui::storage::KEY).unwrap();
}

/// Waits `ms` milliseconds of wall time (timers and the page's effects run meanwhile).
async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Live validation: the text is checked a moment after typing stops, without Deploy; errors and
/// warnings are listed apart with line:col and their lines marked; fixing the text clears them.
#[wasm_bindgen_test]
async fn the_editor_checks_the_text_as_it_is_typed() {
    use wasm_bindgen::JsCast;
    local_storage().remove_item(berth::ui::storage::KEY).unwrap();
    let (root, handle) = mount().await;
    let area = root.query_selector("[data-testid=taskdef-editor]").unwrap().unwrap().unchecked_into::<web_sys::HtmlTextAreaElement>();
    let original = area.value();
    let type_text = |t: &str| {
        area.set_value(t);
        area.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
    };
    let wait = || sleep(berth::ui::editor::LIVE_CHECK_MS + 150);
    // Remove the comma after "cpu": 256 (line 9): the parser stops at the next member, line 10.
    type_text(&original.replace("\"cpu\": 256,", "\"cpu\": 256"));
    wait().await;
    yew::scheduler::flush().await;
    let live = root.query_selector("[data-testid=live-check]").unwrap().expect("the live check is shown");
    assert_eq!(live.get_attribute("data-errors").as_deref(), Some("1"));
    let err = live.query_selector("[data-testid=diag-error]").unwrap().unwrap().text_content().unwrap();
    assert!(err.starts_with("line 10, col 7"), "{err}");
    let mark = root.query_selector("[data-testid=gutter-ln-err]").unwrap().expect("the line is marked");
    assert_eq!(mark.get_attribute("data-line").as_deref(), Some("10"));
    assert!(root.query_selector("[data-testid=diagnostics]").unwrap().is_none(), "nothing was deployed");
    // The list appearing below did not rebuild the textarea (an empty one would lose the text).
    let now_shown = root.query_selector("[data-testid=taskdef-editor]").unwrap().unwrap().unchecked_into::<web_sys::HtmlTextAreaElement>();
    assert_eq!(now_shown.value(), original.replace("\"cpu\": 256,", "\"cpu\": 256"));
    // A lint warning only (an image without a tag): listed apart, marked as a warning.
    type_text(&original.replace("nginx:1.27", "nginx"));
    wait().await;
    yew::scheduler::flush().await;
    let live = root.query_selector("[data-testid=live-check]").unwrap().unwrap();
    assert_eq!((live.get_attribute("data-errors").as_deref(), live.get_attribute("data-warnings").as_deref()), (Some("0"), Some("1")));
    assert!(root.query_selector("[data-testid=gutter-ln-err]").unwrap().is_none());
    assert!(root.query_selector("[data-testid=gutter-ln-warn]").unwrap().is_some());
    // Fixed: no errors, no marks.
    type_text(&original);
    wait().await;
    yew::scheduler::flush().await;
    let live = root.query_selector("[data-testid=live-check]").unwrap().unwrap();
    assert_eq!(live.text_content().unwrap(), "✓ No problems found.");
    assert!(root.query_selector("mark").unwrap().is_none());
    handle.destroy();
    local_storage().remove_item(berth::ui::storage::KEY).unwrap();
}

#[wasm_bindgen_test]
async fn the_editor_gutter_numbers_lines_and_marks_errors_and_warnings() {
    use berth::ui::editor::gutter;
    let marks = vec![(2u32, true, "col 7: expected ',' or '}'".to_string()), (4, false, "col 1: a warning".to_string()), (4, true, "col 3: and an error".to_string())];
    let root = mount_html(yew::html! { <pre>{gutter(5, &marks)}</pre> }).await;
    assert_eq!(root.text_content().unwrap(), "1\n✖2\n3\n✖4\n5\n");
    let err = root.query_selector_all("mark.ln-err").unwrap();
    assert_eq!(err.length(), 2, "line 4 has an error too: the error wins");
    let first = root.query_selector("mark.ln-err").unwrap().unwrap();
    assert_eq!(first.get_attribute("data-line").as_deref(), Some("2"));
    assert_eq!(first.get_attribute("title").as_deref(), Some("col 7: expected ',' or '}'"));
    let second = root.query_selector("mark[data-line='4']").unwrap().unwrap();
    assert_eq!(second.get_attribute("title").as_deref(), Some("col 1: a warning\ncol 3: and an error"));
    // Warnings only: marked, not as errors.
    let root = mount_html(yew::html! { <pre>{gutter(3, &[(3, false, "w".to_string())])}</pre> }).await;
    assert_eq!(root.text_content().unwrap(), "1\n2\n▲3\n");
    assert!(root.query_selector("mark.ln-warn").unwrap().is_some());
}

/// The crash panel (what the panic hook shows; a panic cannot be caught in Wasm, so the panel is
/// shown directly): the report, a way out, focus on "Copy bug report", and words for the copy.
#[wasm_bindgen_test]
async fn the_crash_panel_shows_the_report_and_says_what_copy_did() {
    use wasm_bindgen::JsCast;
    let report = "Berth bug report\nscenario: sample\nseed: 7\nvirtual time: 5000 ms (furthest 5000 ms)\npanic: boom";
    berth::ui::panic::show(report);
    let doc = web_sys::window().unwrap().document().unwrap();
    let panel = doc.query_selector("[data-testid=crash]").unwrap().expect("the crash panel");
    assert_eq!(panel.get_attribute("role").as_deref(), Some("alertdialog"));
    assert_eq!(panel.query_selector("h2").unwrap().unwrap().text_content().unwrap(), "Berth hit a bug and stopped the simulation");
    assert_eq!(panel.query_selector("pre").unwrap().unwrap().text_content().unwrap(), report);
    let buttons: Vec<String> = (0..panel.query_selector_all("button").unwrap().length()).filter_map(|i| panel.query_selector_all("button").unwrap().item(i)).map(|b| b.text_content().unwrap_or_default()).collect();
    assert_eq!(buttons, vec!["Copy bug report", "Reload", "Start fresh (set my saved session aside)"]);
    let focused = doc.active_element().and_then(|e| e.get_attribute("data-testid"));
    assert_eq!(focused.as_deref(), Some("crash-copy"), "focus moves into the panel");
    // Copy: either it is copied, or (no permission in a test browser) the report is selected
    // for Ctrl+C. Either way the panel says so.
    panel.query_selector("[data-testid=crash-copy]").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    sleep(300).await;
    let said = panel.query_selector("[data-testid=crash-copy-status]").unwrap().unwrap().text_content().unwrap();
    assert!(said == "Copied. Paste it into your bug report." || said.starts_with("This browser did not let the page copy. The report is selected"), "{said}");
    if said.starts_with("This browser") {
        let selected = web_sys::window().unwrap().get_selection().unwrap().unwrap().to_string();
        assert_eq!(String::from(selected), report);
    }
    panel.remove();
}

#[wasm_bindgen_test]
fn chart_value_axes_label_round_steps_that_differ() {
    use berth::ui::charts::{tick_decimals, value_label, value_ticks};
    let labels = |top: f64, min_step: f64, unit: &str| -> Vec<String> {
        let ticks = value_ticks(top, 5, min_step);
        let d = tick_decimals(&ticks);
        ticks.iter().map(|y| value_label(*y, d, unit)).collect()
    };
    // An empty cost chart (0 .. 0.011): not "0.01 / 0.01", but three distinct labels.
    assert_eq!(labels(0.011, 0.0, ""), ["0", "0.005", "0.010"]);
    // Utilisation up to 100 %, even when 100 / 1.1 × 1.1 falls a hair short.
    assert_eq!(labels(100.0 / 1.1 * 1.1, 0.0, " %"), ["0 %", "25 %", "50 %", "75 %", "100 %"]);
    assert_eq!(labels(99.999_999_999_999_99, 0.0, " %"), ["0 %", "25 %", "50 %", "75 %", "100 %"]);
    // Counts step by whole numbers.
    assert_eq!(labels(6.6, 1.0, ""), ["0", "2", "4", "6"]);
    assert_eq!(labels(1.1, 1.0, ""), ["0", "1"]);
    // Dollars an hour, milliseconds.
    assert_eq!(labels(0.3168, 0.0, ""), ["0", "0.1", "0.2", "0.3"]);
    assert_eq!(labels(1234.5, 0.0, " ms"), ["0 ms", "250 ms", "500 ms", "750 ms", "1000 ms"]);
    assert_eq!(labels(0.0, 0.0, ""), ["0"]);
    assert_eq!(labels(f64::NAN, 0.0, ""), ["0"]);
    for top in [0.0007, 0.011, 0.9, 3.3, 17.0, 110.0, 4321.0, 98_765.0] {
        let l = labels(top, 0.0, "");
        let mut unique = l.clone();
        unique.dedup();
        assert_eq!(l, unique, "labels for 0 .. {top} repeat");
        assert!(l.len() >= 2 && l.len() <= 5, "{l:?} for 0 .. {top}");
    }
}

#[wasm_bindgen_test]
fn the_chart_selector_is_labelled_by_what_it_lists() {
    use berth::ui::charts::{option_text, selector_label};
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(selector_label(&names(&["web", "api"])), "Service");
    assert_eq!(selector_label(&names(&["default/web"])), "Deployment");
    assert_eq!(selector_label(&names(&["web", "default/web"])), "Service or Deployment");
    assert_eq!(option_text("default/web", "Deployment"), "default/web");
    assert_eq!(option_text("default/web", "Service or Deployment"), "Deployment default/web");
    assert_eq!(option_text("web", "Service or Deployment"), "web");
}

/// The sample's task definition as a Fargate-only one (valid: awsvpc, task-level cpu/memory).
fn fargate_web() -> String {
    berth::ui::sample::WEB_TASKDEF
        .replace("\"networkMode\": \"bridge\",\n  \"requiresCompatibilities\": [\"EC2\"],", "\"networkMode\": \"awsvpc\",\n  \"requiresCompatibilities\": [\"FARGATE\"],\n  \"cpu\": \"256\",\n  \"memory\": \"512\",")
        .replace("\"hostPort\": 0", "\"hostPort\": 80")
}

/// The editor's desired count refuses what is out of range with a message naming the field and
/// the range; nothing is sent (still 6 desired) and the field keeps what was typed.
#[wasm_bindgen_test]
async fn the_desired_count_beside_deploy_refuses_out_of_range_values_with_the_range() {
    use wasm_bindgen::JsCast;
    local_storage().remove_item(berth::ui::storage::KEY).unwrap();
    let (root, handle) = mount().await;
    let input = root.query_selector("[data-testid=desired-web]").unwrap().unwrap().unchecked_into::<web_sys::HtmlInputElement>();
    let error = root.query_selector("[data-testid=desired-web-error]").unwrap().expect("the message slot");
    assert!(error.has_attribute("hidden"), "no message yet");
    let summary = || root.query_selector("[data-testid=service-summary]").unwrap().unwrap().text_content().unwrap();
    let commit = |v: &str| {
        input.set_value(v);
        input.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
        input.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    };
    for (typed, why) in [
        ("100000", "100000 is too many (Berth's forms stop at 1000 tasks per service so that a typo cannot flood the sandbox; ECS's own quota is 5000)"),
        ("-1", "\"-1\" is not"),
    ] {
        commit(typed);
        yew::scheduler::flush().await;
        assert_eq!(error.text_content().unwrap().trim(), format!("Desired count of web must be a whole number from 0 to 1000; {why}. Nothing was changed."));
        assert!(!error.has_attribute("hidden"));
        assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
        assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
        assert_eq!(input.get_attribute("aria-describedby").as_deref(), Some("desired-web-error"));
        assert_eq!(input.value(), typed, "the field keeps what was typed");
        assert!(summary().contains("desired 6,"), "{}", summary());
    }
    // Typing again clears the message; a value in range is applied.
    commit("4");
    yew::scheduler::flush().await;
    assert!(error.has_attribute("hidden"));
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("false"));
    assert!(summary().contains("desired 4,"), "{}", summary());
    handle.destroy();
    local_storage().remove_item(berth::ui::storage::KEY).unwrap();
}

/// A Fargate-only text for the EC2 service web: the live check warns before Deploy; Deploy
/// registers web:2 and the service refuses it (as in AWS); the editor then holds web:2, so no
/// "newer revision" hint. A "Not deployed" line goes once the text changes.
#[wasm_bindgen_test]
async fn a_refused_update_leaves_the_editor_holding_the_revision_it_registered() {
    use wasm_bindgen::JsCast;
    local_storage().remove_item(berth::ui::storage::KEY).unwrap();
    let (root, handle) = mount().await;
    let area = root.query_selector("[data-testid=taskdef-editor]").unwrap().unwrap().unchecked_into::<web_sys::HtmlTextAreaElement>();
    let type_text = |t: &str| {
        area.set_value(t);
        area.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
    };
    let q = |sel: &str| root.query_selector(sel).unwrap();
    let deploy = || q("[data-testid=deploy]").unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    let text = fargate_web();
    type_text(&text);
    sleep(berth::ui::editor::LIVE_CHECK_MS + 150).await;
    yew::scheduler::flush().await;
    let live = q("[data-testid=live-check]").unwrap();
    assert_eq!((live.get_attribute("data-errors").as_deref(), live.get_attribute("data-warnings").as_deref()), (Some("0"), Some("1")));
    assert_eq!(
        q("[data-testid=live-check] [data-testid=diag-warning]").unwrap().text_content().unwrap(),
        "line 4, col 3 requiresCompatibilities: service web runs on EC2 but this text has requiresCompatibilities [\"FARGATE\"]: Deploy would register the new revision, then the service would refuse it (add \"EC2\" to requiresCompatibilities)"
    );
    deploy();
    yew::scheduler::flush().await;
    assert_eq!(
        q("[data-testid=failed]").unwrap().text_content().unwrap(),
        "Registered web:2, but service web refused it: web:2 is not compatible with EC2: its requiresCompatibilities is [\"FARGATE\"]."
    );
    let newer = q("[data-testid=newer-revision]").unwrap();
    assert!(newer.has_attribute("hidden"), "the editor holds web:2 itself: {}", newer.text_content().unwrap());
    assert_eq!(area.value(), text, "the text stays");
    // A broken text: Deploy says "Not deployed"; once the text changes, that line goes (the live
    // check speaks for the new text).
    type_text(&text.replace("\"cpu\": \"256\",", "\"cpu\": \"256\""));
    deploy();
    yew::scheduler::flush().await;
    assert!(q("[data-testid=diagnostics]").unwrap().text_content().unwrap().starts_with("Not deployed: "));
    type_text(&text);
    yew::scheduler::flush().await;
    assert!(q("[data-testid=diagnostics]").is_none(), "the stale line is gone");
    handle.destroy();
    local_storage().remove_item(berth::ui::storage::KEY).unwrap();
}

/// A bad share link keeps the learner's saved session aside: acting in the sample shown instead
/// saves the sample, but the own session stays kept for "Go back to my own session".
#[wasm_bindgen_test]
async fn a_bad_link_keeps_the_saved_session_aside() {
    use berth::shell::share::{to_saved, Scene};
    use berth::ui::storage::{BEFORE_LINK_KEY, KEY, OPENED_LINK_KEY};
    use wasm_bindgen::JsCast;
    let ls = local_storage();
    for k in [KEY, BEFORE_LINK_KEY, OPENED_LINK_KEY] {
        ls.remove_item(k).unwrap();
    }
    let files = std::collections::BTreeMap::from([("taskdefs/web.json".to_string(), berth::ui::sample::WEB_TASKDEF.to_string())]);
    let own = to_saved(&Scene::new(berth::ui::sample::SCENARIO, files, 7, "{ \"family\": \"mine\" }"));
    ls.set_item(KEY, &own).unwrap();
    let window = web_sys::window().unwrap();
    window.location().set_hash("s=garbage!!").unwrap();
    let (root, handle) = mount().await;
    let notice = root.query_selector("[data-testid=notice][data-kind=link-error]").unwrap().expect("a notice");
    assert_eq!(
        notice.query_selector("p").unwrap().unwrap().text_content().unwrap(),
        "This link could not be opened: it is damaged: character '!' at position 8 does not belong in a link. Showing the sample scenario instead. Your own session was kept aside: \u{201c}Go back to my own session\u{201d} brings it back, also after you change something here."
    );
    assert_eq!(notice.query_selector("[data-testid=notice-restore]").unwrap().unwrap().text_content().unwrap(), "Go back to my own session");
    assert_eq!(ls.get_item(BEFORE_LINK_KEY).unwrap().as_deref(), Some(own.as_str()));
    assert_eq!(ls.get_item(KEY).unwrap().as_deref(), Some(own.as_str()), "nothing saved until the learner acts");
    // Acting in the sample saves it; the own session stays aside.
    root.query_selector("[aria-label='Terminate i-01']").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    yew::scheduler::flush().await;
    let saved = ls.get_item(KEY).unwrap().unwrap();
    assert!(saved.contains("\"action\":\"terminateInstance\""), "{saved}");
    assert_eq!(ls.get_item(BEFORE_LINK_KEY).unwrap().as_deref(), Some(own.as_str()));
    handle.destroy();
    window.location().set_hash("").unwrap();
    for k in [KEY, BEFORE_LINK_KEY, OPENED_LINK_KEY] {
        ls.remove_item(k).unwrap();
    }
}

// ---- Lessons: goals that break, folding the goals, predictions, bad links (src/ui/lessons.rs) ----

/// Mounts the lessons page at `open` (an exercise id) with no saved progress.
async fn mount_lessons(open: &str) -> (web_sys::Element, yew::AppHandle<lessons::LessonsPage>) {
    local_storage().remove_item(lessons::PROGRESS_KEY).unwrap();
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    let props = lessons::LessonsProps { nav: yew::Html::default(), open: Some(open.into()), present: false };
    let handle = yew::Renderer::<lessons::LessonsPage>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    (root, handle)
}

fn click(root: &web_sys::Element, sel: &str) {
    use wasm_bindgen::JsCast;
    root.query_selector(sel).unwrap().unwrap_or_else(|| panic!("{sel} is on the page")).unchecked_into::<web_sys::HtmlElement>().click();
}

/// Binpack with the default strategy: "Batch never uses more than one instance" (throughout)
/// breaks for good. It shows as broken (✗, what happened, no "keep it so"), the box offers the
/// reset, and the reset makes it hold again. The Goals box folds to its count and back.
#[wasm_bindgen_test]
async fn a_broken_throughout_goal_says_so_and_the_goals_offer_the_reset() {
    use wasm_bindgen::JsCast;
    let (root, handle) = mount_lessons("placement-strategies/binpack").await;
    let q = |sel: &str| root.query_selector(sel).unwrap();
    let goal = || root.query_selector_all("[data-testid=goal]").unwrap().item(1).unwrap().unchecked_into::<web_sys::Element>();
    let text = |e: Option<web_sys::Element>| e.map(|e| e.text_content().unwrap()).unwrap_or_default();
    assert_eq!(root.query_selector_all("[data-testid=goal]").unwrap().length(), 4);
    assert!(text(Some(goal())).starts_with("✓Batch never uses more than one instance"), "{}", text(Some(goal())));
    assert_eq!(goal().get_attribute("data-ok").as_deref(), Some("true"), "no batch task yet");
    assert_eq!(text(goal().query_selector(".goal-keep").unwrap()), "keep it so");
    let first = root.query_selector("[data-testid=goal]").unwrap().unwrap();
    assert!(first.query_selector(".goal-keep").unwrap().is_none(), "an unmet plain goal has no badge");

    // Fold and unfold: the count stays in view.
    click(&root, "[data-testid=goals-toggle]");
    yew::scheduler::flush().await;
    assert!(q("#goal-list").unwrap().has_attribute("hidden"));
    assert_eq!(q("[data-testid=goals-toggle]").unwrap().get_attribute("aria-expanded").as_deref(), Some("false"));
    assert!(text(q("[data-testid=goals-count]")).ends_with("/4 met"), "{}", text(q("[data-testid=goals-count]")));
    click(&root, "[data-testid=goals-toggle]");
    yew::scheduler::flush().await;
    assert!(!q("#goal-list").unwrap().has_attribute("hidden"));

    // Create batch with the default strategy (spread): its tasks land on three instances.
    let set = |sel: &str, v: &str, event: &str| {
        let el = q(sel).unwrap();
        if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
            i.set_value(v);
        } else if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
            s.set_value(v);
        }
        let e = if event == "input" { web_sys::InputEvent::new("input").unwrap().unchecked_into::<web_sys::Event>() } else { web_sys::Event::new(event).unwrap() };
        el.dispatch_event(&e).unwrap();
    };
    set("[data-testid=create-service-name]", "batch", "input");
    yew::scheduler::flush().await;
    set("[data-testid=create-service-taskdef]", "batch", "change");
    yew::scheduler::flush().await;
    set("[data-testid=create-service-desired]", "4", "input");
    yew::scheduler::flush().await;
    click(&root, "[data-testid=create-service-submit]");
    yew::scheduler::flush().await;
    // The page plays on (4×): wait for the tasks to be placed.
    for _ in 0..50 {
        if goal().get_attribute("data-broken").as_deref() == Some("true") {
            break;
        }
        sleep(100).await;
    }
    assert_eq!(goal().get_attribute("data-broken").as_deref(), Some("true"), "{}", text(Some(goal())));
    assert_eq!(goal().get_attribute("data-ok").as_deref(), Some("false"));
    assert_eq!(text(goal().query_selector(".goal-mark").unwrap()), "✗");
    assert!(goal().query_selector(".goal-keep").unwrap().is_none(), "a broken goal is not \"kept\"");
    let msg = text(goal().query_selector("[data-testid=goal-msg]").unwrap());
    assert!(msg.starts_with("broken: rose to ") && msg.ends_with(" — it cannot hold again until you reset the exercise"), "{msg}");
    assert_eq!(text(q("[data-testid=goals-broken]")), "✗ This attempt can no longer be solved.Reset the exercise");
    assert!(text(q("[data-testid=goals-count]")).contains(" · 1 broken"));
    // More time does not mend it.
    sleep(500).await;
    yew::scheduler::flush().await;
    assert_eq!(goal().get_attribute("data-broken").as_deref(), Some("true"));

    // A half-typed second service, then the reset in the Goals box: it starts over, the forms
    // too, and the goal holds again.
    set("[data-testid=create-service-name]", "half-typed", "input");
    yew::scheduler::flush().await;
    let name_value = || q("[data-testid=create-service-name]").unwrap().unchecked_into::<web_sys::HtmlInputElement>().value();
    assert_eq!(name_value(), "half-typed");
    click(&root, "[data-testid=goals-reset]");
    yew::scheduler::flush().await;
    assert_eq!(name_value(), "", "the Create service form starts empty again after a reset");
    assert_eq!(goal().get_attribute("data-broken").as_deref(), Some("false"));
    assert_eq!(goal().get_attribute("data-ok").as_deref(), Some("true"));
    assert!(q("[data-testid=goals-broken]").is_none());
    assert_eq!(text(goal().query_selector(".goal-keep").unwrap()), "keep it so");
    handle.destroy();
    root.remove();
    local_storage().remove_item(lessons::PROGRESS_KEY).unwrap();
}

/// Before the reveal, the controls that change the cluster are off and say why; a wrong
/// prediction revealed leads on to the next exercise (under the verdict) and stays "attempted";
/// the controls come back with their own titles.
#[wasm_bindgen_test]
async fn a_prediction_locks_the_cluster_until_the_reveal_and_a_wrong_one_still_leads_on() {
    let (root, handle) = mount_lessons("placement-strategies/predict-binpack").await;
    let q = |sel: &str| root.query_selector(sel).unwrap();
    const LOCKED: &str = "Make your prediction first: choose an answer and press \"Run it and reveal\".";
    let locked = ["[data-testid=create-service-submit]", "[data-testid=create-service-name]", "[data-testid=run-task-submit]", "[data-testid=add-instance]", "[data-testid=deploy]"];
    for sel in locked {
        assert!(q(sel).unwrap_or_else(|| panic!("{sel}")).has_attribute("disabled"), "{sel} is off before the reveal");
    }
    assert_eq!(q("[data-testid=add-instance]").unwrap().get_attribute("title").as_deref(), Some(LOCKED));
    let terminate = q("button[aria-label='Terminate i-01']");
    if let Some(t) = &terminate {
        assert!(t.has_attribute("disabled"));
        assert_eq!(t.get_attribute("title").as_deref(), Some(LOCKED));
    }
    assert!(q("[data-testid=predict-locked]").is_some());
    assert!(q("[data-testid=next-exercise]").is_none());

    // i-01: wrong (the cpu filter removes it).
    click(&root, "[data-testid=predict-choice]");
    yew::scheduler::flush().await;
    click(&root, "[data-testid=predict-reveal]");
    yew::scheduler::flush().await;
    let verdict = q("[data-testid=predict-verdict]").unwrap().text_content().unwrap();
    assert!(verdict.starts_with("Not quite. The answer is: i-02."), "{verdict}");
    assert_eq!(root.query_selector_all("[data-testid=next-exercise]").unwrap().length(), 1);
    let next = q("[data-testid=predict-verdict] [data-testid=next-exercise]").expect("the way on, under the verdict");
    assert_eq!(next.text_content().unwrap(), "Next: distinctInstance: one task per instance →");
    assert!(q("[data-testid=predict-locked]").is_none());
    for sel in locked {
        assert!(!q(sel).unwrap().has_attribute("disabled"), "{sel} is back after the reveal");
    }
    assert_ne!(q("[data-testid=add-instance]").unwrap().get_attribute("title").as_deref(), Some(LOCKED));
    if terminate.is_some() {
        let t = q("button[aria-label='Terminate i-01']").unwrap();
        assert!(!t.has_attribute("disabled"));
        assert_eq!(t.get_attribute("title").as_deref(), Some("Terminate i-01"), "its own title is back");
    }
    // A wrong prediction is not "solved".
    let saved = lessons::parse_progress(&local_storage().get_item(lessons::PROGRESS_KEY).unwrap().unwrap()).unwrap();
    assert_eq!(saved.of("placement-strategies/predict-binpack").status, lessons::Status::Attempted);
    assert!(q("[data-testid=exercise-status]").unwrap().text_content().unwrap().contains("attempted"));
    handle.destroy();
    root.remove();
    local_storage().remove_item(lessons::PROGRESS_KEY).unwrap();
}

/// `#lessons/nope/nothing`: the list, with a message naming what was asked for.
#[wasm_bindgen_test]
async fn a_link_to_an_unknown_exercise_says_so_above_the_list() {
    let (root, handle) = mount_lessons("nope/nothing").await;
    assert!(root.query_selector("[data-testid=lesson-picker]").unwrap().is_some());
    let said = root.query_selector("[data-testid=lesson-not-found]").unwrap().expect("a message");
    assert_eq!(said.text_content().unwrap(), "No exercise nope/nothing in the course; here is the list.");
    assert_eq!(said.get_attribute("role").as_deref(), Some("alert"));
    handle.destroy();
    root.remove();
}
