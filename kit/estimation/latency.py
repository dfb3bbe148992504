"""Latency numbers every engineer should know, each with its year and source.

Three sources, kept apart because they are different kinds of evidence:

- **Dean 2009**: J. Dean, "Designs, Lessons and Advice from Building Large
  Distributed Systems", keynote at LADIS 2009 (Big Sky, MT, October 2009),
  slide "Numbers Everyone Should Know". Figures of Google's hardware then.
- **Bonér 2012**: J. Bonér, "Latency Numbers Every Programmer Should Know",
  GitHub gist jboner/2841832 (2012), which restates Dean's and P. Norvig's
  numbers ("Teach Yourself Programming in Ten Years", 2001) and adds the SSD
  rows and a 1 KB send.
- **Scott (model, 2020)**: C. Scott, "Numbers Every Programmer Should Know By
  Year", interactive page (github.com/colin-scott/interactive_latencies), with
  its year slider at 2020. Not measurements: the page extrapolates each number
  from a published trend (clock rate, DRAM, NIC, SSD and disk bandwidth
  doubling times, cited in its source); the kit quotes the page's own
  formulas evaluated for 2020.

One row is computed, not quoted: sending 1 KB over a 10 Gbit/s link is its
serialisation time, 8,000 bits / 10^10 bit/s = 0.8 µs (no protocol stack).
"""

from __future__ import annotations

import pandas as pd

DEAN = 'J. Dean, LADIS 2009 keynote, slide "Numbers Everyone Should Know"'
BONER = 'J. Bonér, "Latency Numbers Every Programmer Should Know", gist jboner/2841832'
SCOTT = 'C. Scott, "Numbers Every Programmer Should Know By Year" (model, slider at 2020)'
LINE_RATE = "computed: 8,000 bits / 10 Gbit/s (serialisation only)"

_ROWS = [  # (operation, category, latency in ns, year, source)
    ("L1 cache reference", "CPU", 0.5, 2009, DEAN),
    ("Branch mispredict", "CPU", 5, 2009, DEAN),
    ("L2 cache reference", "CPU", 7, 2009, DEAN),
    ("Mutex lock/unlock", "CPU", 25, 2009, DEAN),
    ("Main memory reference", "memory", 100, 2009, DEAN),
    ("Compress 1 KB with Zippy (Snappy)", "CPU", 3_000, 2009, DEAN),
    ("Send 2 KB over 1 Gbps network", "network", 20_000, 2009, DEAN),
    ("Read 1 MB sequentially from memory", "memory", 250_000, 2009, DEAN),
    ("Round trip within same datacenter", "network", 500_000, 2009, DEAN),
    ("Disk seek", "disk", 10_000_000, 2009, DEAN),
    ("Read 1 MB sequentially from disk", "disk", 20_000_000, 2009, DEAN),
    ("Send packet CA->Netherlands->CA", "network", 150_000_000, 2009, DEAN),
    ("Send 1 KB over 1 Gbps network", "network", 10_000, 2012, BONER),
    ("SSD random read (4 KB)", "SSD", 150_000, 2012, BONER),
    ("Read 1 MB sequentially from SSD", "SSD", 1_000_000, 2012, BONER),
    ("Send 1 KB over 10 Gbps network", "network", 800, None, LINE_RATE),
    ("L1 cache reference", "CPU", 1, 2020, SCOTT),
    ("Branch mispredict", "CPU", 3, 2020, SCOTT),
    ("L2 cache reference", "CPU", 4, 2020, SCOTT),
    ("Mutex lock/unlock", "CPU", 17, 2020, SCOTT),
    ("Main memory reference", "memory", 100, 2020, SCOTT),
    ("Compress 1 KB with Zippy (Snappy)", "CPU", 2_000, 2020, SCOTT),
    ("Send 2 KB over commodity network", "network", 44, 2020, SCOTT),
    ("SSD random read (4 KB)", "SSD", 16_000, 2020, SCOTT),
    ("Read 1 MB sequentially from memory", "memory", 3_000, 2020, SCOTT),
    ("Round trip within same datacenter", "network", 500_000, 2020, SCOTT),
    ("Read 1 MB sequentially from SSD", "SSD", 49_000, 2020, SCOTT),
    ("Disk seek", "disk", 2_500_000, 2020, SCOTT),
    ("Read 1 MB sequentially from disk", "disk", 825_000, 2020, SCOTT),
    ("Send packet CA->Netherlands->CA", "network", 150_000_000, 2020, SCOTT),
]


def _table() -> pd.DataFrame:
    df = pd.DataFrame(_ROWS, columns=["operation", "category", "latency_ns", "year", "source"])
    df["latency_ns"] = df["latency_ns"].astype(float)
    df["year"] = df["year"].astype("Int64")
    return df


LATENCY = _table()
"""The latency table: ``operation``, ``category``, ``latency_ns``, ``year`` (None for
the computed row) and ``source``. A module-level DataFrame: copy it before editing."""
