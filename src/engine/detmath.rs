//! Transcendental functions built only from `+ − × ÷`, so they give the same bits natively and in
//! Wasm. `f64::sin`/`exp` call the platform's libm, whose last bits may differ between targets;
//! the engine's event log must not (same seed ⇒ same log, byte for byte, everywhere).

use std::f64::consts::{LN_2, PI};

/// `e^x`, accurate to a few ulps for |x| < 700; `0` below −745, `+∞` above 709.
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x > 709.0 {
        return f64::INFINITY;
    }
    if x < -745.0 {
        return 0.0;
    }
    // x = k·ln2 + r with |r| ≤ ln2/2; e^x = 2^k · e^r.
    let k = (x / LN_2).round();
    // Cody–Waite: ln 2 split in two (fdlibm's constants) so k·ln2 is subtracted exactly.
    const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-01;
    const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..=20 {
        term *= r / n as f64;
        sum += term;
    }
    sum * pow2(k as i32)
}

/// 2^k for integer k, exactly (built from the exponent bits; subnormals by halving).
fn pow2(k: i32) -> f64 {
    if k > 1023 {
        return f64::INFINITY;
    }
    if k >= -1022 {
        return f64::from_bits(((k + 1023) as u64) << 52);
    }
    let mut v = f64::from_bits(1u64 << 52); // 2^-1022
    for _ in 0..(-1022 - k).min(60) {
        v *= 0.5;
    }
    v
}

/// `sin(x)` for |x| up to ~1e9 (virtual-time phases), by reduction to [−π/2, π/2] and Taylor.
pub fn sin(x: f64) -> f64 {
    if !x.is_finite() {
        return f64::NAN;
    }
    let two_pi = 2.0 * PI;
    let mut r = x - two_pi * (x / two_pi).round(); // [−π, π]
    if r > PI / 2.0 {
        r = PI - r;
    } else if r < -PI / 2.0 {
        r = -PI - r;
    }
    let r2 = r * r;
    let mut term = r;
    let mut sum = r;
    for n in 1..=10 {
        term *= -r2 / ((2 * n) as f64 * (2 * n + 1) as f64);
        sum += term;
    }
    sum
}

/// Natural logarithm from `+ − × ÷` only: `x = m·2^k` with `m ∈ [√½, √2)` (read from the bits),
/// `ln x = k·ln 2 + 2·atanh(s)` with `s = (m − 1)/(m + 1)`, `|s| ≤ 0.172`, summed as a series.
/// Used by the Kubernetes PodTopologySpread score (`log(domains + 2)`).
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return f64::INFINITY;
    }
    let mut k: i32 = 0;
    let mut v = x;
    if v.to_bits() >> 52 == 0 {
        // Subnormal: scale by 2^54 (exact) first.
        v *= f64::from_bits((1023u64 + 54) << 52);
        k = -54;
    }
    let bits = v.to_bits();
    k += ((bits >> 52) & 0x7ff) as i32 - 1023;
    let mut m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        k += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut sum = 0.0;
    for n in 0..30 {
        sum += term / (2 * n + 1) as f64;
        term *= s2;
    }
    // fdlibm's ln2_hi / ln2_lo, by their bits.
    let ln2_hi = f64::from_bits(0x3fe6_2e42_fee0_0000);
    let ln2_lo = f64::from_bits(0x3dea_39ef_3579_3c76);
    let kf = k as f64;
    kf * ln2_hi + (2.0 * sum + kf * ln2_lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_matches_libm_closely() {
        for i in 1..=4000 {
            let x = i as f64 * 0.0137;
            let (a, b) = (ln(x), x.ln());
            assert!((a - b).abs() <= 1e-15 * b.abs().max(1.0), "ln({x}) = {a}, libm {b}");
        }
        for x in [1e-300, 3e-310, 1e300, 2.0, 5.0, 7.0, 1000.0] {
            let (a, b) = (ln(x), f64::ln(x));
            assert!(((a - b) / b).abs() < 1e-14, "ln({x}) = {a}, libm {b}");
        }
        assert_eq!(ln(1.0), 0.0);
        assert!((ln(std::f64::consts::E) - 1.0).abs() < 1e-15);
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert!(ln(-1.0).is_nan());
        // exp and ln are inverses to within rounding.
        for i in 1..100 {
            let x = i as f64 * 0.77;
            assert!((exp(ln(x)) - x).abs() < 1e-13 * x, "{x}");
        }
    }

    #[test]
    fn exp_matches_libm_closely() {
        for i in -700..=700 {
            let x = i as f64 * 0.37;
            if x.abs() > 700.0 {
                continue;
            }
            let (a, b) = (exp(x), x.exp());
            assert!(((a - b) / b).abs() < 1e-14, "exp({x}) = {a}, libm {b}");
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-1000.0), 0.0);
        assert_eq!(exp(1000.0), f64::INFINITY);
    }

    #[test]
    fn sin_matches_libm_closely() {
        for i in -2000..=2000 {
            let x = i as f64 * 0.0123 * 7.0;
            assert!((sin(x) - x.sin()).abs() < 1e-13, "sin({x}) = {}, libm {}", sin(x), x.sin());
        }
        assert_eq!(sin(0.0), 0.0);
        assert!((sin(PI / 2.0) - 1.0).abs() < 1e-15);
    }
}
