"""sopbook's tests: a package, so that they import their helpers from ``tests.support``."""
