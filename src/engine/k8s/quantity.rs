//! Kubernetes resource quantities (`500m`, `2`, `512Mi`, `1e3`, `0.5Gi`), parsed exactly as
//! `k8s.io/apimachinery/pkg/api/resource.ParseQuantity` does (quantity.go, suffix.go):
//!
//! - an optional sign, digits with an optional fraction (`1.`, `.5` and even `.` are accepted),
//!   then a suffix: decimal SI `n u m "" k M G T P E`, binary SI `Ki Mi Gi Ti Pi Ei`, or a decimal
//!   exponent `e3` / `E-3` / `E+6`;
//! - non-zero values are rounded *up* (away from zero) to a whole nano-unit ("if you want some
//!   resources, you should get some resources"), so `0.5n` is `1n` and `3.001n` is `4n`;
//! - binary-SI values are capped at 2^63-1;
//! - [`Quantity::milli_value`] is `MilliValue()` (`ceil(q * 1000)`, used for CPU millicores) and
//!   [`Quantity::value`] is `Value()` (`ceil(q)`, used for memory bytes and counts).
//!
//! The value is kept exactly as an `i128` count of nano-units (saturating far beyond anything a
//! cluster could hold, ~1.7e29 units), so no floating point is involved anywhere.

use std::fmt;

/// How the quantity was written (Kubernetes' `Format`); kept so tests can follow upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    /// The value in nano-units (value × 10^9), already rounded up as Kubernetes rounds.
    pub nanos: i128,
    pub format: Format,
}

/// Why a string is not a quantity. [`QuantityError::message`] is the sentence shown to learners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityError {
    pub input: String,
    /// A corrected spelling when the mistake is a common one (`512Mb` → `512Mi`).
    pub suggestion: Option<String>,
    /// Which of Kubernetes' three errors this is.
    pub kind: QuantityErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityErrorKind {
    /// `ErrFormatWrong`: does not match `^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$`.
    Format,
    /// `ErrSuffix`: the suffix is not one Kubernetes knows (`K`, `mi`, `e-`).
    Suffix,
    /// Empty input.
    Empty,
}

/// apimachinery's `ErrFormatWrong` (quantity.go): what the API server answers for a value that does
/// not even split into number and suffix (`512Mb`, `1GB`, `0.5 cores`, an empty string), e.g.
/// `Deployment in version "v1" cannot be handled as a Deployment: quantities must match the
/// regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`.
pub const ERR_FORMAT_WRONG: &str = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/// apimachinery's `ErrSuffix` (quantity.go): the value splits, but the suffix is not one Kubernetes
/// knows (`500mi`, `64K`, `1i`); the API server and kubectl (`kubectl set resources`) both say it.
pub const ERR_SUFFIX: &str = "unable to parse quantity's suffix";

impl QuantityError {
    /// Kubernetes' own error first (`ErrFormatWrong` or `ErrSuffix`, exactly as
    /// `resource.ParseQuantity` returns them), then the value, then Berth's hint:
    /// `unable to parse quantity's suffix: "500mi"; did you mean 500Mi?`.
    pub fn message(&self) -> String {
        let real = match self.kind {
            QuantityErrorKind::Suffix => ERR_SUFFIX,
            // ParseQuantity("") is ErrFormatWrong too.
            QuantityErrorKind::Format | QuantityErrorKind::Empty => ERR_FORMAT_WRONG,
        };
        let hint = match (&self.suggestion, self.kind) {
            (Some(s), _) => format!("; did you mean {s}?"),
            (None, QuantityErrorKind::Suffix) => " (the suffixes are n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei, or an exponent like e3)".to_string(),
            (None, _) => " (e.g. 500m, 2, 512Mi, 1Gi)".to_string(),
        };
        format!("{real}: {:?}{hint}", self.input)
    }
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

const NANO: i128 = 1_000_000_000;
/// `maxAllowed` in quantity.go: binary-SI values are capped at int64's maximum.
const MAX_ALLOWED_UNITS: i128 = i64::MAX as i128;

impl Quantity {
    pub fn parse(s: &str) -> Result<Quantity, QuantityError> {
        parse(s)
    }

