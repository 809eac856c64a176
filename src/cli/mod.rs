//! The native `berth` command.
