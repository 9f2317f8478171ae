"""The embedded ROBOT PAYMENT emulator: gateway, billing API, control API and a reference merchant site."""
