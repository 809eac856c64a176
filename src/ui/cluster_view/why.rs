//! "Why here?" and "Why pending?": a placement [`Decision`] as a table a learner can read. One
//! row per candidate instance: the check that rejected it (with the plugin's own sentence, which
//! carries the numbers), or, for survivors, each strategy's value and whether it kept the
//! instance; the winner is highlighted. The rows are plain data ([`WhyTable::of`]) so tests can
//! check them without a browser.

use yew::prelude::*;

use crate::engine::placement::{Decision, Outcome};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhyRow {
    pub instance: String,
    pub az: String,
    /// `(check, reason)` of the filter or constraint that said no.
    pub rejected: Option<(String, String)>,
    /// How many checks it passed.
    pub passed: usize,
    /// Per strategy, in order: `Some((value, kept))` if the instance was rated by it.
    pub scores: Vec<Option<(String, bool)>>,
    /// Among the candidates the seeded tie-break chose from.
    pub in_tie_break: bool,
    pub winner: bool,
    /// For an unplaced task: the instance that passed the most checks (none when every instance
    /// got exactly as far: see [`WhyTable::alike`]).
    pub closest: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhyTable {
    /// Strategy names, in the order they ran (`spread(attribute:ecs.availability-zone)`, ...).
    pub strategies: Vec<String>,
    pub rows: Vec<WhyRow>,
    pub winner: Option<String>,
    /// One sentence: "placed on i-03", or the unplaced summary.
    pub verdict: String,
    /// "tie-break among i-01, i-04 → i-04" when the seeded draw decided.
    pub tie_break: Option<String>,
    /// For an unplaced task whose candidates all failed the same check after passing the same
    /// number of checks: "All 6 instances rejected alike by cpu (needs 1024 CPU units, 0 free)"
    /// (the reason only when every instance gave the same one). No row is then the closest match.
    pub alike: Option<String>,
}

impl WhyTable {
    pub fn of(d: &Decision) -> WhyTable {
        let winner = d.placed_on().map(str::to_string);
        let strategies: Vec<String> = d.steps.iter().map(|s| s.strategy.clone()).collect();
        let best_passed = d.candidates.iter().map(|c| c.passed).max().unwrap_or(0);
        let alike = match &d.outcome {
            Outcome::Unplaced { .. } => alike(d),
            Outcome::Placed { .. } => None,
        };
        let closest = match &d.outcome {
            // Every instance got exactly as far: none is closer than another.
            Outcome::Unplaced { .. } if alike.is_some() => None,
            // The first instance with the most checks passed, as the summary names it.
            Outcome::Unplaced { .. } => d.candidates.iter().find(|c| c.passed == best_passed).map(|c| c.instance.clone()),
            Outcome::Placed { .. } => None,
        };
        let rows = d
            .candidates
            .iter()
            .map(|c| WhyRow {
                instance: c.instance.clone(),
                az: c.az.clone(),
                rejected: c.rejected.as_ref().map(|r| (r.plugin.clone(), r.reason.clone())),
                passed: c.passed,
                scores: d
                    .steps
                    .iter()
                    .map(|s| s.ratings.iter().find(|r| r.instance == c.instance).map(|r| (r.shown.clone(), s.kept.iter().any(|k| k == &c.instance))))
                    .collect(),
                in_tie_break: d.tie_break.as_ref().is_some_and(|t| t.among.len() > 1 && t.among.iter().any(|a| a == &c.instance)),
                winner: winner.as_deref() == Some(c.instance.as_str()),
                closest: closest.as_deref() == Some(c.instance.as_str()),
            })
            .collect();
        let verdict = match &d.outcome {
            Outcome::Placed { instance, .. } => format!("placed on {instance}"),
            // The engine's summary names a "closest match" (as ECS's service event does); when all
            // failed alike that instance is only the first in id order, so the sentence stops
            // before it and the `alike` line says the rest.
            Outcome::Unplaced { summary } if alike.is_some() => match summary.find("; the closest match ") {
                Some(at) => summary[..at].to_string(),
                None => summary.clone(),
            },
            Outcome::Unplaced { summary } => summary.clone(),
        };
        let tie_break = d.tie_break.as_ref().filter(|t| t.among.len() > 1).map(|t| format!("seeded tie-break among {} → {}", t.among.join(", "), t.chose));
        WhyTable { strategies, rows, winner, verdict, tie_break, alike }
    }

    /// The verdict and, when every instance failed alike, that line: what the Unplaced list
    /// says next to a waiting group.
    pub fn summary(&self) -> String {
        match &self.alike {
            Some(a) => format!("{}. {a}.", self.verdict.trim_end_matches('.')),
            None => self.verdict.clone(),
        }
    }

    /// How many candidates each check rejected, in the order the checks first appear.
    pub fn tally(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for r in &self.rows {
            if let Some((plugin, _)) = &r.rejected {
                match out.iter_mut().find(|(p, _)| p == plugin) {
                    Some((_, n)) => *n += 1,
                    None => out.push((plugin.clone(), 1)),
                }
            }
        }
        out
    }
}

/// "All 6 instances rejected alike by cpu (needs 1024 CPU units, 0 free)" when every candidate
/// was rejected by the same check after passing as many checks as the others (so none is a
/// closest match); `None` otherwise, or with no candidates.
fn alike(d: &Decision) -> Option<String> {
    let first = d.candidates.first()?;
    let (plugin, reason) = first.rejected.as_ref().map(|r| (r.plugin.as_str(), r.reason.as_str()))?;
    let same = d.candidates.iter().all(|c| c.passed == first.passed && c.rejected.as_ref().is_some_and(|r| r.plugin == plugin));
    if !same {
        return None;
    }
    let why = if d.candidates.iter().all(|c| c.rejected.as_ref().is_some_and(|r| r.reason == reason)) { format!(" ({reason})") } else { String::new() };
    Some(match d.candidates.len() {
        1 => format!("The only instance was rejected by {plugin}{why}"),
        n => format!("All {n} instances rejected alike by {plugin}{why}"),
    })
}

/// `s` with line-break opportunities (`<wbr>`) after `(`, `:`, `.` and `-`, so a long strategy
/// such as `spread(attribute:ecs.availability-zone)` wraps inside its column instead of making
/// the table scroll sideways.
fn breakable(s: &str) -> Html {
    let mut parts: Vec<Html> = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if matches!(c, '(' | ':' | '.' | '-') {
            let end = i + c.len_utf8();
            parts.push(html! { <>{s[start..end].to_string()}<wbr /></> });
            start = end;
        }
    }
    parts.push(html! { {s[start..].to_string()} });
    html! { <>{ for parts }</> }
}

