//! Pure pieces of the web shell that build natively (so they are tested by `cargo test`): the
//! share-link and autosave format, the service forms and course progress. Nothing here touches the browser.

pub mod builder;
pub mod course;
pub mod event_index;
pub mod examples;
pub mod forms;
pub mod kube_view;
pub mod kubectl_describe;
pub mod kubectl_get;
pub mod kubectl_said;
pub mod progress;
pub mod revisions;
pub mod script;
pub mod share;
pub mod usage;
pub mod vitals;
