//! **Scheduled scaling** expressions: `at(...)`, `rate(...)`, `cron(...)`, parsed with positioned
//! errors, and the next fire time after a given instant.
//!
//! Source: Application Auto Scaling API reference, `PutScheduledAction`, `Schedule`
//! (<https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html>)
//! and "Scheduled scaling for Application Auto Scaling" / the cron reference it links
//! (<https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html>):
//! * `at(yyyy-mm-ddThh:mm:ss)`, one time;
//! * `rate(value unit)`, unit `minute(s)`, `hour(s)`, `day(s)`; "If the value is 1, the unit is
//!   singular";
//! * `cron(Minutes Hours Day-of-month Month Day-of-week Year)`: minutes 0–59, hours 0–23,
//!   day-of-month 1–31, month 1–12 or JAN–DEC, day-of-week 1–7 or SUN–SAT (1 = Sunday), year
//!   1970–2199; wildcards `,` `-` `*` `/` everywhere, `?` in day-of-month / day-of-week, `L` in
//!   day-of-month (last day); one of day-of-month and day-of-week must be `?`.
//!   `W`, `#` and `L` in day-of-week are recognised but reported as not supported by Berth.
//! * Times are UTC (the action's `Timezone` is not simulated). Berth reads virtual time as
//!   milliseconds since 1970-01-01T00:00:00Z; a scenario chooses where its time 0 sits.
//!
//! When an action runs, the scalable target's min/max change and the current capacity is moved
//! inside the new range ([`apply_action`]): "If the current capacity is below the new minimum
//! capacity, Application Auto Scaling scales out to the new minimum ...; above the new maximum,
//! scales in to the new maximum".

use crate::engine::time::{Millis, MINUTE};

const DAY_MS: Millis = 24 * 60 * MINUTE;
const MIN_YEAR: i64 = 1970;
const MAX_YEAR: i64 = 2199;

/// A parse error: 1-based column (in characters) of the offending text and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError {
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

fn err<T>(column: usize, message: impl Into<String>) -> Result<T, ScheduleError> {
    Err(ScheduleError { column, message: message.into() })
}

/// A cron field as a bit set over its range, plus the `?` and `L` markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    bits: u64,
    pub any: bool,
    pub question: bool,
    pub last: bool,
}

impl Field {
    fn has(&self, v: u32) -> bool {
        v < 64 && self.bits & (1u64 << v) != 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    pub minutes: Field,
    pub hours: Field,
    pub days_of_month: Field,
    pub months: Field,
    pub days_of_week: Field,
    /// Allowed years as a bit set of `year − 1970` (0..=229).
    years: Vec<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    At(Millis),
    Rate(Millis),
    Cron(Box<Cron>),
}

pub use crate::engine::time::{civil_from_days, days_from_civil};

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `yyyy-mm-ddThh:mm:ss` → milliseconds since the epoch; `col` is the column of the text.
fn parse_timestamp(text: &str, col: usize) -> Result<Millis, ScheduleError> {
    let b = text.as_bytes();
    let shape_ok = b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        return err(col, format!("expected a time like 2026-11-22T09:00:00; got {text:?}"));
    }
    let num = |a: usize, z: usize| text[a..z].parse::<u32>().unwrap_or(0);
    let (y, mo, d, h, mi, s) = (num(0, 4) as i64, num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19));
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return err(col, format!("year {y} is outside 1970–2199"));
    }
    if !(1..=12).contains(&mo) {
        return err(col + 5, format!("month {mo} is outside 1–12"));
    }
    if d < 1 || d > days_in_month(y, mo) {
        return err(col + 8, format!("day {d} does not exist in {y}-{mo:02}"));
    }
    if h > 23 || mi > 59 || s > 59 {
        return err(col + 11, format!("time {:?} is not a valid hh:mm:ss", &text[11..]));
    }
    let days = days_from_civil(y, mo, d) as Millis;
    Ok(days * DAY_MS + (h as Millis * 3600 + mi as Millis * 60 + s as Millis) * 1000)
}

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

#[derive(Clone, Copy)]
struct Spec {
    name: &'static str,
    lo: u32,
    hi: u32,
    names: &'static [&'static str],
    question: bool,
    last: bool,
}

