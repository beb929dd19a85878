//! What agents do and which requests that makes: the names every part of the workload
//! counts by.

/// An agent's action, with its share of a day's actions (weights add up to 100).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Action {
    /// Switch to one of their chats: the chat, its last 50 messages, the read marker.
    OpenChat,
    /// Send a message to the chat they are in.
    Send,
    /// Open a case: record, timeline, collaboration panel and suggested contacts at once.
    OpenRecord,
    /// The start page: my records and my recent chats at once.
    MyWork,
    /// React to the newest message of the chat they are in.
    React,
    /// Search their messages.
    Search,
    /// Lose the network: a new event socket, then the chat list and the open chat again.
    Reconnect,
}

impl Action {
    pub(super) const ALL: [Action; 7] = [
        Action::OpenChat,
        Action::Send,
        Action::OpenRecord,
        Action::MyWork,
        Action::React,
        Action::Search,
        Action::Reconnect,
    ];

    pub(super) fn index(self) -> usize {
        Action::ALL.iter().position(|a| *a == self).unwrap_or(0)
    }

    /// Of 100 actions, how many are this one.
    pub(super) fn weight(self) -> u32 {
        match self {
            Action::OpenChat => 28,
            Action::Send => 27,
            Action::OpenRecord => 16,
            Action::MyWork => 12,
            Action::React => 10,
            Action::Search => 6,
            Action::Reconnect => 1,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Action::OpenChat => "open_chat",
            Action::Send => "send",
            Action::OpenRecord => "open_record",
            Action::MyWork => "my_work",
            Action::React => "react",
            Action::Search => "search",
            Action::Reconnect => "reconnect",
        }
    }

    /// The action whose share of 100 covers `roll` (0–99).
    pub(super) fn pick(roll: u32) -> Action {
        let mut left = roll;
        for a in Action::ALL {
            if left < a.weight() {
                return a;
            }
            left -= a.weight();
        }
        Action::OpenChat
    }
}

/// A request an action makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Req {
    MyRecords,
    MyChats,
    Record,
    Timeline,
    Panel,
    Suggestions,
    Chat,
    Messages,
    Read,
    Send,
    React,
    Search,
    Connect,
    ChatList,
}

impl Req {
    pub(super) const ALL: [Req; 14] = [
        Req::MyRecords,
        Req::MyChats,
        Req::Record,
        Req::Timeline,
        Req::Panel,
        Req::Suggestions,
        Req::Chat,
        Req::Messages,
        Req::Read,
        Req::Send,
        Req::React,
        Req::Search,
        Req::Connect,
        Req::ChatList,
    ];

    pub(super) fn index(self) -> usize {
        Req::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Req::MyRecords => "GET /records/case?owner=me",
            Req::MyChats => "GET /chats?limit=8",
            Req::Record => "GET /records/case/{id}",
            Req::Timeline => "GET …/timeline",
            Req::Panel => "GET …/collaboration",
            Req::Suggestions => "GET …/suggested-contacts",
            Req::Chat => "GET /chats/{id}",
            Req::Messages => "GET /chats/{id}/messages?limit=50",
            Req::Read => "POST /chats/{id}/read",
            Req::Send => "POST /chats/{id}/messages",
            Req::React => "POST …/reactions",
            Req::Search => "GET /search",
            Req::Connect => "WebSocket to hello",
            Req::ChatList => "GET /chats?limit=50",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weights_cover_a_hundred_rolls_in_their_shares() {
        assert_eq!(Action::ALL.iter().map(|a| a.weight()).sum::<u32>(), 100);
        for a in Action::ALL {
            let n = (0..100).filter(|&r| Action::pick(r) == a).count();
            assert_eq!(n as u32, a.weight(), "{}", a.name());
        }
        for a in Action::ALL {
            assert_eq!(Action::ALL[a.index()], a);
        }
        for r in Req::ALL {
            assert_eq!(Req::ALL[r.index()], r);
        }
    }
}
