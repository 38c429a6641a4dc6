//! Tests of the `fix_race` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/fix_race.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/fix_race.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{no_threads_left, race, watch, within};
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

#[test]
fn the_balance_never_dips_below_zero_even_for_a_moment() {
    // Withdrawals that start together, round after round, while a watcher reads the balance all
    // the time: a withdrawal that takes the money first and gives it back if that overdrew the
    // account leaves the balance below zero for a moment, and ends right.
    const TRIES: usize = 4;
    const ROUNDS: usize = 300;
    let (paid, balance, dipped) = no_threads_left(Duration::from_secs(10), || {
        let account = Arc::new(lab::Account::new(10 * ROUNDS as i64 / 2));
        let watched = account.clone();
        let watcher = watch(move || match watched.balance() {
            b if b < 0 => Err(format!("the balance was {b}")),
            _ => Ok(()),
        });
        let paid: usize = race(TRIES, ROUNDS, |_, _| account.withdraw(10))
            .iter()
            .flatten()
            .filter(|paid| **paid)
            .count();
        (paid, account.balance(), watcher.stop())
    });
    assert_eq!(
        dipped,
        None,
        "while withdrawals ran, {}: a withdrawal was seen in the middle of its work. Check and \
         debit in one step that nobody can see half done (one lock around both)",
        dipped.as_deref().unwrap_or_default()
    );
    assert_eq!(
        (paid, balance),
        (ROUNDS / 2, 0),
        "{ROUNDS} × 10 fits in the account"
    );
}
