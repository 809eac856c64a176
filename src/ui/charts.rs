//! The sandbox's Charts panel: one service's (or Kubernetes Deployment's) metrics drawn with
//! plotters on canvases (CPU and memory utilisation against the target-tracking or HPA targets,
//! desired/running/pending tasks or pods, requests and 5xx per second, p95 latency, the hourly
//! cost), all on the same time axis
//! 0 .. the time shown (so time travel shows only what had happened by then), a text summary of
//! the live values for screen readers, and the traffic control that sets the service's load
//! through the page's command path (journaled, so time travel and share links replay it).

use std::rc::Rc;

use plotters::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::engine::scenario::Scenario;
use crate::engine::sim::{Command, Engine};
use crate::engine::snapshot::Snapshot;
use crate::engine::time::Millis;
use crate::engine::traffic::load::LoadSpec;

/// Time series of one service, cut at the time shown.
#[derive(Clone, PartialEq, Default, Debug)]
pub struct ChartData {
    pub service: String,
    /// The right edge of every chart (the time shown).
    pub now: Millis,
    pub cpu: Vec<(Millis, f64)>,
    pub memory: Vec<(Millis, f64)>,
    pub desired: Vec<(Millis, f64)>,
    pub running: Vec<(Millis, f64)>,
    pub pending: Vec<(Millis, f64)>,
    /// Requests per second (the minute's RequestCount / 60).
    pub requests: Vec<(Millis, f64)>,
    /// 5xx per second (target and load balancer 5xx over the minute / 60).
    pub errors: Vec<(Millis, f64)>,
    /// p95 response time, ms.
    pub p95: Vec<(Millis, f64)>,
    /// Dollars per hour of the whole cluster (`cluster/HourlyCost`, one datapoint a minute).
    pub cost: Vec<(Millis, f64)>,
    /// Target-tracking targets (or a Deployment's HPA CPU target): (label, metric is CPU, target %).
    pub targets: Vec<(String, bool, f64)>,
    /// `service` is a Kubernetes Deployment (`namespace/name`): pods instead of tasks; requests,
    /// 5xx per second and p95 at each minute mark (the Kubernetes load model is instantaneous).
    pub kube: bool,
    /// A Deployment's requests, 5xx and latency now (for the summary), when the scenario has load.
    pub kube_live: Option<crate::engine::k8s::metrics::DeploymentResponse>,
}

/// The target-tracking policies on CPU and memory of `service`, from the scenario's service
/// definition (the snapshot carries only the policy names).
pub fn targets(scenario: &Scenario, service: &str) -> Vec<(String, bool, f64)> {
    let specs = scenario.setup.iter().map(|(_, c)| c).chain(scenario.timeline.iter().map(|(_, _, c)| c));
    let mut out = Vec::new();
    for c in specs {
        if let Command::CreateService(spec) = c {
            if spec.service_name != service {
                continue;
            }
            out.clear();
            for t in spec.auto_scaling.iter().flat_map(|a| a.target_tracking.iter()) {
                let cpu = t.metric == "ECSServiceAverageCPUUtilization" || t.metric == "CPUUtilization";
                let mem = t.metric == "ECSServiceAverageMemoryUtilization" || t.metric == "MemoryUtilization";
                if cpu || mem {
                    let label = t.name.clone().unwrap_or_else(|| t.metric.clone());
                    out.push((label, cpu, t.target));
                }
            }
        }
    }
    out
}

/// The HPA CPU targets of the Deployment `namespace/name` in the snapshot.
pub fn hpa_targets(snap: &Snapshot, deployment: &str) -> Vec<(String, bool, f64)> {
    let Some(kube) = &snap.kube else { return Vec::new() };
    kube.hpas
        .iter()
        .filter(|h| format!("{}/{}", h.namespace, h.reference.strip_prefix("Deployment/").unwrap_or("")) == deployment)
        .filter_map(|h| h.target_utilization.map(|t| (format!("HPA {}", h.name), true, t as f64)))
        .collect()
}