fn value(tok: &str, spec: &Spec, col: usize) -> Result<u32, ScheduleError> {
    let v = if let Some(i) = spec.names.iter().position(|n| n.eq_ignore_ascii_case(tok)) {
        spec.lo + i as u32
    } else if !tok.is_empty() && tok.bytes().all(|c| c.is_ascii_digit()) {
        tok.parse::<u32>().unwrap_or(u32::MAX)
    } else {
        let names = if spec.names.is_empty() { String::new() } else { format!(" or {}–{}", spec.names[0], spec.names[spec.names.len() - 1]) };
        return err(col, format!("{}: expected a number {}–{}{names}; got {tok:?}", spec.name, spec.lo, spec.hi));
    };
    if v < spec.lo || v > spec.hi {
        return err(col, format!("{}: {v} is outside {}–{}", spec.name, spec.lo, spec.hi));
    }
    Ok(v)
}

/// Parse one cron field starting at column `col`. Years use bit `year − 1970` through `years`.
fn parse_field(text: &str, spec: &Spec, col: usize, years: &mut [bool]) -> Result<Field, ScheduleError> {
    let mut f = Field { bits: 0, any: false, question: false, last: false };
    if text == "?" {
        if !spec.question {
            return err(col, format!("{}: '?' is only allowed in day-of-month and day-of-week", spec.name));
        }
        f.question = true;
        return Ok(f);
    }
    let mut offset = 0;
    for item in text.split(',') {
        let c = col + offset;
        offset += item.chars().count() + 1;
        if item.is_empty() {
            return err(c, format!("{}: empty list item", spec.name));
        }
        if let Some(bad) = item.find(['W', '#']) {
            return err(c + item[..bad].chars().count(), format!("{}: '{}' is valid in AWS cron but not supported by Berth", spec.name, &item[bad..bad + 1]));
        }
        if item == "?" {
            return err(c, format!("{}: '?' must stand alone", spec.name));
        }
        let numbered_last = item.len() > 1 && item.ends_with('L') && item[..item.len() - 1].bytes().all(|b| b.is_ascii_digit());
        if item == "L" || numbered_last {
            if !spec.last || item != "L" {
                return err(c, format!("{}: 'L' is supported only as the whole day-of-month field (last day of the month)", spec.name));
            }
            if text != "L" {
                return err(c, format!("{}: 'L' must stand alone", spec.name));
            }
            f.last = true;
            return Ok(f);
        }
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => {
                let sc = c + r.chars().count() + 1;
                let n = match s.parse::<u32>() {
                    _ if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) => 0,
                    Ok(n) => n,
                    Err(_) => return err(sc, format!("{}: the step after '/' is too large: {s}", spec.name)),
                };
                if n == 0 {
                    return err(sc, format!("{}: the step after '/' must be a positive number; got {s:?}", spec.name));
                }
                (r, Some(n))
            }
            None => (item, None),
        };
        let (lo, hi) = if range == "*" {
            if step.is_none() {
                f.any = true;
            }
            (spec.lo, spec.hi)
        } else if let Some((a, b)) = range.split_once('-') {
            let lo = value(a, spec, c)?;
            let hi = value(b, spec, c + a.chars().count() + 1)?;
            if lo > hi {
                return err(c, format!("{}: range {lo}-{hi} runs backwards", spec.name));
            }
            (lo, hi)
        } else {
            let v = value(range, spec, c)?;
            // `5/15` means from 5 to the end in steps of 15.
            (v, if step.is_some() { spec.hi } else { v })
        };
        let mut v = lo;
        while v <= hi {
            if spec.name == "year" {
                years[(v - MIN_YEAR as u32) as usize] = true;
            } else {
                f.bits |= 1u64 << v;
            }
            // A step beyond the field's range (`5/4294967295`) gives just the first value; the
            // addition must not wrap round to the start.
            match v.checked_add(step.unwrap_or(1)) {
                Some(next) => v = next,
                None => break,
            }
        }
    }
    Ok(f)
}

