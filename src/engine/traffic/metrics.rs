//! CloudWatch-like metrics and alarms.
//!
//! Every metric is a series of one-minute datapoints (`t` = the end of the minute), named
//! `<scope>/<MetricName>` where the scope is a service name or `cluster` (for example
//! `web/CPUUtilization`, `cluster/MemoryReservation`). Series keep the last 24 hours.
//!
//! Alarms follow CloudWatch's "M out of N" rule ("Evaluating an alarm", CloudWatch User Guide):
//! every `period` the alarm takes the statistic of the minute datapoints in that period, looks at
//! the last `evaluationPeriods` of those, and goes to ALARM when at least `datapointsToAlarm` of
//! them breach the threshold. Missing data is treated as missing: with no datapoints at all in
//! the window the alarm is INSUFFICIENT_DATA; otherwise, with fewer breaching than needed, OK.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::engine::time::{parse_duration, Millis, MINUTE};

/// Minute datapoints kept per series (24 hours).
pub const KEEP_POINTS: usize = 24 * 60;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricStore {
    series: BTreeMap<String, VecDeque<(Millis, f64)>>,
    /// The next minute boundary `Engine::record_minute_metrics_through` has not recorded
    /// (0 = the first, one minute in).
    cost_next: Millis,
}

/// The whole scenario's cost rate, dollars per hour (`cost.rs`), one datapoint a minute.
pub const HOURLY_COST: &str = "cluster/HourlyCost";

impl MetricStore {
    pub fn put(&mut self, name: &str, t: Millis, v: f64) {
        let s = self.series.entry(name.to_string()).or_default();
        if s.len() >= KEEP_POINTS {
            s.pop_front();
        }
        s.push_back((t, v));
    }
    pub fn series(&self, name: &str) -> impl Iterator<Item = (Millis, f64)> + '_ {
        self.series.get(name).into_iter().flat_map(|s| s.iter().copied())
    }
    pub fn latest(&self, name: &str) -> Option<(Millis, f64)> {
        self.series.get(name).and_then(|s| s.back().copied())
    }
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.series.keys().map(String::as_str)
    }
    /// Datapoints with `from < t ≤ to`.
    pub fn window(&self, name: &str, from: Millis, to: Millis) -> Vec<f64> {
        self.series(name).filter(|(t, _)| *t > from && *t <= to).map(|(_, v)| v).collect()
    }
}

