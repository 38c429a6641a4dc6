//! Context: cancellation, timeouts and deadlines, passed from a parent to its children
//! (section 5.8).
//!
//! A [`Context`] tells the threads working on something when to give up. Its [`done`] channel
//! disconnects when the context ends, so a thread can wait for it next to its real work in a
//! `select!`; [`err`] then says why. Contexts form a tree: ending one ends every context derived
//! from it, never the other way round.
//!
//! Three things differ from Go's `context` package:
//! - the cancel function is a value, [`CancelFn`], and dropping it cancels: Go's advice to
//!   `defer cancel()` is what happens at the end of its scope;
//! - deadlines are fired by a single thread, `context timer`, shared by every context; it
//!   exists only while some deadline is pending, and a context that ends by other means takes
//!   its deadline off the list at once;
//! - there are no context values: pass data as arguments.
//!
//! [`done`]: Context::done
//! [`err`]: Context::err

mod timer;

use chanlab_sync::shim::Mutex;
use crossbeam_channel::{Receiver, Sender, bounded, never};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
#[cfg(feature = "lesson")]
use {chanlab_common::Cx, crossbeam_channel::select, std::thread};

/// Why a context ended: what Go's `ctx.Err()` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContextError {
    /// Its [`CancelFn`] (or an ancestor's) was called or dropped.
    Canceled,
    /// Its deadline (or an ancestor's) passed.
    DeadlineExceeded,
}

impl fmt::Display for ContextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ContextError::Canceled => "context canceled",
            ContextError::DeadlineExceeded => "context deadline exceeded",
        })
    }
}

impl std::error::Error for ContextError {}

// ANCHOR: context
/// A cancellation signal with an optional deadline, shared by every thread working on one task.
///
/// Cloning is cheap and every clone is the same context.
///
/// ```
/// use chanlab_patterns::{Context, ContextError};
/// use crossbeam_channel::select;
/// use std::time::Duration;
///
/// let (ctx, _cancel) = Context::with_timeout(&Context::background(), Duration::from_millis(20));
/// let (_tx, work) = crossbeam_channel::bounded::<&str>(0); // work that never answers
/// let outcome = select! {
///     recv(work) -> result => result.map_err(|_| ContextError::Canceled),
///     recv(ctx.done()) -> _ => Err(ctx.err().unwrap()),
/// };
/// assert_eq!(outcome, Err(ContextError::DeadlineExceeded));
/// ```
#[derive(Clone)]
pub struct Context {
    /// `None` for the background context, which never ends.
    node: Option<Arc<Node>>,
}

/// Ends its context with [`ContextError::Canceled`], when called or when dropped.
///
/// Go's `cancel` function. Calling it again, or after the context ended, does nothing.
#[must_use = "dropping a CancelFn cancels its context at once; bind it: `let (ctx, _cancel) = ...`"]
pub struct CancelFn {
    node: Arc<Node>,
}
// ANCHOR_END: context

/// One derived context: the state its handles share.
struct Node {
    id: u64,
    parent: Option<Arc<Node>>,
    deadline: Option<Instant>,
    /// Disconnects when `state.close` is dropped, which is when the context ends.
    done: Receiver<()>,
    state: Mutex<State>,
}

struct State {
    err: Option<ContextError>,
    close: Option<Sender<()>>,
    children: HashMap<u64, Weak<Node>>,
    /// This context's own deadline, while the timer thread has it.
    timer: Option<timer::Entry>,
}

impl Context {
    /// The root of every context tree: never ends, has no deadline. Go's `context.Background()`.
    pub fn background() -> Context {
        Context { node: None }
    }

    /// A child of `parent` that also ends when the returned [`CancelFn`] is called or dropped.
    ///
    /// ```
    /// use chanlab_patterns::{Context, ContextError};
    ///
    /// let (parent, cancel) = Context::with_cancel(&Context::background());
    /// let (child, _cancel_child) = Context::with_cancel(&parent);
    /// cancel.cancel();
    /// assert!(child.done().recv().is_err()); // disconnected: the child ended with its parent
    /// assert_eq!(child.err(), Some(ContextError::Canceled));
    /// ```
    pub fn with_cancel(parent: &Context) -> (Context, CancelFn) {
        Context::derive(parent, None)
    }