/// Parse `at(...)`, `rate(...)` or `cron(...)`.
pub fn parse(expr: &str) -> Result<Schedule, ScheduleError> {
    let (kind, inner) = match expr.find('(') {
        Some(i) if expr.ends_with(')') => (&expr[..i], &expr[i + 1..expr.len() - 1]),
        Some(_) => return err(expr.chars().count().max(1), "missing ')' at the end of the expression"),
        None => return err(1, "expected at(...), rate(...) or cron(...)"),
    };
    let col = kind.chars().count() + 2; // column of the first character inside the parentheses
    match kind {
        "at" => Ok(Schedule::At(parse_timestamp(inner, col)?)),
        "rate" => {
            let parts: Vec<&str> = inner.split(' ').collect();
            if parts.len() != 2 || parts[0].is_empty() {
                return err(col, format!("rate needs a value and a unit, e.g. rate(5 minutes); got {inner:?}"));
            }
            let n: u64 = match parts[0].parse() {
                Ok(n) if n > 0 => n,
                _ => return err(col, format!("rate value must be a positive whole number; got {:?}", parts[0])),
            };
            let ucol = col + parts[0].chars().count() + 1;
            let (unit, plural) = match parts[1] {
                "minute" => (MINUTE, false),
                "minutes" => (MINUTE, true),
                "hour" => (60 * MINUTE, false),
                "hours" => (60 * MINUTE, true),
                "day" => (DAY_MS, false),
                "days" => (DAY_MS, true),
                u => return err(ucol, format!("unknown rate unit {u:?}; use minute(s), hour(s) or day(s)")),
            };
            if (n == 1) == plural {
                let want = if n == 1 { "singular" } else { "plural" };
                return err(ucol, format!("with a value of {n} the unit must be {want}"));
            }
            Ok(Schedule::Rate(n.saturating_mul(unit)))
        }
        "cron" => {
            let specs = [
                Spec { name: "minutes", lo: 0, hi: 59, names: &[], question: false, last: false },
                Spec { name: "hours", lo: 0, hi: 23, names: &[], question: false, last: false },
                Spec { name: "day-of-month", lo: 1, hi: 31, names: &[], question: true, last: true },
                Spec { name: "month", lo: 1, hi: 12, names: &MONTHS, question: false, last: false },
                Spec { name: "day-of-week", lo: 1, hi: 7, names: &DAYS, question: true, last: false },
                Spec { name: "year", lo: MIN_YEAR as u32, hi: MAX_YEAR as u32, names: &[], question: false, last: false },
            ];
            let parts: Vec<&str> = inner.split(' ').collect();
            if parts.len() != 6 || parts.iter().any(|p| p.is_empty()) {
                return err(col, format!("cron needs 6 fields separated by single spaces (minutes hours day-of-month month day-of-week year); got {}", parts.iter().filter(|p| !p.is_empty()).count()));
            }
            let mut years = vec![false; (MAX_YEAR - MIN_YEAR + 1) as usize];
            let mut fields = Vec::with_capacity(6);
            let mut c = col;
            for (p, spec) in parts.iter().zip(specs.iter()) {
                fields.push(parse_field(p, spec, c, &mut years)?);
                c += p.chars().count() + 1;
            }
            let dom_col = col + parts[0].chars().count() + parts[1].chars().count() + 2;
            if fields[2].question == fields[4].question {
                return err(dom_col, "one of day-of-month and day-of-week must be '?' (and only one)");
            }
            let mut it = fields.into_iter();
            let mut next = || it.next().unwrap_or(Field { bits: 0, any: false, question: false, last: false });
            Ok(Schedule::Cron(Box::new(Cron { minutes: next(), hours: next(), days_of_month: next(), months: next(), days_of_week: next(), years })))
        }
        other => err(1, format!("unknown schedule kind {other:?}; expected at, rate or cron")),
    }
}

impl Cron {
    fn day_matches(&self, y: i64, m: u32, d: u32, days: i64) -> bool {
        let yi = y - MIN_YEAR;
        if yi < 0 || yi as usize >= self.years.len() || !self.years[yi as usize] || !self.months.has(m) {
            return false;
        }
        if self.days_of_month.question {
            let dow = ((days + 4).rem_euclid(7) + 1) as u32; // 1970-01-01 was a Thursday; 1 = Sunday
            self.days_of_week.has(dow)
        } else if self.days_of_month.last {
            d == days_in_month(y, m)
        } else {
            self.days_of_month.has(d)
        }
    }

    /// The first minute of day at or after `from_minute` that matches, if any.
    fn first_minute(&self, from_minute: u32) -> Option<u32> {
        (from_minute..24 * 60).find(|m| self.hours.has(m / 60) && self.minutes.has(m % 60))
    }