impl crate::engine::sim::Engine {
    /// The minute metrics every scenario has, with or without traffic, for every minute boundary
    /// up to and including `limit` that has none yet: `cluster/HourlyCost`, each service's
    /// task counts and each Kubernetes Deployment's replicas (`k8s/metrics.rs`), all as the
    /// cluster is now. The engine calls this with `limit` = just before
    /// the time of a step it is about to run (nothing has changed since the previous step, so
    /// the state now is the state at those boundaries, with everything that happened at them),
    /// at the end of `run_until` and before a command applied directly. The figures are worked
    /// out once per call that records something, so a run that steps many times a minute pays
    /// for them once a minute, and a replay of the same run records the same datapoints however
    /// it is cut into pieces. With traffic, the traffic tick calls it at its minute boundary
    /// (so that tick's alarms see the minute); a series with a datapoint at a boundary already
    /// is left alone.
    pub(crate) fn record_minute_metrics_through(&mut self, limit: Millis) {
        let next = self.traffic.metrics.cost_next.max(MINUTE);
        if next > limit {
            return;
        }
        // Nothing changes between two steps: the rate, the task counts and the Deployments'
        // replicas are worked out once for all the boundaries this call records; only the
        // Kubernetes load (a function of time) is read at each.
        let rate = self.hourly_rate();
        let rows = self.task_count_rows();
        let kube = self.k_minute_state();
        let mut t = next;
        // Past the retention window nothing would be kept anyway.
        let oldest = limit.saturating_sub(KEEP_POINTS as Millis * MINUTE);
        if t <= oldest {
            t = (oldest / MINUTE + 1) * MINUTE;
        }
        while t <= limit {
            let m = &mut self.traffic.metrics;
            if m.latest(HOURLY_COST).is_none_or(|(x, _)| x < t) {
                m.put(HOURLY_COST, t, rate);
            }
            self.put_task_counts(t, &rows);
            self.k_publish_minute(t, &kube);
            t += MINUTE;
        }
        self.traffic.metrics.cost_next = t;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparison {
    GreaterThanThreshold,
    GreaterThanOrEqualToThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
}

impl Comparison {
    pub fn breaches(self, v: f64, threshold: f64) -> bool {
        match self {
            Comparison::GreaterThanThreshold => v > threshold,
            Comparison::GreaterThanOrEqualToThreshold => v >= threshold,
            Comparison::LessThanThreshold => v < threshold,
            Comparison::LessThanOrEqualToThreshold => v <= threshold,
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::GreaterThanThreshold => ">",
            Comparison::GreaterThanOrEqualToThreshold => "≥",
            Comparison::LessThanThreshold => "<",
            Comparison::LessThanOrEqualToThreshold => "≤",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Statistic {
    #[default]
    Average,
    Sum,
    Maximum,
    Minimum,
}

/// An alarm as written in a scenario (`alarms: [...]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AlarmSpec {
    pub name: String,
    /// `CPUUtilization`, `RequestCountPerTarget`, ... (see docs/traffic.md).
    pub metric: String,
    /// The service the metric belongs to; omitted for cluster metrics.
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub statistic: Statistic,
    pub comparison: Comparison,
    pub threshold: f64,
    /// A multiple of one minute; default `1m`.
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default = "one")]
    pub evaluation_periods: u32,
    /// Default: `evaluationPeriods`.
    #[serde(default)]
    pub datapoints_to_alarm: Option<u32>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlarmState {
    Ok,
    Alarm,
    InsufficientData,
}

impl AlarmState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alarm {
    pub name: String,
    /// The series it watches (`web/CPUUtilization`).
    pub series: String,
    pub statistic: Statistic,
    pub comparison: Comparison,
    pub threshold: f64,
    pub period_ms: Millis,
    pub evaluation_periods: u32,
    pub datapoints_to_alarm: u32,
    pub state: AlarmState,
    /// The period values of the last evaluation, oldest first (`None` = missing).
    pub last_values: Vec<Option<f64>>,
}

impl AlarmSpec {
    pub fn resolve(&self) -> Result<Alarm, String> {
        let period_ms = self.period.as_deref().map(parse_duration).transpose().map_err(|e| format!("period: {e}"))?.unwrap_or(MINUTE);
        if period_ms == 0 || period_ms % MINUTE != 0 {
            return Err(format!("period must be a whole number of minutes (datapoints are one minute); got {}", crate::engine::time::Clock(period_ms)));
        }
        if self.evaluation_periods == 0 {
            return Err("evaluationPeriods must be at least 1".into());
        }
        // PutMetricAlarm: "An alarm's total current evaluation period can be no longer than one
        // day, so this number multiplied by Period cannot be more than 86,400 seconds."
        if u64::from(self.evaluation_periods).saturating_mul(period_ms) > 24 * crate::engine::time::HOUR {
            return Err(format!(
                "evaluationPeriods × period must be at most one day (86,400 s); got {} × {} s",
                self.evaluation_periods,
                period_ms / 1000
            ));
        }
        let m = self.datapoints_to_alarm.unwrap_or(self.evaluation_periods);
        if m == 0 || m > self.evaluation_periods {
            return Err(format!("datapointsToAlarm must be between 1 and evaluationPeriods ({}); got {m}", self.evaluation_periods));
        }
        if !self.threshold.is_finite() {
            return Err("threshold must be a number".into());
        }
        let scope = self.service.as_deref().unwrap_or("cluster");
        // `HourlyCost`, or the full series name `cluster/HourlyCost` / `cp-web/CapacityProviderReservation`
        // as docs/traffic.md writes them (a name with a scope is taken as it is).
        let series = match self.metric.split_once('/') {
            None => format!("{scope}/{}", self.metric),
            Some((prefix, _)) if self.service.is_none() || prefix == scope => self.metric.clone(),
            Some((prefix, rest)) => {
                return Err(format!("metric {:?} belongs to {prefix:?}, not to the alarm's service {scope:?}; write \"{rest}\"", self.metric));
            }
        };
        Ok(Alarm {
            name: self.name.clone(),
            series,
            statistic: self.statistic,
            comparison: self.comparison,
            threshold: self.threshold,
            period_ms,
            evaluation_periods: self.evaluation_periods,
            datapoints_to_alarm: m,
            state: AlarmState::InsufficientData,
            last_values: Vec::new(),
        })
    }
}

impl Alarm {
    /// Is `now` the end of one of this alarm's periods?
    pub fn due(&self, now: Millis) -> bool {
        now > 0 && now % self.period_ms == 0
    }

    /// Evaluate at the end of a period; returns the new state if it changed.
    pub fn evaluate(&mut self, store: &MetricStore, now: Millis) -> Option<AlarmState> {
        let mut values = Vec::with_capacity(self.evaluation_periods as usize);
        for k in (0..self.evaluation_periods as u64).rev() {
            let end = now.saturating_sub(k * self.period_ms);
            let start = end.saturating_sub(self.period_ms);
            let pts = store.window(&self.series, start, end);
            values.push(aggregate(self.statistic, &pts));
        }
        let breaching = values.iter().flatten().filter(|v| self.comparison.breaches(**v, self.threshold)).count() as u32;
        let available = values.iter().flatten().count();
        let state = if breaching >= self.datapoints_to_alarm {
            AlarmState::Alarm
        } else if available == 0 {
            AlarmState::InsufficientData
        } else {
            AlarmState::Ok
        };
        self.last_values = values;
        if state != self.state {
            self.state = state;
            Some(state)
        } else {
            None
        }
    }

    /// The newest period value.
    pub fn latest(&self) -> Option<f64> {
        self.last_values.last().copied().flatten()
    }
}

pub fn aggregate(stat: Statistic, pts: &[f64]) -> Option<f64> {
    if pts.is_empty() {
        return None;
    }
    Some(match stat {
        Statistic::Average => pts.iter().sum::<f64>() / pts.len() as f64,
        Statistic::Sum => pts.iter().sum(),
        Statistic::Maximum => pts.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Statistic::Minimum => pts.iter().copied().fold(f64::INFINITY, f64::min),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alarm(m: u32, n: u32) -> Alarm {
        AlarmSpec {
            name: "cpu-high".into(),
            metric: "CPUUtilization".into(),
            service: Some("web".into()),
            statistic: Statistic::Average,
            comparison: Comparison::GreaterThanThreshold,
            threshold: 70.0,
            period: None,
            evaluation_periods: n,
            datapoints_to_alarm: Some(m),
        }
        .resolve()
        .unwrap()
    }

    #[test]
    fn evaluation_periods_span_at_most_one_day() {
        let spec = |n: u32, period: &str| AlarmSpec {
            name: "a".into(),
            metric: "HourlyCost".into(),
            service: None,
            statistic: Statistic::Average,
            comparison: Comparison::GreaterThanThreshold,
            threshold: 1.0,
            period: Some(period.into()),
            evaluation_periods: n,
            datapoints_to_alarm: None,
        };
        assert!(spec(1440, "1m").resolve().is_ok());
        assert!(spec(24, "1h").resolve().is_ok());
        assert_eq!(spec(1441, "1m").resolve().map(|_| ()), Err("evaluationPeriods × period must be at most one day (86,400 s); got 1441 × 60 s".into()));
        // 2^32 − 1 periods used to allocate 64 GiB at every evaluation.
        assert!(spec(u32::MAX, "1m").resolve().is_err());
    }

    #[test]
    fn m_out_of_n() {
        let mut store = MetricStore::default();
        let mut a = alarm(2, 3);
        assert_eq!(a.evaluate(&store, MINUTE), None, "no data: stays INSUFFICIENT_DATA");
        assert_eq!(a.state, AlarmState::InsufficientData);
        for (i, v) in [50.0, 80.0, 60.0, 90.0].iter().enumerate() {
            store.put("web/CPUUtilization", (i as u64 + 1) * MINUTE, *v);
        }
        assert_eq!(a.evaluate(&store, 2 * MINUTE), Some(AlarmState::Ok), "[50, 80]: one breach of two needed");
        assert_eq!(a.evaluate(&store, 3 * MINUTE), None, "[50, 80, 60]: still one");
        assert_eq!(a.evaluate(&store, 4 * MINUTE), Some(AlarmState::Alarm), "[80, 60, 90]: two of three");
        assert_eq!(a.last_values, vec![Some(80.0), Some(60.0), Some(90.0)]);
    }

    #[test]
    fn longer_periods_aggregate_minutes() {
        let mut store = MetricStore::default();
        let mut a = AlarmSpec { period: Some("5m".into()), evaluation_periods: 1, datapoints_to_alarm: None, statistic: Statistic::Maximum, ..serde_json::from_str(r#"{"name":"x","metric":"CPUUtilization","service":"web","comparison":"GreaterThanThreshold","threshold":70}"#).unwrap() }.resolve().unwrap();
        for i in 1..=5 {
            store.put("web/CPUUtilization", i * MINUTE, if i == 3 { 75.0 } else { 10.0 });
        }
        assert!(!a.due(4 * MINUTE) && a.due(5 * MINUTE));
        assert_eq!(a.evaluate(&store, 5 * MINUTE), Some(AlarmState::Alarm));
    }

    #[test]
    fn invalid_alarms() {
        let base: AlarmSpec = serde_json::from_str(r#"{"name":"x","metric":"CPUUtilization","comparison":"LessThanThreshold","threshold":30,"evaluationPeriods":3}"#).unwrap();
        assert_eq!(AlarmSpec { period: Some("90s".into()), ..base.clone() }.resolve().unwrap_err(), "period must be a whole number of minutes (datapoints are one minute); got 00:01:30");
        assert_eq!(AlarmSpec { datapoints_to_alarm: Some(4), ..base.clone() }.resolve().unwrap_err(), "datapointsToAlarm must be between 1 and evaluationPeriods (3); got 4");
        assert_eq!(base.resolve().unwrap().series, "cluster/CPUUtilization");
        // A full series name is taken as written, never prefixed twice.
        assert_eq!(AlarmSpec { metric: "cluster/HourlyCost".into(), ..base.clone() }.resolve().unwrap().series, "cluster/HourlyCost");
        assert_eq!(AlarmSpec { metric: "cp-web/CapacityProviderReservation".into(), ..base.clone() }.resolve().unwrap().series, "cp-web/CapacityProviderReservation");
        let web = AlarmSpec { service: Some("web".into()), ..base.clone() };
        assert_eq!(AlarmSpec { metric: "web/CPUUtilization".into(), ..web.clone() }.resolve().unwrap().series, "web/CPUUtilization");
        assert_eq!(
            AlarmSpec { metric: "api/CPUUtilization".into(), ..web }.resolve().unwrap_err(),
            "metric \"api/CPUUtilization\" belongs to \"api\", not to the alarm's service \"web\"; write \"CPUUtilization\""
        );
    }

    #[test]
    fn series_are_bounded() {
        let mut s = MetricStore::default();
        for i in 0..(KEEP_POINTS as u64 + 10) {
            s.put("a", i * MINUTE, i as f64);
        }
        assert_eq!(s.series("a").count(), KEEP_POINTS);
        assert_eq!(s.series("a").next(), Some((10 * MINUTE, 10.0)));
    }
}
