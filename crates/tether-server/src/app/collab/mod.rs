//! Record-connected collaboration (SPEC R1, R3–R11a, R13–R15): the record's collaboration
//! panel, new connected chats with their intro card, connecting and disconnecting chats and
//! channels, joining, and the record references every chat shows.
//!
//! What the caller sees of each chat — name, locked, can join, can disconnect — is decided by
//! the one viewer rule, `tether_domain::viewer`: a non-member sees a connected group chat only
//! as a locked entry, and only where R14 lets them join. A record the viewer cannot read is "a
//! record you can't open", never its name.
//!
//! One module per action: `panel`, `connect`, `disconnect`, `join`, `start`; what they share
//! (the record's context, record references, connection messages and events) is here.

mod connect;
mod disconnect;
mod join;
mod panel;
mod start;

pub use connect::{ChannelChoice, connect_channel, connect_chat};
pub use disconnect::disconnect;
pub use join::join_chat;
pub use panel::{Panel, PanelChat, panel};
pub use start::create_connected_chat;

use crate::app::guard::RecordContext;
use crate::app::html::system_message;
use crate::auth::Caller;
use serde_json::json;
use tether_domain::collab::record_label;
use tether_store::chats::SystemMessage;

/// How a chat came to be connected or disconnected, for its system message.
#[derive(Clone, Copy)]
pub(crate) enum ConnectionStep {
    Connected,
    Disconnected,
    /// A new chat started from the record (R9).
    Started,
}

/// The system message of a connection change: the English text, and the data a UI needs to
/// say it in its own language (`how`, `what`, and the record's type and number — never its
/// name, which not every member may read).
pub(crate) fn connection_message(
    caller: &Caller,
    ctx: &RecordContext,
    step: ConnectionStep,
    channel: bool,
) -> SystemMessage {
    let label = record_label(&ctx.rt.def, ctx.view.record.number.as_deref());
    let what = if channel { "channel" } else { "chat" };
    let by = &caller.user.name;
    let (text, event, how) = match step {
        ConnectionStep::Connected => (
            format!("{by} connected this {what} to {label}"),
            "connection.added",
            "connected",
        ),
        ConnectionStep::Disconnected => (
            format!("{by} disconnected this {what} from {label}"),
            "connection.removed",
            "disconnected",
        ),
        ConnectionStep::Started => (
            format!("{by} started this chat from {label}"),
            "connection.added",
            "started",
        ),
    };
    let r = &ctx.view.record;
    system_message(
        Some(caller.id()),
        text,
        json!({"event": event, "how": how, "what": what,
               "record": {"type": r.record_type, "id": r.id, "number": r.number}}),
    )
}
