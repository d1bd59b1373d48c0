"""The shared web toolkit: errors, forms, parameters, caching, faults."""
