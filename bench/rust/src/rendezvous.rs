//! Rendezvous that spin before they sleep, beside crossbeam's and std's: a side that finds the
//! other not there yet keeps looking for a while before it parks, so a partner that comes soon
//! hands over without waking anyone. Go's scheduler switches goroutines instead; the channels
//! lesson's `handoff` step explains the difference.

use crate::channels::{self, Channel};
use crate::{Error, Implementation, checked, per_op, sum_below, timed};
use chanlab_channels::handoff::{Handoff, Over, Wait, ping_pong};
use std::thread;
use std::time::Duration;

/// The rows of this group.
pub const IMPLEMENTATIONS: &[Implementation] = &[
    Implementation {
        case: "spsc-unbuffered",
        label: "kanal",
        run: |s| channels::spsc::<Kanal>(0, s.ops),
    },
    Implementation {
        case: "spsc-unbuffered",
        label: "chanlab Handoff (spin, then park)",
        run: |s| handoff_spsc(s.ops),
    },
    Implementation {
        case: "ping-pong",
        label: "kanal",
        run: |s| channels::ping_pong::<Kanal>(s.ops),
    },
    Implementation {
        case: "ping-pong",
        label: "chanlab Handoff (spin, then park)",
        run: |s| handoff_ping_pong(s.ops),
    },
];

/// The channels lesson's `Handoff`, spinning then parking: one producer sends `0..ops`, the
/// consumer sums them. One operation: one value sent and received.
pub fn handoff_spsc(ops: u64) -> Result<f64, Error> {
    let handoff = Handoff::new(Wait::SpinThenPark);
    let (ns_per_op, sum) = timed(ops, || {
        thread::scope(|s| {
            s.spawn(|| (0..ops).for_each(|v| handoff.send(v)));
            (0..ops).map(|_| handoff.recv()).sum::<u64>()
        })
    });
    checked(ns_per_op, sum, sum_below(ops))
}

/// The channels lesson's ping-pong over two `Handoff`s that spin, then park. One operation: one
/// round trip.
pub fn handoff_ping_pong(ops: u64) -> Result<f64, Error> {
    let measured = ping_pong(Over::Handoff(Wait::SpinThenPark), ops, Duration::MAX);
    checked(per_op(measured.elapsed, ops), measured.round_trips, ops)
}

/// kanal's channel: it yields the processor a few hundred times before a blocked side parks.
pub struct Kanal;

impl Channel for Kanal {
    type Tx = kanal::Sender<u64>;
    type Rx = kanal::Receiver<u64>;
    fn bounded(capacity: usize) -> (Self::Tx, Self::Rx) {
        kanal::bounded(capacity)
    }
    fn send(tx: &Self::Tx, v: u64) -> bool {
        tx.send(v).is_ok()
    }
    fn recv(rx: &Self::Rx) -> Option<u64> {
        rx.recv().ok()
    }
}
