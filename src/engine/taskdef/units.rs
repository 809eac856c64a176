//! Task-level `cpu` and `memory` values, which the ECS API takes as strings in several forms.
//!
//! Source: ECS `RegisterTaskDefinition` API reference, `cpu` and `memory` parameters: "Task-level
//! CPU and memory parameters ... can be expressed as an integer using CPU units (for example,
//! `1024`) or as a string using vCPUs (for example, `1 vCPU` or `1 vcpu`)"; memory "can be
//! expressed as an integer using MiB (for example, `1024`) or as a string using GB (for example,
//! `1GB` or `1 GB`)". 1 vCPU = 1024 CPU units; 1 GB (as ECS uses it) = 1024 MiB.

/// The forms accepted for task-level `cpu`, for error messages.
pub const CPU_FORMS: &str = "CPU units as a number or numeric string (256, \"1024\") or vCPUs as a string (\"0.25 vCPU\", \"1 vcpu\", \"2vCPU\")";

/// The forms accepted for task-level `memory`, for error messages.
pub const MEMORY_FORMS: &str = "MiB as a number or numeric string (512, \"2048\") or GB as a string (\"0.5 GB\", \"2GB\"), where 1 GB = 1024 MiB";

/// Parses a task-level cpu string: `"1024"`, `"1 vCPU"`, `"0.25 vcpu"`, `"2vCPU"`.
/// Returns CPU units, or a message explaining what is wrong.
pub fn parse_cpu_str(s: &str) -> Result<u32, String> {
    parse_with_unit(s, &["vcpu"], "vCPU", "CPU units", CPU_FORMS)
}

/// Parses a task-level memory string: `"512"`, `"2 GB"`, `"2GB"`, `"0.5 GB"`.
/// Returns MiB, or a message explaining what is wrong.
pub fn parse_memory_str(s: &str) -> Result<u32, String> {
    parse_with_unit(s, &["gb"], "GB", "MiB", MEMORY_FORMS)
}

fn parse_with_unit(s: &str, units: &[&str], unit_name: &str, base_name: &str, forms: &str) -> Result<u32, String> {
    let bad = || format!("cannot read {} as a value; expected {forms}", quote(s));
    if s.is_empty() {
        return Err(format!("empty string; expected {forms}"));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return whole(s).ok_or_else(|| format!("{s} {base_name} is too large"));
    }
    let lower = s.to_ascii_lowercase();
    let Some(number) = units.iter().find_map(|u| lower.strip_suffix(u)) else { return Err(bad()) };
    let number = number.strip_suffix(' ').unwrap_or(number);
    let Some(value) = scaled_by_1024(number) else { return Err(bad()) };
    match value {
        Scaled::Exact(v) => Ok(v),
        Scaled::Fraction => Err(format!(
            "{} is not a whole number of {base_name} (1 {unit_name} = 1024 {base_name})",
            quote(s)
        )),
        Scaled::TooLarge => Err(format!("{} is too large", quote(s))),
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn whole(digits: &str) -> Option<u32> {
    let trimmed = digits.trim_start_matches('0');
    if trimmed.len() > 10 {
        return None;
    }
    if trimmed.is_empty() {
        return Some(0);
    }
    trimmed.parse::<u32>().ok()
}

enum Scaled {
    Exact(u32),
    Fraction,
    TooLarge,
}

/// `decimal * 1024` computed exactly, for a plain decimal like `0.25`, `2`, `1.5`.
fn scaled_by_1024(decimal: &str) -> Option<Scaled> {
    let (int_part, frac_part) = match decimal.split_once('.') {
        Some((i, f)) => (i, f),
        None => (decimal, ""),
    };
    if int_part.is_empty() || !int_part.bytes().all(|b| b.is_ascii_digit()) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if decimal.contains('.') && frac_part.is_empty() {
        return None;
    }
    let int_part = int_part.trim_start_matches('0');
    let frac_part = frac_part.trim_end_matches('0');
    if int_part.len() > 9 || frac_part.len() > 12 {
        return Some(Scaled::TooLarge);
    }
    let int_v: u128 = if int_part.is_empty() { 0 } else { int_part.parse().ok()? };
    let frac_v: u128 = if frac_part.is_empty() { 0 } else { frac_part.parse().ok()? };
    let denom = 10u128.pow(frac_part.len() as u32);
    let numer = (int_v * denom + frac_v) * 1024;
    if numer % denom != 0 {
        return Some(Scaled::Fraction);
    }
    Some(match u32::try_from(numer / denom) {
        Ok(v) => Scaled::Exact(v),
        Err(_) => Scaled::TooLarge,
    })
}

/// CPU units as vCPUs for messages: 256 → `0.25`, 1024 → `1`, 1536 → `1.5`.
pub fn vcpu_label(units: u32) -> String {
    let whole = units / 1024;
    let rem = units % 1024;
    if rem == 0 {
        return whole.to_string();
    }
    // units/1024 has at most 10 decimal places; print exactly and trim zeros.
    let frac = format!("{:010}", (rem as u128 * 10_000_000_000u128) / 1024);
    format!("{whole}.{}", frac.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_forms() {
        assert_eq!(parse_cpu_str("1024"), Ok(1024));
        assert_eq!(parse_cpu_str("1 vCPU"), Ok(1024));
        assert_eq!(parse_cpu_str("0.25 vcpu"), Ok(256));
        assert_eq!(parse_cpu_str("1vCPU"), Ok(1024));
        assert_eq!(parse_cpu_str("16 VCPU"), Ok(16384));
        assert!(parse_cpu_str("0.3 vCPU").unwrap_err().contains("whole number"));
        assert!(parse_cpu_str("1 cpu").is_err());
        assert!(parse_cpu_str("1  vCPU").is_err());
        assert!(parse_cpu_str(".5 vCPU").is_err());
        assert!(parse_cpu_str("99999999999999999999").is_err());
    }

    #[test]
    fn memory_forms() {
        assert_eq!(parse_memory_str("512"), Ok(512));
        assert_eq!(parse_memory_str("2 GB"), Ok(2048));
        assert_eq!(parse_memory_str("2GB"), Ok(2048));
        assert_eq!(parse_memory_str("0.5 GB"), Ok(512));
        assert_eq!(parse_memory_str("1gb"), Ok(1024));
        assert!(parse_memory_str("512 MiB").is_err());
        assert!(parse_memory_str("2 GiB").is_err());
        assert!(parse_memory_str("").is_err());
    }

    #[test]
    fn labels() {
        assert_eq!(vcpu_label(256), "0.25");
        assert_eq!(vcpu_label(512), "0.5");
        assert_eq!(vcpu_label(16384), "16");
        assert_eq!(vcpu_label(1), "0.0009765625");
    }
}
