package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// workload is one named workload; run times it and returns nanoseconds per operation. Each
// checks its own result, as the Rust ones do.
type workload struct {
	name string
	run  func(s setup) (float64, error)
}

// workloads has the Rust names, in the Rust order. Each comment says what one operation is.
var workloads = []workload{
	{"spsc-unbuffered", func(s setup) (float64, error) { return spsc(0, s.ops) }},
	{"spsc-cap1", func(s setup) (float64, error) { return spsc(1, s.ops) }},
	{"spsc-cap100", func(s setup) (float64, error) { return spsc(100, s.ops) }},
	{"mpmc-cap0", func(s setup) (float64, error) { return mpmc(0, s.ops) }},
	{"mpmc-cap100", func(s setup) (float64, error) { return mpmc(100, s.ops) }},
	{"ping-pong", func(s setup) (float64, error) { return pingPong(s.ops) }},
	{"select", func(s setup) (float64, error) { return selectTwo(s.ops) }},
	{"spawn", func(s setup) (float64, error) { return spawn(s.ops) }},
	{"pipeline", func(s setup) (float64, error) { return pipeline(s.ops) }},
	{"worker-pool", func(s setup) (float64, error) { return workerPool(s.ops) }},
	{"mutex", func(s setup) (float64, error) { return mutex(s.ops) }},
	{"waitgroup", func(s setup) (float64, error) { return waitGroup(s.ops) }},
	{"context-cancel", func(s setup) (float64, error) { return contextCancel(s.ops) }},
	{"fetchall", fetchAllWorkload},
}

func find(name string) (workload, bool) {
	for _, w := range workloads {
		if w.name == name {
			return w, true
		}
	}
	return workload{}, false
}

func perOp(elapsed time.Duration, ops uint64) float64 {
	if ops == 0 {
		ops = 1
	}
	return float64(elapsed.Nanoseconds()) / float64(ops)
}

func check(got, expected uint64) error {
	if got != expected {
		return fmt.Errorf("got %d, expected %d", got, expected)
	}
	return nil
}

func sumBelow(n uint64) uint64 {
	if n == 0 {
		return 0
	}
	return n * (n - 1) / 2
}

// spsc: one goroutine sends 0..ops on a channel of capacity; the main one sums them.
// One operation: one value sent and received.
func spsc(capacity int, ops uint64) (float64, error) {
	ch := make(chan uint64, capacity)
	start := time.Now()
	go func() {
		for v := uint64(0); v < ops; v++ {
			ch <- v
		}
		close(ch)
	}()
	var sum uint64
	for v := range ch {
		sum += v
	}
	elapsed := time.Since(start)
	return perOp(elapsed, ops), check(sum, sumBelow(ops))
}

// mpmc: four producers share out 0..ops on one channel; four consumers sum what they get.
// One operation: one value sent and received.
func mpmc(capacity int, ops uint64) (float64, error) {
	const sides = 4
	ch := make(chan uint64, capacity)
	sums := make(chan uint64, sides)
	start := time.Now()
	var producers sync.WaitGroup
	for p := uint64(0); p < sides; p++ {
		producers.Add(1)
		go func(p uint64) {
			defer producers.Done()
			for v := p; v < ops; v += sides {
				ch <- v
			}
		}(p)
	}
	go func() {
		producers.Wait()
		close(ch)
	}()
	for c := 0; c < sides; c++ {
		go func() {
			var sum uint64
			for v := range ch {
				sum += v
			}
			sums <- sum
		}()
	}
	var sum uint64
	for c := 0; c < sides; c++ {
		sum += <-sums
	}
	elapsed := time.Since(start)
	return perOp(elapsed, ops), check(sum, sumBelow(ops))
}

// pingPong: a value bounced between two goroutines over two unbuffered channels.
// One operation: one round trip.
func pingPong(ops uint64) (float64, error) {
	ping, pong := make(chan uint64), make(chan uint64)
	start := time.Now()
	go func() {
		for ball := range ping {
			pong <- ball + 1
		}
	}()
	var ball uint64
	for i := uint64(0); i < ops; i++ {
		ping <- ball
		ball = <-pong
	}
	close(ping)
	elapsed := time.Since(start)
	return perOp(elapsed, ops), check(ball, ops)
}

// selectTwo: two producers on channels of capacity 100, the consumer selects; a closed
// channel is switched off by setting it to nil. One operation: one value received.
func selectTwo(ops uint64) (float64, error) {
	half := ops / 2
	a, b := make(chan uint64, 100), make(chan uint64, 100)
	start := time.Now()
	go func() {
		for v := uint64(0); v < half; v++ {
			a <- v
		}
		close(a)
	}()
	go func() {
		for v := half; v < ops; v++ {
			b <- v
		}
		close(b)
	}()
	var sum uint64
	for a != nil || b != nil {
		select {
		case v, ok := <-a:
			if !ok {
				a = nil
				continue
			}
			sum += v
		case v, ok := <-b:
			if !ok {
				b = nil
				continue
			}
			sum += v
		}
	}
	elapsed := time.Since(start)
	return perOp(elapsed, ops), check(sum, sumBelow(ops))
}

