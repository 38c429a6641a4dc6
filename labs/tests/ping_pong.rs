//! Tests of the `ping_pong` lab. Don't edit them: `cargo xtask lab grade` refuses modified tests.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/ping_pong.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/ping_pong.rs")]
#[allow(dead_code)]
mod lab;

use chanlab_labs::{cpu_used, no_threads_left, seeded, timed, within};
use std::thread;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(3);

#[test]
fn a_send_on_the_table_waits_for_the_other_player() {
    let waited = within(DEADLINE, || {
        let (to, from) = lab::table();
        let sender = thread::spawn(move || timed(|| to.send(lab::Ball::default())).1);
        thread::sleep(Duration::from_millis(300));
        from.recv().expect("a ball arrives");
        sender.join().expect("the sender does not panic")
    });
    assert!(
        waited >= Duration::from_millis(200),
        "the send returned after {waited:?}, though nobody took the ball for 300 ms: \
         the table is buffered, it must be unbuffered (capacity 0)"
    );
}

#[test]
fn the_players_take_turns_until_the_last_hit() {
    for hits in [1, 2, 7, 100] {
        let ball = no_threads_left(DEADLINE, move || lab::play(hits))
            .unwrap_or_else(|| panic!("a rally of {hits} hits broke off before the last hit"));
        assert_eq!(ball.hits.len(), hits, "{:?}", ball.hits);
        for (i, name) in ball.hits.iter().enumerate() {
            let turn = if i % 2 == 0 { "ping" } else { "pong" };
            assert_eq!(
                *name,
                turn,
                "hit {} was not {turn}'s: {:?}",
                i + 1,
                ball.hits
            );
        }
    }
}

#[test]
fn a_player_goes_home_when_the_other_leaves() {
    let outcome = no_threads_left(DEADLINE, || {
        let (to_me, from) = lab::table();
        let (to, _from_me) = lab::table();
        let me = thread::spawn(move || lab::player("ping", from, to, 10));
        drop(to_me);
        me.join().expect("the player does not panic")
    });
    assert!(outcome.is_none(), "{outcome:?}");
}

#[test]
fn a_player_waits_for_the_ball_as_long_as_it_takes_without_spinning() {
    seeded(|rng| {
        let serve_after = Duration::from_millis(rng.between(300, 700));
        let (ball, cpu) = within(DEADLINE, move || {
            let (to_me, from) = lab::table();
            let (to, _from_me) = lab::table();
            cpu_used(|| {
                let me = thread::spawn(move || lab::player("ping", from, to, 1));
                thread::sleep(serve_after);
                // A player who has left makes this send fail.
                let _ = to_me.send(lab::Ball::default());
                me.join().expect("the player does not panic")
            })
        });
        let ball = ball.unwrap_or_else(|| {
            panic!(
                "the ball came after {serve_after:?} and the player had gone: a player waits \
                 for the ball as long as the other player is there (until the channel closes)"
            )
        });
        assert_eq!(ball.hits, ["ping"]);
        if let Some(cpu) = cpu {
            cpu.assert_idle(&format!("waited {serve_after:?} for the ball"));
        }
    });
}
