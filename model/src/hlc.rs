//! Hybrid logical clock (HLC): wall-clock milliseconds, a logical counter, and the node (device) as the
//! final tie-break. Timestamps are totally ordered and unique per device, so they double as version ids.

use serde::{Deserialize, Serialize};
use std::fmt;

/// 2020-01-01T00:00:00Z: nothing in hoso can predate TT 02/2020, so an earlier clock is a broken clock.
pub const EARLIEST_PLAUSIBLE_MILLIS: u64 = 1_577_836_800_000;

/// How far ahead of the receiver's clock a timestamp may be before it is refused as absurd.
pub const DEFAULT_MAX_DRIFT_MILLIS: u64 = 60 * 60 * 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Hlc {
    pub millis: u64,
    pub counter: u32,
    pub node: u64,
}

/// The wire form of an [`Hlc`]: an object with exactly these three fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HlcObject {
    millis: u64,
    counter: u32,
    node: u64,
}

impl<'de> Deserialize<'de> for Hlc {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Hlc, D::Error> {
        let HlcObject {
            millis,
            counter,
            node,
        } = crate::wire::from_object(deserializer, "an HLC object {millis, counter, node}")?;
        Ok(Hlc::new(millis, counter, node))
    }
}

impl Hlc {
    pub const fn new(millis: u64, counter: u32, node: u64) -> Self {
        Hlc {
            millis,
            counter,
            node,
        }
    }

    /// Fixed-width text form that sorts like the value: `MMMMMMMMMMMMM-CCCCCCCC-NNNNNNNNNNNNNNNN`.
    pub fn encode(&self) -> String {
        self.text().to_string()
    }

    /// [`encode`](Self::encode) without allocating: every stored field carries an HLC, and formatting
    /// them was a visible share of merging a fresh device's first pull.
    pub fn text(&self) -> HlcText {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut digits = [0u8; 20];
        let mut count = 0;
        let mut millis = self.millis;
        loop {
            digits[count] = b'0' + (millis % 10) as u8;
            millis /= 10;
            count += 1;
            if millis == 0 {
                break;
            }
        }
        // Millis are zero-padded to 13 digits (until the year 2286), so the text sorts like the value.
        let width = count.max(13);
        let mut text = HlcText {
            bytes: [b'0'; HlcText::CAPACITY],
            len: width + 26,
        };
        for (i, digit) in digits[..count].iter().enumerate() {
            text.bytes[width - 1 - i] = *digit;
        }
        text.bytes[width] = b'-';
        for i in 0..8 {
            text.bytes[width + 1 + i] = HEX[((self.counter >> (28 - 4 * i)) & 0xf) as usize];
        }
        text.bytes[width + 9] = b'-';
        for i in 0..16 {
            text.bytes[width + 10 + i] = HEX[((self.node >> (60 - 4 * i)) & 0xf) as usize];
        }
        text
    }

    pub fn decode(text: &str) -> Option<Hlc> {
        let mut parts = text.split('-');
        let millis = parts.next()?.parse().ok()?;
        let counter = u32::from_str_radix(parts.next()?, 16).ok()?;
        let node = u64::from_str_radix(parts.next()?, 16).ok()?;
        parts.next().is_none().then_some(Hlc {
            millis,
            counter,
            node,
        })
    }

    /// Refuses timestamps from before 2020 or more than `max_drift_millis` ahead of `now_millis`.
    pub fn check_plausible(
        &self,
        now_millis: u64,
        max_drift_millis: u64,
    ) -> Result<(), ClockError> {
        if self.millis < EARLIEST_PLAUSIBLE_MILLIS {
            return Err(ClockError::TooOld {
                millis: self.millis,
            });
        }
        if self.millis > now_millis.saturating_add(max_drift_millis) {
            return Err(ClockError::TooFarAhead {
                millis: self.millis,
                ahead_by_millis: self.millis - now_millis,
            });
        }
        Ok(())
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("timestamp {millis} ms is before 2020")]
    TooOld { millis: u64 },
    #[error("timestamp {millis} ms is {ahead_by_millis} ms ahead of this clock")]
    TooFarAhead { millis: u64, ahead_by_millis: u64 },
    #[error("logical counter overflowed within one millisecond")]
    CounterOverflow,
}

/// A device's clock. `now` is passed in so that the clock stays a pure value and tests control time.
#[derive(Clone, Debug)]
pub struct Clock {
    last: Hlc,
    max_drift_millis: u64,
}

impl Clock {
    pub fn new(node: u64) -> Self {
        Clock {
            last: Hlc::new(0, 0, node),
            max_drift_millis: DEFAULT_MAX_DRIFT_MILLIS,
        }
    }

    /// Restores a clock that has already issued `last` (read back from the store at start-up).
    pub fn resume(last: Hlc) -> Self {
        Clock {
            last,
            max_drift_millis: DEFAULT_MAX_DRIFT_MILLIS,
        }
    }

    pub fn last(&self) -> Hlc {
        self.last
    }

