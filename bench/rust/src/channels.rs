//! Channel workloads: one producer and one consumer, four of each, a ping-pong and a `select!`.
//!
//! The lessons use crossbeam's channels as they are, so those rows are chanlab's; std's
//! `sync_channel` runs the same workload beside them where it can (it has one receiver and no
//! `select`).

use crate::{Error, Implementation, checked, sum_below, timed};
use crossbeam_channel::{self as cb, never, select};
use std::sync::mpsc;
use std::thread;

/// The rows of this group.
pub const IMPLEMENTATIONS: &[Implementation] = &[
    Implementation {
        case: "spsc-unbuffered",
        label: "crossbeam",
        run: |s| spsc::<Crossbeam>(0, s.ops),
    },
    Implementation {
        case: "spsc-unbuffered",
        label: "std mpsc",
        run: |s| spsc::<StdMpsc>(0, s.ops),
    },
    Implementation {
        case: "spsc-cap1",
        label: "crossbeam",
        run: |s| spsc::<Crossbeam>(1, s.ops),
    },
    Implementation {
        case: "spsc-cap1",
        label: "std mpsc",
        run: |s| spsc::<StdMpsc>(1, s.ops),
    },
    Implementation {
        case: "spsc-cap100",
        label: "crossbeam",
        run: |s| spsc::<Crossbeam>(100, s.ops),
    },
    Implementation {
        case: "spsc-cap100",
        label: "std mpsc",
        run: |s| spsc::<StdMpsc>(100, s.ops),
    },
    Implementation {
        case: "mpmc-cap0",
        label: "crossbeam",
        run: |s| mpmc(0, s.ops),
    },
    Implementation {
        case: "mpmc-cap100",
        label: "crossbeam",
        run: |s| mpmc(100, s.ops),
    },
    Implementation {
        case: "ping-pong",
        label: "chanlab ping_pong (crossbeam)",
        run: |s| lesson_ping_pong(s.ops),
    },
    Implementation {
        case: "ping-pong",
        label: "std mpsc",
        run: |s| ping_pong::<StdMpsc>(s.ops),
    },
    Implementation {
        case: "select",
        label: "crossbeam select!",
        run: |s| select(s.ops),
    },
];

/// A bounded channel of `u64`, so one workload runs over crossbeam and over std alike.
pub trait Channel {
    /// Its sending half.
    type Tx: Send;
    /// Its receiving half.
    type Rx: Send;
    /// A channel holding up to `capacity` values; 0 is a rendezvous.
    fn bounded(capacity: usize) -> (Self::Tx, Self::Rx);
    /// Sends `v`; false once the receiver is gone.
    fn send(tx: &Self::Tx, v: u64) -> bool;
    /// The next value; `None` once every sender is gone.
    fn recv(rx: &Self::Rx) -> Option<u64>;
}

/// crossbeam's channel: Go's `make(chan T, n)`.
pub struct Crossbeam;

impl Channel for Crossbeam {
    type Tx = cb::Sender<u64>;
    type Rx = cb::Receiver<u64>;
    fn bounded(capacity: usize) -> (Self::Tx, Self::Rx) {
        cb::bounded(capacity)
    }
    fn send(tx: &Self::Tx, v: u64) -> bool {
        tx.send(v).is_ok()
    }
    fn recv(rx: &Self::Rx) -> Option<u64> {
        rx.recv().ok()
    }
}

/// std's `sync_channel`.
pub struct StdMpsc;

impl Channel for StdMpsc {
    type Tx = mpsc::SyncSender<u64>;
    type Rx = mpsc::Receiver<u64>;
    fn bounded(capacity: usize) -> (Self::Tx, Self::Rx) {
        mpsc::sync_channel(capacity)
    }
    fn send(tx: &Self::Tx, v: u64) -> bool {
        tx.send(v).is_ok()
    }
    fn recv(rx: &Self::Rx) -> Option<u64> {
        rx.recv().ok()
    }
}

