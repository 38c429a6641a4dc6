//! Rendezvous that spin before they sleep, beside crossbeam's and std's: a receiver that finds
//! no value keeps looking for a while before it parks, so a sender that comes soon hands over
//! without waking anyone. Go's scheduler switches goroutines instead; the channels lesson's
//! `handoff` step explains the difference.

use crate::Implementation;
use crate::channels::{self, Channel};

/// The rows of this group.
pub const IMPLEMENTATIONS: &[Implementation] = &[
    Implementation {
        case: "spsc-unbuffered",
        label: "kanal",
        run: |s| channels::spsc::<Kanal>(0, s.ops),
    },
    Implementation {
        case: "ping-pong",
        label: "kanal",
        run: |s| channels::ping_pong::<Kanal>(s.ops),
    },
];

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
