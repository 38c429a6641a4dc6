//! An errgroup of tasks: a `JoinSet` whose first error cancels the others' token and is what
//! waiting returns (section 5.8).

#[cfg(feature = "lesson")]
use chanlab_common::Cx;
use std::panic::resume_unwind;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

// ANCHOR: errgroup
/// Go's `errgroup.WithContext` for tasks: [`spawn`](ErrGroup::spawn) tasks that return a
/// `Result`; the first error cancels the group's [`CancellationToken`], which the others watch,
/// and [`wait`](ErrGroup::wait) returns it once every task has ended.
///
/// ```
/// use chanlab_tasks::ErrGroup;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut group = ErrGroup::new();
/// let token = group.token();
/// group.spawn(async { Err("disk full") });
/// group.spawn(async move {
///     token.cancelled().await; // the first error cancels the group
///     Err("cancelled")
/// });
/// assert_eq!(group.wait().await, Err("disk full")); // the cause, not the cancellation
/// # }
/// ```
///
/// Like Go's, the group cancels by asking: a task that never looks at the token runs to its end,
/// and `wait` waits for it. Dropping the group without waiting aborts its tasks (a `JoinSet`'s
/// rule); a panic in a task cancels the group too, and `wait` passes it on once the rest have
/// ended.
#[derive(Debug)]
pub struct ErrGroup<E> {
    tasks: JoinSet<Result<(), E>>,
    token: CancellationToken,
}

impl<E: Send + 'static> ErrGroup<E> {
    /// A group with a token of its own.
    pub fn new() -> ErrGroup<E> {
        ErrGroup::with_parent(&CancellationToken::new())
    }

    /// A group whose token is a child of `parent`: cancelling the parent cancels the group, and
    /// the group's failure leaves the parent alone.
    pub fn with_parent(parent: &CancellationToken) -> ErrGroup<E> {
        ErrGroup {
            tasks: JoinSet::new(),
            token: parent.child_token(),
        }
    }

    /// The group's token, cancelled by the first error (or panic) and when `wait` returns.
    pub fn token(&self) -> CancellationToken {
        self.token.clone()
    }

    /// Runs `task` on the current runtime as a member of the group.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, as [`tokio::spawn`] does.
    pub fn spawn<F>(&mut self, task: F)
    where
        F: Future<Output = Result<(), E>> + Send + 'static,
    {
        self.tasks.spawn(task);
    }

    /// Waits for every task, then returns the first error, if any.
    ///
    /// # Panics
    ///
    /// If a task panicked, with that task's panic, once every task has ended.
    pub async fn wait(mut self) -> Result<(), E> {
        let mut first = None;
        let mut panic = None;
        while let Some(joined) = self.tasks.join_next().await {
            match joined {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    first.get_or_insert(e);
                    self.token.cancel();
                }
                Err(e) => {
                    self.token.cancel();
                    if e.is_panic() {
                        panic.get_or_insert(e.into_panic());
                    }
                }
            }
        }
        self.token.cancel(); // Go: Wait cancels the group's context
        if let Some(payload) = panic {
            resume_unwind(payload);
        }
        first.map_or(Ok(()), Err)
    }
}
// ANCHOR_END: errgroup

impl<E: Send + 'static> Default for ErrGroup<E> {
    fn default() -> ErrGroup<E> {
        ErrGroup::new()
    }
}

#[cfg(feature = "lesson")]
/// Waits `d` unless `token` is cancelled first, which is an error.
async fn work(token: &CancellationToken, d: std::time::Duration) -> Result<(), String> {
    tokio::select! {
        _ = tokio::time::sleep(d) => Ok(()),
        _ = token.cancelled() => Err("cancelled".into()),
    }
}

#[cfg(feature = "lesson")]
/// Three downloads in a group: one fails at 0.5 s, which cancels the slow one; `wait` returns the
/// failure, not the cancellation it caused. Then a group where every task succeeds.
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    use std::time::Duration;
    crate::runtime(2)?.block_on(async {
        // ANCHOR: run
        let mut group = ErrGroup::new();
        for (name, secs, fails) in [
            ("a.txt", 0.2, false),
            ("b.txt", 0.5, true),
            ("c.txt", 3.0, false),
        ] {
            let (cx, token) = (cx.clone(), group.token());
            group.spawn(async move {
                let took = cx.secs(Duration::from_secs_f64(secs));
                match work(&token, took.real()).await {
                    Ok(()) if fails => {
                        cx.say(format!("{name}: failed after {took}"));
                        Err(format!("{name}: connection reset"))
                    }
                    Ok(()) => {
                        cx.say(format!("{name}: done after {took}"));
                        Ok(())
                    }
                    Err(e) => {
                        cx.say(format!("{name}: stopped, {e}"));
                        Err(format!("{name}: {e}"))
                    }
                }
            });
        }
        let outcome = group.wait().await;
        // ANCHOR_END: run
        cx.say(format!(
            "wait returned {outcome:?} at {:.1}, not c.txt's {}",
            cx.secs_since_start(),
            cx.secs(Duration::from_secs(3))
        ));

        let mut group = ErrGroup::<String>::new();
        for n in 1..=3 {
            let token = group.token();
            group.spawn(async move { work(&token, Duration::from_millis(n)).await });
        }
        cx.say(format!(
            "three tasks that succeed: {:?}",
            group.wait().await
        ));
        Ok(())
    })
}