    /// A quantity of whole units (e.g. bytes or cores).
    pub fn from_units(units: i64) -> Quantity {
        Quantity { nanos: units as i128 * NANO, format: Format::DecimalSI }
    }

    /// `MilliValue()`: ceil(q × 1000), away from zero; saturates at the `i64` range.
    pub fn milli_value(&self) -> i64 {
        scaled_ceil(self.nanos, 1_000_000)
    }

    /// `Value()`: ceil(q), away from zero; saturates at the `i64` range.
    pub fn value(&self) -> i64 {
        scaled_ceil(self.nanos, NANO)
    }

    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }
}

fn scaled_ceil(nanos: i128, div: i128) -> i64 {
    let q = nanos / div;
    let r = nanos % div;
    let v = if r > 0 { q + 1 } else if r < 0 { q - 1 } else { q };
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// The pieces `parseQuantityString` returns.
struct Parts<'a> {
    positive: bool,
    num: &'a str,
    denom: &'a str,
    suffix: &'a str,
}

fn is_digit(b: u8) -> bool {
    b.is_ascii_digit()
}

/// A port of `parseQuantityString` from quantity.go.
fn split(s: &str) -> Result<Parts<'_>, QuantityErrorKind> {
    let b = s.as_bytes();
    let end = b.len();
    let mut pos = 0;
    let mut positive = true;
    if let Some(&c) = b.first() {
        if c == b'-' {
            positive = false;
            pos += 1;
        } else if c == b'+' {
            pos += 1;
        }
    }
    // leading zeros
    while pos < end && b[pos] == b'0' {
        pos += 1;
    }
    if pos >= end {
        return Ok(Parts { positive, num: "0", denom: "", suffix: "" });
    }
    let start = pos;
    while pos < end && is_digit(b[pos]) {
        pos += 1;
    }
    let mut num = &s[start..pos];
    if pos >= end {
        return Ok(Parts { positive, num, denom: "", suffix: "" });
    }
    if num.is_empty() {
        num = "0";
    }
    let mut denom = "";
    if b[pos] == b'.' {
        pos += 1;
        let ds = pos;
        while pos < end && is_digit(b[pos]) {
            pos += 1;
        }
        denom = &s[ds..pos];
        if pos >= end {
            return Ok(Parts { positive, num, denom, suffix: "" });
        }
    }
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < end && (b[pos] == b'-' || b[pos] == b'+') {
        pos += 1;
    }
    while pos < end && is_digit(b[pos]) {
        pos += 1;
    }
    if pos < end {
        return Err(QuantityErrorKind::Format);
    }
    Ok(Parts { positive, num, denom, suffix: &s[suffix_start..end] })
}

/// `suffixHandler.interpret` (suffix.go): (base, exponent, format).
fn interpret(suffix: &str) -> Option<(u32, i64, Format)> {
    let dec = match suffix {
        "n" => Some(-9),
        "u" => Some(-6),
        "m" => Some(-3),
        "" => Some(0),
        "k" => Some(3),
        "M" => Some(6),
        "G" => Some(9),
        "T" => Some(12),
        "P" => Some(15),
        "E" => Some(18),
        _ => None,
    };
    if let Some(e) = dec {
        return Some((10, e, Format::DecimalSI));
    }
    let bin = match suffix {
        "Ki" => Some(10),
        "Mi" => Some(20),
        "Gi" => Some(30),
        "Ti" => Some(40),
        "Pi" => Some(50),
        "Ei" => Some(60),
        _ => None,
    };
    if let Some(e) = bin {
        return Some((2, e, Format::BinarySI));
    }
    let rest = suffix.strip_prefix('e').or_else(|| suffix.strip_prefix('E'))?;
    if rest.is_empty() {
        return None;
    }
    // strconv.ParseInt(..., 10, 64), then int32(...)
    let parsed: i64 = rest.parse().ok()?;
    Some((10, parsed as i32 as i64, Format::DecimalExponent))
}

