//! The model of the `fix_race` lab: loom runs two withdrawals at once in every order their steps
//! can take, while a third thread reads the balance. Don't edit it: `cargo xtask lab grade`
//! refuses modified tests.

#[allow(dead_code, unused_imports)]
mod lab {
    include!(concat!(env!("OUT_DIR"), "/fix_race.rs"));
}

use loom::sync::Arc;
use loom::thread;

#[test]
fn two_withdrawals_at_once_never_overdraw_in_any_interleaving() {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(|| {
        let account = Arc::new(lab::Account::new(10));
        let other = {
            let account = account.clone();
            thread::spawn(move || account.withdraw(10))
        };
        let watcher = {
            let account = account.clone();
            thread::spawn(move || account.balance())
        };
        let mine = account.withdraw(10);
        let theirs = other.join().expect("the other withdrawal does not panic");
        let seen = watcher.join().expect("reading the balance does not panic");
        assert!(
            seen >= 0,
            "a withdrawal was seen half done: the balance read {seen} while two withdrawals of 10 \
             ran on an account of 10. Check and debit in one step nobody can see half done (one \
             lock around both)"
        );
        assert!(
            mine != theirs && account.balance() == 0,
            "two withdrawals of 10 at once from an account of 10: {} paid, balance {}. Both \
             passed the check before either debited: check and debit under one lock",
            usize::from(mine) + usize::from(theirs),
            account.balance()
        );
    });
}
