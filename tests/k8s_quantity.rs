//! Quantities, checked against the table of `TestQuantityParse` in
//! kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/api/resource/quantity_test.go.

use berth::engine::k8s::quantity::{fmt_bytes, fmt_milli, parse, Format, Quantity};

/// `decQuantity(i, exponent, format)` from the upstream test, as nano-units.
fn dec(i: i128, exp: i32, format: Format) -> Quantity {
    let e = exp + 9;
    let nanos = if e >= 0 { i * 10i128.pow(e as u32) } else { i / 10i128.pow((-e) as u32) };
    Quantity { nanos, format }
}

use Format::{BinarySI as B, DecimalExponent as X, DecimalSI as D};

#[test]
fn upstream_test_quantity_parse_table() {
    let max_allowed = Quantity { nanos: (i64::MAX as i128) * 1_000_000_000, format: B };
    let table: Vec<(&str, Quantity)> = vec![
        ("0", dec(0, 0, D)),
        ("0n", dec(0, 0, D)),
        ("0u", dec(0, 0, D)),
        ("0m", dec(0, 0, D)),
        ("0Ki", dec(0, 0, B)),
        ("0k", dec(0, 0, D)),
        ("0Mi", dec(0, 0, B)),
        ("0M", dec(0, 0, D)),
        ("0Gi", dec(0, 0, B)),
        ("0G", dec(0, 0, D)),
        ("0Ti", dec(0, 0, B)),
        ("0T", dec(0, 0, D)),
        ("1", dec(1, 0, D)),
        ("1Ki", dec(1024, 0, B)),
        ("8Ki", dec(8 * 1024, 0, B)),
        ("7Mi", dec(7 * 1024 * 1024, 0, B)),
        ("6Gi", dec(6 * 1024 * 1024 * 1024, 0, B)),
        ("5Ti", dec(5 << 40, 0, B)),
        ("4Pi", dec(4 << 50, 0, B)),
        ("3Ei", dec(3 << 60, 0, B)),
        ("10Ti", dec(10 << 40, 0, B)),
        ("100Ti", dec(100 << 40, 0, B)),
        ("5n", dec(5, -9, D)),
        ("4u", dec(4, -6, D)),
        ("3m", dec(3, -3, D)),
        ("9", dec(9, 0, D)),
        ("8k", dec(8, 3, D)),
        ("50k", dec(5, 4, D)),
        ("7M", dec(7, 6, D)),
        ("6G", dec(6, 9, D)),
        ("5T", dec(5, 12, D)),
        ("40T", dec(4, 13, D)),
        ("300T", dec(3, 14, D)),
        ("2P", dec(2, 15, D)),
        ("1E", dec(1, 18, D)),
        ("1E-3", dec(1, -3, X)),
        ("1e3", dec(1, 3, X)),
        ("1E6", dec(1, 6, X)),
        ("1e9", dec(1, 9, X)),
        ("1E12", dec(1, 12, X)),
        ("1e15", dec(1, 15, X)),
        ("1E18", dec(1, 18, X)),
        ("1e14", dec(1, 14, X)),
        ("1e13", dec(1, 13, X)),
        ("100.035k", dec(100035, 0, D)),
        ("0.001", dec(1, -3, D)),
        ("0.0005k", dec(5, -1, D)),
        ("0.005", dec(5, -3, D)),
        ("0.05", dec(5, -2, D)),
        ("0.5", dec(5, -1, D)),
        ("0.00050k", dec(5, -1, D)),
        ("0.00500", dec(5, -3, D)),
        ("0.05000", dec(5, -2, D)),
        ("0.50000", dec(5, -1, D)),
        ("0.5e0", dec(5, -1, X)),
        ("0.5e-1", dec(5, -2, X)),
        ("0.5e-2", dec(5, -3, X)),
        ("10.035M", dec(10035, 3, D)),
        ("1.2e3", dec(12, 2, X)),
        ("1.3E+6", dec(13, 5, X)),
        ("1.40e9", dec(14, 8, X)),
        ("1.53E12", dec(153, 10, X)),
        ("1.6e15", dec(16, 14, X)),
        ("1.7E18", dec(17, 17, X)),
        ("9.01", dec(901, -2, D)),
        ("8.1k", dec(81, 2, D)),
        ("7.123456M", dec(7123456, 0, D)),
        ("6.987654321G", dec(6987654321, 0, D)),
        ("5.444T", dec(5444, 9, D)),
        ("40.1T", dec(401, 11, D)),
        ("300.2T", dec(3002, 11, D)),
        ("2.5P", dec(25, 14, D)),
        ("1.01E", dec(101, 16, D)),
        // Things that saturate/round
        ("3.001n", dec(4, -9, D)),
        ("1.1E-9", dec(2, -9, X)),
        ("0.0000000001", dec(1, -9, D)),
        ("0.0000000005", dec(1, -9, D)),
        ("0.00000000050", dec(1, -9, D)),
        ("0.5e-9", dec(1, -9, X)),
        ("0.9n", dec(1, -9, D)),
        ("0.00000012345", dec(124, -9, D)),
        ("0.00000012354", dec(124, -9, D)),
        ("9Ei", max_allowed),
        ("9223372036854775807Ki", max_allowed),
        ("12E", dec(12, 18, D)),
        // fractional binary
        ("100.035Ki", dec(10243584, -2, B)),
        ("0.5Mi", dec(512 * 1024, 0, B)),
        ("0.05Gi", dec(536870912, -1, B)),
        ("0.025Ti", dec(274877906944, -1, B)),
        // "Things written by trolls"
        ("0.000000000001Ki", dec(2, -9, D)),
        (".001", dec(1, -3, D)),
        (".0001k", dec(100, -3, D)),
        ("1.", dec(1, 0, D)),
        ("1.G", dec(1, 9, D)),
    ];
    for (input, want) in &table {
        let got = parse(input).unwrap_or_else(|e| panic!("{input}: {}", e.message()));
        assert_eq!(got.nanos, want.nanos, "{input}");
        assert_eq!(got.format, want.format, "{input}");
        // "Try the negative version of everything" and "with an explicit +"
        let neg = parse(&format!("-{input}")).expect("negative");
        assert_eq!(neg.nanos, -want.nanos, "-{input}");
        let pos = parse(&format!("+{input}")).expect("plus");
        assert_eq!(pos.nanos, want.nanos, "+{input}");
    }
}

