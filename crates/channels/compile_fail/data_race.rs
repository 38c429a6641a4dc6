// Two threads add to one variable with nothing ordering them: a data race. Rust refuses it:
// error[E0499]: cannot borrow `count` as mutable more than once at a time.
let mut count = 0;
std::thread::scope(|s| {
    s.spawn(|| count += 1);
    s.spawn(|| count += 1);
});
println!("{count}");
