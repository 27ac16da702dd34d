//! Retry backoff: exponential with proportional jitter.

use rand::Rng;
use std::time::Duration;

/// The delay before retry `n` (1-based): `base·2^(n-1) + U(0, 0.3·base·2^(n-1))`,
/// then capped at `cap`. Jitter spreads retries of jobs that failed together.
pub(crate) fn retry_delay(n: u32, base: Duration, cap: Duration) -> Duration {
    let (low, high) = retry_bounds(n, base);
    let delay = if high > low {
        rand::rng().random_range(low..=high)
    } else {
        low
    };
    delay.min(cap)
}

/// The uncapped range retry `n` is drawn from: `[base·2^(n-1), 1.3·base·2^(n-1)]`.
pub(crate) fn retry_bounds(n: u32, base: Duration) -> (Duration, Duration) {
    let factor = 1u32.checked_shl(n.saturating_sub(1)).unwrap_or(u32::MAX);
    let low = base.saturating_mul(factor);
    (low, low.saturating_add(low.mul_f64(0.3)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn delay_stays_within_formula_and_cap(n in 1u32..40, base_ms in 1u64..10_000, cap_ms in 1u64..1_000_000) {
            let base = Duration::from_millis(base_ms);
            let cap = Duration::from_millis(cap_ms);
            let d = retry_delay(n, base, cap);
            let (low, high) = retry_bounds(n, base);
            prop_assert!(d <= cap);
            prop_assert!(d >= low.min(cap));
            prop_assert!(d <= high);
        }
    }

    #[test]
    fn bounds_double_each_retry() {
        let base = Duration::from_secs(1);
        assert_eq!(retry_bounds(1, base).0, Duration::from_secs(1));
        assert_eq!(retry_bounds(3, base).0, Duration::from_secs(4));
        assert_eq!(retry_bounds(3, base).1, Duration::from_millis(5200));
    }
}
