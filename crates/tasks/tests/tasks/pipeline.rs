//! The `pipeline` step and its stages.
use chanlab_common::testing::{STEP_DEADLINE, run_step, within};
use chanlab_tasks::pipeline::{self, filter, generate, map};
use std::time::Duration;

#[test]
fn the_step_squares_the_evens_and_stops_an_endless_pipeline() {
    let t = run_step(pipeline::run, 0.05);
    assert!(t.contains("[4, 16, 36, 64, 100]"), "{t}");
    assert!(t.contains("took [1, 4, 9] from an endless pipeline"), "{t}");
}

/// Dropping the last receiver ends every stage: no task is left running.
#[test]
fn dropping_the_output_winds_the_stages_down() {
    let alive = within(STEP_DEADLINE, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut squares = map(filter(generate(0u64..), |n| n % 2 == 0), |n| n * n);
            assert_eq!(squares.recv().await, Some(0));
            drop(squares);
            let metrics = tokio::runtime::Handle::current().metrics();
            for _ in 0..1000 {
                if metrics.num_alive_tasks() == 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            metrics.num_alive_tasks()
        })
    });
    assert_eq!(alive, 0, "stages still running after their consumer left");
}

#[test]
fn a_long_pipeline_on_many_workers_loses_nothing() {
    let sum = within(STEP_DEADLINE, || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap()
            .block_on(async {
                let mut out = map(filter(generate(0..100_000u64), |n| n % 2 == 0), |n| n * n);
                let mut sum = 0;
                while let Some(n) = out.recv().await {
                    sum += n;
                }
                sum
            })
    });
    assert_eq!(
        sum,
        (0..100_000u64).filter(|n| n % 2 == 0).map(|n| n * n).sum()
    );
}
