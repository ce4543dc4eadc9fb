"""Drawing what the core's views say, with pygame: the scenes (screen.py and
the modules it draws with), the seated figure (figure*.py), and animated GIFs.
Used by the device's screen, the simulator and the CLI."""
