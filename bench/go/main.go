// The Go half of `cargo xtask bench`: the same workloads as bench/rust, written for chanlab with
// goroutines, channels and the sync and context packages, one process per run.
//
// `cargo xtask bench` builds and drives it; by hand, from bench/go:
//
//	go build -o /tmp/chanlab-bench-go . && /tmp/chanlab-bench-go run spsc-cap100 --ops 100000
//
// `run` does a warm-up of ops/10 operations, then times ops, rounds times over, and prints
// `go<TAB><ns per op>` for each round.
package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
)

const usage = `usage: chanlab-bench-go <command>

  list                       the workloads, one a line
  run <workload> --ops N [--rounds R] [--target URL]
                             a warm-up of N/10 operations, then R rounds (default 1) of N
                             timed; prints "go<TAB><ns per op>" for each round`

// maxOps is the most operations any workload takes, as in Rust: the sums stay within uint64.
const maxOps = 1_000_000_000

// maxRounds is the most rounds a run takes, as in Rust.
const maxRounds = 1_000

// setup is how a workload runs: how many operations, how many times, and the server for those
// that need one.
type setup struct {
	ops    uint64
	rounds uint64
	target string
}

// errUsage marks a command line that makes no sense: exit status 2.
var errUsage = errors.New("usage")

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "chanlab-bench-go: %v\n", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: no command\n\n%s", errUsage, usage)
	}
	switch args[0] {
	case "list":
		for _, w := range workloads {
			fmt.Println(w.name)
		}
		return nil
	case "run":
		name, s, err := parseRun(args[1:])
		if err != nil {
			return err
		}
		w, ok := find(name)
		if !ok {
			return fmt.Errorf("%w: no workload %q in chanlab-bench-go", errUsage, name)
		}
		warmUp := s
		warmUp.ops = s.ops / 10
		if warmUp.ops == 0 {
			warmUp.ops = 1
		}
		if _, err := w.run(warmUp); err != nil {
			return fmt.Errorf("%s, warming up: %w", name, err)
		}
		for round := uint64(0); round < s.rounds; round++ {
			nsPerOp, err := w.run(s)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			fmt.Printf("go\t%.3f\n", nsPerOp)
		}
		return nil
	case "-h", "--help":
		fmt.Println(usage)
		return nil
	}
	return fmt.Errorf("%w: unknown command %q\n\n%s", errUsage, args[0], usage)
}

// parseRun reads `<workload> --ops N [--rounds R] [--target URL]`.
func parseRun(args []string) (string, setup, error) {
	s := setup{rounds: 1}
	if len(args) == 0 {
		return "", s, fmt.Errorf("%w: run needs a workload", errUsage)
	}
	name, rest := args[0], args[1:]
	for len(rest) > 0 {
		if len(rest) < 2 {
			return "", s, fmt.Errorf("%w: %s needs a value", errUsage, rest[0])
		}
		flag, value := rest[0], rest[1]
		switch flag {
		case "--ops":
			n, err := strconv.ParseUint(value, 10, 64)
			if err != nil {
				return "", s, fmt.Errorf("%w: --ops takes a whole number, not %q", errUsage, value)
			}
			s.ops = n
		case "--rounds":
			n, err := strconv.ParseUint(value, 10, 64)
			if err != nil {
				return "", s, fmt.Errorf("%w: --rounds takes a whole number, not %q", errUsage, value)
			}
			s.rounds = n
		case "--target":
			s.target = value
		default:
			return "", s, fmt.Errorf("%w: unknown argument %q", errUsage, flag)
		}
		rest = rest[2:]
	}
	if s.ops < 1 || s.ops > maxOps {
		return "", s, fmt.Errorf("%w: --ops must be from 1 to %d", errUsage, maxOps)
	}
	if s.rounds < 1 || s.rounds > maxRounds {
		return "", s, fmt.Errorf("%w: --rounds must be from 1 to %d", errUsage, maxRounds)
	}
	return name, s, nil
}
