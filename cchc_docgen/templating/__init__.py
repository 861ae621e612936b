"""Templates: the search path and settings of a template library (`library`), the sandbox and limits they run
under (`sandbox`), and the cache of compiled templates (`cache`)."""