    /// A child of `parent` that also ends `timeout` from now, with
    /// [`ContextError::DeadlineExceeded`].
    ///
    /// # Panics
    ///
    /// If the operating system cannot start the timer thread.
    pub fn with_timeout(parent: &Context, timeout: Duration) -> (Context, CancelFn) {
        match Instant::now().checked_add(timeout) {
            Some(deadline) => Context::with_deadline(parent, deadline),
            None => Context::with_cancel(parent), // further off than the clock goes: never
        }
    }

    /// A child of `parent` that also ends at `deadline`, with
    /// [`ContextError::DeadlineExceeded`]. A parent's earlier deadline wins.
    ///
    /// ```
    /// use chanlab_patterns::{Context, ContextError};
    /// use std::time::{Duration, Instant};
    ///
    /// let soon = Instant::now() + Duration::from_millis(10);
    /// let (ctx, _cancel) = Context::with_deadline(&Context::background(), soon);
    /// assert_eq!(ctx.deadline(), Some(soon));
    /// let _ = ctx.done().recv(); // returns at the deadline
    /// assert!(Instant::now() >= soon);
    /// assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
    /// ```
    ///
    /// # Panics
    ///
    /// If the operating system cannot start the timer thread.
    pub fn with_deadline(parent: &Context, deadline: Instant) -> (Context, CancelFn) {
        Context::derive(parent, Some(deadline))
    }

    /// A channel that disconnects when the context ends; for the background context, one that
    /// never does. Nothing is ever sent on it: a `recv` returns `Err` when the context ends, and
    /// a `recv(ctx.done())` arm in `select!` fires from then on.
    pub fn done(&self) -> Receiver<()> {
        match &self.node {
            Some(node) => node.done.clone(),
            None => never(),
        }
    }

    /// `None` while [`done`] is open; why the context ended once it has disconnected. The error
    /// and the disconnect happen in one step as any thread sees them, and the error never changes
    /// after.
    ///
    /// [`done`]: Context::done
    pub fn err(&self) -> Option<ContextError> {
        self.node.as_ref().and_then(|node| node.state.lock().err)
    }

    /// When the context will end by itself, if ever: its own deadline or an ancestor's earlier one.
    pub fn deadline(&self) -> Option<Instant> {
        self.node.as_ref().and_then(|node| node.deadline)
    }

    // ANCHOR: derive
    fn derive(parent: &Context, deadline: Option<Instant>) -> (Context, CancelFn) {
        static IDS: AtomicU64 = AtomicU64::new(0);
        let inherited = parent.deadline();
        // A parent that ends first makes a timer for this deadline pointless.
        let own = deadline.filter(|d| inherited.is_none_or(|p| *d < p));
        let (close, done) = bounded(0);
        let node = Arc::new(Node {
            id: IDS.fetch_add(1, Ordering::Relaxed),
            parent: parent.node.clone(),
            deadline: own.or(inherited),
            done,
            state: Mutex::new(State {
                err: None,
                close: Some(close),
                children: HashMap::new(),
                timer: None,
            }),
        });
        if let Some(parent) = &parent.node {
            // Under the parent's lock: either the parent has not ended and will end this child
            // when it does, or it has, and the child ends at once with the same error.
            let mut state = parent.state.lock();
            match state.err {
                None => {
                    state.children.insert(node.id, Arc::downgrade(&node));
                }
                Some(err) => {
                    drop(state);
                    node.end(err);
                }
            }
        }
        if let Some(deadline) = own {
            node.arm(deadline);
        }
        let cancel = CancelFn {
            node: Arc::clone(&node),
        };
        (Context { node: Some(node) }, cancel)
    }
    // ANCHOR_END: derive
}

impl Node {
    // ANCHOR: end
    /// Ends this context, then every descendant, with `err`, unless it has already ended; returns
    /// whether this call ended it. Once it returns, the whole subtree has ended (a descendant
    /// another thread is ending may still be ending its own descendants).
    fn end(&self, err: ContextError) -> bool {
        let Some(children) = self.end_one(err) else {
            return false; // a context ends once
        };
        if let Some(parent) = &self.parent {
            parent.state.lock().children.remove(&self.id);
        }
        // A loop over the descendants rather than a recursion, so that a chain of any depth
        // ends within one stack frame.
        let mut pending = children;
        while let Some(node) = pending.pop() {
            if let Some(children) = node.upgrade().and_then(|node| node.end_one(err)) {
                pending.extend(children);
            }
        }
        true
    }

