//! Pure pieces of the web shell that build natively (so they are tested by `cargo test`): the
//! share-link and autosave format. Nothing here touches the browser.

pub mod share;