/// The result of D × 10^k × 2^b, rounded up to an integer, saturating at i128.
/// `digits` holds decimal digits without leading zeros.
fn scaled_round_up(digits: &str, k: i64, b: u32) -> i128 {
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return 0;
    }
    let len = digits.len() as i64;
    // D ≥ 10^(len-1), 2^b ≥ 1: if the integer part alone would exceed 10^39, saturate.
    if len - 1 + k > 39 {
        return i128::MAX;
    }
    // Work in a small big-integer (base 10^9 limbs, least significant first).
    let mut big = Big::from_digits(digits);
    for _ in 0..(b / 10) {
        big.mul_small(1024);
    }
    for _ in 0..(b % 10) {
        big.mul_small(2);
    }
    let mut inexact = false;
    if k >= 0 {
        for _ in 0..k {
            big.mul_small(10);
        }
    } else {
        // Divide by 10^-k; anything beyond the number's own size leaves zero plus a remainder.
        let shifts = (-k).min(len + 40);
        for _ in 0..shifts {
            if big.div_small(10) != 0 {
                inexact = true;
            }
        }
    }
    let v = big.to_i128_saturating();
    if inexact {
        v.saturating_add(1)
    } else {
        v
    }
}

/// Just enough arbitrary-precision arithmetic for exact quantities.
struct Big {
    limbs: Vec<u64>, // base 1e9
}

const LIMB: u64 = 1_000_000_000;

impl Big {
    fn from_digits(d: &str) -> Big {
        let mut b = Big { limbs: vec![0] };
        for c in d.bytes() {
            b.mul_small(10);
            b.add_small((c - b'0') as u64);
        }
        b
    }
    fn mul_small(&mut self, m: u64) {
        let mut carry = 0u64;
        for l in self.limbs.iter_mut() {
            let v = *l * m + carry;
            *l = v % LIMB;
            carry = v / LIMB;
        }
        while carry > 0 {
            self.limbs.push(carry % LIMB);
            carry /= LIMB;
        }
    }
    fn add_small(&mut self, a: u64) {
        let mut carry = a;
        for l in self.limbs.iter_mut() {
            if carry == 0 {
                break;
            }
            let v = *l + carry;
            *l = v % LIMB;
            carry = v / LIMB;
        }
        if carry > 0 {
            self.limbs.push(carry);
        }
    }
    /// Divides in place, returns the remainder.
    fn div_small(&mut self, d: u64) -> u64 {
        let mut rem = 0u64;
        for l in self.limbs.iter_mut().rev() {
            let v = rem * LIMB + *l;
            *l = v / d;
            rem = v % d;
        }
        while self.limbs.len() > 1 && self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
        rem
    }
    fn to_i128_saturating(&self) -> i128 {
        let mut v: i128 = 0;
        for l in self.limbs.iter().rev() {
            v = match v.checked_mul(LIMB as i128).and_then(|x| x.checked_add(*l as i128)) {
                Some(x) => x,
                None => return i128::MAX,
            };
        }
        v
    }
}