/// What the charts show for `service` (an ECS service, or a Kubernetes Deployment as
/// `namespace/name`) at the engine's time.
pub fn chart_data(engine: &Engine, scenario: &Scenario, snap: &Snapshot, service: &str) -> ChartData {
    let now = engine.now();
    let m = engine.metrics();
    let get = |name: &str, scale: f64| -> Vec<(Millis, f64)> { m.series(&format!("{service}/{name}")).filter(|(t, _)| *t <= now).map(|(t, v)| (t, v * scale)).collect() };
    let cost: Vec<(Millis, f64)> = m.series(crate::engine::traffic::metrics::HOURLY_COST).filter(|(t, _)| *t <= now).collect();
    if service.contains('/') {
        return ChartData {
            service: service.to_string(),
            now,
            cpu: get("CPUUtilization", 1.0),
            memory: get("MemoryUtilization", 1.0),
            desired: get("DesiredReplicas", 1.0),
            running: get("ReadyReplicas", 1.0),
            pending: get("NotReadyReplicas", 1.0),
            requests: get("RequestsPerSecond", 1.0),
            errors: get("5xxPerSecond", 1.0),
            p95: get("TargetResponseTime:p95", 1000.0),
            cost,
            targets: hpa_targets(snap, service),
            kube: true,
            kube_live: engine.k_deployment_response(service),
        };
    }
    let target5 = get("HTTPCode_Target_5XX_Count", 1.0 / 60.0);
    let elb5 = get("HTTPCode_ELB_5XX_Count", 1.0 / 60.0);
    // Both series are published for the same minutes; sum them by time.
    let mut errors = target5;
    for (t, v) in elb5 {
        match errors.binary_search_by_key(&t, |(x, _)| *x) {
            Ok(i) => {
                if let Some(e) = errors.get_mut(i) {
                    e.1 += v;
                }
            }
            Err(i) => errors.insert(i, (t, v)),
        }
    }
    ChartData {
        service: service.to_string(),
        now,
        cpu: get("CPUUtilization", 1.0),
        memory: get("MemoryUtilization", 1.0),
        desired: get("DesiredTaskCount", 1.0),
        running: get("RunningTaskCount", 1.0),
        pending: get("PendingTaskCount", 1.0),
        requests: get("RequestCount", 1.0 / 60.0),
        errors,
        p95: get("TargetResponseTime:p95", 1000.0),
        cost,
        targets: targets(scenario, service),
        kube: false,
        kube_live: None,
    }
}

/// An axis label for virtual time: `mm:ss` under an hour of range, else `1h05` (hours and
/// minutes, so it cannot be mistaken for minutes and seconds).
pub fn time_label(t_ms: f64, range_ms: f64) -> String {
    let s = (t_ms.max(0.0) / 1000.0).round() as u64;
    if range_ms < 3_600_000.0 {
        format!("{:02}:{:02}", s / 60, s % 60)
    } else {
        format!("{}h{:02}", s / 3600, (s / 60) % 60)
    }
}

/// Where the time axis of a chart 0 ..= `range_ms` puts its labels: 0 and every multiple of the
/// smallest round step (10 s, 15 s, 30 s, 1, 2, 5, 10, 15, 30 minutes, 1, 2, 3, 6, 12 hours, a
/// day) that gives at most `max_labels` of them, so a label reads 01:00, not 01:40.
pub fn time_ticks(range_ms: f64, max_labels: usize) -> Vec<f64> {
    const STEPS_S: [u64; 16] = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800];
    let range = range_ms.max(0.0);
    let labels = max_labels.max(2) as f64;
    let step = STEPS_S.iter().map(|s| (*s * 1000) as f64).find(|step| (range / step).floor() + 1.0 <= labels).unwrap_or_else(|| (range / (labels - 1.0)).ceil().max(1.0));
    let count = (range / step).floor() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

/// The load a preset sends: `rps` constant; a spike to `rps` for 5 minutes from a minute from
/// now over a tenth of it; a ramp from the current load to `rps` over 10 minutes from now.
pub fn preset_load(preset: &str, rps: f64, current: f64, now: Millis) -> LoadSpec {
    let at = |ms: Millis| format!("{}s", ms / 1000);
    match preset {
        "spike" => LoadSpec::Spike { base: (rps / 10.0).round(), peak: rps, at: at(now + 60_000), duration: "5m".into() },
        "ramp" => LoadSpec::Ramp { from: current.round(), to: rps, start: Some(at(now)), duration: "10m".into() },
        _ => LoadSpec::Constant { rps },
    }
}

