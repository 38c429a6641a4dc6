//! Tests of the `fix_race` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/fix_race.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/fix_race.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::within;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(5);

#[test]
fn a_single_withdrawal_is_checked() {
    let (first, second, balance) = within(DEADLINE, || {
        let account = lab::Account::new(15);
        (
            account.withdraw(10),
            account.withdraw(10),
            account.balance(),
        )
    });
    assert!(first, "15 covers 10");
    assert!(!second, "5 does not cover 10");
    assert_eq!(balance, 5);
}

#[test]
fn concurrent_withdrawals_never_overdraw() {
    // A race may hide in one run: try ten.
    for run in 1..=10 {
        let (paid, balance) = within(DEADLINE, || {
            let account = Arc::new(lab::Account::new(100));
            // 25 withdrawals of 10 from 100, released at the same moment.
            let start = Arc::new(Barrier::new(25));
            let tries: Vec<_> = (0..25)
                .map(|_| {
                    let (account, start) = (account.clone(), start.clone());
                    thread::spawn(move || {
                        start.wait();
                        account.withdraw(10)
                    })
                })
                .collect();
            let paid = tries
                .into_iter()
                .map(|t| t.join())
                .filter(|paid| matches!(paid, Ok(true)))
                .count();
            (paid, account.balance())
        });
        assert!(
            balance >= 0,
            "run {run}: the balance went to {balance}, with {paid} withdrawals paid"
        );
        assert_eq!(
            (paid, balance),
            (10, 0),
            "run {run}: exactly 10 × 10 fit in 100"
        );
    }
}
