"""Drawing what the core's views say, with pygame: the scenes, the figure, and
animated GIFs. Used by the device's screen, the simulator and the CLI."""
