//! Virtual time. The engine never reads a clock: the shell passes time in, as milliseconds.

use std::fmt;

/// Milliseconds of virtual time since the scenario started.
pub type Millis = u64;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;

/// The longest duration Berth reads (a year and a day): longer than any timer, cooldown or run a
/// lesson needs, and short enough that adding one to the clock can never overflow.
pub const MAX_DURATION: Millis = 366 * 24 * HOUR;

/// Parse a duration such as `90s`, `10m`, `1h30m`, `250ms`, `2h` or a bare number of milliseconds.
/// At most [`MAX_DURATION`].
pub fn parse_duration(text: &str) -> Result<Millis, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("empty duration; write e.g. 30s, 10m or 1h30m".into());
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        let ms = s.parse::<u64>().map_err(|_| format!("duration {s:?} is too large; the longest is 366d"))?;
        return within_max(s, ms);
    }
    let mut total: u64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return Err(format!("duration {s:?}: expected a number before {rest:?}; write e.g. 30s, 10m or 1h30m"));
        }
        let n: u64 = rest[..digits].parse().map_err(|_| format!("duration {s:?} is too large; the longest is 366d"))?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale = match unit {
            "ms" => 1,
            "s" => SECOND,
            "m" | "min" => MINUTE,
            "h" => HOUR,
            "d" => 24 * HOUR,
            "" => return Err(format!("duration {s:?}: missing unit after {n}; use ms, s, m, h or d")),
            other => return Err(format!("duration {s:?}: unknown unit {other:?}; use ms, s, m, h or d")),
        };
        total = n
            .checked_mul(scale)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("duration {s:?} is too large; the longest is 366d"))?;
    }
    within_max(s, total)
}

fn within_max(s: &str, ms: Millis) -> Result<Millis, String> {
    if ms > MAX_DURATION {
        return Err(format!("duration {s:?} is too long; the longest is 366d"));
    }
    Ok(ms)
}

/// Days since 1970-01-01 for a proleptic Gregorian civil date (H. Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The civil date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `hh:mm:ss` (and `.mmm` when not a whole second), as the UI clock and reports show time.
pub struct Clock(pub Millis);

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 % 1000;
        let s = self.0 / 1000;
        write!(f, "{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)?;
        if ms != 0 {
            write!(f, ".{ms:03}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let cases: &[(&str, Millis)] = &[
            ("0", 0),
            ("1500", 1500),
            ("250ms", 250),
            ("30s", 30_000),
            ("10m", 600_000),
            ("1h30m", 5_400_000),
            ("2h", 7_200_000),
            ("1d", 86_400_000),
            (" 5m ", 300_000),
        ];
        for (text, want) in cases {
            assert_eq!(parse_duration(text), Ok(*want), "{text}");
        }
    }

    #[test]
    fn bad_durations_say_why() {
        assert!(parse_duration("").unwrap_err().contains("empty"));
        assert!(parse_duration("10x").unwrap_err().contains("unknown unit \"x\""));
        assert!(parse_duration("m").unwrap_err().contains("expected a number"));
        assert!(parse_duration("99999999999999999999").unwrap_err().contains("too large"));
        // At most a year and a day, so that the clock plus any timer cannot overflow.
        assert_eq!(parse_duration("366d"), Ok(MAX_DURATION));
        assert_eq!(parse_duration("366d1ms"), Err("duration \"366d1ms\" is too long; the longest is 366d".into()));
        assert_eq!(parse_duration("18446744073709551615"), Err("duration \"18446744073709551615\" is too long; the longest is 366d".into()));
        assert!(parse_duration("1000000d").unwrap_err().contains("too long"));
    }

    #[test]
    fn clock_format() {
        assert_eq!(Clock(0).to_string(), "00:00:00");
        assert_eq!(Clock(3_723_000).to_string(), "01:02:03");
        assert_eq!(Clock(1_250).to_string(), "00:00:01.250");
    }
}
