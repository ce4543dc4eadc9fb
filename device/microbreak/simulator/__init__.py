"""``microbreak simulate``: the device in a window, with its parts drawn
beside the screen and driven from the keyboard."""
