//! Lessons in the page: the course picker (chapters → exercises, with progress marks) and the
//! exercise view (prose, live goal checklist, hints, the exercise's cluster and editor, predict
//! questions, reset). The course is bundled into the Wasm by `build.rs` (`shell::course`); progress lives in
//! localStorage. Goals are checked by the engine's `lesson::Session`, the same checker
//! `berth lesson check` runs.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::app::DeployStatus;
use super::cluster_view::ClusterView;
use super::controls::sim_controls;
use super::editor::Editor;
use super::event_log::EventLog;
use super::help::{shortcuts_help, Modal};
use super::hooks::{use_control_shortcuts, use_sim_controls};
use super::markdown::{self, Block, Inline};
use super::service_panel::ServicePanel;
use crate::engine::lesson::goal::GoalKind;
use crate::engine::lesson::{self, Action, Exercise, Kind, Session};
use crate::engine::sim::Command;
use crate::engine::taskdef::{export::export_pretty, parse_task_definition};

pub use crate::shell::course::bundled;

/// The localStorage key holding progress.
pub const PROGRESS_KEY: &str = "berth.progress";

// ---------------------------------------------------------------------------------------------
// The bundled course

/// One exercise of the course as listed in the picker.
#[derive(Clone)]
pub struct Entry {
    /// The file, relative to `lessons/`.
    pub path: String,
    /// The exercise, or why it could not be read.
    pub exercise: Result<Rc<Exercise>, String>,
}

impl Entry {
    pub fn id(&self) -> String {
        match &self.exercise {
            Ok(e) => e.id.clone(),
            Err(_) => self.path.clone(),
        }
    }
}

#[derive(Clone)]
pub struct ChapterEntry {
    pub id: String,
    pub title: String,
    pub intro: String,
    /// The printable one-page summary (`summary.md` next to the intro), if the chapter has one.
    pub summary: Option<String>,
    pub exercises: Vec<Entry>,
}

#[derive(Clone)]
pub struct Course {
    pub title: String,
    pub chapters: Vec<ChapterEntry>,
}

impl Course {
    pub fn find(&self, id: &str) -> Option<(&ChapterEntry, &Entry)> {
        self.chapters.iter().find_map(|c| c.exercises.iter().find(|e| e.id() == id).map(|e| (c, e)))
    }
}

/// Reads the bundled course: the index, every exercise (each one's own problems are kept with
/// it, so one broken file does not hide the rest).
pub fn load_course() -> Result<Course, String> {
    let index_text = bundled("index.json")?;
    let index = lesson::parse_index(&index_text).map_err(|d| d.iter().map(|d| d.render("lessons/index.json")).collect::<Vec<_>>().join("\n"))?;
    let chapters = index
        .chapters
        .iter()
        .map(|c| {
            let intro = c.intro.as_deref().map(|p| bundled(p).unwrap_or_else(|e| format!("*{e}*"))).unwrap_or_default();
            let exercises = c
                .exercises
                .iter()
                .map(|path| {
                    let dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
                    let exercise = bundled(path).and_then(|text| {
                        let files = |rel: &str| bundled(&format!("{dir}/{rel}"));
                        lesson::parse_exercise(&text, &files)
                            .map(Rc::new)
                            .map_err(|d| d.iter().map(|d| d.render(&format!("lessons/{path}"))).collect::<Vec<_>>().join("\n"))
                    });
                    Entry { path: path.clone(), exercise }
                })
                .collect();
            let folder = c.intro.as_deref().or(c.exercises.first().map(String::as_str)).and_then(|p| p.rsplit_once('/')).map(|(d, _)| d.to_string());
            let summary = folder.and_then(|f| bundled(&format!("{f}/summary.md")).ok());
            ChapterEntry {
                id: c.id.clone(),
                title: c.title.clone(),
                intro,
                summary,
                exercises,
            }
        })
        .collect();
    Ok(Course { title: index.title, chapters })
}

// ---------------------------------------------------------------------------------------------
// Progress

pub use crate::shell::progress::{parse_progress, ExerciseProgress, Progress, Status};

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Progress from localStorage: nothing stored is a fresh start; unreadable data is an error.
pub fn load_progress() -> Result<Progress, String> {
    match storage().and_then(|s| s.get_item(PROGRESS_KEY).ok().flatten()) {
        None => Ok(Progress::default()),
        Some(text) => parse_progress(&text),
    }
}

pub fn save_progress(p: &Progress) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(p)) {
        let _ = s.set_item(PROGRESS_KEY, &text);
    }
}

fn mark(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::NotStarted => ("○", "not started"),
        Status::Attempted => ("◐", "attempted"),
        Status::Solved => ("✓", "solved"),
    }
}

// ---------------------------------------------------------------------------------------------
// Markdown → Yew nodes (text only: nothing is ever parsed as HTML)

fn inlines(xs: &[Inline]) -> Html {
    xs.iter()
        .map(|x| match x {
            Inline::Text(t) => html! { {t.clone()} },
            Inline::Code(t) => html! { <code>{t.clone()}</code> },
            Inline::Strong(c) => html! { <strong>{inlines(c)}</strong> },
            Inline::Emphasis(c) => html! { <em>{inlines(c)}</em> },
            Inline::Link { text, href } => {
                if href.starts_with('#') {
                    html! { <a href={href.clone()}>{inlines(text)}</a> }
                } else {
                    html! { <a href={href.clone()} target="_blank" rel="noopener noreferrer">{inlines(text)}</a> }
                }
            }
        })
        .collect()
}

/// Markdown prose as Yew nodes.
pub fn render_markdown(src: &str) -> Html {
    let blocks = markdown::parse(src);
    let nodes = blocks.iter().map(|b| match b {
        Block::Heading(level, xs) => {
            // The page's own h1/h2 are above; prose headings start one level lower.
            let tag = match level {
                1 => "h2",
                2 => "h3",
                _ => "h4",
            };
            html! { <@{tag}>{inlines(xs)}</@> }
        }
        Block::Paragraph(xs) => html! { <p>{inlines(xs)}</p> },
        Block::List { ordered: true, items } => html! { <ol>{ for items.iter().map(|i| html! { <li>{inlines(i)}</li> }) }</ol> },
        Block::List { ordered: false, items } => html! { <ul>{ for items.iter().map(|i| html! { <li>{inlines(i)}</li> }) }</ul> },
        Block::Code { lang, text } => html! { <pre data-lang={lang.clone()}><code>{text.clone()}</code></pre> },
    });
    html! { <div class="prose" data-testid="prose">{ for nodes }</div> }
}

// ---------------------------------------------------------------------------------------------
// The lessons page

#[derive(Properties, PartialEq)]
pub struct LessonsProps {
    /// The sandbox/lessons switch, shown in the top bar.
    pub nav: Html,
    /// The exercise to open (from the page's address), if any.
    #[prop_or_default]
    pub open: Option<String>,
    /// Presenter mode is on (kept in the address when an exercise is opened).
    #[prop_or_default]
    pub present: bool,
}

fn set_hash(hash: &str, present: bool) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&if present { format!("{hash}&present") } else { hash.to_string() });
    }
}

