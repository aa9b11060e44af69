"""Demo data made by driving the real services: `flask seed --demo` and the tests build worlds with it."""
