"""The network unit's work (``microbreak bridge``, run by
``microbreak-mqtt.service``): Home Assistant over MQTT, and the calendars.

It talks to the service only through the control socket (as a member of the
service's group); the service itself has no network. This package imports
paho-mqtt, icalendar and recurring-ical-events, the ``network`` extra; the
service never imports it.
"""