    /// Ends this context alone: sets its error and disconnects `done` in one step, and takes its
    /// deadline off the timer. Returns its children, still to be ended, or `None` if it had
    /// already ended.
    fn end_one(&self, err: ContextError) -> Option<Vec<Weak<Node>>> {
        let (children, timer) = {
            let mut state = self.state.lock();
            if state.err.is_some() {
                return None;
            }
            state.err = Some(err);
            // Under the same lock as the error, so nobody sees one without the other: `err`
            // is `None` while `done` is open, and set once it has disconnected.
            drop(state.close.take()); // `done` disconnects: every waiter wakes
            (std::mem::take(&mut state.children), state.timer.take())
        };
        if let Some(entry) = timer {
            timer::cancel(entry);
        }
        Some(children.into_values().collect())
    }
    // ANCHOR_END: end

    /// Hands this context's deadline to the timer thread, unless it has passed or the context
    /// has already ended.
    fn arm(self: &Arc<Self>, deadline: Instant) {
        if deadline <= Instant::now() {
            self.end(ContextError::DeadlineExceeded);
            return;
        }
        let mut state = self.state.lock();
        // Under the lock: an `end` that runs later finds the entry and takes it off the list.
        if state.err.is_none() {
            state.timer = Some(timer::schedule(deadline, self.id, Arc::downgrade(self)));
        }
    }
}

impl Drop for Node {
    /// A chain of contexts is a list linked through `parent`; freeing it the default way takes
    /// one stack frame per level, which a deep chain overflows. Free the levels in a loop: each
    /// parent this node held last is taken apart here, its own parent link taken out first.
    fn drop(&mut self) {
        let mut parent = self.parent.take();
        while let Some(node) = parent {
            parent = Arc::into_inner(node).and_then(|mut node| node.parent.take());
        }
    }
}

impl CancelFn {
    /// Ends the context with [`ContextError::Canceled`], unless it has already ended.
    pub fn cancel(&self) {
        self.node.end(ContextError::Canceled);
    }
}

impl Drop for CancelFn {
    fn drop(&mut self) {
        self.node.end(ContextError::Canceled);
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node {
            None => f.write_str("Context::background()"),
            Some(node) => f
                .debug_struct("Context")
                .field("err", &node.state.lock().err)
                .field("deadline", &node.deadline)
                .finish_non_exhaustive(),
        }
    }
}

impl fmt::Debug for CancelFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelFn").finish_non_exhaustive()
    }
}

/// Sends `item` on `output` unless `ctx` ends first; `false` when the item was not sent (the
/// context ended or the reader hung up).
#[cfg(feature = "lesson")]
fn send_or_done<T>(ctx: &Context, output: &Sender<T>, item: T) -> bool {
    select! {
        send(output, item) -> sent => sent.is_ok(),
        recv(ctx.done()) -> _ => false,
    }
}

/// The course's timeout, an explicit cancel, a parent ending its children, a deadline, and a
/// running pipeline stopped by a timeout.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let background = Context::background();

    // ANCHOR: timeout
    let (ctx, _cancel) = Context::with_timeout(&background, cx.scaled(Duration::from_secs(2)));
    let (tx, work) = bounded(1); // buffered: the late worker's send cannot block
    let worker_cx = cx.clone();
    let worker = thread::spawn(move || {
        worker_cx.sleep(Duration::from_secs(3));
        let _ = tx.send("work complete");
    });
    select! {
        recv(work) -> result => cx.say(result?),
        recv(ctx.done()) -> _ => cx.say(format!(
            "work cancelled: {}, after {:.1}",
            ctx.err().expect("done, so ended"),
            cx.secs_since_start()
        )),
    }
    // ANCHOR_END: timeout
    let _ = worker.join(); // a second later: its send lands in the buffer, and it exits

    // ANCHOR: cancel
    let (ctx, cancel) = Context::with_cancel(&background);
    thread::scope(|s| {
        s.spawn(|| {
            cx.sleep(Duration::from_millis(500));
            cancel.cancel(); // Go: cancel()
        });
        let _ = ctx.done().recv(); // blocks until the cancel: nothing is ever sent
    });
    cx.say(format!("cancelled by another thread: {:?}", ctx.err()));
    // ANCHOR_END: cancel

    // ANCHOR: children
    let (parent, cancel_parent) = Context::with_cancel(&background);
    let (child, _cancel_child) = Context::with_cancel(&parent);
    let (grandchild, _cancel_grandchild) =
        Context::with_timeout(&child, cx.scaled(Duration::from_secs(60)));
    let (sibling, _cancel_sibling) = Context::with_cancel(&background);
    drop(cancel_parent); // dropping a CancelFn cancels, like Go's `defer cancel()`
    cx.say(format!(
        "parent cancelled: child {:?}, grandchild {:?}, unrelated {:?}",
        child.err(),
        grandchild.err(),
        sibling.err()
    ));
    // ANCHOR_END: children

    // ANCHOR: deadline
    let start = Instant::now();
    let (ctx, _cancel) =
        Context::with_deadline(&background, start + cx.scaled(Duration::from_secs(1)));
    let _ = ctx.done().recv(); // the timer thread ends the context at the deadline
    // ANCHOR_END: deadline
    cx.say(format!(
        "deadline {:.1} ahead: ended after {:.1} with {:?}",
        cx.secs(Duration::from_secs(1)),
        cx.secs_taken(start.elapsed()),
        ctx.err()
    ));

    cancelled_pipeline(cx)
}