#[function_component(LessonsPage)]
pub fn lessons_page(props: &LessonsProps) -> Html {
    let course: Rc<Result<Course, String>> = use_memo((), |_| load_course());
    let loaded = use_memo((), |_| load_progress());
    let progress = {
        let loaded = loaded.clone();
        use_state(move || loaded.as_ref().clone().unwrap_or_default())
    };
    let storage_error = {
        let loaded = loaded.clone();
        use_state(move || loaded.as_ref().clone().err())
    };
    let selected = {
        let open = props.open.clone();
        use_state_eq(move || open)
    };
    // The address leads: Back, Forward or an edited `#lessons/<id>` open what it names.
    {
        let selected = selected.clone();
        use_effect_with(props.open.clone(), move |open| {
            selected.set(open.clone());
            || ()
        });
    }
    // The outcome of the last "Import progress": (is an error, message).
    let import_said = use_state(|| None::<(bool, String)>);

    let course = match course.as_ref() {
        Ok(c) => c,
        Err(e) => {
            return html! {
                <div class="app">
                    <header class="topbar"><h1 class="brand">{"Berth"}</h1>{props.nav.clone()}</header>
                    <main class="fatal" data-testid="course-error"><h2>{"The course could not be loaded"}</h2><pre>{e.clone()}</pre></main>
                </div>
            }
        }
    };

    let on_progress = {
        let progress = progress.clone();
        let storage_error = storage_error.clone();
        Callback::from(move |(id, p): (String, ExerciseProgress)| {
            let mut all = (*progress).clone();
            if all.of(&id) == p {
                return;
            }
            all.exercises.insert(id, p);
            // While the stored data is unreadable, do not overwrite it until the learner says so.
            if storage_error.is_none() {
                save_progress(&all);
            }
            progress.set(all);
        })
    };
    let on_reset_progress = {
        let progress = progress.clone();
        let storage_error = storage_error.clone();
        Callback::from(move |_: MouseEvent| {
            let fresh = Progress::default();
            save_progress(&fresh);
            progress.set(fresh);
            storage_error.set(None);
        })
    };
    let on_import = {
        let progress = progress.clone();
        let storage_error = storage_error.clone();
        let said = import_said.clone();
        let known: Vec<String> = course.chapters.iter().flat_map(|c| c.exercises.iter().map(|e| e.id())).collect();
        Callback::from(move |text: Result<String, String>| {
            let outcome = text.and_then(|t| crate::shell::progress::import_progress(&t, &progress, &known));
            match outcome {
                Ok((merged, summary)) => {
                    save_progress(&merged);
                    said.set(Some((false, summary.message(merged.solved()))));
                    progress.set(merged);
                    storage_error.set(None);
                }
                Err(e) => said.set(Some((true, format!("Nothing was imported: {e}.")))),
            }
        })
    };
    // "Open a lesson file": read it, then open it as a lesson link (one way in for both).
    let lesson_file_said = use_state(|| None::<String>);
    let on_lesson_file = {
        let said = lesson_file_said.clone();
        let present = props.present;
        Callback::from(move |r: Result<(String, String), String>| {
            let opened = r.and_then(|(name, text)| {
                crate::shell::builder::open_lesson(&text, &name)?;
                crate::shell::builder::encode_lesson_link(&text).map_err(|e| format!("{name} is too big to open in the page: {e}"))
            });
            match opened {
                Ok(payload) => {
                    said.set(None);
                    set_hash(&format!("lesson={payload}"), present);
                }
                Err(e) => said.set(Some(format!("This lesson file could not be opened:\n{e}"))),
            }
        })
    };
    let open = {
        let selected = selected.clone();
        let present = props.present;
        Callback::from(move |id: Option<String>| {
            set_hash(
                &match &id {
                    Some(id) => format!("lessons/{id}"),
                    None => "lessons".to_string(),
                },
                present,
            );
            selected.set(id);
        })
    };

    let banner = match &*storage_error {
        None => html! {},
        Some(e) => html! {
            <div class="storage-error" role="alert" data-testid="progress-error">
                <p><strong>{"Your saved progress could not be read. "}</strong>{format!("{e}. ")}{"Progress made now is not saved until you reset it."}</p>
                <button data-testid="progress-reset" onclick={on_reset_progress}>{"Reset saved progress"}</button>
            </div>
        },
    };

    let current = (*selected).as_ref().and_then(|id| course.find(id));
    // A link to an exercise the course does not have (mistyped, cut off, or from another
    // course): say so above the list rather than showing the list as if nothing was asked.
    let missing = match (&*selected, current) {
        (Some(id), None) => {
            let shown: String = if id.chars().count() > 80 { format!("{}…", id.chars().take(80).collect::<String>()) } else { id.clone() };
            html! {
                <p class="notice error lesson-not-found" role="alert" data-testid="lesson-not-found">
                    {format!("No exercise {shown} in the course; here is the list.")}
                </p>
            }
        }
        _ => html! {},
    };
    match current {
        Some((chapter, entry)) => match &entry.exercise {
            Ok(ex) => {
                let back = {
                    let open = open.clone();
                    Callback::from(move |_| open.emit(None))
                };
                let (next_id, next_title) = next_after(course, &ex.id);
                let on_next = next_id.map(|id| {
                    let open = open.clone();
                    Callback::from(move |_| open.emit(Some(id.clone())))
                });
                html! {
                    <ExerciseView key={ex.id.clone()} exercise={ex.clone()} chapter={chapter.title.clone()} progress={progress.of(&ex.id)}
                        on_progress={on_progress.clone()} on_back={back} on_next={on_next} next_title={next_title} nav={props.nav.clone()} banner={banner.clone()} />
                }
            }
            Err(e) => html! { <main class="fatal"><h2>{"This exercise could not be loaded"}</h2><pre>{e.clone()}</pre></main> },
        },
        None => html! {
            <div class="app">
                <header class="topbar">
                    <h1 class="brand">{"Berth"}</h1>
                    {props.nav.clone()}
                    <span class="scenario-name">{&course.title}</span>
                </header>
                {banner}
                {missing}
                <Picker course={Rc::new(course.clone())} progress={(*progress).clone()} on_open={open.reform(Some)} {on_import} import_said={(*import_said).clone()}
                    {on_lesson_file} lesson_file_said={(*lesson_file_said).clone()} />
            </div>
        },
    }
}

/// The exercise after `id` in course order.
fn next_after(course: &Course, id: &str) -> (Option<String>, String) {
    let all: Vec<&Entry> = course.chapters.iter().flat_map(|c| c.exercises.iter()).collect();
    let pos = all.iter().position(|e| e.id() == id);
    match pos.and_then(|p| all.get(p + 1)) {
        Some(e) => (Some(e.id()), e.exercise.as_ref().map(|x| x.title.clone()).unwrap_or_default()),
        None => (None, String::new()),
    }
}

fn kind_label(k: Kind) -> &'static str {
    match k {
        Kind::Do => "do",
        Kind::Fix => "fix it",
        Kind::Predict => "predict",
        Kind::Sandbox => "free play",
    }
}

#[derive(Properties)]
struct PickerProps {
    course: Rc<Course>,
    progress: Progress,
    on_open: Callback<String>,
    /// The text of a file chosen with "Import progress" (or why it could not be read).
    on_import: Callback<Result<String, String>>,
    import_said: Option<(bool, String)>,
    /// A lesson file chosen with "Open a lesson file" (its name and text, or why it could not be read).
    on_lesson_file: Callback<Result<(String, String), String>>,
    lesson_file_said: Option<String>,
}

impl PartialEq for PickerProps {
    fn eq(&self, o: &Self) -> bool {
        self.progress == o.progress && self.import_said == o.import_said && self.lesson_file_said == o.lesson_file_said
    }
}

/// Offers `text` as a file download (an object URL on a temporary link; nothing leaves the page).
pub fn download(name: &str, text: &str) -> Result<(), String> {
    let blob = gloo::file::Blob::new_with_options(text, Some("application/json"));
    let url = gloo::file::ObjectUrl::from(blob);
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a = doc.create_element("a").map_err(|_| "cannot create a link")?;
    a.set_attribute("href", &url).map_err(|_| "cannot set the link")?;
    a.set_attribute("download", name).map_err(|_| "cannot set the file name")?;
    let a: web_sys::HtmlElement = a.dyn_into().map_err(|_| "not an element")?;
    a.click();
    Ok(())
}

