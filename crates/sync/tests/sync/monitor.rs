//! Tests of the `monitor` step and its `Bank`.
use chanlab_common::testing::{STEP_DEADLINE, no_threads_left, run_step};
use chanlab_sync::monitor::{self, Bank, BankError, LockedBank};
use std::thread;

#[test]
fn the_monitor_and_the_mutex_agree_on_the_balance() {
    let t = run_step(monitor::run, 1.0);
    assert!(t.contains("monitor: balance 10000"), "{t}");
    assert!(t.contains("mutex:   balance 10000"), "{t}");
    assert!(t.contains("per deposit, this run: monitor "), "{t}");
    assert!(
        t.contains("deposit(u64::MAX): refused: depositing 18446744073709551615 would overflow the balance of 10000"),
        "{t}"
    );
}

#[test]
fn each_caller_gets_its_own_answer() {
    no_threads_left(STEP_DEADLINE, || {
        let (bank, teller) = Bank::open();
        thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..100 {
                        let after = bank.deposit(1).unwrap();
                        assert!((1..=800).contains(&after));
                    }
                });
            }
        });
        assert_eq!(bank.balance(), Ok(800));
        drop(bank);
        teller.join().unwrap(); // the last handle dropped: the teller has stopped
    });
}

#[test]
fn an_overflowing_deposit_is_refused_and_changes_nothing() {
    no_threads_left(STEP_DEADLINE, || {
        let (bank, teller) = Bank::open();
        bank.deposit(5).unwrap();
        assert_eq!(
            bank.deposit(u64::MAX),
            Err(BankError::Overflow {
                balance: 5,
                amount: u64::MAX
            })
        );
        assert_eq!(bank.balance(), Ok(5));
        drop(bank);
        teller.join().unwrap();

        let locked = LockedBank::new();
        locked.deposit(5).unwrap();
        assert!(locked.deposit(u64::MAX).is_err());
        assert_eq!(locked.balance(), 5);
    });
}
