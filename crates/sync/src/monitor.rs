//! The monitor: one thread owns the state, others send it requests (section 5.6; Go's "share memory
//! by communicating").
//!
//! Instead of a lock around a balance, a teller thread owns the balance outright and serves
//! requests from a channel, one at a time. A request carries its own reply channel, so each caller
//! gets its own answer. No lock is needed because no other thread can reach the balance; the
//! channel serialises the requests.

use chanlab_common::Cx;
use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use parking_lot::Mutex;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Why a bank request failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BankError {
    /// The deposit would take the balance past `u64::MAX`; the balance is unchanged.
    Overflow {
        /// The balance before the deposit.
        balance: u64,
        /// The amount refused.
        amount: u64,
    },
    /// The teller thread has stopped (it panicked), so nobody can answer.
    Closed,
}

impl std::fmt::Display for BankError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BankError::Overflow { balance, amount } => {
                write!(
                    f,
                    "depositing {amount} would overflow the balance of {balance}"
                )
            }
            BankError::Closed => f.write_str("the bank is closed: its teller thread has stopped"),
        }
    }
}

impl std::error::Error for BankError {}

// ANCHOR: requests
/// What a caller can ask the teller; each request carries the channel for its answer.
enum Request {
    Deposit {
        amount: u64,
        reply: Sender<Result<u64, BankError>>,
    },
    Balance {
        reply: Sender<u64>,
    },
}

/// A handle to a bank whose balance belongs to one teller thread. Clone it for each thread.
#[derive(Clone, Debug)]
pub struct Bank {
    requests: Sender<Request>,
}

impl Bank {
    /// Opens a bank with a balance of zero and starts its teller, which serves requests until
    /// every handle is dropped; join the returned thread to wait for it.
    pub fn open() -> (Bank, JoinHandle<()>) {
        let (requests, inbox) = unbounded();
        let teller = thread::spawn(move || teller(inbox));
        (Bank { requests }, teller)
    }

    /// Deposits `amount` and returns the new balance.
    pub fn deposit(&self, amount: u64) -> Result<u64, BankError> {
        let (reply, answer) = bounded(1);
        self.ask(Request::Deposit { amount, reply })?;
        answer.recv().map_err(|_| BankError::Closed)?
    }

    /// The balance now.
    pub fn balance(&self) -> Result<u64, BankError> {
        let (reply, answer) = bounded(1);
        self.ask(Request::Balance { reply })?;
        answer.recv().map_err(|_| BankError::Closed)
    }

    fn ask(&self, request: Request) -> Result<(), BankError> {
        self.requests.send(request).map_err(|_| BankError::Closed)
    }
}

/// The teller: the only code that can touch the balance, so it needs no lock.
fn teller(inbox: Receiver<Request>) {
    let mut balance: u64 = 0;
    for request in inbox {
        match request {
            Request::Deposit { amount, reply } => {
                let outcome = balance
                    .checked_add(amount)
                    .ok_or(BankError::Overflow { balance, amount });
                if let Ok(new) = outcome {
                    balance = new;
                }
                let _ = reply.send(outcome); // a caller that gave up is no concern of ours
            }
            Request::Balance { reply } => {
                let _ = reply.send(balance);
            }
        }
    }
}
// ANCHOR_END: requests

// ANCHOR: locked
/// The same bank with the balance behind a mutex: every caller runs the update itself.
#[derive(Debug, Default)]
pub struct LockedBank {
    balance: Mutex<u64>,
}

impl LockedBank {
    /// A bank with a balance of zero.
    pub fn new() -> LockedBank {
        LockedBank::default()
    }

    /// Deposits `amount` and returns the new balance.
    pub fn deposit(&self, amount: u64) -> Result<u64, BankError> {
        let mut balance = self.balance.lock();
        *balance = balance.checked_add(amount).ok_or(BankError::Overflow {
            balance: *balance,
            amount,
        })?;
        Ok(*balance)
    }

    /// The balance now.
    pub fn balance(&self) -> u64 {
        *self.balance.lock()
    }
}
// ANCHOR_END: locked

/// How many threads deposit in the step.
pub const CUSTOMERS: u64 = 10;
/// How many deposits each makes.
pub const DEPOSITS: u64 = 100;
/// The amount of each deposit.
pub const AMOUNT: u64 = 10;

/// Ten customers make a hundred deposits of 10 each, at the monitor and at the mutex version:
/// both end at 10000. Then a deposit that would overflow is refused with an error.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    // ANCHOR: customers
    let (bank, teller) = Bank::open();
    let start = Instant::now();
    thread::scope(|s| -> anyhow::Result<()> {
        let customers: Vec<_> = (0..CUSTOMERS)
            .map(|_| {
                let bank = bank.clone();
                s.spawn(move || -> Result<(), BankError> {
                    for _ in 0..DEPOSITS {
                        bank.deposit(AMOUNT)?;
                    }
                    Ok(())
                })
            })
            .collect();
        for customer in customers {
            customer.join().expect("a customer panicked")?;
        }
        Ok(())
    })?;
    let monitor_time = start.elapsed();
    cx.say(format!("monitor: balance {}", bank.balance()?));
    // ANCHOR_END: customers

    let locked = LockedBank::new();
    let start = Instant::now();
    thread::scope(|s| {
        for _ in 0..CUSTOMERS {
            s.spawn(|| {
                for _ in 0..DEPOSITS {
                    // Cannot overflow: the total is 10000.
                    let _ = locked.deposit(AMOUNT);
                }
            });
        }
    });
    let locked_time = start.elapsed();
    cx.say(format!("mutex:   balance {}", locked.balance()));
    let per_deposit = |d: Duration| d / (CUSTOMERS * DEPOSITS) as u32;
    cx.say(format!(
        "per deposit, this run: monitor {:?} (two channel hand-offs), mutex {:?} (one lock)",
        per_deposit(monitor_time),
        per_deposit(locked_time)
    ));
    match bank.deposit(u64::MAX) {
        Err(error) => cx.say(format!("deposit(u64::MAX): refused: {error}")),
        Ok(balance) => cx.say(format!("deposit(u64::MAX): accepted?! balance {balance}")),
    }
    cx.say(
        "a mutex is simpler and faster for one number; a monitor suits state with many parts, \
         rules that span several updates, or an owner that also does I/O",
    );
    drop(bank); // the last handle: the teller's loop ends
    teller
        .join()
        .map_err(|_| anyhow::anyhow!("the teller panicked"))?;
    Ok(())
}
