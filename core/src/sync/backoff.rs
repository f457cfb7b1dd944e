//! When to try again after a failed sync: exponential, capped, with jitter, and independent of new
//! local edits (a failed sync always re-arms its own retry).

/// First retry after 15 s, doubling up to 30 min.
pub const FIRST_RETRY_MILLIS: u64 = 15_000;
pub const MAX_RETRY_MILLIS: u64 = 30 * 60_000;

/// Delay before the next attempt after `failures` consecutive failures (0 = none: sync on schedule).
/// `jitter` in 0..1000 spreads phones that failed together (‰ of up to a quarter of the delay).
pub fn retry_delay_millis(failures: u32, jitter: u64) -> u64 {
    if failures == 0 {
        return 0;
    }
    let base = FIRST_RETRY_MILLIS
        .saturating_mul(1u64 << (failures - 1).min(20))
        .min(MAX_RETRY_MILLIS);
    base - base / 4 * (jitter % 1000) / 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_grow_exponentially_up_to_a_cap_and_never_stop() {
        assert_eq!(retry_delay_millis(0, 0), 0);
        assert_eq!(retry_delay_millis(1, 0), 15_000);
        assert_eq!(retry_delay_millis(2, 0), 30_000);
        assert_eq!(retry_delay_millis(5, 0), 240_000);
        assert_eq!(
            retry_delay_millis(40, 0),
            MAX_RETRY_MILLIS,
            "capped, still scheduled"
        );
        let jittered = retry_delay_millis(3, 999);
        assert!((45_000..60_000).contains(&jittered));
    }
}