// spawn: ops goroutines started, each counting itself; a WaitGroup waits for them all.
// One operation: one goroutine started and finished.
func spawn(ops uint64) (float64, error) {
	var wg sync.WaitGroup
	var finished uint64
	start := time.Now()
	for i := uint64(0); i < ops; i++ {
		wg.Add(1)
		go func() {
			atomic.AddUint64(&finished, 1)
			wg.Done()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	return perOp(elapsed, ops), check(finished, ops)
}

// pipeline: generate 0..ops, keep the even, square, each stage a goroutine joined to the next
// by an unbuffered channel, summed at the end. One operation: one number generated.
func pipeline(ops uint64) (float64, error) {
	var expected uint64
	for n := uint64(0); n < ops; n += 2 {
		expected += n * n
	}
	start := time.Now()
	numbers, evens, squares := make(chan uint64), make(chan uint64), make(chan uint64)
	go func() {
		for n := uint64(0); n < ops; n++ {
			numbers <- n
		}
		close(numbers)
	}()
	go func() {
		for n := range numbers {
			if n%2 == 0 {
				evens <- n
			}
		}
		close(evens)
	}()
	go func() {
		for n := range evens {
			squares <- n * n
		}
		close(squares)
	}()
	var sum uint64
	for n := range squares {
		sum += n
	}
	elapsed := time.Since(start)
	return perOp(elapsed, ops), check(sum, expected)
}

// jobRounds matches the Rust JOB_ROUNDS: about half a microsecond of arithmetic per job.
const jobRounds = 500

// job is the Rust job, the same chain of multiply, add and shift.
func job(n uint64) uint64 {
	x := n
	for i := 0; i < jobRounds; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		x ^= x >> 33
	}
	return x
}

// workerPool: four goroutines take jobs from an unbuffered channel and send results to one
// that never fills (Rust's is unbounded); the results are folded together.
// One operation: one job submitted, done and its result received.
func workerPool(ops uint64) (float64, error) {
	var expected uint64
	for n := uint64(0); n < ops; n++ {
		expected += job(n)
	}
	start := time.Now()
	jobs, results := make(chan uint64), make(chan uint64, ops)
	var workers sync.WaitGroup
	for w := 0; w < 4; w++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for n := range jobs {
				results <- job(n)
			}
		}()
	}
	for n := uint64(0); n < ops; n++ {
		jobs <- n
	}
	close(jobs)
	workers.Wait()
	close(results)
	var folded uint64
	for r := range results {
		folded += r
	}
	elapsed := time.Since(start)
	return perOp(elapsed, ops), check(folded, expected)
}

// share is what goroutine t of four does of ops.
func share(ops, t uint64) uint64 {
	n := ops / 4
	if t < ops%4 {
		n++
	}
	return n
}

// mutex: four goroutines add 1 to one counter behind a sync.Mutex, ops times in all.
// One operation: one lock, increment and unlock.
func mutex(ops uint64) (float64, error) {
	var mu sync.Mutex
	var counter uint64
	var wg sync.WaitGroup
	start := time.Now()
	for t := uint64(0); t < 4; t++ {
		wg.Add(1)
		go func(n uint64) {
			defer wg.Done()
			for i := uint64(0); i < n; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
			}
		}(share(ops, t))
	}
	wg.Wait()
	elapsed := time.Since(start)
	return perOp(elapsed, ops), check(counter, ops)
}

// waitGroup: Add(4) for four goroutines that each do Add(1) then Done() for their share of
// ops and a last Done(), while the main one Waits. One operation: one Add/Done pair.
func waitGroup(ops uint64) (float64, error) {
	var wg sync.WaitGroup
	var pairs uint64
	start := time.Now()
	wg.Add(4)
	for t := uint64(0); t < 4; t++ {
		go func(n uint64) {
			for i := uint64(0); i < n; i++ {
				wg.Add(1)
				wg.Done()
			}
			atomic.AddUint64(&pairs, n)
			wg.Done()
		}(share(ops, t))
	}
	wg.Wait()
	elapsed := time.Since(start)
	return perOp(elapsed, ops), check(atomic.LoadUint64(&pairs), ops)
}

// waiters is how many goroutines wait on each context, as in Rust.
const waiters = 1000

// contextCancel: 1000 goroutines, started once, each wait on the same context; the main one
// cancels it and waits until every waiter has woken and said so; ops rounds, a new context
// each. One operation: one round, timed from the cancel to the last waiter's answer.
func contextCancel(rounds uint64) (float64, error) {
	signals := make(chan context.Context, waiters)
	ready, woken := make(chan struct{}, waiters), make(chan struct{}, waiters)
	for w := 0; w < waiters; w++ {
		go func() {
			for ctx := range signals {
				ready <- struct{}{}
				<-ctx.Done()
				woken <- struct{}{}
			}
		}()
	}
	var cancelling time.Duration
	var answered uint64
	for r := uint64(0); r < rounds; r++ {
		ctx, cancel := context.WithCancel(context.Background())
		for w := 0; w < waiters; w++ {
			signals <- ctx
		}
		for w := 0; w < waiters; w++ {
			<-ready
		}
		start := time.Now()
		cancel()
		for w := 0; w < waiters; w++ {
			<-woken
			answered++
		}
		cancelling += time.Since(start)
	}
	close(signals)
	return perOp(cancelling, rounds), check(answered, rounds*waiters)
}