/// One producer sends `0..ops` over a channel of `capacity`; the consumer sums them.
/// One operation: one value sent and received.
pub fn spsc<C: Channel>(capacity: usize, ops: u64) -> Result<f64, Error> {
    let (tx, rx) = C::bounded(capacity);
    let (ns_per_op, sum) = timed(ops, || {
        thread::scope(|s| {
            s.spawn(move || {
                for v in 0..ops {
                    if !C::send(&tx, v) {
                        break;
                    }
                }
            });
            let mut sum = 0u64;
            while let Some(v) = C::recv(&rx) {
                sum += v;
            }
            sum
        })
    });
    checked(ns_per_op, sum, sum_below(ops))
}

/// Four producers share out `0..ops` over one channel of `capacity`; four consumers sum what
/// they get. One operation: one value sent and received. crossbeam only: std's receiver is
/// single.
pub fn mpmc(capacity: usize, ops: u64) -> Result<f64, Error> {
    const SIDES: u64 = 4;
    let (tx, rx) = cb::bounded::<u64>(capacity);
    let (ns_per_op, sum) = timed(ops, || {
        thread::scope(|s| {
            for p in 0..SIDES {
                let tx = tx.clone();
                // Producer p sends p, p + 4, p + 8...: every value below `ops` exactly once.
                s.spawn(move || {
                    for v in (p..ops).step_by(SIDES as usize) {
                        if tx.send(v).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let consumers: Vec<_> = (0..SIDES)
                .map(|_| {
                    let rx = rx.clone();
                    s.spawn(move || rx.iter().sum::<u64>())
                })
                .collect();
            consumers
                .into_iter()
                .map(|c| c.join().expect("a consumer only sums"))
                .sum::<u64>()
        })
    });
    checked(ns_per_op, sum, sum_below(ops))
}

/// The channels lesson's own `ping_pong`, over crossbeam. One operation: one round trip (two
/// hand-offs).
fn lesson_ping_pong(ops: u64) -> Result<f64, Error> {
    let rounds = u32::try_from(ops).map_err(|_| Error::Ops {
        min: 1,
        max: u64::from(u32::MAX),
        ops,
    })?;
    let (ns_per_op, _) = timed(ops, || chanlab_channels::unbuffered::ping_pong(rounds));
    Ok(ns_per_op)
}

/// A value bounced between two threads over two unbuffered channels. One operation: one round
/// trip (two hand-offs).
pub fn ping_pong<C: Channel>(ops: u64) -> Result<f64, Error> {
    let (ping_tx, ping_rx) = C::bounded(0);
    let (pong_tx, pong_rx) = C::bounded(0);
    let (ns_per_op, ball) = timed(ops, || {
        thread::scope(|s| {
            s.spawn(move || {
                while let Some(ball) = C::recv(&ping_rx) {
                    if !C::send(&pong_tx, ball + 1) {
                        break;
                    }
                }
            });
            let mut ball = 0;
            for _ in 0..ops {
                if !C::send(&ping_tx, ball) {
                    break;
                }
                match C::recv(&pong_rx) {
                    Some(next) => ball = next,
                    None => break,
                }
            }
            drop(ping_tx);
            ball
        })
    });
    checked(ns_per_op, ball, ops)
}

/// Two producers, each on its own channel of capacity 100, one sending `0..ops/2` and the other
/// the rest; the consumer takes from whichever is ready with `select!`, and switches a closed
/// channel off with `never()` (Go sets it to nil). One operation: one value received.
pub fn select(ops: u64) -> Result<f64, Error> {
    let half = ops / 2;
    let (a_tx, a) = cb::bounded::<u64>(100);
    let (b_tx, b) = cb::bounded::<u64>(100);
    let (ns_per_op, sum) = timed(ops, || {
        thread::scope(|s| {
            s.spawn(move || (0..half).all(|v| a_tx.send(v).is_ok()));
            s.spawn(move || (half..ops).all(|v| b_tx.send(v).is_ok()));
            let (mut a, mut b) = (a, b);
            let (mut sum, mut open) = (0u64, 2);
            while open > 0 {
                select! {
                    recv(a) -> v => match v {
                        Ok(v) => sum += v,
                        Err(_) => { a = never(); open -= 1; }
                    },
                    recv(b) -> v => match v {
                        Ok(v) => sum += v,
                        Err(_) => { b = never(); open -= 1; }
                    },
                }
            }
            sum
        })
    });
    checked(ns_per_op, sum, sum_below(ops))
}
