// A Receiver has no `send`: error[E0599]: no method named `send` found for struct `Receiver`.
let (_tx, rx) = crossbeam_channel::bounded::<&str>(1);
rx.send("hello");