    /// A new timestamp for a local event: strictly greater than anything issued or observed before,
    /// even when the wall clock went backwards.
    pub fn tick(&mut self, now_millis: u64) -> Result<Hlc, ClockError> {
        let next = if now_millis > self.last.millis {
            Hlc::new(now_millis, 0, self.last.node)
        } else {
            let counter = self
                .last
                .counter
                .checked_add(1)
                .ok_or(ClockError::CounterOverflow)?;
            Hlc::new(self.last.millis, counter, self.last.node)
        };
        self.last = next;
        Ok(next)
    }

    /// Moves the clock past a remote timestamp, so later local edits order after what was seen.
    /// An absurd remote timestamp is refused and leaves the clock as it was.
    pub fn observe(&mut self, remote: Hlc, now_millis: u64) -> Result<(), ClockError> {
        remote.check_plausible(now_millis, self.max_drift_millis)?;
        if (remote.millis, remote.counter) > (self.last.millis, self.last.counter) {
            self.last = Hlc::new(remote.millis, remote.counter, self.last.node);
        }
        Ok(())
    }
}

impl Clock {
    /// Moves past a timestamp the server has already checked. No drift check here: a phone whose own
    /// clock is wrong must still accept correct data, and its later edits still order after it.
    pub fn observe_checked_remote(&mut self, remote: Hlc) {
        if (remote.millis, remote.counter) > (self.last.millis, self.last.counter) {
            self.last = Hlc::new(remote.millis, remote.counter, self.last.node);
        }
    }
}

/// Milliseconds since the Unix epoch from the system clock.
pub fn system_now_millis() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(now.as_millis()).unwrap_or(u64::MAX)
}

/// The text form of an [`Hlc`], held inline.
pub struct HlcText {
    bytes: [u8; HlcText::CAPACITY],
    len: usize,
}

impl HlcText {
    /// 20 digits of millis at most, a dash, 8 hex digits, a dash, 16 hex digits.
    const CAPACITY: usize = 46;
}

impl std::ops::Deref for HlcText {
    type Target = str;

    fn deref(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len])
            .expect("digits, hex digits and dashes are ASCII")
    }
}

/// The node of a device's HLC: 64 bits of its id, so ties between devices break the same way everywhere.
pub fn node_of(device_id: &str) -> u64 {
    let hex: String = device_id.chars().filter(char::is_ascii_hexdigit).collect();
    let tail = &hex[hex.len().saturating_sub(16)..];
    u64::from_str_radix(tail, 16).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_790_000_000_000;

    #[test]
    fn ticks_are_strictly_increasing_even_when_wall_clock_goes_back() {
        let mut clock = Clock::new(7);
        let a = clock.tick(NOW).unwrap();
        let b = clock.tick(NOW - 5_000).unwrap();
        let c = clock.tick(NOW).unwrap();
        assert!(a < b && b < c);
        assert_eq!(b.millis, NOW);
    }

    #[test]
    fn observing_a_later_remote_moves_local_edits_after_it() {
        let mut slow_phone = Clock::new(1);
        let remote = Hlc::new(NOW + 1_000, 3, 2);
        slow_phone.observe(remote, NOW).unwrap();
        let local = slow_phone.tick(NOW).unwrap();
        assert!(
            local > remote,
            "an edit made after seeing a value must order after it"
        );
    }

    #[test]
    fn absurd_timestamps_are_refused_and_leave_the_clock_alone() {
        let mut clock = Clock::new(1);
        clock.tick(NOW).unwrap();
        let before = clock.last();
        let year_2099 = Hlc::new(4_070_908_800_000, 0, 9);
        assert!(matches!(
            clock.observe(year_2099, NOW),
            Err(ClockError::TooFarAhead { .. })
        ));
        assert!(matches!(
            clock.observe(Hlc::new(1_000, 0, 9), NOW),
            Err(ClockError::TooOld { .. })
        ));
        assert_eq!(clock.last(), before);
    }

    proptest::proptest! {
        #[test]
        fn text_form_is_the_documented_layout_for_any_clock(
            millis in proptest::prop_oneof![0..20_000_000_000_000u64, proptest::num::u64::ANY],
            counter: u32,
            node: u64,
        ) {
            let hlc = Hlc::new(millis, counter, node);
            proptest::prop_assert_eq!(hlc.encode(), format!("{millis:013}-{counter:08x}-{node:016x}"));
            proptest::prop_assert_eq!(Hlc::decode(&hlc.encode()), Some(hlc));
        }
    }

    #[test]
    fn text_form_round_trips_and_sorts_like_the_value() {
        let a = Hlc::new(NOW, 15, 0xabc);
        let b = Hlc::new(NOW, 16, 0x1);
        assert_eq!(Hlc::decode(&a.encode()), Some(a));
        assert!(a.encode() < b.encode());
        assert_eq!(Hlc::decode("garbage"), None);
        assert_eq!(Hlc::decode("1-2-3-4"), None);
    }
}
