//! kubectl for Ordinal: parses a kubectl command line, calls the simulated API server in
//! `ordinal-sim` and prints what real kubectl prints. Empty until the kubectl issue lands.
