//! The ECS cluster query language.