pub const PRESETS: [(&str, &str); 3] = [("constant", "Constant"), ("spike", "Spike (5 min, in 1 min)"), ("ramp", "Ramp over 10 min")];
pub const MAX_SLIDER_RPS: u32 = 1000;

/// What the load slider shows: the value the learner chose for this service, else the load the
/// service has now (`current` requests/s) rounded to the slider's step of 10, within its range.
pub fn slider_value(chosen: Option<&(String, u32)>, service: &str, current: f64) -> u32 {
    match chosen {
        Some((s, v)) if s == service => *v,
        _ => {
            let steps = (current.max(0.0) / 10.0).round();
            if steps.is_finite() { ((steps as u32).saturating_mul(10)).min(MAX_SLIDER_RPS) } else { 0 }
        }
    }
}

/// One chart: its lines, its target lines (label, colour, value), the least top of its value
/// axis, the least step between its labels, the unit of its values.
type ChartSpec<'a> = (Vec<Line<'a>>, Vec<(String, RGBColor, f64)>, f64, f64, &'static str);

struct Line<'a> {
    label: &'a str,
    color: RGBColor,
    points: &'a [(Millis, f64)],
}

const BLUE_: RGBColor = RGBColor(0x1f, 0x6f, 0xd1);
const ORANGE_: RGBColor = RGBColor(0xd9, 0x6c, 0x00);
/// Darker shades for the targets' flat lines, drawn dashed: they must read on a projector, and
/// apart from the measured lines in the same hue.
const BLUE_TARGET: RGBColor = RGBColor(0x0b, 0x3b, 0x7a);
const ORANGE_TARGET: RGBColor = RGBColor(0x8a, 0x3f, 0x00);
/// A target line's dashes: `DASH` px drawn, `GAP` px left out.
const DASH: i32 = 7;
const GAP: i32 = 4;
const GREEN_: RGBColor = RGBColor(0x1a, 0x7f, 0x37);
const RED_: RGBColor = RGBColor(0xc4, 0x1e, 0x3a);
const GREY_: RGBColor = RGBColor(0x6b, 0x6b, 0x6b);
const PURPLE_: RGBColor = RGBColor(0x7a, 0x3e, 0xb1);

/// Where a value axis 0 ..= `top` puts its labels: 0 and every multiple of the smallest round
/// step (1, 2 or 5 × a power of ten, or 25, 250, …; at least `min_step`) that gives at most
/// `max_labels` of them. Labels then differ (no "0.01 / 0.01" for 0.005 and 0.01).
pub fn value_ticks(top: f64, max_labels: usize, min_step: f64) -> Vec<f64> {
    let top = if top.is_finite() { top.max(0.0) } else { 0.0 };
    if top == 0.0 {
        return vec![0.0];
    }
    let labels = max_labels.max(2) as f64;
    let mut step = 10f64.powi((top / labels).log10().floor() as i32 - 1);
    'search: for _ in 0..40 {
        for m in [1.0, 2.0, 2.5, 5.0] {
            let s = step * m;
            // 2.5 only where it adds no decimal (25 %, not 0.25).
            if m == 2.5 && s < 10.0 {
                continue;
            }
            if s >= min_step && (top / s + 1e-9).floor() + 1.0 <= labels {
                step = s;
                break 'search;
            }
        }
        step *= 10.0;
    }
    let count = (top / step + 1e-9).floor() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

/// How many decimals the labels of `ticks` need to tell them apart: those of their step.
pub fn tick_decimals(ticks: &[f64]) -> usize {
    let step = match ticks {
        [a, b, ..] => b - a,
        _ => return 0,
    };
    (0..6).find(|d| {
        let x = step * 10f64.powi(*d as i32);
        (x - x.round()).abs() < 1e-6 * x.abs().max(1.0)
    })
    .unwrap_or(6)
}

/// A value axis label: 0 as `0`, else with `decimals` decimals, then the unit (`25 %`, `0.005`).
pub fn value_label(y: f64, decimals: usize, unit: &str) -> String {
    if y == 0.0 {
        format!("0{unit}")
    } else {
        format!("{y:.decimals$}{unit}")
    }
}

/// A legend entry: label, colour, stroke width, dashed (a target).
type LegendItem<'a> = (&'a str, RGBColor, f64, bool);