/// Parses a quantity the way `resource.ParseQuantity` does.
pub fn parse(s: &str) -> Result<Quantity, QuantityError> {
    let err = |kind| QuantityError { input: s.to_string(), suggestion: suggest(s), kind };
    if s.is_empty() {
        return Err(err(QuantityErrorKind::Empty));
    }
    if s.len() > 256 {
        return Err(err(QuantityErrorKind::Format));
    }
    let p = split(s).map_err(err)?;
    let (base, exponent, mut format) = interpret(p.suffix).ok_or_else(|| err(QuantityErrorKind::Suffix))?;
    let digits = format!("{}{}", p.num, p.denom);
    let frac = p.denom.len() as i64;
    // nanos = digits × 10^(exp10 − frac + 9) × 2^exp2
    let (k, b) = if base == 10 { (exponent - frac + 9, 0) } else { (9 - frac, exponent as u32) };
    let mut nanos = scaled_round_up(&digits, k, b);
    if format == Format::BinarySI && nanos > MAX_ALLOWED_UNITS * NANO {
        nanos = MAX_ALLOWED_UNITS * NANO;
    }
    if format == Format::BinarySI && nanos > 0 && nanos < NANO {
        // "This avoids rounding and hopefully confusion, too."
        format = Format::DecimalSI;
    }
    if !p.positive {
        nanos = -nanos;
    }
    Ok(Quantity { nanos, format })
}

/// Corrections for the mistakes people make most (`512Mb`, `1GB`, `0.5 cores`, `100mi`).
pub fn suggest(s: &str) -> Option<String> {
    let t = s.trim();
    let num_end = t
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || ((*c == '-' || *c == '+') && *i == 0)))
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(num_end);
    if num.is_empty() || !num.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let unit = unit.trim();
    let squeezed: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if squeezed != s && parse_plain(&squeezed).is_some() && !unit.is_empty() && unit.len() <= 2 {
        return Some(squeezed);
    }
    let lower = unit.to_ascii_lowercase();
    let fixed = match lower.as_str() {
        "kb" | "kib" | "k" => "Ki",
        "mb" | "mib" | "mi" | "m" if unit != "m" && unit != "M" => "Mi",
        "gb" | "gib" | "gi" | "g" => "Gi",
        "tb" | "tib" | "ti" | "t" if unit != "T" => "Ti",
        "pb" | "pib" | "pi" if unit != "Pi" => "Pi",
        "core" | "cores" | "cpu" | "cpus" | "vcpu" | "vcpus" => "",
        "millicore" | "millicores" | "millicpu" | "mcpu" => "m",
        "b" | "byte" | "bytes" => "",
        _ => return None,
    };
    let candidate = format!("{num}{fixed}");
    if candidate == s || parse_plain(&candidate).is_none() {
        return None;
    }
    Some(candidate)
}

fn parse_plain(s: &str) -> Option<Quantity> {
    // The same length cap `parse` applies, so a suggestion is always itself a quantity.
    if s.is_empty() || s.len() > 256 {
        return None;
    }
    let p = split(s).ok()?;
    interpret(p.suffix)?;
    Some(Quantity { nanos: 0, format: Format::DecimalSI })
}

/// Memory (or any byte count) in the largest binary unit that divides it exactly: `512Mi`, `1Gi`, `1500`.
pub fn fmt_bytes(bytes: i64) -> String {
    if bytes == 0 {
        return "0".into();
    }
    for (suffix, shift) in [("Ei", 60), ("Pi", 50), ("Ti", 40), ("Gi", 30), ("Mi", 20), ("Ki", 10)] {
        let unit = 1i64 << shift;
        if bytes % unit == 0 {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    bytes.to_string()
}

/// CPU millicores as Kubernetes prints them: `250m`, `2`.
pub fn fmt_milli(m: i64) -> String {
    if m % 1000 == 0 {
        format!("{}", m / 1000)
    } else {
        format!("{m}m")
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.nanos % NANO == 0 {
            let v = self.nanos / NANO;
            if self.format == Format::BinarySI {
                return f.write_str(&fmt_bytes(v as i64));
            }
            return write!(f, "{v}");
        }
        if self.nanos % 1_000_000 == 0 {
            return write!(f, "{}m", self.nanos / 1_000_000);
        }
        if self.nanos % 1000 == 0 {
            return write!(f, "{}u", self.nanos / 1000);
        }
        write!(f, "{}n", self.nanos)
    }
}