    /// The first fire time strictly after `t` (cron fires on whole minutes), or `None` if no time
    /// up to the end of 2199 matches.
    pub fn next_after(&self, t: Millis) -> Option<Millis> {
        let start = t / MINUTE + 1; // next whole minute
        let mut day = (start * MINUTE / DAY_MS) as i64;
        let mut from = (start % (24 * 60)) as u32;
        loop {
            let (y, m, d) = civil_from_days(day);
            if y > MAX_YEAR {
                return None;
            }
            if self.day_matches(y, m, d, day) {
                if let Some(min) = self.first_minute(from) {
                    return Some(day as Millis * DAY_MS + min as Millis * MINUTE);
                }
            }
            day += 1;
            from = 0;
        }
    }
}

impl Schedule {
    /// The first fire time strictly after `t`. `created` is when the action was put (a `rate`
    /// fires at `created + k × rate`, k ≥ 1).
    pub fn next_after(&self, t: Millis, created: Millis) -> Option<Millis> {
        match self {
            Schedule::At(at) => (*at > t).then_some(*at),
            Schedule::Rate(p) => {
                if t < created {
                    return Some(created.saturating_add(*p));
                }
                let k = (t - created) / p + 1;
                Some(created.saturating_add(k.saturating_mul(*p)))
            }
            Schedule::Cron(c) => c.next_after(t),
        }
    }
}

/// Apply a scheduled action's `ScalableTargetAction`: new (min, max) — each optional, keeping the
/// old value — and the current capacity moved inside the new range. Errors if min > max.
pub fn apply_action(old_min: u32, old_max: u32, new_min: Option<u32>, new_max: Option<u32>, current: u32) -> Result<(u32, u32, u32), String> {
    let (min, max) = (new_min.unwrap_or(old_min), new_max.unwrap_or(old_max));
    if min > max {
        return Err(format!("scheduled action would set MinCapacity {min} above MaxCapacity {max}"));
    }
    Ok((min, max, current.clamp(min, max)))
}

