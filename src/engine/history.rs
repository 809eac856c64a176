//! Time travel: periodic engine checkpoints plus deterministic replay (filled in by the
//! playground issue).