/// A three-stage pipeline with an endless source, stopped by a 1 s timeout: each stage selects on
/// `ctx.done()` wherever it could block, says why it exits, and the scope joins all three.
#[cfg(feature = "lesson")]
fn cancelled_pipeline(cx: &Cx) -> anyhow::Result<()> {
    let start = Instant::now();
    // ANCHOR: pipeline
    let (ctx, _cancel) =
        Context::with_timeout(&Context::background(), cx.scaled(Duration::from_secs(1)));
    let (numbers_tx, numbers) = bounded(0);
    let (squares_tx, squares) = bounded(0);
    let exits = |ctx: &Context| {
        let why = ctx
            .err()
            .map_or("its input closed".to_owned(), |e| e.to_string());
        let me = thread::current().name().unwrap_or("stage").to_owned();
        cx.say(format!("stage {me} exits: {why}"));
    };
    thread::scope(|s| -> std::io::Result<()> {
        let ctx = &ctx;
        let stage = |name: &str| thread::Builder::new().name(name.to_owned());
        stage("source").spawn_scoped(s, move || {
            for n in 1u64.. {
                if !send_or_done(ctx, &numbers_tx, n) {
                    break;
                }
            }
            exits(ctx);
        })?;
        stage("square").spawn_scoped(s, move || {
            loop {
                let n = select! {
                    recv(numbers) -> n => match n { Ok(n) => n, Err(_) => break },
                    recv(ctx.done()) -> _ => break,
                };
                cx.sleep(Duration::from_millis(300)); // slow work
                if !send_or_done(ctx, &squares_tx, n * n) {
                    break;
                }
            }
            exits(ctx);
        })?;
        stage("print").spawn_scoped(s, move || {
            loop {
                select! {
                    recv(squares) -> square => match square {
                        Ok(square) => cx.say(format!("square {square}")),
                        Err(_) => break,
                    },
                    recv(ctx.done()) -> _ => break,
                }
            }
            exits(ctx);
        })?;
        Ok(())
    })?; // the scope joins the three stage threads
    // ANCHOR_END: pipeline
    cx.say(format!(
        "all three stage threads have exited, {:.1} after the pipeline started",
        cx.secs_taken(start.elapsed())
    ));
    Ok(())
}

/// Loom models: every interleaving of a few threads, up to `LOOM_MAX_PREEMPTIONS` preemptions.
/// A deadline is fired here by calling `end(DeadlineExceeded)` on a thread, which is what the
/// timer thread does (it does not exist under loom).
#[cfg(all(test, chanlab_loom))]
mod models {
    use super::*;
    use crossbeam_channel::TryRecvError;
    use loom::thread;

    fn disconnected(done: &Receiver<()>) -> bool {
        done.try_recv() == Err(TryRecvError::Disconnected)
    }

    /// What any thread must see of a context, at any moment: `err` set exactly when `done` has
    /// disconnected, read in either order.
    fn consistent(ctx: &Context) {
        if ctx.err().is_some() {
            assert!(disconnected(&ctx.done()), "err set while done was open");
        }
        if disconnected(&ctx.done()) {
            assert!(ctx.err().is_some(), "done disconnected before err was set");
        }
    }

