//! Users, roles and teams, and the [`Subject`](tether_domain::Subject) the access decision needs
//! for one user.

pub mod external;
mod roles;
mod teams;
mod users;

use serde::Serialize;
use tether_domain::UserId;

/// Adds user `$uid` to every channel of team `$team` they are not in yet, on `$conn` (an open
/// transaction), with the full history (channels are the team's); evaluates to the
/// [`ChannelMove`]s made.
macro_rules! join_team_channels {
    ($conn:expr, $team:expr, $uid:expr, $actor:expr) => {{
        let uid: &str = AsRef::<str>::as_ref($uid);
        let chats: Vec<String> = sqlx::query_scalar(
            "INSERT INTO chat_members (chat_id, user_id, joined_at, visible_from, last_read_seq, added_by) \
             SELECT c.id, $2, $3, 0, 0, $4 FROM chats c WHERE c.team_id = $1 AND c.kind = 'channel' \
             ON CONFLICT DO NOTHING RETURNING chat_id",
        )
        .bind($team)
        .bind(uid)
        .bind($crate::now_ms())
        .bind($actor)
        .fetch_all($conn)
        .await?;
        chats
            .into_iter()
            .map(|chat_id| $crate::people::ChannelMove { chat_id: tether_domain::ChatId::new(chat_id), user_id: tether_domain::UserId::from(uid) })
            .collect::<Vec<_>>()
    }};
}
pub(crate) use join_team_channels;

/// A user as others see them.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct UserSummary {
    #[sqlx(try_from = "String")]
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub active: bool,
}

/// A user with what sign-in needs.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserCredentials {
    #[sqlx(try_from = "String")]
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub password_hash: String,
}

/// A user with roles and teams, for administrators and `/me`.
#[derive(Clone, Debug, Serialize)]
pub struct UserDetail {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub roles: Vec<String>,
    pub team_ids: Vec<String>,
}

/// Everything needed to create a user; the password is already hashed.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role_names: Vec<String>,
    pub team_ids: Vec<String>,
}

/// A change to a user; `None` leaves a property as it is.
#[derive(Clone, Debug, Default)]
pub struct UserPatch {
    pub name: Option<String>,
    pub active: Option<bool>,
    pub role_names: Option<Vec<String>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub privileges: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TeamMember {
    pub user_id: UserId,
    pub name: String,
    pub is_admin: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Team {
    pub id: tether_domain::TeamId,
    pub name: String,
    pub members: Vec<TeamMember>,
}

/// One person joining or leaving one of a team's channels because their team membership
/// changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelMove {
    pub chat_id: tether_domain::ChatId,
    pub user_id: UserId,
}

/// A team after a change of its members, with the channel memberships the change made and
/// ended (so callers can tell the people concerned live).
#[derive(Clone, Debug)]
pub struct TeamChange {
    pub team: Team,
    pub joined: Vec<ChannelMove>,
    pub left: Vec<ChannelMove>,
}
