"""The local world: emulators of the SaaS APIs, moto for AWS, and an in-process Lambda runner."""