#[test]
fn upstream_invalid_inputs_are_rejected() {
    for input in ["", "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 "] {
        assert!(parse(input).is_err(), "{input:?} parsed");
    }
}

#[test]
fn milli_value_and_value_round_up_like_kubernetes() {
    let q = |s: &str| parse(s).expect(s);
    // CPU: MilliValue() = ceil(q * 1000)
    assert_eq!(q("500m").milli_value(), 500);
    assert_eq!(q("0.5").milli_value(), 500);
    assert_eq!(q("2").milli_value(), 2000);
    assert_eq!(q("0.1").milli_value(), 100);
    assert_eq!(q("1.5").milli_value(), 1500);
    assert_eq!(q("100u").milli_value(), 1, "values below a millicore round up");
    assert_eq!(q("0.0001").milli_value(), 1);
    assert_eq!(q("1e-3").milli_value(), 1);
    // Memory: Value() = ceil(q)
    assert_eq!(q("512Mi").value(), 536_870_912);
    assert_eq!(q("1Gi").value(), 1_073_741_824);
    assert_eq!(q("1G").value(), 1_000_000_000);
    assert_eq!(q("128974848").value(), 128_974_848);
    assert_eq!(q("129e6").value(), 129_000_000);
    assert_eq!(q("123Mi").value(), 128_974_848);
    assert_eq!(q("1.5Gi").value(), 1_610_612_736);
    assert_eq!(q("0.5").value(), 1, "half a byte is a byte");
    assert_eq!(q("100m").value(), 1);
    // Far beyond i64: saturates instead of wrapping.
    assert_eq!(q("1e30").value(), i64::MAX);
    assert_eq!(q("1e-300").milli_value(), 1);
}

/// apimachinery's two `ParseQuantity` errors (resource/quantity.go), word for word.
const FORMAT_WRONG: &str = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const SUFFIX: &str = "unable to parse quantity's suffix";

#[test]
fn common_mistakes_get_kubernetes_words_then_a_suggestion() {
    let msg = |s: &str| parse(s).expect_err(s).message();
    // The number splits from a suffix made of quantity letters, but the suffix is unknown: ErrSuffix.
    assert_eq!(msg("500mi"), format!("{SUFFIX}: \"500mi\"; did you mean 500Mi?"));
    assert_eq!(msg("100mi"), format!("{SUFFIX}: \"100mi\"; did you mean 100Mi?"));
    assert_eq!(msg("64K"), format!("{SUFFIX}: \"64K\"; did you mean 64Ki?"));
    assert_eq!(
        msg("1i"),
        format!("{SUFFIX}: \"1i\" (the suffixes are n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei, or an exponent like e3)")
    );
    // Anything else does not even match the regular expression: ErrFormatWrong.
    assert_eq!(msg("512Mb"), format!("{FORMAT_WRONG}: \"512Mb\"; did you mean 512Mi?"));
    assert_eq!(msg("512MB"), format!("{FORMAT_WRONG}: \"512MB\"; did you mean 512Mi?"));
    assert_eq!(msg("1GB"), format!("{FORMAT_WRONG}: \"1GB\"; did you mean 1Gi?"));
    assert_eq!(msg("2gi"), format!("{FORMAT_WRONG}: \"2gi\"; did you mean 2Gi?"));
    assert_eq!(msg("1.5GiB"), format!("{FORMAT_WRONG}: \"1.5GiB\"; did you mean 1.5Gi?"));
    assert_eq!(msg("0.5 cores"), format!("{FORMAT_WRONG}: \"0.5 cores\"; did you mean 0.5?"));
    assert_eq!(msg("2 vCPU"), format!("{FORMAT_WRONG}: \"2 vCPU\"; did you mean 2?"));
    assert_eq!(msg("250 millicores"), format!("{FORMAT_WRONG}: \"250 millicores\"; did you mean 250m?"));
    assert_eq!(msg("512 Mi"), format!("{FORMAT_WRONG}: \"512 Mi\"; did you mean 512Mi?"));
    assert_eq!(msg("lots"), format!("{FORMAT_WRONG}: \"lots\" (e.g. 500m, 2, 512Mi, 1Gi)"));
    // ParseQuantity("") is ErrFormatWrong as well.
    assert_eq!(msg(""), format!("{FORMAT_WRONG}: \"\" (e.g. 500m, 2, 512Mi, 1Gi)"));
}

#[test]
fn formatting_for_messages() {
    assert_eq!(fmt_bytes(536_870_912), "512Mi");
    assert_eq!(fmt_bytes(1_073_741_824), "1Gi");
    assert_eq!(fmt_bytes(1_500), "1500");
    assert_eq!(fmt_bytes(0), "0");
    assert_eq!(fmt_milli(250), "250m");
    assert_eq!(fmt_milli(2000), "2");
    assert_eq!(parse("1.5Gi").expect("q").to_string(), "1536Mi");
    assert_eq!(parse("250m").expect("q").to_string(), "250m");
}
