"""DeepDiff baseline for benches/diff_50k.rs: times json.load and DeepDiff(a, b, ignore_order=True)
on the two package files and prints one JSON line. Needs `pip install deepdiff`."""
import json
import sys
import time

from deepdiff import DeepDiff

start = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as f:
    a = json.load(f)
with open(sys.argv[2], encoding="utf-8") as f:
    b = json.load(f)
loaded = time.perf_counter()
diff = DeepDiff(a, b, ignore_order=True)
done = time.perf_counter()
print(json.dumps({
    "load_s": loaded - start,
    "deepdiff_s": done - loaded,
    "total_s": done - start,
    "report_kinds": sorted(diff.keys()),
}))