/// The table as HTML. `title` is "Why here?" or "Why pending?".
pub fn render(table: &WhyTable, title: &str, testid: &str, on_instance: Callback<String>) -> Html {
    let tally = table.tally();
    let head_strategies = table.strategies.iter().map(|s| html! { <th scope="col" class="cv-why-strategy" title="lower is better; ✓ kept by this strategy">{breakable(s)}</th> });
    let rows = table.rows.iter().map(|r| {
        let open = {
            let cb = on_instance.clone();
            let id = r.instance.clone();
            Callback::from(move |_: MouseEvent| cb.emit(id.clone()))
        };
        let verdict = match &r.rejected {
            Some((plugin, reason)) => html! { <><span class="cv-why-plugin">{plugin.clone()}</span>{" "}{reason.clone()}</> },
            None => html! { <span class="cv-why-pass">{"passes every check"}</span> },
        };
        let scores = r.scores.iter().map(|s| match s {
            Some((shown, kept)) => html! { <td class={classes!("cv-num", kept.then_some("kept"))}>{shown.clone()}{ if *kept { " ✓" } else { "" } }</td> },
            None => html! { <td class="cv-muted">{"—"}</td> },
        });
        let marker = if r.winner {
            "winner"
        } else if r.closest {
            "closest match"
        } else if r.in_tie_break {
            "tied"
        } else {
            ""
        };
        html! {
            <tr class={classes!(r.winner.then_some("winner"), r.closest.then_some("closest"), r.rejected.is_some().then_some("rejected"))}
                data-testid="why-row" data-instance={r.instance.clone()} data-winner={r.winner.to_string()}>
                <th scope="row"><button class="cv-link" onclick={open} aria-label={format!("Open instance {}", r.instance)}>{r.instance.clone()}</button>
                    if !marker.is_empty() { <span class="cv-why-marker">{marker}</span> }
                </th>
                <td class="cv-nowrap">{r.az.clone()}</td>
                <td>{verdict}</td>
                { for scores }
            </tr>
        }
    });
    html! {
        <section class="cv-why" data-testid={testid.to_string()} aria-label={title.to_string()}>
            <h3>{title}</h3>
            <p class="cv-why-verdict" data-testid="why-verdict">{table.verdict.clone()}</p>
            if let Some(a) = &table.alike {
                <p class="cv-muted" data-testid="why-alike">{format!("{a}.")}</p>
            } else if !tally.is_empty() {
                <p class="cv-muted">{format!("Rejected: {}", tally.iter().map(|(p, n)| format!("{n} by {p}")).collect::<Vec<_>>().join(", "))}</p>
            }
            if let Some(t) = &table.tie_break { <p class="cv-muted" data-testid="why-tiebreak">{t.clone()}</p> }
            <div class="cv-why-scroll" tabindex="0" role="region" aria-label={format!("{title} table")}>
                <table>
                    <thead><tr><th scope="col">{"instance"}</th><th scope="col">{"AZ"}</th><th scope="col">{"filters and constraints"}</th>{ for head_strategies }</tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            if table.strategies.len() > 1 {
                <p class="cv-muted cv-small">{"Each strategy rates the instances that came through the one before it (lower is better) and keeps the best (✓); the next strategy only breaks its ties."}</p>
            }
        </section>
    }
}
