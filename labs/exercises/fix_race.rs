//! Lab `fix_race` (course section 5.10): find and fix a race condition.
//!
//! In Go, two goroutines writing one variable is a data race. Rust rejects that at compile time, so
//! the races left in Rust are logic races: every access is locked, yet the *decision* is made on
//! a value that is stale by the time it is acted on. This account checks the balance, then debits
//! it, as two separate steps. Under load, it pays out money it does not have.
//!
//! Check: `cargo xtask lab check fix_race`. Experiment: `cargo xtask lab run fix_race`.
//! The tests live in `labs/tests/fix_race.rs`: read them, don't edit them.

use std::sync::Mutex;
use std::thread;
use std::time::Duration;

/// A bank account that must never go below zero.
pub struct Account {
    balance: Mutex<i64>,
}

impl Account {
    /// An account holding `balance`.
    pub fn new(balance: i64) -> Account {
        Account {
            balance: Mutex::new(balance),
        }
    }

    /// Takes `amount` out if the balance covers it; `true` if it did.
    pub fn withdraw(&self, amount: i64) -> bool {
        // TODO: each line locks, so there is no data race, but the lock is let go between the
        // check and the debit: several withdrawals can all pass the check before any debits.
        // Make the check and the debit one step, under one lock.
        let covered = *self.balance.lock().unwrap() >= amount;
        if covered {
            audit(amount);
            *self.balance.lock().unwrap() -= amount;
        }
        covered
    }

    /// The balance now.
    pub fn balance(&self) -> i64 {
        *self.balance.lock().unwrap()
    }
}

/// Records a withdrawal for the auditors; it takes a moment.
fn audit(_amount: i64) {
    thread::sleep(Duration::from_millis(1));
}

fn main() {
    let account = Account::new(100);
    let paid = thread::scope(|s| {
        let tries: Vec<_> = (0..20).map(|_| s.spawn(|| account.withdraw(10))).collect();
        tries
            .into_iter()
            .map(|t| t.join())
            .filter(|paid| matches!(paid, Ok(true)))
            .count()
    });
    println!("paid {paid} × 10 from 100: balance {}", account.balance());
}
