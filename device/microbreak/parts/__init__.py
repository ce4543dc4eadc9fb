"""The device's parts: the button, LED and buzzer on gpiozero, the speaker
through pygame's mixer, and the screen through the kernel's mode setting."""