const LEGEND_ROW: f64 = 14.0;
const LEGEND_KEY: f64 = 18.0;

/// Where each legend entry goes in a band `width` px wide above the plot: (x, row) per item,
/// left to right, wrapping to a new row when the next one does not fit; and the number of rows.
fn legend_layout(widths: &[f64], width: f64) -> (Vec<(f64, usize)>, usize) {
    const LEFT: f64 = 6.0;
    const SPACE: f64 = 14.0;
    let mut out = Vec::new();
    let (mut x, mut row) = (LEFT, 0);
    for w in widths {
        let item = LEGEND_KEY + 4.0 + w;
        if x > LEFT && x + item > width - 6.0 {
            x = LEFT;
            row += 1;
        }
        out.push((x, row));
        x += item + SPACE;
    }
    let rows = if widths.is_empty() { 0 } else { row + 1 };
    (out, rows)
}

/// An axis whose grid lines and labels fall on given ticks ([`time_ticks`], [`value_ticks`]).
struct TickedAxis {
    inner: plotters::coord::types::RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ranged for TickedAxis {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;
    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }
    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.ticks.clone()
    }
    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

/// Draw one chart: `lines` against time 0 .. `now`, `hlines` as dashed horizontal reference
/// lines (targets), the legend in a band above the plot (so it never covers a line). The value
/// axis starts at 0 and reaches at least `y_min_top`; its step is at least `min_step`.
fn draw(canvas: &web_sys::HtmlCanvasElement, now: Millis, lines: &[Line], hlines: &[(String, RGBColor, f64)], y_min_top: f64, min_step: f64, unit: &str) -> Result<(), String> {
    // The legend first: its height is the plot's top margin.
    let mut items: Vec<LegendItem> = hlines.iter().map(|(label, c, _)| (label.as_str(), *c, 2.0, true)).collect();
    items.extend(lines.iter().map(|l| (l.label, l.color, 2.0, false)));
    let ctx = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok()).ok_or("no 2D context")?;
    ctx.set_font("11px sans-serif");
    let widths: Vec<f64> = items.iter().map(|(label, ..)| ctx.measure_text(label).map(|m| m.width()).unwrap_or(0.0)).collect();
    let (places, rows) = legend_layout(&widths, canvas.width() as f64);
    let legend_h = rows as f64 * LEGEND_ROW;

    let backend = super::chart_backend::MeasuredCanvas::new(canvas.clone()).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| format!("{e:?}"))?;
    let x_max = (now.max(60_000)) as f64;
    let top = lines.iter().flat_map(|l| l.points.iter().map(|p| p.1)).chain(hlines.iter().map(|h| h.2)).fold(y_min_top, f64::max) * 1.1;
    let y_ticks = value_ticks(top, 5, min_step);
    // (100 / 1.1 × 1.1 may fall a hair short of the 100 % label.)
    let top = y_ticks.last().copied().unwrap_or(0.0).max(top);
    let decimals = tick_decimals(&y_ticks);
    let mut chart = ChartBuilder::on(&root)
        .margin(6)
        // Room for the legend above, and for the last time label, centred on the right edge.
        .margin_top(4 + legend_h.ceil() as u32 + 6)
        .margin_right(18)
        .x_label_area_size(20)
        .y_label_area_size(54)
        .build_cartesian_2d(TickedAxis { inner: (0f64..x_max).into(), ticks: time_ticks(x_max, 6) }, TickedAxis { inner: (0f64..top).into(), ticks: y_ticks })
        .map_err(|e| format!("{e:?}"))?;
    let fmt_x = move |x: &f64| time_label(*x, x_max);
    let unit = unit.to_string();
    let fmt_y = move |y: &f64| value_label(*y, decimals, &unit);
    chart
        .configure_mesh()
        .x_labels(7)
        .y_labels(5)
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .light_line_style(RGBColor(0xee, 0xee, 0xee))
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .label_style(("sans-serif", 11).into_font().color(&RGBColor(0x33, 0x33, 0x33)))
        .draw()
        .map_err(|e| format!("{e:?}"))?;
    for (_, color, y) in hlines {
        chart.draw_series(DashedLineSeries::new(vec![(0.0, *y), (x_max, *y)], DASH, GAP, color.stroke_width(2))).map_err(|e| format!("{e:?}"))?;
    }
    for l in lines {
        chart.draw_series(LineSeries::new(l.points.iter().map(|(t, v)| (*t as f64, *v)), l.color.stroke_width(2))).map_err(|e| format!("{e:?}"))?;
    }
    root.present().map_err(|e| format!("{e:?}"))?;
    // The legend, drawn here rather than by plotters: plotters sizes its legend box by measuring
    // the text in a styled <span>, which the page's Content-Security-Policy refuses.
    draw_legend(&ctx, 4.0, &items, &places);
    Ok(())
}