/// Format epoch milliseconds as `yyyy-mm-ddThh:mm:ss` (for messages and tests).
pub fn format_timestamp(t: Millis) -> String {
    let (y, m, d) = civil_from_days((t / DAY_MS) as i64);
    let s = (t % DAY_MS) / 1000;
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Millis {
        parse_timestamp(s, 1).unwrap()
    }

    #[test]
    fn calendar_round_trips() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11017);
        for z in [0, 59, 60, 365, 10957, 11016, 11017, 20000, 84000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(format_timestamp(ts("2024-02-29T23:59:59")), "2024-02-29T23:59:59");
    }

    #[test]
    fn next_after_table() {
        // (expression, after, expected next)
        let rows = [
            ("at(2026-11-22T09:00:00)", "2026-11-22T08:00:00", Some("2026-11-22T09:00:00")),
            ("at(2026-11-22T09:00:00)", "2026-11-22T09:00:00", None),
            ("cron(0 9 * * ? *)", "2026-11-22T09:00:00", Some("2026-11-23T09:00:00")),
            ("cron(0 9 * * ? *)", "2026-11-22T08:59:30", Some("2026-11-22T09:00:00")),
            ("cron(*/15 * * * ? *)", "2026-11-22T10:07:00", Some("2026-11-22T10:15:00")),
            ("cron(0 18 ? * MON-FRI *)", "2026-11-20T18:00:00", Some("2026-11-23T18:00:00")), // Fri → Mon
            ("cron(0 8 ? * 2 *)", "2026-11-22T00:00:00", Some("2026-11-23T08:00:00")),        // 2 = Monday
            ("cron(30 12 L * ? *)", "2026-02-01T00:00:00", Some("2026-02-28T12:30:00")),
            ("cron(30 12 L * ? *)", "2028-02-01T00:00:00", Some("2028-02-29T12:30:00")),
            ("cron(0 0 1 JAN,JUL ? 2027-2028)", "2026-11-22T00:00:00", Some("2027-01-01T00:00:00")),
            ("cron(0 0 29 2 ? *)", "2026-03-01T00:00:00", Some("2028-02-29T00:00:00")),
            ("cron(0 0 1 1 ? 2026)", "2026-01-01T00:00:00", None),
            ("cron(5/20 10-11 * * ? *)", "2026-11-22T10:45:00", Some("2026-11-22T11:05:00")),
            // A step past the end of the field gives just the first value (it used to wrap round:
            // minutes 0–5, and a year step past 2^32 indexed outside the year table).
            ("cron(5/4294967295 9 * * ? *)", "2026-11-22T09:00:00", Some("2026-11-22T09:05:00")),
            ("cron(5/4294967295 9 * * ? *)", "2026-11-22T09:05:00", Some("2026-11-23T09:05:00")),
            ("cron(0 9 * * ? */4294967295)", "2026-11-22T10:00:00", None),
            ("cron(0 9 * * ? 2100/4294967000)", "2026-11-22T10:00:00", Some("2100-01-01T09:00:00")),
        ];
        for (expr, after, want) in rows {
            let s = parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
            let got = s.next_after(ts(after), 0).map(format_timestamp);
            assert_eq!(got.as_deref(), want, "{expr} after {after}");
        }
    }

    #[test]
    fn rate_fires_from_creation() {
        let s = parse("rate(5 minutes)").unwrap();
        assert_eq!(s, Schedule::Rate(5 * MINUTE));
        assert_eq!(s.next_after(0, 0), Some(5 * MINUTE));
        assert_eq!(s.next_after(5 * MINUTE, 0), Some(10 * MINUTE));
        assert_eq!(s.next_after(7 * MINUTE, 60_000), Some(11 * MINUTE));
        assert_eq!(parse("rate(1 day)").unwrap(), Schedule::Rate(DAY_MS));
        assert_eq!(parse("rate(2 hours)").unwrap(), Schedule::Rate(120 * MINUTE));
    }

    #[test]
    fn errors_have_columns() {
        // (expression, column, part of the message)
        let rows = [
            ("every(5)", 1, "unknown schedule kind"),
            ("cron(0 9 * * ? *", 16, "missing ')'"),
            ("rate(1 minutes)", 8, "singular"),
            ("rate(5 minute)", 8, "plural"),
            ("rate(5 weeks)", 8, "unknown rate unit"),
            ("rate(0 minutes)", 6, "positive whole number"),
            ("at(2026-13-01T00:00:00)", 9, "month 13"),
            ("at(2026-02-30T00:00:00)", 12, "day 30"),
            ("at(tomorrow)", 4, "expected a time"),
            ("cron(0 9 * * * *)", 10, "must be '?'"),
            ("cron(0 9 ? * ? *)", 10, "must be '?'"),
            ("cron(60 9 * * ? *)", 6, "minutes: 60 is outside 0–59"),
            ("cron(0 24 * * ? *)", 8, "hours: 24"),
            ("cron(0 9 * FOO ? *)", 12, "month: expected a number"),
            ("cron(0 9 ? * MON#2 *)", 17, "not supported by Berth"),
            ("cron(0 9 15W * ? *)", 12, "not supported by Berth"),
            ("cron(0 9 * * ? 1969)", 16, "year: 1969"),
            ("cron(0 9 * *)", 6, "6 fields"),
            ("cron(*/0 9 * * ? *)", 8, "positive number"),
            ("cron(*/99999999999 9 * * ? *)", 8, "step after '/' is too large: 99999999999"),
            ("cron(0 9 5-1 * ? *)", 10, "backwards"),
            ("cron(0 ? * * ? *)", 8, "only allowed"),
            ("cron(0 9 ? * 6L *)", 14, "'L' is supported only"),
            ("cron(0 9 1,,2 * ? *)", 12, "empty list item"),
        ];
        for (expr, col, msg) in rows {
            let e = parse(expr).expect_err(expr);
            assert!(e.message.contains(msg), "{expr}: {e}");
            assert_eq!(e.column, col, "{expr}: {e}");
        }
    }

    #[test]
    fn apply_action_moves_capacity_into_range() {
        assert_eq!(apply_action(2, 10, Some(5), None, 3), Ok((5, 10, 5)));
        assert_eq!(apply_action(2, 10, None, Some(4), 7), Ok((2, 4, 4)));
        assert_eq!(apply_action(2, 10, Some(1), Some(20), 7), Ok((1, 20, 7)));
        assert!(apply_action(2, 10, Some(11), None, 7).is_err());
    }
}