    /// A chain of three is cancelled from the root while its leaf's own deadline fires and a
    /// third thread watches the middle: every level ends once, with the error of whoever got to
    /// it first, and the watcher never sees `err` and `done` disagree.
    #[test]
    fn a_chain_cancelled_from_both_ends_ends_every_level_once() {
        loom::model(|| {
            let (root, cancel) = Context::with_cancel(&Context::background());
            let (middle, _cancel_middle) = Context::with_deadline(&root, far());
            let (leaf, cancel_leaf) = Context::with_cancel(&middle);
            let leaf_node = Arc::clone(leaf.node.as_ref().unwrap());
            let leaf_canceller =
                thread::spawn(move || leaf_node.end(ContextError::DeadlineExceeded));
            let watcher = {
                let middle = middle.clone();
                thread::spawn(move || consistent(&middle))
            };
            cancel.cancel();
            let leaf_first = leaf_canceller.join().unwrap();
            watcher.join().unwrap();
            assert_eq!(middle.err(), Some(ContextError::Canceled));
            let leaf_err = if leaf_first {
                ContextError::DeadlineExceeded
            } else {
                ContextError::Canceled
            };
            assert_eq!(leaf.err(), Some(leaf_err));
            assert!(disconnected(&middle.done()) && disconnected(&leaf.done()));
            drop(cancel_leaf); // already ended: nothing changes
            assert_eq!(leaf.err(), Some(leaf_err));
        });
    }

    /// A deadline far enough off never to fire by itself in a model.
    fn far() -> Instant {
        Instant::now() + Duration::from_secs(3600)
    }

    /// A child is derived while another thread cancels its parent: whichever goes first, the
    /// child ends with the parent's error.
    #[test]
    fn a_child_derived_during_its_parents_cancel_ends_with_it() {
        loom::model(|| {
            let (parent, cancel) = Context::with_cancel(&Context::background());
            let canceller = thread::spawn(move || cancel.cancel());
            let (child, _cancel_child) = Context::with_cancel(&parent);
            canceller.join().unwrap();
            assert_eq!(
                child.err(),
                Some(ContextError::Canceled),
                "the child outlived its parent"
            );
            assert!(disconnected(&child.done()));
        });
    }

    /// A parent and its child are cancelled at once: both end, neither waits on the other's lock.
    #[test]
    fn a_parent_and_child_cancelled_at_once_both_end() {
        loom::model(|| {
            let (parent, cancel) = Context::with_cancel(&Context::background());
            let (child, cancel_child) = Context::with_cancel(&parent);
            let canceller = thread::spawn(move || cancel_child.cancel());
            cancel.cancel();
            canceller.join().unwrap();
            assert_eq!(parent.err(), Some(ContextError::Canceled));
            assert_eq!(child.err(), Some(ContextError::Canceled));
            let parent_node = parent.node.as_ref().unwrap();
            assert!(parent_node.state.lock().children.is_empty());
        });
    }

    /// A cancel races the deadline while a third thread watches the child: the context ends
    /// exactly once, the child ends with the same error, and a watcher that sees `done` sees
    /// `err`.
    #[test]
    fn cancel_racing_the_deadline_ends_the_context_once() {
        loom::model(|| {
            let (ctx, cancel) =
                Context::with_timeout(&Context::background(), Duration::from_secs(60));
            let (child, _cancel_child) = Context::with_cancel(&ctx);
            let node = Arc::clone(ctx.node.as_ref().unwrap());
            let timer = thread::spawn(move || node.end(ContextError::DeadlineExceeded));
            let watcher = {
                let child = child.clone();
                thread::spawn(move || consistent(&child))
            };
            let cancelled = ctx.node.as_ref().unwrap().end(ContextError::Canceled);
            let fired = timer.join().unwrap();
            watcher.join().unwrap();
            assert!(cancelled != fired, "ended twice, or never");
            let err = Some(if fired {
                ContextError::DeadlineExceeded
            } else {
                ContextError::Canceled
            });
            assert_eq!(ctx.err(), err);
            assert_eq!(
                child.err(),
                err,
                "the child ended differently, or not at all"
            );
            assert!(disconnected(&ctx.done()) && disconnected(&child.done()));
            drop(cancel); // the context has ended: nothing more happens
            assert_eq!(ctx.err(), err);
        });
    }
}
