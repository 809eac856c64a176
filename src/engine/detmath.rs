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

#[cfg(test)]
mod tests {
    use super::*;

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