#[function_component(Picker)]
fn picker(props: &PickerProps) -> Html {
    let chapters = props.course.chapters.iter().enumerate().map(|(n, c)| {
        let solved = c.exercises.iter().filter(|e| props.progress.of(&e.id()).status == Status::Solved).count();
        let items = c.exercises.iter().map(|e| {
            let id = e.id();
            let st = props.progress.of(&id).status;
            let (sym, word) = mark(st);
            let onclick = {
                let cb = props.on_open.clone();
                let id = id.clone();
                Callback::from(move |_| cb.emit(id.clone()))
            };
            let (title, kind) = match &e.exercise {
                Ok(x) => (x.title.clone(), kind_label(x.kind)),
                Err(_) => (format!("{} (cannot be loaded)", e.path), "error"),
            };
            html! {
                <li class={classes!("exercise-item", format!("st-{word}").replace(' ', "-"))} data-testid="exercise-item" data-exercise={id.clone()} data-status={word}>
                    <span class="mark" aria-hidden="true">{sym}</span>
                    <button class="link" {onclick}>{title}</button>
                    <span class="kind">{kind}</span>
                    <span class="visually-hidden">{format!(", {word}")}</span>
                </li>
            }
        });
        html! {
            <section class="chapter" data-testid="chapter" data-chapter={c.id.clone()}>
                <h2>{format!("{}. {}", n + 1, c.title)}<span class="muted chapter-count">{format!(" {solved}/{} solved", c.exercises.len())}</span></h2>
                if !c.intro.is_empty() {
                    <details class="intro"><summary>{"Read the introduction"}</summary>{render_markdown(&c.intro)}</details>
                }
                if c.summary.is_some() {
                    <p class="chapter-summary"><a href={format!("#summary/{}", c.id)} data-testid="chapter-summary">{"One-page summary"}</a>
                        <span class="muted">{" the concepts and formulas, ready to print"}</span></p>
                }
                if super::demo::has_demo(&c.id) {
                    <p class="chapter-demo"><a href={format!("#demo/{}&present", c.id)} data-testid="chapter-demo">{"▶ Presenter demo"}</a>
                        <span class="muted">{" a scripted walk-through for the projector: one key per step"}</span></p>
                }
                <ol class="exercise-list">{ for items }</ol>
            </section>
        }
    });
    let total: usize = props.course.chapters.iter().map(|c| c.exercises.len()).sum();
    let solved = props.progress.exercises.values().filter(|p| p.status == Status::Solved).count();
    let on_export = {
        let progress = props.progress.clone();
        Callback::from(move |_: MouseEvent| {
            let _ = download("berth-progress.json", &crate::shell::progress::export_progress(&progress));
        })
    };
    // The reader must live until it calls back.
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let on_file = {
        let cb = props.on_import.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let file = gloo::file::File::from(file);
            if file.size() > crate::shell::progress::MAX_IMPORT_BYTES as u64 {
                cb.emit(Err(format!("the file is {} kB; a progress file is at most {} kB", file.size() / 1024, crate::shell::progress::MAX_IMPORT_BYTES / 1024)));
                return;
            }
            let cb = cb.clone();
            *reader.borrow_mut() = Some(gloo::file::callbacks::read_as_text(&file, move |r| {
                cb.emit(r.map_err(|e| format!("the file could not be read ({e})")));
            }));
        })
    };
    let lesson_reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let on_lesson_file = {
        let cb = props.on_lesson_file.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let file = gloo::file::File::from(file);
            let name = file.name();
            if file.size() > crate::shell::builder::MAX_LESSON_BYTES as u64 {
                cb.emit(Err(format!("{name} is {} KiB; a lesson file can be at most {} KiB", file.size().div_ceil(1024), crate::shell::builder::MAX_LESSON_BYTES / 1024)));
                return;
            }
            let cb = cb.clone();
            *lesson_reader.borrow_mut() = Some(gloo::file::callbacks::read_as_text(&file, move |r| {
                cb.emit(r.map(|t| (name.clone(), t)).map_err(|e| format!("the file could not be read ({e})")));
            }));
        })
    };
    html! {
        <main class="picker" data-testid="lesson-picker">
            <div class="lesson-file" role="group" aria-label="Lesson file">
                <label class="button-like">{"Open a lesson file…"}
                    <input type="file" accept=".json,application/json" data-testid="lesson-file-open" class="visually-hidden" onchange={on_lesson_file} />
                </label>
                <span class="muted">{" a lesson a teacher wrote or made with the sandbox's Lesson builder; it opens here, nothing is uploaded."}</span>
                if let Some(e) = &props.lesson_file_said {
                    <pre class="error" role="alert" data-testid="lesson-file-error">{e.clone()}</pre>
                }
            </div>
            <p class="muted">{format!("{solved} of {total} exercises solved. Pick one to start; your progress is kept in this browser. ")}
                {"○ not started · ◐ attempted · ✓ solved"}</p>
            <div class="progress-file" role="group" aria-label="Progress file">
                <button data-testid="progress-export" onclick={on_export} title="Save your progress as a file (to move it to another browser or hand it in)">{"Export progress"}</button>
                <label class="button-like">{"Import progress…"}
                    <input type="file" accept=".json,application/json" data-testid="progress-import" class="visually-hidden" onchange={on_file} />
                </label>
                if let Some((error, text)) = &props.import_said {
                    <p class={if *error { "error" } else { "ok" }} role={if *error { "alert" } else { "status" }} data-testid="progress-import-result">{text.clone()}</p>
                }
            </div>
            { for chapters }
        </main>
    }
}

// ---------------------------------------------------------------------------------------------
// A lesson from a link (`#lesson=<payload>`) or a file

#[derive(Properties, PartialEq)]
pub struct LinkedLessonProps {
    /// The text after `lesson=`.
    pub payload: String,
    pub nav: Html,
    #[prop_or_default]
    pub present: bool,
}

/// A lesson carried in the address (made by the Lesson builder, or a file opened from the
/// picker). Its progress lives as long as the page: it is not part of the course.
#[function_component(LinkedLesson)]
pub fn linked_lesson(props: &LinkedLessonProps) -> Html {
    let opened = {
        let payload = props.payload.clone();
        use_memo(props.payload.clone(), move |_| {
            crate::shell::builder::decode_lesson_link(&payload)
                .and_then(|text| crate::shell::builder::open_lesson(&text, "the lesson"))
                .map(Rc::new)
        })
    };
    let progress = use_state(ExerciseProgress::default);
    let on_progress = {
        let progress = progress.clone();
        Callback::from(move |(_, p): (String, ExerciseProgress)| progress.set(p))
    };
    let present = props.present;
    let back = Callback::from(move |_: MouseEvent| set_hash("lessons", present));
    match opened.as_ref() {
        Ok(ex) => html! {
            <ExerciseView key={props.payload.clone()} exercise={ex.clone()} chapter={"Shared lesson".to_string()} progress={(*progress).clone()}
                {on_progress} on_back={back} on_next={None::<Callback<MouseEvent>>} next_title={String::new()} nav={props.nav.clone()}
                banner={html! { <p class="notice" data-testid="linked-lesson-notice">{"A lesson from a link or file: your progress on it lasts until you close the page."}</p> }}
                class_link={Some(format!("{}#lesson={}", super::share::page_address(), props.payload))} />
        },
        Err(e) => html! {
            <div class="app">
                <header class="topbar"><h1 class="brand">{"Berth"}</h1>{props.nav.clone()}</header>
                <main class="fatal" data-testid="linked-lesson-error">
                    <h2>{"This lesson link could not be opened"}</h2>
                    <pre role="alert">{e.clone()}</pre>
                    <p><a href="#lessons">{"Go to the lessons"}</a>{" or ask for the link again (it may have been cut off)."}</p>
                </main>
            </div>
        },
    }
}

