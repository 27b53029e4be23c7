//! Ports of upstream StatefulSet tests.
