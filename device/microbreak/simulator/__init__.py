"""``microbreak simulate``: the device in a window, with its parts drawn
beside the screen and driven from the keyboard; and the harness that starts
it (or the service) as a process for the tests and benchmarks."""
