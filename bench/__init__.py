"""microbreak's benchmarks: what the device costs and how fast it answers.

``python -m bench`` runs them all and prints one table; each module also
runs alone (``python -m bench.ready_time``). ``python -m bench.faults`` runs
the fault-injection suite at full size.
"""
