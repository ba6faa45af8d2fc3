"""Per-request cost of Python over C++: Searcher.search(request_dict) against the C++
Searcher::search + to_json on the same requests, in one process, interleaved request
by request on the same Searcher (so both see the same caches and the same machine load).

    PYTHONPATH=build/py/python /usr/bin/python3 python/bench/overhead.py INDEX WORKLOAD.jsonl [ROUNDS]

WORKLOAD is the benchmark's (bench/: JSON lines with a "request" object each).
Prints the median and mean microseconds of each and of the difference.
"""
import json
import statistics
import sys
import time

import atlas_search


def main() -> None:
    index, workload = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    with open(workload) as f:
        requests = [json.loads(line)["request"] for line in f if line.strip()]
    s = atlas_search.Searcher(index, threads=1)
    encoded = [json.dumps(r) for r in requests]
    for r in requests:  # warm up: page cache, Xapian's blocks
        s.search(r)
    py_us, cpp_us = [], []
    for _ in range(rounds):
        for r, e in zip(requests, encoded):
            start = time.perf_counter_ns()
            s.search(r)
            py_us.append((time.perf_counter_ns() - start) / 1000)
            cpp_us.append(s._native.time_search(e) / 1000)
    diff = [p - c for p, c in zip(py_us, cpp_us)]
    print(f"{len(requests)} requests x {rounds} rounds, index {index} ({s.record_count} records), threads=1")
    print("| | median µs | mean µs |")
    print("| --- | ---: | ---: |")
    for name, xs in (("C++ search + to_json", cpp_us), ("Python search(request_dict)", py_us),
                     ("Python overhead (per request)", diff)):
        print(f"| {name} | {statistics.median(xs):.1f} | {statistics.fmean(xs):.1f} |")


if __name__ == "__main__":
    main()
