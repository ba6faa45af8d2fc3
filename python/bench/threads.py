"""Throughput of two Python threads against one, on the benchmark's requests: each thread with
a Searcher of its own (threads=1), the requests shared out, for SECONDS each way, alternating
one and two threads ROUNDS times (so both see the same machine).

    PYTHONPATH=build/python /usr/bin/python3 python/bench/threads.py INDEX WORKLOAD.jsonl [SECONDS] [ROUNDS]

Prints requests per second with one and two threads in each round and the median ratio.  A
measurement for the README, not a test: the machine is shared, so it is reported, never asserted.
"""
import itertools
import json
import statistics
import sys
import threading
import time

import atlas_search


def run(searchers, requests, seconds):
    done = [0] * len(searchers)
    stop = time.perf_counter() + seconds

    def work(i):
        for k in itertools.count(i * 97):
            if time.perf_counter() >= stop:
                return
            searchers[i].search(requests[k % len(requests)])
            done[i] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(searchers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def main() -> None:
    index, workload = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 10
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    with open(workload) as f:
        requests = [json.loads(line)["request"] for line in f if line.strip()]
    searchers = [atlas_search.Searcher(index, threads=1) for _ in range(2)]
    for r in requests:  # warm up
        searchers[0].search(r)
    ratios = []
    for _ in range(rounds):
        one = run(searchers[:1], requests, seconds)
        two = run(searchers, requests, seconds)
        ratios.append(two / one)
        print(f"one thread {one:.0f} req/s, two threads {two:.0f} req/s: {two / one:.2f}x", flush=True)
    print(f"median ratio {statistics.median(ratios):.2f}x over {rounds} rounds of {seconds:.0f} s")


if __name__ == "__main__":
    main()
