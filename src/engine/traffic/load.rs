//! Load generators: requests per second as a function of virtual time.
//!
//! As written in a scenario (`traffic: [{"service": "web", "shape": "ramp", ...}]`) and resolved
//! into [`Load`], whose [`Load::rps_at`] is a pure function of time. Shapes:
//! `constant`, `step` (a list of `[at, rps]`), `ramp` (linear `from` → `to` over `duration`
//! starting at `start`, then holding), `sine` (a daily-style wave: `mean + amplitude ×
//! sin(2π (t − peakAt)/period + π/2)`, peaking at `peakAt`), `spike` (`base`, rising to `peak`
//! at `at` for `duration`), and `series` (recorded values, one per `interval`, held; the last
//! value holds after the series ends).

use serde::{Deserialize, Serialize};

use crate::engine::time::{parse_duration, Millis};

/// Most requests per second one generator may ask for.
pub const MAX_RPS: f64 = 10_000_000.0;
/// Most points in a recorded series or a step list.
pub const MAX_POINTS: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shape", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum LoadSpec {
    Constant { rps: f64 },
    Step { steps: Vec<(String, f64)> },
    Ramp {
        from: f64,
        to: f64,
        #[serde(default)]
        start: Option<String>,
        duration: String,
    },
    Sine {
        mean: f64,
        amplitude: f64,
        #[serde(default)]
        period: Option<String>,
        #[serde(default)]
        peak_at: Option<String>,
    },
    Spike { base: f64, peak: f64, at: String, duration: String },
    Series { interval: String, values: Vec<f64> },
}

/// Resolved: durations in ms, checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "shape", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Load {
    Constant { rps: f64 },
    Step { steps: Vec<(Millis, f64)> },
    Ramp { from: f64, to: f64, start: Millis, duration: Millis },
    Sine { mean: f64, amplitude: f64, period: Millis, peak_at: Millis },
    Spike { base: f64, peak: f64, at: Millis, duration: Millis },
    Series { interval: Millis, values: Vec<f64> },
}

fn rate(name: &str, v: f64) -> Result<f64, String> {
    if !v.is_finite() || v < 0.0 {
        return Err(format!("{name} must be a number of requests per second, 0 or more; got {v}"));
    }
    if v > MAX_RPS {
        return Err(format!("{name} {v} is above the limit of {MAX_RPS} requests per second"));
    }
    Ok(v)
}

fn dur(name: &str, v: &str) -> Result<Millis, String> {
    parse_duration(v).map_err(|e| format!("{name}: {e}"))
}

impl LoadSpec {
    pub fn resolve(&self) -> Result<Load, String> {
        Ok(match self {
            LoadSpec::Constant { rps } => Load::Constant { rps: rate("rps", *rps)? },
            LoadSpec::Step { steps } => {
                if steps.is_empty() || steps.len() > MAX_POINTS {
                    return Err(format!("steps needs 1 to {MAX_POINTS} [time, rps] pairs; got {}", steps.len()));
                }
                let mut out = Vec::with_capacity(steps.len());
                for (i, (at, rps)) in steps.iter().enumerate() {
                    let at = dur(&format!("steps[{i}] time"), at)?;
                    if out.last().is_some_and(|(prev, _)| *prev >= at) {
                        return Err(format!("steps[{i}]: times must increase; {} is not after the previous step", crate::engine::time::Clock(at)));
                    }
                    out.push((at, rate(&format!("steps[{i}] rps"), *rps)?));
                }
                Load::Step { steps: out }
            }
            LoadSpec::Ramp { from, to, start, duration } => Load::Ramp {
                from: rate("from", *from)?,
                to: rate("to", *to)?,
                start: start.as_deref().map(|s| dur("start", s)).transpose()?.unwrap_or(0),
                duration: dur("duration", duration)?,
            },
            LoadSpec::Sine { mean, amplitude, period, peak_at } => {
                let mean = rate("mean", *mean)?;
                let amplitude = rate("amplitude", *amplitude)?;
                if amplitude > mean {
                    return Err(format!("amplitude {amplitude} is larger than mean {mean}: the rate would go below 0"));
                }
                let period = period.as_deref().map(|p| dur("period", p)).transpose()?.unwrap_or(24 * crate::engine::time::HOUR);
                if period == 0 {
                    return Err("period must be longer than 0".into());
                }
                Load::Sine { mean, amplitude, period, peak_at: peak_at.as_deref().map(|p| dur("peakAt", p)).transpose()?.unwrap_or(0) }
            }
            LoadSpec::Spike { base, peak, at, duration } => Load::Spike { base: rate("base", *base)?, peak: rate("peak", *peak)?, at: dur("at", at)?, duration: dur("duration", duration)? },
            LoadSpec::Series { interval, values } => {
                let interval = dur("interval", interval)?;
                if interval == 0 {
                    return Err("interval must be longer than 0".into());
                }
                if values.is_empty() || values.len() > MAX_POINTS {
                    return Err(format!("values needs 1 to {MAX_POINTS} numbers; got {}", values.len()));
                }
                for (i, v) in values.iter().enumerate() {
                    rate(&format!("values[{i}]"), *v)?;
                }
                Load::Series { interval, values: values.clone() }
            }
        })
    }
}

