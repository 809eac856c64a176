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
}

async fn mount() -> web_sys::Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<berth::ui::App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    root
}

#[wasm_bindgen_test]
async fn app_renders_the_sample_cluster() {
    let root = mount().await;
    let chips = root.query_selector_all("[data-testid=task-chip]").unwrap();
    assert_eq!(chips.length(), 6, "six web tasks");
    let azs = root.query_selector_all("[data-testid=az]").unwrap();
    assert_eq!(azs.length(), 3);
    let instances = root.query_selector_all("[data-testid=instance]").unwrap();
    assert_eq!(instances.length(), 6);
    let editor = root.query_selector("[data-testid=taskdef-editor]").unwrap().unwrap();
    let text = editor.unchecked_into::<web_sys::HtmlTextAreaElement>().value();
    assert!(text.contains("\"family\": \"web\""), "{text}");
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
    p.exercises.insert("a/b".into(), lessons::ExerciseProgress { status: lessons::Status::Solved, hints: 2 });
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
    yew::Renderer::<lessons::LessonsPage>::with_root_and_props(root.clone(), lessons::LessonsProps { nav: yew::Html::default(), open: None }).render();
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
    let props = lessons::LessonsProps { nav: yew::Html::default(), open: Some("task-definitions/cpu-and-memory".into()) };
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
