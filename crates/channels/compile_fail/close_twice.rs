// Closing is dropping, and a value cannot be dropped twice:
// error[E0382]: use of moved value: `tx`.
let (tx, _rx) = crossbeam_channel::bounded::<i32>(1);
drop(tx);
drop(tx);
