//! Varied inputs that can be replayed: [`seeded`] runs a test with a random generator whose seed
//! it names when the test fails. `LAB_SEED=<seed> cargo xtask lab check <lab>` gives the same
//! inputs again.

use std::time::{SystemTime, UNIX_EPOCH};

/// A small random generator (SplitMix64): enough to vary a test's inputs, and the same sequence
/// for the same seed everywhere.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator that starts from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number from `low` to `high`, both included.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        assert!(low <= high, "between({low}, {high})");
        low + self.next_u64() % (high - low + 1)
    }

    /// The items in a random order.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.between(0, i as u64) as usize);
        }
    }
}

/// Runs `test` with a generator seeded from `LAB_SEED` if it is set, else from the clock. If the
/// test panics, the seed and the command that replays it are printed after its message, and the
/// panic is passed on.
pub fn seeded<T>(test: impl FnOnce(&mut Rng) -> T) -> T {
    let seed = std::env::var("LAB_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64 % 1_000_000_000)
        });
    let mut rng = Rng::new(seed);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| test(&mut rng)));
    outcome.unwrap_or_else(|payload| {
        let lab = std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.file_stem()?.to_str()?.to_string()))
            .map(|stem| stem.split('-').next().unwrap_or_default().to_string())
            .unwrap_or_else(|| "<lab>".to_string());
        // The panic has said what went wrong; add how to see it again.
        eprintln!(
            "(these inputs came from seed {seed}: `LAB_SEED={seed} cargo xtask lab check {lab}` \
             runs them again)"
        );
        std::panic::resume_unwind(payload)
    })
}
