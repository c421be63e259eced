//! Scales, after d3/Observable Plot: a linear scale for measures, a band scale
//! for dimension values, and "nice" ticks (1, 2 or 5 times a power of ten).

/// Ticks of a measure axis: a rounded domain and the values between.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    /// Lowest tick (at or below the data).
    pub min: f64,
    /// Highest tick (at or above the data).
    pub max: f64,
    /// Distance between ticks.
    pub step: f64,
    /// The ticks, lowest first.
    pub values: Vec<f64>,
}

/// Nice ticks covering `[min, max]` with about `count` ticks. A flat or
/// non-finite domain gets a domain around it.
pub fn nice_ticks(min: f64, max: f64, count: usize) -> Ticks {
    let (mut lo, mut hi) = if min.is_finite() && max.is_finite() {
        (min.min(max), min.max(max))
    } else {
        (0.0, 1.0)
    };
    if hi == lo {
        if lo == 0.0 {
            hi = 1.0;
        } else if lo > 0.0 {
            lo = 0.0;
        } else {
            hi = 0.0;
        }
    }
    let intervals = count.clamp(2, 50) - 1;
    // Divided first, so that extreme domains do not overflow.
    let mut step = nice_step(hi / intervals as f64 - lo / intervals as f64);
    let (first, n) = loop {
        let first = (lo / step + 1e-9).floor();
        let n = ((hi / step - 1e-9).ceil() - first).max(1.0);
        if n <= 2.0 * intervals as f64 + 2.0 {
            break (first, n as usize);
        }
        step *= 10.0;
        if !step.is_finite() {
            return nice_ticks(0.0, 1.0, count);
        }
    };
    let values: Vec<f64> = (0..=n).map(|i| clean((first + i as f64) * step)).collect();
    Ticks {
        min: values[0],
        max: values[n],
        step,
        values,
    }
}

/// The smallest 1, 2 or 5 × 10^k at or above `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let factor = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|f| norm <= f * (1.0 + 1e-9))
        .unwrap_or(10.0);
    clean(factor * magnitude)
}

/// Rounds away floating-point noise (`0.30000000000000004` → `0.3`).
fn clean(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return 0.0;
    }
    let digits = 12 - v.abs().log10().ceil() as i32;
    let f = 10f64.powi(digits.clamp(-300, 300));
    (v * f).round() / f
}

/// Maps a measure domain onto a range of positions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linear {
    /// Domain start.
    pub d0: f64,
    /// Domain end.
    pub d1: f64,
    /// Range start (position of `d0`).
    pub r0: f64,
    /// Range end (position of `d1`).
    pub r1: f64,
}

impl Linear {
    /// The position of `v` (the range start when the domain is flat).
    pub fn map(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span == 0.0 || !span.is_finite() {
            return self.r0;
        }
        self.r0 + (v - self.d0) / span * (self.r1 - self.r0)
    }
}

/// Divides a range into `n` equal bands with padding between and around them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// Number of bands.
    pub n: usize,
    /// Range start.
    pub r0: f64,
    /// Range end.
    pub r1: f64,
    /// Gap between bands, as a share of a step.
    pub inner: f64,
    /// Gap at both ends, as a share of a step.
    pub outer: f64,
}

impl Band {
    /// `n` bands over `[r0, r1]` with Qlik-like gaps.
    pub fn new(n: usize, r0: f64, r1: f64) -> Band {
        Band {
            n,
            r0,
            r1,
            inner: 0.2,
            outer: 0.1,
        }
    }

    /// Distance from one band's start to the next.
    pub fn step(&self) -> f64 {
        let denom = self.n as f64 - self.inner + 2.0 * self.outer;
        if denom <= 0.0 {
            return 0.0;
        }
        (self.r1 - self.r0) / denom
    }

    /// Width of one band.
    pub fn bandwidth(&self) -> f64 {
        self.step() * (1.0 - self.inner)
    }

    /// Where band `i` starts.
    pub fn start(&self, i: usize) -> f64 {
        self.r0 + self.step() * (self.outer + i as f64)
    }

    /// The centre of band `i`.
    pub fn centre(&self, i: usize) -> f64 {
        self.start(i) + self.bandwidth() / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator: property tests without a dependency.
    fn lcg(seed: &mut u64) -> f64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((*seed >> 11) as f64) / ((1u64 << 53) as f64)
    }

    #[test]
    fn nice_ticks_cover_the_data_with_round_even_steps() {
        let mut seed = 7;
        for _ in 0..5000 {
            let scale = 10f64.powi((lcg(&mut seed) * 16.0) as i32 - 6);
            let a = (lcg(&mut seed) - 0.5) * 2.0 * scale;
            let b = (lcg(&mut seed) - 0.3) * 3.0 * scale;
            let count = 2 + (lcg(&mut seed) * 8.0) as usize;
            let t = nice_ticks(a, b, count);
            let (lo, hi) = (a.min(b), a.max(b));
            let tol = t.step * 1e-9;
            assert!(t.min <= lo + tol && t.max >= hi - tol, "{a} {b}: {t:?}");
            let mantissa = t.step / 10f64.powf(t.step.log10().floor());
            assert!(
                [1.0, 2.0, 5.0, 10.0]
                    .iter()
                    .any(|m| (m - mantissa).abs() < 1e-6),
                "step {}",
                t.step
            );
            assert!(
                t.values.len() >= 2 && t.values.len() <= 2 * count + 2,
                "{t:?}"
            );
            for w in t.values.windows(2) {
                assert!(((w[1] - w[0]) - t.step).abs() <= t.step * 1e-6, "{t:?}");
            }
        }
    }

    #[test]
    fn extreme_domains_stay_finite_and_few() {
        for (a, b) in [
            (-1e308, 1e308),
            (f64::MIN, f64::MAX),
            (1e-300, 2e-300),
            (0.0, 1e300),
        ] {
            let t = nice_ticks(a, b, 5);
            assert!(
                t.values.len() <= 10 && t.values.iter().all(|v| v.is_finite()),
                "{a} {b}: {t:?}"
            );
        }
    }

    #[test]
    fn flat_and_odd_domains_still_get_ticks() {
        assert_eq!(nice_ticks(0.0, 0.0, 5).values, [0.0, 0.5, 1.0]);
        assert_eq!(nice_ticks(5.0, 5.0, 3).values, [0.0, 5.0]);
        assert_eq!(nice_ticks(-3.0, -3.0, 3).values, [-4.0, -2.0, 0.0]);
        assert_eq!(nice_ticks(f64::NAN, 2.0, 3).values, [0.0, 0.5, 1.0]);
        assert_eq!(nice_ticks(0.0, 0.3, 4).values, [0.0, 0.1, 0.2, 0.3]);
    }

    #[test]
    fn bands_fill_the_range_in_order() {
        let b = Band::new(4, 0.0, 100.0);
        assert!(b.start(0) > 0.0 && b.start(3) + b.bandwidth() < 100.0);
        assert!((b.start(3) + b.bandwidth() + b.step() * b.outer - 100.0).abs() < 1e-9);
        let l = Linear {
            d0: 0.0,
            d1: 10.0,
            r0: 200.0,
            r1: 0.0,
        };
        assert_eq!(l.map(5.0), 100.0);
    }
}
