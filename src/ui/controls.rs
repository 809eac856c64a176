//! The Play/Pause, Step and speed controls of the top bar (shared by the sandbox and lessons).

use yew::prelude::*;

use super::hooks::{SimControls, SPEEDS};

/// The controls; `locked` disables them with that explanation as the tooltip.
pub fn sim_controls(c: &SimControls, locked: Option<&'static str>) -> Html {
    let on_play = {
        let t = c.toggle.clone();
        Callback::from(move |_: MouseEvent| t.emit(()))
    };
    let on_step = {
        let s = c.step.clone();
        Callback::from(move |_: MouseEvent| s.emit(()))
    };
    let disabled = locked.is_some() || !c.enabled;
    let (play_label, play_icon) = if c.playing { ("Pause", "❚❚") } else { ("Play", "▶") };
    html! {
        <div class="controls" role="group" aria-label="Simulation controls">
            <button data-testid="play" class="play" onclick={on_play} disabled={disabled} aria-keyshortcuts="Space"
                title={locked.unwrap_or(if c.playing { "Pause (Space)" } else { "Play (Space)" })}>
                <span aria-hidden="true" class="icon-glyph">{play_icon}</span>{" "}{play_label}
            </button>
            <button data-testid="step" onclick={on_step} disabled={disabled} aria-keyshortcuts="ArrowRight"
                title={locked.unwrap_or("Process the next event (→)")}>{"Step"}</button>
            <SpeedSelect speed={c.speed} on_change={c.set_speed.clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SpeedProps {
    speed: usize,
    on_change: Callback<usize>,
}

/// The speed list. Its shown value follows the state (the `[`/`]` keys change it too), which an
/// option's `selected` attribute alone does not do once the learner has used the list.
#[function_component(SpeedSelect)]
fn speed_select(props: &SpeedProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.speed, move |i| {
            if let Some(sel) = node.cast::<web_sys::HtmlSelectElement>() {
                sel.set_value(&i.to_string());
            }
        });
    }
    let onchange = {
        let set = props.on_change.clone();
        Callback::from(move |e: Event| {
            let v: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = v.value().parse::<usize>() {
                set.emit(i);
            }
        })
    };
    let options: Html = SPEEDS
        .iter()
        .enumerate()
        .map(|(i, s)| html! { <option value={i.to_string()} selected={i == props.speed} title={s.name}>{s.label}</option> })
        .collect();
    html! {
        <label class="speed" title="Speed ([ slower, ] faster)">{"Speed "}
            <select ref={node} data-testid="speed" {onchange} aria-keyshortcuts="[ ]">{options}</select>
        </label>
    }
}