impl Load {
    /// Requests per second at virtual time `t`.
    pub fn rps_at(&self, t: Millis) -> f64 {
        match self {
            Load::Constant { rps } => *rps,
            Load::Step { steps } => steps.iter().take_while(|(at, _)| *at <= t).last().map(|(_, r)| *r).unwrap_or(0.0),
            Load::Ramp { from, to, start, duration } => {
                if t <= *start {
                    *from
                } else if *duration == 0 || t >= start + duration {
                    *to
                } else {
                    from + (to - from) * ((t - start) as f64 / *duration as f64)
                }
            }
            Load::Sine { mean, amplitude, period, peak_at } => {
                // Phase in [0, 1) from the peak, in integer ms so long runs stay exact.
                let phase = ((t as i128 - *peak_at as i128).rem_euclid(*period as i128)) as f64 / *period as f64;
                let v = mean + amplitude * crate::engine::detmath::sin(2.0 * std::f64::consts::PI * phase + std::f64::consts::FRAC_PI_2);
                v.max(0.0)
            }
            Load::Spike { base, peak, at, duration } => {
                if t >= *at && t < at.saturating_add(*duration) {
                    *peak
                } else {
                    *base
                }
            }
            Load::Series { interval, values } => {
                let i = (t / interval) as usize;
                values.get(i).or(values.last()).copied().unwrap_or(0.0)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{HOUR, MINUTE, SECOND};

    fn load(json: &str) -> Result<Load, String> {
        serde_json::from_str::<LoadSpec>(json).map_err(|e| e.to_string())?.resolve()
    }

    #[test]
    fn shapes() {
        let c = load(r#"{"shape":"constant","rps":250}"#).unwrap();
        assert_eq!(c.rps_at(0), 250.0);
        let s = load(r#"{"shape":"step","steps":[["0s",100],["10m",800]]}"#).unwrap();
        assert_eq!((s.rps_at(0), s.rps_at(10 * MINUTE - 1), s.rps_at(10 * MINUTE)), (100.0, 100.0, 800.0));
        let r = load(r#"{"shape":"ramp","from":100,"to":1100,"start":"5m","duration":"10m"}"#).unwrap();
        assert_eq!((r.rps_at(0), r.rps_at(5 * MINUTE), r.rps_at(10 * MINUTE), r.rps_at(15 * MINUTE), r.rps_at(HOUR)), (100.0, 100.0, 600.0, 1100.0, 1100.0));
        let w = load(r#"{"shape":"sine","mean":500,"amplitude":300,"peakAt":"14h"}"#).unwrap();
        assert!((w.rps_at(14 * HOUR) - 800.0).abs() < 1e-9);
        assert!((w.rps_at(2 * HOUR) - 200.0).abs() < 1e-9);
        assert!((w.rps_at(8 * HOUR) - 500.0).abs() < 1e-9);
        let k = load(r#"{"shape":"spike","base":100,"peak":2000,"at":"10m","duration":"2m"}"#).unwrap();
        assert_eq!((k.rps_at(10 * MINUTE - 1), k.rps_at(10 * MINUTE), k.rps_at(12 * MINUTE - 1), k.rps_at(12 * MINUTE)), (100.0, 2000.0, 2000.0, 100.0));
        let v = load(r#"{"shape":"series","interval":"1m","values":[10,20,30]}"#).unwrap();
        assert_eq!((v.rps_at(0), v.rps_at(61 * SECOND), v.rps_at(2 * MINUTE), v.rps_at(HOUR)), (10.0, 20.0, 30.0, 30.0));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(load(r#"{"shape":"constant","rps":-5}"#).unwrap_err(), "rps must be a number of requests per second, 0 or more; got -5");
        assert_eq!(load(r#"{"shape":"step","steps":[["10m",1],["5m",2]]}"#).unwrap_err(), "steps[1]: times must increase; 00:05:00 is not after the previous step");
        assert_eq!(load(r#"{"shape":"sine","mean":100,"amplitude":300}"#).unwrap_err(), "amplitude 300 is larger than mean 100: the rate would go below 0");
        assert_eq!(load(r#"{"shape":"ramp","from":1,"to":2,"duration":"ten"}"#).unwrap_err(), "duration: duration \"ten\": expected a number before \"ten\"; write e.g. 30s, 10m or 1h30m");
        assert!(load(r#"{"shape":"wave","rps":1}"#).unwrap_err().contains("unknown variant `wave`"));
    }
}
