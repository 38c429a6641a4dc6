// A Sender has no `recv`: error[E0599]: no method named `recv` found for struct `Sender`.
let (tx, _rx) = crossbeam_channel::bounded::<&str>(1);
let _ = tx.recv();