/// The legend in the band above the plot, from `top`: per entry a short stroke in its colour
/// (dashed for a target) and its label, where [`legend_layout`] put it.
fn draw_legend(ctx: &web_sys::CanvasRenderingContext2d, top: f64, items: &[LegendItem], places: &[(f64, usize)]) {
    ctx.set_font("11px sans-serif");
    ctx.set_text_baseline("middle");
    ctx.set_text_align("left");
    for ((label, c, width, dashed), &(x, row)) in items.iter().zip(places) {
        let cy = top + LEGEND_ROW * row as f64 + LEGEND_ROW / 2.0;
        let colour = format!("rgb({},{},{})", c.0, c.1, c.2);
        ctx.set_stroke_style_str(&colour);
        ctx.set_line_width(*width);
        ctx.begin_path();
        if *dashed {
            // The same rhythm as the line: dash, gap, dash.
            let d = DASH as f64;
            ctx.move_to(x, cy);
            ctx.line_to(x + d, cy);
            ctx.move_to(x + d + GAP as f64, cy);
            ctx.line_to(x + LEGEND_KEY, cy);
        } else {
            ctx.move_to(x, cy);
            ctx.line_to(x + LEGEND_KEY, cy);
        }
        ctx.stroke();
        ctx.set_fill_style_str("#333333");
        let _ = ctx.fill_text(label, x + LEGEND_KEY + 4.0, cy);
    }
}

/// The accessible summary of the live values (the last traffic second) of the service charted.
pub fn summary(snap: &Snapshot, data: &ChartData) -> String {
    let (service, targets) = (data.service.as_str(), data.targets.as_slice());
    if service.contains('/') {
        return deployment_summary(snap, service, targets, data.kube_live.as_ref());
    }
    let Some(v) = snap.services.iter().find(|s| s.name == service) else {
        return format!("There is no service {service} at {}.", crate::engine::time::Clock(snap.time_ms));
    };
    let mut parts = vec![format!("{} at {}", v.name, crate::engine::time::Clock(snap.time_ms - snap.time_ms % 1000))];
    let target_text = |cpu: bool| {
        let t: Vec<String> = targets.iter().filter(|t| t.1 == cpu).map(|t| format!("{:.0} %", t.2)).collect();
        if t.is_empty() {
            String::new()
        } else {
            format!(" (target {})", t.join(", "))
        }
    };
    match &v.load {
        Some(l) => {
            parts.push(format!("CPU {:.1} %{}", l.cpu_percent, target_text(true)));
            parts.push(format!("memory {:.1} %{}", l.memory_percent, target_text(false)));
        }
        None => parts.push("no traffic yet".into()),
    }
    parts.push(format!("tasks {} desired, {} running, {} pending", v.desired, v.running, v.pending));
    if let Some(l) = &v.load {
        parts.push(format!("{:.1} requests/s offered, {:.1} served, {:.1} 5xx/s", l.offered_rps, l.served_rps, l.rejected_rps + l.error_rps + l.no_target_rps));
        if let Some(p) = l.p95_ms {
            parts.push(format!("p95 latency {p:.0} ms"));
        }
    }
    if let Some(s) = &v.scaling {
        parts.push(format!("autoscaling {}–{} tasks", s.min, s.max));
    }
    parts.push(format!("cluster cost ${:.3}/hour (${:.2} so far)", snap.cost.hourly_usd, snap.cost.total_usd));
    format!("{}.", parts.join("; "))
}