// ---------------------------------------------------------------------------------------------
// One exercise

#[derive(Properties)]
struct ExerciseProps {
    exercise: Rc<Exercise>,
    chapter: String,
    progress: ExerciseProgress,
    on_progress: Callback<(String, ExerciseProgress)>,
    on_back: Callback<MouseEvent>,
    on_next: Option<Callback<MouseEvent>>,
    next_title: String,
    nav: Html,
    banner: Html,
    /// The class link, when it is not `#lessons/<id>` (a lesson opened from a file or link).
    #[prop_or_default]
    class_link: Option<String>,
}

impl PartialEq for ExerciseProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.exercise, &o.exercise) && self.progress == o.progress && self.nav == o.nav && self.banner == o.banner && self.next_title == o.next_title
    }
}

/// The goals the session checks: the exercise's, then (predict) one per choice.
fn session_for(ex: &Exercise) -> Session {
    let mut goals = ex.goals.clone();
    if let Some(p) = &ex.predict {
        goals.extend(p.choices.iter().map(|c| c.goal.clone()));
    }
    Session::for_exercise(ex, None, goals)
}

/// The editor's starting text: the exercise's, else the task definition the first service runs
/// (else the first one registered).
fn editor_text(ex: &Exercise, session: &Session) -> String {
    if let Some(t) = &ex.task_definition_editor {
        return t.clone();
    }
    let e = &session.engine;
    // The first service's task definition, else the first registered family.
    let key = e.services().values().next().map(|s| s.task_definition.clone()).or_else(|| e.snapshot().task_definitions.first().cloned());
    key.and_then(|k| {
        let family = k.rsplit_once(':').map_or(k.as_str(), |(f, _)| f).to_string();
        e.task_definitions(&family).last().map(export_pretty)
    })
    .unwrap_or_default()
}

/// Which page controls each disabled action switches off (CSS selectors inside the exercise).
fn selectors_for(action: &str) -> &'static [&'static str] {
    match action {
        "terminateInstance" => &["button[aria-label^='Terminate ']"],
        "drainInstance" => &["button[aria-label^='Drain ']"],
        "spotInterruption" => &["button[aria-label^='Spot-interrupt ']"],
        "azOutage" | "azRecover" => &["button[data-testid^='az-toggle-']"],
        "updateService" => &["input[data-testid^='desired-']", "[data-testid^='svc-']"],
        "createService" => &["[data-testid^='create-service-']"],
        "runTask" => &["[data-testid^='run-task-']"],
        "stopTask" => &["[data-testid=details-stop-task]"],
        "setDesiredCapacity" => &["[data-testid^='asg-']"],
        "createCapacityProvider" => &["[data-testid^='create-cp-']"],
        "kubectl" => &["[data-testid^='kubectl-']"],
        "editTaskDefinition" => &["[data-testid=deploy]", "[data-testid=taskdef-editor]"],
        "addInstances" => &["[data-testid=add-instance]", "[data-testid=add-instance-type]", "[data-testid=add-instance-az]"],
        _ => &[],
    }
}

/// The controls outside the Services panel that change the cluster, switched off in a predict
/// exercise until the reveal (the Services panel takes [`PREDICT_LOCKED_PANEL`] instead). The
/// editor itself stays: reading or drafting a task definition changes nothing.
const PREDICT_LOCKED_CONTROLS: &[&str] = &[
    "button[aria-label^='Terminate ']",
    "button[aria-label^='Drain ']",
    "button[aria-label^='Spot-interrupt ']",
    "button[data-testid^='az-toggle-']",
    "button[data-testid=details-drain]",
    "button[data-testid^='details-spot-']",
    "[data-testid=details-terminate]",
    "[data-testid=details-az-toggle]",
    "[data-testid=details-stop-task]",
    "[data-testid=deploy]",
    "input[data-testid^='desired-']",
    "[data-testid=add-instance]",
];

/// The Services panel's actions, switched off in a predict exercise until the reveal.
const PREDICT_LOCKED_PANEL: &[&str] = &["updateService", "createService", "runTask", "setDesiredCapacity", "createCapacityProvider", "kubectl", "putAutoScaling"];

/// Switches the cluster-changing controls in `root` off (`lock`) or back on. Only the controls
/// this switched off are switched back on (marked `data-locked="predict"`, their own title kept
/// aside): a control the exercise switches off, or one disabled for its own reasons, stays so.
fn lock_for_prediction(root: &web_sys::Element, lock: bool, why: &str) {
    let each = |sel: &str, f: &dyn Fn(&web_sys::Element)| {
        if let Ok(list) = root.query_selector_all(sel) {
            for i in 0..list.length() {
                if let Some(node) = list.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                    f(&node);
                }
            }
        }
    };
    if lock {
        for sel in PREDICT_LOCKED_CONTROLS {
            each(sel, &|node| {
                if node.has_attribute("disabled") || node.has_attribute("data-locked") {
                    return;
                }
                if let Some(t) = node.get_attribute("title") {
                    let _ = node.set_attribute("data-title-was", &t);
                }
                let _ = node.set_attribute("disabled", "");
                let _ = node.set_attribute("title", why);
                let _ = node.set_attribute("data-locked", "predict");
            });
        }
    } else {
        each("[data-locked=predict]", &|node| {
            let _ = node.remove_attribute("disabled");
            let _ = node.remove_attribute("data-locked");
            match node.get_attribute("data-title-was") {
                Some(t) => {
                    let _ = node.set_attribute("title", &t);
                    let _ = node.remove_attribute("data-title-was");
                }
                None => {
                    let _ = node.remove_attribute("title");
                }
            }
        });
    }
}

/// Whether the page is holding the goal checklist folded to its one-line summary (kept while
/// the page is open, so the next exercise opens the way the learner left the last).
fn goals_folded() -> bool {
    GOALS_FOLDED.with(|f| f.get())
}

