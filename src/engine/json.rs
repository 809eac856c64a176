//! A JSON parser that remembers where every value and key came from (filled in by the task-definition work).