/// The summary for a Kubernetes Deployment (`namespace/name`): CPU in use over the Ready pods'
/// requests (what the HPA looks at), the pod counts, the requests, 5xx and p95 now (`live`), the
/// HPA's range, the cost.
fn deployment_summary(snap: &Snapshot, deployment: &str, targets: &[(String, bool, f64)], live: Option<&crate::engine::k8s::metrics::DeploymentResponse>) -> String {
    let clock = crate::engine::time::Clock(snap.time_ms - snap.time_ms % 1000);
    let Some(kube) = &snap.kube else { return format!("There is no Deployment {deployment} at {clock}.") };
    let Some(d) = kube.deployments.iter().find(|d| format!("{}/{}", d.namespace, d.name) == deployment) else {
        return format!("There is no Deployment {deployment} at {clock}.");
    };
    let mut parts = vec![format!("Deployment {deployment} at {clock}")];
    let ready: Vec<_> = kube.pods.iter().filter(|p| p.namespace == d.namespace && p.ready && p.status != "Terminating" && crate::shell::kube_view::workload(p, kube) == d.name).collect();
    let requested: i64 = ready.iter().map(|p| p.requests_cpu_milli).sum();
    match ready.iter().map(|p| p.cpu_usage_milli).sum::<Option<i64>>() {
        Some(used) if requested > 0 => {
            let t: Vec<String> = targets.iter().map(|t| format!("{:.0} %", t.2)).collect();
            let target = if t.is_empty() { String::new() } else { format!(" (HPA target {})", t.join(", ")) };
            parts.push(format!("CPU {:.1} % of requests{target}, {used}m of {requested}m", 100.0 * used as f64 / requested as f64));
        }
        _ => parts.push("no load yet".into()),
    }
    parts.push(format!("pods {} desired, {} ready, {} not ready", d.desired, d.ready, (d.replicas - d.ready).max(0)));
    if let Some(r) = live {
        parts.push(format!("{:.1} requests/s to ready pods, {:.1} served, {:.1} 5xx/s", r.offered_rps, r.served_rps, r.failed_rps));
        if let Some(p) = r.p95_ms {
            parts.push(format!("p95 latency {p:.0} ms"));
        }
    }
    for h in kube.hpas.iter().filter(|h| h.namespace == d.namespace && h.reference == format!("Deployment/{}", d.name)) {
        parts.push(format!("HPA {}–{} pods", h.min_replicas, h.max_replicas));
    }
    parts.push(format!("cluster cost ${:.3}/hour (${:.2} so far)", snap.cost.hourly_usd, snap.cost.total_usd));
    format!("{}.", parts.join("; "))
}

/// What the chart selector is labelled: `Service` (ECS services), `Deployment` (Kubernetes
/// Deployments, `namespace/name`), or `Service or Deployment` when it lists both.
pub fn selector_label(names: &[String]) -> &'static str {
    let deployments = names.iter().filter(|n| n.contains('/')).count();
    if deployments == 0 {
        "Service"
    } else if deployments == names.len() {
        "Deployment"
    } else {
        "Service or Deployment"
    }
}

/// An entry of the chart selector: a Deployment says it is one when services are listed too.
pub fn option_text(name: &str, selector: &str) -> String {
    if name.contains('/') && selector != "Deployment" {
        format!("Deployment {name}")
    } else {
        name.to_string()
    }
}

#[derive(Properties)]
pub struct ChartsProps {
    pub snapshot: Rc<Snapshot>,
    pub data: Rc<ChartData>,
    /// Services to choose from.
    pub services: Vec<String>,
    pub on_select: Callback<String>,
    pub on_command: Callback<Command>,
}

/// Snapshot and chart data compare by pointer (the page makes new ones only when they changed).
impl PartialEq for ChartsProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.snapshot, &o.snapshot) && Rc::ptr_eq(&self.data, &o.data) && self.services == o.services && self.on_select == o.on_select && self.on_command == o.on_command
    }
}

