//! Pure pieces of the web shell that build natively (so they are tested by `cargo test`): the
//! share-link and autosave format, and the service forms. Nothing here touches the browser.

pub mod forms;
pub mod share;
