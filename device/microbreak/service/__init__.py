"""The service: one loop joining the core to the parts, the control socket,
systemd's notifications and the journal, and the one place clocks are read."""
