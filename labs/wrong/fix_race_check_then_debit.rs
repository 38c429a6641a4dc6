// Mistake: check-then-act. It reads the balance, then debits it in a second atomic step; two withdrawals can pass the check together.

use std::sync::atomic::{AtomicI64, Ordering};
use std::thread;
use std::time::Duration;

/// A bank account that must never go below zero.
pub struct Account {
    balance: AtomicI64,
}

impl Account {
    /// An account holding `balance`.
    pub fn new(balance: i64) -> Account {
        Account {
            balance: AtomicI64::new(balance),
        }
    }

    /// Takes `amount` out if the balance covers it; `true` if it did.
    pub fn withdraw(&self, amount: i64) -> bool {
        let covered = self.balance.load(Ordering::SeqCst) >= amount;
        if covered {
            self.balance.fetch_sub(amount, Ordering::SeqCst);
            audit(amount);
        }
        covered
    }

    /// The balance now.
    pub fn balance(&self) -> i64 {
        self.balance.load(Ordering::SeqCst)
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