thread_local! {
    static GOALS_FOLDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn action_words(action: &str) -> &str {
    match action {
        "terminateInstance" => "terminating instances",
        "drainInstance" => "draining instances",
        "spotInterruption" => "Spot interruptions",
        "azOutage" => "AZ outages",
        "azRecover" => "recovering AZs",
        "updateService" => "changing the desired count",
        "createService" => "creating services",
        "editTaskDefinition" => "deploying task definitions",
        "registerTaskDefinition" => "registering task definitions",
        "addInstances" => "adding instances",
        "runTask" => "running standalone tasks",
        "stopTask" => "stopping tasks",
        other => other,
    }
}

/// Scrolls the exercise's cluster picture into view (as little as needed; smoothly unless the
/// learner asked for reduced motion): after "Run it and reveal", what was predicted happens there.
fn show_cluster(root: &NodeRef) {
    let Some(canvas) = root.cast::<web_sys::Element>().and_then(|r| r.query_selector("[data-testid=cluster-canvas]").ok().flatten()) else { return };
    let options = js_sys::Object::new();
    for (k, v) in [("block", "nearest"), ("inline", "nearest"), ("behavior", if super::cluster_view::reduced_motion() { "auto" } else { "smooth" })] {
        let _ = js_sys::Reflect::set(&options, &k.into(), &v.into());
    }
    // (web-sys's ScrollIntoViewOptions is not among the crate's features: called by name.)
    if let Some(f) = js_sys::Reflect::get(&canvas, &"scrollIntoView".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
        let _ = f.call1(&canvas, &options);
    }
}

/// The learner's choice in a predict exercise, and whether the reveal has run.
#[derive(Clone, PartialEq)]
struct PredictState {
    chosen: Option<usize>,
    revealed: bool,
}

#[function_component(ExerciseView)]
fn exercise_view(props: &ExerciseProps) -> Html {
    let ex = props.exercise.clone();
    let is_predict = ex.kind == Kind::Predict && ex.predict.is_some();
    let session = {
        let ex = ex.clone();
        use_mut_ref(move || session_for(&ex))
    };
    let redraw = use_force_update();
    let text = {
        let ex = ex.clone();
        let session = session.clone();
        use_state(move || AttrValue::from(editor_text(&ex, &session.borrow())))
    };
    let status = use_state(|| DeployStatus::None);
    // Why the last action on the cluster was refused (shown in the cluster's column).
    let refused = use_state(|| None::<String>);
    let hints_shown = use_state(|| props.progress.hints.min(ex.hints.len() as u32));
    let confirm_reset = use_state(|| false);
    let predict = use_state(|| PredictState { chosen: None, revealed: false });
    let folded = use_state(goals_folded);
    // A prediction is made on the start state: nothing moves until the learner has chosen.
    let locked = is_predict && !predict.revealed;
    let controls = use_sim_controls(session.clone(), !is_predict, !locked);
    let help = use_state(|| false);
    let (open_help, close_help) = use_control_shortcuts(&controls, &help);
    let add_type = use_state(|| ex.rules.limits.instance_types.as_ref().and_then(|t| t.first().cloned()).unwrap_or_else(|| "t3.medium".to_string()));
    let add_az = use_state(String::new);
    let root = use_node_ref();
    // Bumped by "Reset the exercise": keys the tools column's forms, so they start empty again.
    let reset_generation = use_state(|| 0u32);

    // Progress helpers. `actions`: what the learner did in this attempt (deploys and commands;
    // letting time pass is free), the exercise's solution size when it is solved.
    let actions = use_mut_ref(|| 0u32);
    let progress = props.progress.clone();
    let report = {
        let cb = props.on_progress.clone();
        let id = ex.id.clone();
        move |p: ExerciseProgress| cb.emit((id.clone(), p))
    };
    let attempted = {
        let report = report.clone();
        let progress = progress.clone();
        move || {
            if progress.status == Status::NotStarted {
                report(ExerciseProgress { status: Status::Attempted, ..progress.clone() });
            }
        }
    };

    let goal_count = ex.goals.len();
    let statuses = session.borrow().checker.status();
    let goals: Vec<_> = statuses[..goal_count.min(statuses.len())].to_vec();
    // Goals that already hold when the exercise opens are rules to keep, not progress: they are
    // marked so ("keep it so") rather than looking like work already done.
    let held_at_start = use_mut_ref(|| None::<Vec<bool>>);
    let keep: Vec<bool> = held_at_start.borrow_mut().get_or_insert_with(|| goals.iter().map(|g| g.ok).collect()).clone();
    let all_ok = !goals.is_empty() && goals.iter().all(|g| g.ok);
    // Per goal: whether it is a top-level `throughout`, and its generated description (the start
    // of its failure message).
    let goal_meta: Vec<(bool, String)> = session.borrow().checker.goals().iter().take(goal_count).map(|g| (matches!(g.kind, GoalKind::Throughout(_)), g.describe())).collect();

    // Solved: every goal holds (do, fix, sandbox with goals), with the number of actions taken.
    {
        let report = report.clone();
        let progress = progress.clone();
        let actions = actions.clone();
        use_effect_with(all_ok, move |ok| {
            if *ok {
                // Solved now: record it, and the solution size if it beats the best so far.
                let solved = progress.solved_with(*actions.borrow());
                if solved != progress {
                    report(solved);
                }
            }
        });
    }

    // Disabled actions: grey out the matching controls after every render. (The cluster view and
    // the editor are shared with the sandbox; the session refuses the actions in any case.)
    {
        let root = root.clone();
        let disabled = ex.rules.disabled.clone();
        use_effect(move || {
            if let Some(el) = root.cast::<web_sys::Element>() {
                for a in &disabled {
                    for sel in selectors_for(a) {
                        if let Ok(list) = el.query_selector_all(sel) {
                            for i in 0..list.length() {
                                if let Some(node) = list.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                                    let _ = node.set_attribute("disabled", "");
                                    let _ = node.set_attribute("title", &format!("Switched off in this exercise: no {}", action_words(a)));
                                    let _ = node.set_attribute("data-locked", "true");
                                }
                            }
                        }
                    }
                }
            }
            || ()
        });
    }

    // A prediction is made on the start state: the controls that would change the cluster stay
    // off until the reveal (the session refuses them in any case, with the same sentence).
    {
        let root = root.clone();
        use_effect(move || {
            if let Some(el) = root.cast::<web_sys::Element>() {
                lock_for_prediction(&el, locked, LOCKED);
            }
            || ()
        });
    }

    // "Run it and reveal": once the page shows the outcome, bring the cluster into view.
    {
        let root = root.clone();
        use_effect_with(predict.revealed, move |revealed| {
            if *revealed {
                show_cluster(&root);
            }
        });
    }

    let snap = Rc::new(session.borrow().engine.snapshot());
    let inspect = {
        let session = session.clone();
        Callback::from(move |task: String| session.borrow().engine.inspect_task(&task))
    };
    super::panic::set_context(format!(
        "exercise: {}\nscenario: {}\nseed: {}\nvirtual time: {} ms\ntask definition in editor:\n{}",
        ex.id, snap.scenario, snap.seed, snap.time_ms, super::panic::excerpt(&text)
    ));

    const LOCKED: &str = "Make your prediction first: choose an answer and press \"Run it and reveal\".";

    // An action, its refusal said where the learner acted: the editor's (its desired count) under
    // the editor, the cluster's (its buttons, the details, Add instance) in the cluster's column.
    let act_from = |in_cluster: bool| {
        let session = session.clone();
        let redraw = redraw.clone();
        let status = status.clone();
        let refused = refused.clone();
        let attempted = attempted.clone();
        let actions = actions.clone();
        Callback::from(move |a: Action| {
            let fail = |msg: String| {
                if in_cluster {
                    refused.set(Some(msg));
                } else {
                    status.set(DeployStatus::Failed(msg));
                }
            };
            if locked {
                fail(LOCKED.to_string());
                return;
            }
            attempted();
            match session.borrow_mut().act(&a) {
                Err(e) => fail(e.message),
                Ok(()) => {
                    if !matches!(a, Action::RunFor(_) | Action::RunUntil(_)) {
                        *actions.borrow_mut() += 1;
                    }
                    if in_cluster {
                        refused.set(None);
                    }
                }
            }
            redraw.force_update();
        })
    };
    let act = act_from(true);
    let on_command = act_from(false).reform(Action::Command);
    let on_cluster_command = act.reform(Action::Command);
    let on_dismiss_refusal = {
        let refused = refused.clone();
        Callback::from(move |_: MouseEvent| refused.set(None))
    };
    // The Services panel's forms want the outcome back (to say what happened under the form).
    let on_panel_command = {
        let session = session.clone();
        let redraw = redraw.clone();
        let attempted = attempted.clone();
        let actions = actions.clone();
        Callback::from(move |cmd: Command| -> Result<Vec<crate::engine::event::Event>, String> {
            if locked {
                return Err(LOCKED.to_string());
            }
            attempted();
            // The events the command logged (a drain's refused evictions, for the kubectl console).
            let mark = session.borrow().engine.events().len();
            let r = session.borrow_mut().act(&Action::Command(cmd)).map_err(|e| e.message);
            if r.is_ok() {
                *actions.borrow_mut() += 1;
            }
            redraw.force_update();
            r.map(|()| session.borrow().engine.events().get(mark..).map(<[_]>::to_vec).unwrap_or_default())
        })
    };
    let on_text = {
        let text = text.clone();
        Callback::from(move |t: String| text.set(AttrValue::from(t)))
    };
    let on_deploy = {
        let session = session.clone();
        let redraw = redraw.clone();
        let text = text.clone();
        let status = status.clone();
        let attempted = attempted.clone();
        let actions = actions.clone();
        Callback::from(move |_| {
            if locked {
                status.set(DeployStatus::Failed(LOCKED.to_string()));
                return;
            }
            attempted();
            let t = text.to_string();
            let result = {
                let mut s = session.borrow_mut();
                match s.act(&Action::EditTaskDefinition { text: t.clone(), service: None }) {
                    Ok(()) => {
                        *actions.borrow_mut() += 1;
                        let parsed = parse_task_definition(&t);
                        let family = parsed.task_definition.as_ref().map(|td| td.family.clone()).unwrap_or_default();
                        let key = s.engine.task_definitions(&family).last().map(|td| td.key()).unwrap_or(family.clone());
                        let service = s
                            .engine
                            .services()
                            .values()
                            .find(|v| v.task_definition == key)
                            .map(|v| v.name.clone())
                            .unwrap_or_default();
                        DeployStatus::Deployed { key, service, warnings: parsed.diagnostics }
                    }
                    Err(e) if !e.diagnostics.is_empty() => DeployStatus::Invalid(e.diagnostics),
                    Err(e) => DeployStatus::Failed(e.message),
                }
            };
            status.set(result);
            redraw.force_update();
        })
    };
    let on_reset_ask = {
        let confirm_reset = confirm_reset.clone();
        Callback::from(move |_| confirm_reset.set(true))
    };
    let on_reset_cancel = {
        let confirm_reset = confirm_reset.clone();
        Callback::from(move |_| confirm_reset.set(false))
    };
    let on_reset = {
        let session = session.clone();
        let ex = ex.clone();
        let text = text.clone();
        let status = status.clone();
        let confirm_reset = confirm_reset.clone();
        let refused = refused.clone();
        let predict = predict.clone();
        let set_playing = controls.set_playing.clone();
        let redraw = redraw.clone();
        let actions = actions.clone();
        let reset_generation = reset_generation.clone();
        let root = root.clone();
        Callback::from(move |_| {
            *actions.borrow_mut() = 0;
            reset_generation.set(reset_generation.wrapping_add(1));
            // Back to the top of the tools column (it scrolls on its own on a wide screen), and
            // of the exercise when the page itself had scrolled past it.
            if let Some(el) = root.cast::<web_sys::Element>() {
                if let Ok(Some(side)) = el.query_selector(".exercise-side") {
                    side.set_scroll_top(0);
                }
                if el.get_bounding_client_rect().top() < 0.0 {
                    el.scroll_into_view();
                }
            }
            let fresh = session_for(&ex);
            text.set(AttrValue::from(editor_text(&ex, &fresh)));
            *session.borrow_mut() = fresh;
            status.set(DeployStatus::None);
            refused.set(None);
            predict.set(PredictState { chosen: None, revealed: false });
            set_playing.emit(!is_predict);
            confirm_reset.set(false);
            redraw.force_update();
        })
    };
    let on_hint = {
        let hints_shown = hints_shown.clone();
        let report = report.clone();
        let progress = progress.clone();
        let n = ex.hints.len() as u32;
        Callback::from(move |_| {
            let k = (*hints_shown + 1).min(n);
            hints_shown.set(k);
            let status = if progress.status == Status::NotStarted { Status::Attempted } else { progress.status };
            report(ExerciseProgress { status, hints: progress.hints.max(k), ..progress.clone() });
        })
    };
    let on_add = {
        let act = act.clone();
        let add_type = add_type.clone();
        let add_az = add_az.clone();
        Callback::from(move |_| {
            let cmd = serde_json::json!({"action": "addInstances", "type": *add_type, "az": if add_az.is_empty() { None } else { Some((*add_az).clone()) }, "count": 1});
            match serde_json::from_value::<Command>(cmd) {
                Ok(c) => act.emit(Action::Command(c)),
                Err(e) => gloo::console::error!(e.to_string()),
            }
        })
    };

    // --- pieces of the page ---

    let next_button = |cb: &Callback<MouseEvent>| {
        html! {
            <button class="primary" data-testid="next-exercise" onclick={cb.clone()}>{format!("Next: {} →", props.next_title)}</button>
        }
    };
    let next = match &props.on_next {
        Some(cb) if progress.status == Status::Solved => next_button(cb),
        _ => html! {},
    };
    // After the reveal the way on is under the verdict, right or wrong (a wrong prediction stays
    // "attempted" in the progress; going on does not make it solved).
    let revealed = is_predict && predict.revealed;
    let goal_list = if goals.is_empty() {
        html! {}
    } else {
        // A `throughout` goal that failed is settled: it cannot hold again in this attempt.
        let broken: Vec<bool> = goals.iter().map(|g| !g.ok && g.settled).collect();
        let items = goals.iter().enumerate().map(|(i, g)| {
            let guard = keep.get(i).copied().unwrap_or(false);
            let (throughout, describe) = goal_meta.get(i).cloned().unwrap_or((false, String::new()));
            let broken = broken[i];
            // The badge says what the goal asks over time, never that it holds when it does not.
            let badge = if broken {
                None
            } else if g.ok && guard {
                Some(("keep it so", "This already holds when the exercise opens: keep it true while you reach the other goals."))
            } else if g.ok && throughout {
                Some(("keep it so", "This holds now and must keep holding to the end: if it fails once, this attempt cannot be solved."))
            } else if throughout {
                Some(("must hold throughout", "Once this holds it must keep holding to the end: if it fails once, this attempt cannot be solved."))
            } else if guard {
                Some(("must hold", "This held when the exercise opened: it must hold again when you are done."))
            } else {
                None
            };
            // Broken: what happened (without the repeated goal), and that only a reset helps.
            let msg = if broken {
                let what = g.message.strip_prefix(&format!("expected {describe}; ")).unwrap_or(&g.message);
                format!("broken: {what} — it cannot hold again until you reset the exercise")
            } else {
                g.message.clone()
            };
            html! {
                <li class={classes!("goal", if g.ok { "met" } else if broken { "broken" } else { "unmet" }, guard.then_some("guard"))} data-testid="goal" data-ok={g.ok.to_string()} data-guard={guard.to_string()} data-broken={broken.to_string()}>
                    <span class="goal-mark" aria-hidden="true">{ if g.ok { "✓" } else if broken { "✗" } else { "○" } }</span>
                    <span class="goal-title">{&g.title}<span class="visually-hidden">{ if g.ok { " (met)" } else if broken { " (broken)" } else { " (not yet)" } }</span>
                        if let Some((word, why)) = badge {
                            <span class="goal-keep" title={why}>{word}</span>
                        }
                    </span>
                    <span class={classes!("goal-msg", if broken { "goal-broken" } else { "muted" })} data-testid="goal-msg">{msg}</span>
                </li>
            }
        });
        let met = goals.iter().filter(|g| g.ok).count();
        let broken_count = broken.iter().filter(|b| **b).count();
        let on_fold = {
            let folded = folded.clone();
            Callback::from(move |_: MouseEvent| {
                let f = !*folded;
                GOALS_FOLDED.with(|c| c.set(f));
                folded.set(f);
            })
        };
        html! {
            <section class={classes!("goals", folded.then_some("folded"))} aria-label="Goals" aria-live="polite" data-testid="goals">
                <h3 class="goals-head">
                    <button class="goals-toggle" data-testid="goals-toggle" aria-expanded={(!*folded).to_string()} aria-controls="goal-list" onclick={on_fold}
                        title={if *folded { "Show the goals" } else { "Fold the goals to one line (their count stays in view)" }}>
                        <span class="goals-caret" aria-hidden="true">{ if *folded { "▸" } else { "▾" } }</span>{"Goals"}
                    </button>
                    <span class="goals-count" data-testid="goals-count">
                        {format!("{met}/{} met", goals.len())}
                        if broken_count > 0 {
                            <span class="goals-count-broken">{format!(" · {broken_count} broken")}</span>
                        }
                        if all_ok {
                            {" ✓"}
                        }
                    </span>
                </h3>
                // (Focusable: a long list scrolls inside the pinned box, also from the keyboard.)
                <ul id="goal-list" hidden={*folded} tabindex="0">{ for items }</ul>
                if broken_count > 0 {
                    <div class="goals-broken" data-testid="goals-broken">
                        <span>{"✗ This attempt can no longer be solved."}</span>
                        <button data-testid="goals-reset" onclick={on_reset.clone()}>{"Reset the exercise"}</button>
                    </div>
                }
                if all_ok || progress.status == Status::Solved {
                    <p class="solved" data-testid="solved" role="status">
                        { if all_ok { "✓ Solved: every goal holds." } else { "✓ You have solved this exercise before." } }
                        if let Some(b) = progress.best {
                            <span class="muted" data-testid="best">{format!(" Your best solution: {b} action{}.", if b == 1 { "" } else { "s" })}</span>
                        }
                    </p>
                }
                // The goals stay in view while the learner works: the way on is where "Solved" shows.
                {next.clone()}
            </section>
        }
    };

    let predict_box = match (&ex.predict, is_predict) {
        (Some(p), true) => {
            let st = (*predict).clone();
            let choices = p.choices.iter().enumerate().map(|(i, c)| {
                let onchange = {
                    let predict = predict.clone();
                    Callback::from(move |_| predict.set(PredictState { chosen: Some(i), revealed: false }))
                };
                let outcome = if st.revealed {
                    let ok = statuses.get(goal_count + i).is_some_and(|g| g.ok);
                    if ok {
                        html! { <span class="ok" data-testid="what-happened">{" ← what happened"}</span> }
                    } else {
                        html! {}
                    }
                } else {
                    html! {}
                };
                html! {
                    <li>
                        <label class={classes!("choice", (st.chosen == Some(i)).then_some("chosen"))}>
                            <input type="radio" name="predict" data-testid="predict-choice" checked={st.chosen == Some(i)} disabled={st.revealed} {onchange} />
                            {" "}{&c.text}{outcome}
                        </label>
                    </li>
                }
            });
            let on_reveal = {
                let session = session.clone();
                let predict = predict.clone();
                let redraw = redraw.clone();
                let report = report.clone();
                let progress = progress.clone();
                let ex = ex.clone();
                let set_playing = controls.set_playing.clone();
                Callback::from(move |_| {
                    let Some(chosen) = predict.chosen else { return };
                    {
                        let mut s = session.borrow_mut();
                        for a in &ex.solution {
                            let _ = s.act(a);
                        }
                        s.finish();
                    }
                    let right = ex.predict.as_ref().is_some_and(|p| p.choices.get(chosen).is_some_and(|c| c.text == p.answer));
                    let status = if right || progress.status == Status::Solved { Status::Solved } else { Status::Attempted };
                    report(ExerciseProgress { status, ..progress.clone() });
                    predict.set(PredictState { chosen: Some(chosen), revealed: true });
                    set_playing.emit(false);
                    redraw.force_update();
                })
            };
            let verdict = match (st.revealed, st.chosen) {
                (true, Some(i)) => {
                    let right = p.choices.get(i).is_some_and(|c| c.text == p.answer);
                    html! {
                        <div class={classes!("verdict", if right { "right" } else { "wrong" })} data-testid="predict-verdict" role="status">
                            <p><strong>{ if right { "Right!" } else { "Not quite." } }</strong>{format!(" The answer is: {}.", p.answer)}</p>
                            {render_markdown(&p.explanation)}
                            if let Some(cb) = &props.on_next {
                                <p class="verdict-next">{next_button(cb)}</p>
                            }
                        </div>
                    }
                }
                _ => html! {},
            };
            html! {
                <section class="predict" aria-label="Prediction">
                    <h3>{"Predict"}</h3>
                    {render_markdown(&p.question)}
                    <ul class="choices">{ for choices }</ul>
                    if !st.revealed {
                        <button class="primary" data-testid="predict-reveal" disabled={st.chosen.is_none()} onclick={on_reveal}>{"Run it and reveal"}</button>
                        <p class="muted predict-locked" data-testid="predict-locked">{"Until the reveal the cluster stays as it is: its controls are off, so the prediction is made on the start state."}</p>
                    }
                    {verdict}
                </section>
            }
        }
        _ => html! {},
    };

    let hints = if ex.hints.is_empty() {
        html! {}
    } else {
        let shown = (*hints_shown as usize).min(ex.hints.len());
        html! {
            <section class="hints" aria-label="Hints">
                <h3>{"Hints"}</h3>
                <ol>{ for ex.hints[..shown].iter().map(|h| html! { <li data-testid="hint">{inlines(&markdown::inline(h))}</li> }) }</ol>
                if shown < ex.hints.len() {
                    <button data-testid="show-hint" onclick={on_hint}>{format!("Show a hint ({} of {})", shown + 1, ex.hints.len())}</button>
                } else {
                    <p class="muted">{"No more hints."}</p>
                }
            </section>
        }
    };

    let rules = {
        let d = &ex.rules.disabled;
        let l = &ex.rules.limits;
        let mut lines: Vec<String> = Vec::new();
        if !d.is_empty() {
            lines.push(format!("Switched off: {}.", d.iter().map(|a| action_words(a)).collect::<Vec<_>>().join(", ")));
        }
        if let Some(n) = l.max_instances {
            lines.push(format!("At most {n} container instances."));
        }
        if let Some(n) = l.max_desired_count {
            lines.push(format!("A desired count of at most {n}."));
        }
        if let Some(t) = &l.instance_types {
            lines.push(format!("Instance types: {}.", t.join(", ")));
        }
        if lines.is_empty() {
            html! {}
        } else {
            html! { <ul class="rules muted" data-testid="rules">{ for lines.iter().map(|l| html! { <li>{l.clone()}</li> }) }</ul> }
        }
    };

    let reset = if *confirm_reset {
        html! {
            <div class="confirm" role="alertdialog" aria-label="Reset this exercise?" data-testid="reset-confirm">
                <p>{"Start this exercise over? The cluster, the clock and the editor go back to the start. Your progress mark stays."}</p>
                <button class="primary" data-testid="reset-yes" onclick={on_reset}>{"Yes, reset"}</button>{" "}
                <button data-testid="reset-no" onclick={on_reset_cancel}>{"Cancel"}</button>
            </div>
        }
    } else {
        html! { <button data-testid="reset-exercise" onclick={on_reset_ask}>{"Reset exercise"}</button> }
    };

    let add_instance = {
        let types: Vec<String> = match &ex.rules.limits.instance_types {
            Some(t) => t.clone(),
            None => crate::engine::catalog::CATALOG.iter().map(|t| t.name.to_string()).collect(),
        };
        let on_type = {
            let add_type = add_type.clone();
            Callback::from(move |e: Event| add_type.set(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))
        };
        let on_az = {
            let add_az = add_az.clone();
            Callback::from(move |e: Event| add_az.set(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))
        };
        html! {
            <div class="add-instance" aria-label="Add a container instance">
                <label>{"Add "}
                    <select data-testid="add-instance-type" onchange={on_type} aria-label="Instance type">
                        { for types.iter().map(|t| html! { <option value={t.clone()} selected={*t == *add_type}>{t.clone()}</option> }) }
                    </select>
                </label>
                <label>{" in "}
                    <select data-testid="add-instance-az" onchange={on_az} aria-label="Availability Zone">
                        <option value="" selected={add_az.is_empty()}>{"any AZ (balanced)"}</option>
                        { for snap.availability_zones.iter().map(|z| html! { <option value={z.clone()} selected={*z == *add_az}>{z.clone()}</option> }) }
                    </select>
                </label>
                {" "}<button data-testid="add-instance" onclick={on_add}>{"Add instance"}</button>
            </div>
        }
    };

    let (sym, word) = mark(progress.status);
    // Before the reveal of a prediction, the Services panel's actions are off too.
    let panel_disabled: Vec<String> = if locked {
        ex.rules.disabled.iter().cloned().chain(PREDICT_LOCKED_PANEL.iter().map(|a| a.to_string())).collect()
    } else {
        ex.rules.disabled.clone()
    };

    let (event_index, generation) = {
        let s = session.borrow();
        super::event_log::use_event_index(s.engine.events(), (0, s.engine.seed()))
    };
    html! {
        <div class="app exercise-app">
            <header class="topbar">
                <h1 class="brand">{"Berth"}</h1>
                {props.nav.clone()}
                <nav class="crumbs" aria-label="Breadcrumb">
                    <button class="link" data-testid="back-to-lessons" onclick={props.on_back.clone()}>{"Lessons"}</button>
                    {format!(" › {} › ", props.chapter)}<span>{&ex.title}</span>
                </nav>
                {sim_controls(&controls, locked.then_some(LOCKED))}
                <span class="clock" data-testid="clock" role="timer" aria-label="virtual time">{super::app::clock_text(snap.time_ms, controls.playing || super::cluster_view::presenter_on())}</span>
                <button data-testid="help" onclick={open_help} aria-keyshortcuts="?" title="Keyboard shortcuts (?)">{"? Help"}</button>
            </header>
            {props.banner.clone()}
            // Two columns, as in the sandbox: the cluster on the left, the lesson and the tools
            // (goals, editor, services, events) on the right. On a wide screen each column
            // scrolls on its own and the goals stay pinned, so what the learner edits, what
            // reacts and what is asked are on screen together.
            <main class="exercise workspace" ref={root} data-testid="exercise" data-exercise={ex.id.clone()} data-status={word}>
                <div class="exercise-cluster">
                    <ClusterView snapshot={if snap.kube.is_some() { Rc::new(crate::shell::kube_view::as_cluster(&snap)) } else { snap.clone() }} on_command={on_cluster_command} {inspect} />
                    // Kubernetes nodes come from node groups: no ECS "Add instance" there.
                    { if snap.kube.is_some() { html! {} } else { add_instance } }
                    if let Some(msg) = (*refused).clone() {
                        <div class="diagnostics cluster-refusal" data-testid="failed" role="alert">
                            <p class="error">{msg}</p>
                            <button class="dismiss" data-testid="failed-dismiss" onclick={on_dismiss_refusal} aria-label="Dismiss this message">{"Dismiss"}</button>
                        </div>
                    }
                </div>
                <div class="side exercise-side">
                    <section class="lesson-panel" aria-label="Lesson">
                        <p class="exercise-meta muted">
                            <span class="kind">{kind_label(ex.kind)}</span>
                            <span data-testid="exercise-status">{format!(" {sym} {word}")}</span>
                        </p>
                        {render_markdown(&ex.prose)}
                        {rules}
                        {predict_box}
                    </section>
                    {goal_list}
                    <div class="lesson-panel lesson-tail">
                        {hints}
                        <div class="exercise-actions">{reset}{" "}{ if goals.is_empty() && !revealed { next } else { html! {} } }</div>
                        <details class="class-link">
                            <summary>{"Class link"}</summary>
                            <p class="muted">{"Give this address to your class: it opens this exercise for everyone (each student keeps their own progress)."}</p>
                            <input type="text" readonly=true data-testid="class-link" aria-label="Class link to this exercise"
                                value={props.class_link.clone().unwrap_or_else(|| format!("{}#lessons/{}", super::share::page_address(), ex.id))}
                                onfocus={Callback::from(|e: FocusEvent| { if let Some(i) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) { i.select(); } })} />
                        </details>
                    </div>
                    // A Kubernetes-only exercise has no task definition to edit: kubectl is in the Services panel.
                    if !(snap.kube.is_some() && snap.task_definitions.is_empty() && text.is_empty()) {
                        <Editor key={format!("editor-{}", *reset_generation)} text={(*text).clone()} on_change={on_text} on_deploy={on_deploy} status={(*status).clone()} snapshot={snap.clone()} on_command={on_command} />
                    }
                    <ServicePanel key={format!("services-{}", *reset_generation)} snapshot={snap.clone()} on_command={on_panel_command} disabled={panel_disabled} off_note={locked.then_some(AttrValue::from(LOCKED))}
                        describe={{ let session = session.clone(); let snap = snap.clone(); Some(Callback::from(move |args: String| crate::shell::kubectl_describe::describe(&snap, session.borrow().engine.events(), &args))) }} />
                    <EventLog log={event_index} {generation} />
                </div>
            </main>
            if *help {
                <Modal title="Keyboard shortcuts" testid="help-dialog" on_close={close_help}>{shortcuts_help()}</Modal>
            }
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// A chapter's printable summary (`#summary/<chapter>`)

#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    pub chapter: String,
    pub nav: Html,
}

