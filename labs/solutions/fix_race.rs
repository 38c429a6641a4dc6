//! Lab `fix_race` (course section 5.10), reference solution: the check and the debit happen under
//! one lock.

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
        // One guard for the check and the debit: no withdrawal can come in between.
        let mut balance = self.balance.lock().unwrap();
        let covered = *balance >= amount;
        if covered {
            audit(amount);
            *balance -= amount;
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
