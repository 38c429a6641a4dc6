package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// concurrency is how many fetches are in flight at once, as in Rust (fetchall's default).
const concurrency = 32

// fetched is one URL's outcome: its status and body size, or what went wrong.
type fetched struct {
	url    string
	status int
	bytes  int64
	err    error
}

// fetchAll is the course's fetchall with the Rust one's shape: a goroutine per URL, at most
// `limit` in flight (a buffered channel is the semaphore), one shared client whose pool keeps
// `limit` idle connections, and outcomes sent on a channel as they finish, closed after the last.
func fetchAll(urls []string, limit int, timeout time.Duration) <-chan fetched {
	transport := &http.Transport{MaxIdleConns: limit, MaxIdleConnsPerHost: limit}
	client := &http.Client{Timeout: timeout, Transport: transport}
	outcomes := make(chan fetched, len(urls))
	tokens := make(chan struct{}, limit)
	var inFlight sync.WaitGroup
	go func() {
		for _, url := range urls {
			tokens <- struct{}{}
			inFlight.Add(1)
			go func(url string) {
				defer inFlight.Done()
				outcomes <- fetch(client, url)
				<-tokens
			}(url)
		}
		inFlight.Wait()
		transport.CloseIdleConnections() // as dropping the Rust agent does
		close(outcomes)
	}()
	return outcomes
}

// fetch GETs url and counts its body as it streams, without keeping it.
func fetch(client *http.Client, url string) fetched {
	resp, err := client.Get(url)
	if err != nil {
		return fetched{url: url, err: err}
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil && resp.StatusCode >= 400 {
		err = fmt.Errorf("HTTP status %d", resp.StatusCode)
	}
	return fetched{url: url, status: resp.StatusCode, bytes: n, err: err}
}

// fetchAllWorkload: ops URLs of the target fetched by fetchAll, with a new connection pool per
// run. One operation: one URL fetched, its body read to the end.
func fetchAllWorkload(s setup) (float64, error) {
	if s.target == "" {
		return 0, fmt.Errorf("%w: fetchall needs --target <url>", errUsage)
	}
	if s.ops > 10_000 {
		return 0, fmt.Errorf("%w: fetchall needs 1 to 10000 operations, not %d", errUsage, s.ops)
	}
	target := strings.TrimRight(s.target, "/")
	urls := make([]string, s.ops)
	for i := range urls {
		urls[i] = fmt.Sprintf("%s/%d", target, i)
	}
	start := time.Now()
	var ok uint64
	for outcome := range fetchAll(urls, concurrency, 10*time.Second) {
		if outcome.err != nil {
			return 0, fmt.Errorf("%s: %w", outcome.url, outcome.err)
		}
		if outcome.status == 200 && outcome.bytes > 0 {
			ok++
		}
	}
	elapsed := time.Since(start)
	return perOp(elapsed, s.ops), check(ok, s.ops)
}