#[function_component(Charts)]
pub fn charts(props: &ChartsProps) -> Html {
    let refs: [NodeRef; 5] = [use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref()];
    // The slider shows the load the service has now (rounded to its step) until the learner
    // moves it; what they chose stays for that service until they pick another.
    let chosen = use_state_eq(|| None::<(String, u32)>);
    let preset = use_state_eq(|| "constant".to_string());
    let d = props.data.clone();

    // Redraw when the data or the time bucket changes (time moves every frame; redrawing five
    // charts once per ~0.5 % of the range is enough).
    {
        let refs = refs.clone();
        let bucket = d.now / (d.now / 200).max(1000);
        // The newest datapoints (not the counts: series stop growing at 24 hours of points).
        let last = |v: &Vec<(Millis, f64)>| v.last().map(|p| p.0);
        let points = (last(&d.cpu), last(&d.desired), last(&d.requests), last(&d.cost), d.now < 1000);
        let key = (d.service.clone(), bucket, points, d.targets.len(), d.kube);
        let d = d.clone();
        use_effect_with(key, move |_| {
            let canvases: Vec<Option<web_sys::HtmlCanvasElement>> = refs.iter().map(|r| r.cast::<web_sys::HtmlCanvasElement>()).collect();
            let now = d.now;
            let t_lines: Vec<(String, RGBColor, f64)> = d.targets.iter().map(|(n, cpu, t)| (format!("{n} {t:.0} %"), if *cpu { BLUE_TARGET } else { ORANGE_TARGET }, *t)).collect();
            let specs: [ChartSpec; 5] = [
                (vec![Line { label: "CPU", color: BLUE_, points: &d.cpu }, Line { label: "memory", color: ORANGE_, points: &d.memory }], t_lines, 100.0 / 1.1, 0.0, " %"),
                (vec![Line { label: "desired", color: GREY_, points: &d.desired }, Line { label: if d.kube { "ready" } else { "running" }, color: GREEN_, points: &d.running }, Line { label: if d.kube { "not ready" } else { "pending" }, color: ORANGE_, points: &d.pending }], vec![], 1.0, 1.0, ""),
                (vec![Line { label: "requests/s", color: BLUE_, points: &d.requests }, Line { label: "5xx/s", color: RED_, points: &d.errors }], vec![], 1.0, 0.0, ""),
                (vec![Line { label: "p95", color: PURPLE_, points: &d.p95 }], vec![], 10.0, 0.0, " ms"),
                (vec![Line { label: "cluster $/hour", color: GREEN_, points: &d.cost }], vec![], 0.01, 0.0, ""),
            ];
            for (canvas, (lines, hlines, min_top, min_step, unit)) in canvases.iter().zip(specs.iter()) {
                if let Some(c) = canvas {
                    if let Err(e) = draw(c, now, lines, hlines, *min_top, *min_step, unit) {
                        web_sys::console::warn_1(&format!("chart: {e}").into());
                    }
                }
            }
            || ()
        });
    }

    let on_service = {
        let cb = props.on_select.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                cb.emit(s.value());
            }
        })
    };
    let on_preset = {
        let preset = preset.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                preset.set(s.value());
            }
        })
    };
    let current = if d.kube {
        d.requests.last().map_or(0.0, |p| p.1)
    } else {
        props.snapshot.services.iter().find(|s| s.name == d.service).and_then(|s| s.load.as_ref()).map_or(0.0, |l| l.offered_rps)
    };
    let rps = slider_value(chosen.as_ref(), &d.service, current);
    let on_rps = {
        let chosen = chosen.clone();
        let service = d.service.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                if let Ok(v) = i.value().parse::<u32>() {
                    chosen.set(Some((service.clone(), v.min(MAX_SLIDER_RPS))));
                }
            }
        })
    };
    let send = {
        let cb = props.on_command.clone();
        let service = d.service.clone();
        let now = props.snapshot.time_ms;
        let preset = (*preset).clone();
        move |preset_now: Option<&str>, rps: u32| {
            if !service.is_empty() {
                let p = preset_now.unwrap_or(&preset);
                let load = preset_load(p, rps as f64, current, now);
                if service.contains('/') {
                    cb.emit(crate::shell::forms::deployment_load(&service, &load));
                } else {
                    cb.emit(Command::SetTraffic { service: service.clone(), load });
                }
            }
        }
    };
    // Releasing the slider (or its arrow keys) applies a constant load at once. The value is
    // read from the slider: its `change` comes before the re-render of its `input`.
    let on_rps_change = {
        let send = send.clone();
        let constant = *preset == "constant";
        let chosen = chosen.clone();
        let service = d.service.clone();
        Callback::from(move |e: Event| {
            let Some(v) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).and_then(|i| i.value().parse::<u32>().ok()) else { return };
            let v = v.min(MAX_SLIDER_RPS);
            chosen.set(Some((service.clone(), v)));
            if constant {
                send(Some("constant"), v);
            }
        })
    };
    let on_apply = {
        Callback::from(move |_: MouseEvent| send(None, rps))
    };

    let summary_text = summary(&props.snapshot, &d);
    let titles = if d.kube {
        [
            ("CPU and memory utilisation (of requests)", "CPU and memory in use over the Ready pods' requests at each minute, percent, with the HPA's CPU target as a flat line"),
            ("Pods", "Desired, ready and not-ready pod counts of the Deployment at the end of each minute"),
            ("Requests and 5xx per second", "Requests per second sent to the Deployment's Ready pods and 5xx responses per second (beyond the pods' capacity at their CPU limit, or the app's own errors), at each minute"),
            ("p95 latency", "95th percentile response time of the Deployment's Ready pods at each minute, milliseconds (the ECS services' queueing model, with each pod's CPU limit as its CPU)"),
            ("Hourly cost", "What the whole cluster costs per hour, dollars"),
        ]
    } else {
        [
            ("CPU and memory utilisation", "Per-minute CPU and memory utilisation of the service, percent, with the target-tracking targets as flat lines"),
            ("Tasks", "Desired, running and pending task counts at the end of each minute"),
            ("Requests and 5xx per second", "Requests per second arriving and 5xx responses per second, per-minute averages"),
            ("p95 latency", "95th percentile response time per minute, milliseconds"),
            ("Hourly cost", "What the whole cluster costs per hour, dollars"),
        ]
    };
    let selector = selector_label(&props.services);
    let load_on = if d.kube { format!("Load on Deployment {}", d.service) } else { format!("Load on {}", d.service) };
    let hint = if d.kube {
        "A constant load applies when you release the slider (as kubectl set load deployment/… --rps=N). The Deployment's Ready pods share it evenly; the HPA sees their CPU. Loads are recorded like any other action: time travel and share links replay them."
    } else {
        "A constant load applies when you release the slider. Loads are recorded like any other action: time travel and share links replay them."
    };
    html! {
        <section class="charts" data-testid="charts" aria-label="Charts">
            <div class="charts-controls">
                <label>{format!("{} ", selector)}
                    <select data-testid="charts-service" onchange={on_service}>
                        { for props.services.iter().map(|s| html! { <option value={s.clone()} selected={*s == d.service}>{option_text(s, selector)}</option> }) }
                    </select>
                </label>
            </div>
            <fieldset class="traffic-control" data-testid="traffic-control">
                <legend>{load_on}</legend>
                <label class="rps">
                    <span>{"Requests/s "}<output data-testid="rps-value">{rps}</output></span>
                    <input type="range" min="0" max={MAX_SLIDER_RPS.to_string()} step="10" value={rps.to_string()} data-testid="rps-slider"
                        aria-valuetext={format!("{rps} requests per second")} oninput={on_rps} onchange={on_rps_change} />
                </label>
                <label>{"Shape "}
                    <select data-testid="load-preset" onchange={on_preset}>
                        { for PRESETS.iter().map(|(v, l)| html! { <option value={*v} selected={*preset == *v}>{*l}</option> }) }
                    </select>
                </label>
                <button data-testid="apply-load" onclick={on_apply}>{"Apply load"}</button>
                <p class="hint">{hint}</p>
            </fieldset>
            <p class="charts-summary" data-testid="charts-summary" role="status" aria-live="off">{summary_text}</p>
            <div class="chart-grid">
                { for refs.iter().zip(titles.iter()).enumerate().map(|(i, (r, (title, desc)))| html! {
                    <figure class="chart">
                        <figcaption>{*title}</figcaption>
                        <canvas ref={r.clone()} width="440" height="170" role="img" aria-label={*desc} data-testid={format!("chart-{i}")}></canvas>
                    </figure>
                }) }
            </div>
            <p class="hint" data-testid="charts-first-minute" hidden={d.now >= 60_000}>{"The charts get one point per virtual minute: the first appears at 00:01:00."}</p>
            <p class="charts-axis" data-testid="charts-axis">{format!("Time axis: 00:00 to {} (virtual).", crate::engine::time::Clock(d.now - d.now % 1000))}</p>
        </section>
    }
}