/// One page with a chapter's concepts and formulas; the print style sheet drops the page's
/// chrome, so "Print" gives a clean handout.
#[function_component(SummaryPage)]
pub fn summary_page(props: &SummaryProps) -> Html {
    let course: Rc<Result<Course, String>> = use_memo((), |_| load_course());
    let found = match course.as_ref() {
        Err(e) => Err(e.clone()),
        Ok(c) => match c.chapters.iter().find(|ch| ch.id == props.chapter) {
            None => Err(format!("there is no chapter {:?} in this course", props.chapter)),
            Some(ch) => ch.summary.clone().map(|s| (ch.title.clone(), s)).ok_or_else(|| format!("chapter {:?} has no summary yet", ch.title)),
        },
    };
    let print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    html! {
        <div class="app summary-page">
            <header class="topbar no-print">
                <h1 class="brand">{"Berth"}</h1>
                {props.nav.clone()}
                <a href="#lessons" data-testid="summary-back">{"← Lessons"}</a>
                if found.is_ok() {
                    <button data-testid="summary-print" onclick={print}>{"Print"}</button>
                }
            </header>
            { match found {
                Ok((_, text)) => html! { <main class="summary" data-testid="summary">{render_markdown(&text)}</main> },
                Err(e) => html! { <main class="fatal" data-testid="summary-error"><h2>{"No summary to show"}</h2><p>{format!("{e}.")}</p></main> },
            } }
        </div>
    }
}
