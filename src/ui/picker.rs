//! The top bar's scenario / chapter picker: shows the scenario on screen and opens another one
//! (a bundled example, `shell::examples`) or a chapter of the course. An example opens the way a
//! share link does (the learner's own session is kept aside with a "Go back" notice); a chapter
//! opens its first exercise in the Lessons view.

use std::rc::Rc;

use yew::prelude::*;

use super::app::{hash_for, set_hash, Mode};
use crate::engine::lesson::parse_index;
use crate::shell::course::bundled;
use crate::shell::examples;
use crate::shell::share::encode_link;

#[derive(Properties, PartialEq)]
pub struct PickerProps {
    /// The scenario on screen (the first, selected entry).
    pub current: AttrValue,
    pub description: AttrValue,
    /// Presenter mode stays on across the switch.
    pub present: bool,
    /// A choice that could not be opened, as a sentence.
    pub on_error: Callback<String>,
}

/// The course's chapters, (id, numbered title); empty if the bundled index does not read.
fn chapters() -> Vec<(String, String)> {
    let Ok(index) = bundled("index.json").map_err(|_| ()).and_then(|t| parse_index(&t).map_err(|_| ())) else {
        return Vec::new();
    };
    index.chapters.into_iter().enumerate().map(|(i, c)| (c.id, format!("{}. {}", i + 1, c.title))).collect()
}

fn open_example(file: &str, present: bool) -> Result<(), String> {
    let scene = examples::scene(file)?;
    let payload = encode_link(&scene)?;
    set_hash(&format!("s={payload}{}", if present { "&present" } else { "" }));
    Ok(())
}

fn open_chapter(id: &str, present: bool) -> Result<(), String> {
    let course = super::lessons::load_course()?;
    let chapter = course.chapters.iter().find(|c| c.id == id).ok_or_else(|| format!("the course has no chapter \"{id}\""))?;
    let first = chapter.exercises.first().ok_or_else(|| format!("chapter \"{}\" has no exercises", chapter.title))?;
    set_hash(&hash_for(&Mode::Lessons(Some(first.id())), present));
    Ok(())
}

#[function_component(ScenarioPicker)]
pub fn scenario_picker(props: &PickerProps) -> Html {
    let examples = use_memo((), |_| examples::list());
    let chapters: Rc<Vec<(String, String)>> = use_memo((), |_| chapters());
    let onchange = {
        let present = props.present;
        let on_error = props.on_error.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let value = sel.value();
            // The list goes back to showing the scene on screen until the new one opens.
            sel.set_value("");
            let opened = match value.split_once(':') {
                Some(("example", file)) => open_example(file, present).map_err(|e| format!("The example scenario could not be opened: {e}.")),
                Some(("chapter", id)) => open_chapter(id, present).map_err(|e| format!("The chapter could not be opened: {e}.")),
                _ => Ok(()),
            };
            if let Err(e) = opened {
                on_error.emit(e);
            }
        })
    };
    html! {
        <label class="scenario-picker" title={props.description.clone()}>
            <span class="visually-hidden">{"Scenario (choose another scenario or a chapter)"}</span>
            <select data-testid="scenario-picker" {onchange}>
                <option value="" selected=true>{props.current.clone()}</option>
                <optgroup label="Example scenarios (open like a share link)">
                    { for examples.iter().map(|x| html! {
                        <option value={format!("example:{}", x.file)} title={x.description.clone()}>{x.name.clone()}</option>
                    }) }
                </optgroup>
                if !chapters.is_empty() {
                    <optgroup label="Chapters of the course (Lessons)">
                        { for chapters.iter().map(|(id, title)| html! { <option value={format!("chapter:{id}")}>{title.clone()}</option> }) }
                    </optgroup>
                }
            </select>
        </label>
    }
}
