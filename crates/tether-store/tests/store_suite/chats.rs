//! Chats, their members and history windows, connections to records and team channels.

use crate::{body_of, case, new_message, sys, u, user};
use tether_domain::UserId;
use tether_domain::record::EntryKind;
use tether_domain::{ChatId, MessageId};
use tether_store::audit::AuditFilter;
use tether_store::test_support::TestDb;
use tether_store::{Backend, StoreError};

both_backends!(
    chats_members_and_history_windows,
    a_connected_chat_is_created_whole_in_one_transaction,
    connections_and_channels,
    a_member_list_version_moves_with_every_change_a_send_reads,
);

/// The version a server checks its kept member lists against (R2 across nodes): every change
/// to who is in a chat, from when they see, or their names and active flags advances it; a
/// read marker or a password does not; a send returns the version its write saw.
async fn a_member_list_version_moves_with_every_change_a_send_reads(b: Backend) {
    use tether_store::people::UserPatch;
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let c = user(&s, "c@example.com", "Cilla", &["agent"]).await;
    let g = crate::group(&s, &[&a, &bo]).await;
    let other = crate::group(&s, &[&a, &c]).await;
    let version = |chat: ChatId| {
        let s = s.clone();
        async move {
            s.member_list(&chat)
                .await
                .unwrap()
                .expect("members")
                .version
        }
    };
    let list = s.member_list(&g.id).await.unwrap().unwrap();
    let names: Vec<&str> = list.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Anna", "Bo"]);
    let sent = s
        .send_message(&new_message(&g.id, &a, "one"))
        .await
        .unwrap();
    assert_eq!(
        sent.members_version,
        Some(list.version),
        "a send sees the list's version"
    );

    let mut seen = list.version;
    let mut advanced = async |what: &str| {
        let now = version(g.id.clone()).await;
        assert!(now > seen, "{what} advances the version ({seen} → {now})");
        seen = now;
    };
    s.add_members(&g.id, &[(c.clone(), 0)], &a, &sys("Anna added Cilla"))
        .await
        .unwrap();
    advanced("adding a member").await;
    s.execute_raw(&format!(
        "UPDATE chat_members SET visible_from = 5 WHERE chat_id = '{}' AND user_id = '{c}'",
        g.id
    ))
    .await
    .unwrap();
    advanced("a member's history window").await;
    let patch = |name: Option<&str>, active: Option<bool>| UserPatch {
        name: name.map(str::to_owned),
        active,
        role_names: None,
    };
    s.update_user(&bo, &patch(Some("Bo Lind"), None), None)
        .await
        .unwrap();
    advanced("a member's new name").await;
    s.update_user(&bo, &patch(None, Some(false)), None)
        .await
        .unwrap();
    advanced("a member deactivated").await;
    s.remove_member(&g.id, &c, &a, &sys("Anna removed Cilla"))
        .await
        .unwrap()
        .expect("removed");
    advanced("removing a member").await;

    let latest = s.messages(&g.id, 0, None, 1).await.unwrap().remove(0);
    s.mark_read(&g.id, &a, latest.seq).await.unwrap();
    s.set_password(&a, "y", None, None, "self").await.unwrap();
    s.update_user(&bo, &patch(Some("Bo Lind"), Some(false)), None)
        .await
        .unwrap();
    assert_eq!(
        version(g.id.clone()).await,
        seen,
        "read markers, passwords and unchanged names do not"
    );
    let before_other = version(other.id.clone()).await;
    s.update_user(&c, &patch(Some("Cilla Ek"), None), None)
        .await
        .unwrap();
    assert_eq!(
        version(g.id.clone()).await,
        seen,
        "a former member's name is not this chat's"
    );
    assert!(
        version(other.id.clone()).await > before_other,
        "but it is their other chat's"
    );

    let sent = s
        .send_message(&new_message(&g.id, &a, "two"))
        .await
        .unwrap();
    assert_eq!(
        sent.members_version,
        Some(seen),
        "a send after the changes sees the newest version"
    );
    let list = s.member_list(&g.id).await.unwrap().unwrap();
    let names: Vec<(&str, bool)> = list
        .members
        .iter()
        .map(|m| (m.name.as_str(), m.active))
        .collect();
    assert_eq!(
        names,
        [("Anna", true), ("Bo Lind", false)],
        "the list read with that version"
    );
    assert!(s.member_list(&ChatId::new("nope")).await.unwrap().is_none());
}

async fn chats_members_and_history_windows(b: Backend) {
    use tether_domain::chat::ChatKind;
    use tether_store::chats::NewChat;
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let c = user(&s, "c@example.com", "Cilla", &["agent"]).await;
    let one = NewChat {
        kind: ChatKind::OneOnOne,
        name: None,
        team_id: None,
        created_by: a.clone(),
        members: vec![(a.clone(), 0), (bo.clone(), 0)],
    };
    let (first, created) = s.create_chat(&one, None).await.unwrap();
    assert!(created);
    let reverse = NewChat {
        members: vec![(bo.clone(), 0), (a.clone(), 0)],
        created_by: bo.clone(),
        ..one.clone()
    };
    let (again, created) = s.create_chat(&reverse, None).await.unwrap();
    assert!(!created, "one one-on-one chat per pair");
    assert_eq!(first.id, again.id);

    let group = NewChat {
        kind: ChatKind::Group,
        name: Some("Ops".into()),
        team_id: None,
        created_by: a.clone(),
        members: vec![(a.clone(), 0), (bo.clone(), 0)],
    };
    let (g, _) = s
        .create_chat(&group, Some(&sys("Anna started the chat")))
        .await
        .unwrap();
    let old = s
        .send_message(&new_message(&g.id, &a, "old"))
        .await
        .unwrap()
        .message;
    s.execute_raw(&format!(
        "UPDATE messages SET created_at = created_at - 100000 WHERE id = '{}'",
        old.id
    ))
    .await
    .unwrap();
    s.send_message(&new_message(&g.id, &a, "new"))
        .await
        .unwrap();
    let now = tether_store::now_ms();
    let added = s
        .add_members(
            &g.id,
            &[(c.clone(), now - 50_000), (bo.clone(), 0)],
            &a,
            &sys("Anna added Cilla"),
        )
        .await
        .unwrap();
    assert_eq!(
        added.users,
        std::slice::from_ref(&c),
        "existing members stay as they are"
    );
    let written = added.message_id.expect("a system message for the added");
    assert_eq!(body_of(&s, &written).await, "Anna added Cilla");
    let cilla = s.member(&g.id, &c).await.unwrap().unwrap();
    let seen: Vec<String> = s
        .messages(&g.id, cilla.visible_from, None, 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "text")
        .map(|m| m.body)
        .collect();
    assert_eq!(seen, ["new"], "the history window hides the old message");
    let unread = s
        .unread_counts(&c, std::slice::from_ref(&g.id))
        .await
        .unwrap();
    assert_eq!(unread.get(&g.id), Some(&1));
    let latest = s.messages(&g.id, 0, None, 1).await.unwrap().remove(0);
    s.mark_read(&g.id, &c, latest.seq).await.unwrap();
    s.mark_read(&g.id, &c, 1).await.unwrap();
    assert_eq!(
        s.member(&g.id, &c).await.unwrap().unwrap().last_read_seq,
        latest.seq,
        "read markers never go back"
    );
    assert!(
        s.unread_counts(&c, std::slice::from_ref(&g.id))
            .await
            .unwrap()
            .is_empty()
    );

    let list = s.list_chats(&c, Some("ANNA"), &[], None, 10).await.unwrap();
    assert_eq!(list.len(), 1, "filters match members' names");
    let removed = s
        .remove_member(&g.id, &c, &a, &sys("Anna removed Cilla"))
        .await
        .unwrap()
        .expect("removed");
    assert_eq!(body_of(&s, &removed.message_id).await, "Anna removed Cilla");
    assert!(
        removed.members_before.contains(&c),
        "the removed person is among those told: {:?}",
        removed.members_before
    );
    assert!(
        s.remove_member(&g.id, &c, &a, &sys("again"))
            .await
            .unwrap()
            .is_none()
    );
    // Whoever changes the chat must be a member at the moment of the write.
    assert!(matches!(
        s.remove_member(&g.id, &a, &c, &sys("Cilla removed Anna"))
            .await,
        Err(tether_store::StoreError::NotFound("chat"))
    ));
    assert!(matches!(
        s.rename_chat(&g.id, "Cilla's now", &c, &sys("renamed"))
            .await,
        Err(tether_store::StoreError::NotFound("chat"))
    ));
    let mut tx = s.begin().await.unwrap();
    assert!(tx.member_now(&g.id, &a).await.unwrap());
    assert!(!tx.member_now(&g.id, &c).await.unwrap());
    drop(tx);
    assert!(
        s.list_chats(&c, None, &[], None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    s.rename_chat(&g.id, "Operations", &a, &sys("renamed"))
        .await
        .unwrap();
    assert_eq!(
        s.chat(&g.id).await.unwrap().unwrap().name.as_deref(),
        Some("Operations")
    );
    let audit = s
        .list_audit(&AuditFilter {
            chat_id: Some(g.id.to_string()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"chat.members_added") && actions.contains(&"chat.member_removed"),
        "{actions:?}"
    );
}

/// R9, R10: the chat, its members, the connection with its system message, timeline entry and
/// audit entry, and the intro card come into being together; the opening messages' ids come
/// back in order.
async fn a_connected_chat_is_created_whole_in_one_transaction(b: Backend) {
    use tether_domain::chat::ChatKind;
    use tether_store::chats::NewChat;
    use tether_store::collab::NewConnectedChat;
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let rec = case(&s, "Printer", u(&a)).await;
    let chat = |kind| NewChat {
        kind,
        name: Some("Printer".into()),
        team_id: None,
        created_by: a.clone(),
        members: vec![(a.clone(), 0), (bo.clone(), 0)],
    };
    let (started, intro) = (sys("Anna started this chat from Case"), sys("intro card"));
    let group = chat(ChatKind::Group);
    let new = |intro| NewConnectedChat {
        chat: &group,
        record_type: "case",
        record_id: &rec.id,
        started: &started,
        intro,
        timeline_subject: "Chat connected",
    };
    let (g, opening) = s.create_connected_chat(&new(Some(&intro))).await.unwrap();
    assert_eq!(g.kind, ChatKind::Group);
    let mut members = s.member_ids(&g.id).await.unwrap();
    members.sort();
    let mut expected = vec![a.clone(), bo.clone()];
    expected.sort();
    assert_eq!(members, expected);
    let first: Vec<MessageId> = s
        .first_messages(&g.id, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(opening, first, "the opening messages, oldest first");
    assert_eq!(body_of(&s, &opening[0]).await, started.text);
    assert_eq!(body_of(&s, &opening[1]).await, intro.text);
    assert_eq!(
        s.connection(&g.id, &rec.id)
            .await
            .unwrap()
            .unwrap()
            .0
            .as_deref(),
        Some(a.as_str())
    );
    let timeline = s.timeline(&rec.id, None, 10).await.unwrap();
    assert_eq!(timeline[0].kind, EntryKind::ChatConnection);
    assert_eq!(timeline[0].chat_id.as_ref(), Some(&g.id));
    // Without an intro: the started message only.
    let (_, opening) = s.create_connected_chat(&new(None)).await.unwrap();
    assert_eq!(opening.len(), 1);
    // Only a group chat starts connected; nothing is written otherwise.
    let pair = chat(ChatKind::OneOnOne);
    let refused = s
        .create_connected_chat(&NewConnectedChat {
            chat: &pair,
            ..new(None)
        })
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    assert_eq!(s.record_connections(&rec.id, &a).await.unwrap().len(), 2);
}

async fn connections_and_channels(b: Backend) {
    use tether_domain::chat::ChatKind;
    use tether_store::chats::NewChat;
    use tether_store::collab::ConnectionChange;
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let rec = case(&s, "Printer", u(&a)).await;
    let (g, _) = s
        .create_chat(
            &NewChat {
                kind: ChatKind::Group,
                name: Some("G".into()),
                team_id: None,
                created_by: a.clone(),
                members: vec![(a.clone(), 0)],
            },
            None,
        )
        .await
        .unwrap();
    let msg = sys("connected");
    let change = ConnectionChange {
        chat_id: &g.id,
        record_type: "case",
        record_id: &rec.id,
        actor_id: &a,
        system: &msg,
        timeline_subject: "Chat connected",
    };
    let outsider = user(&s, "o@example.com", "Olle", &["agent"]).await;
    assert!(
        matches!(
            s.connect_chat(&ConnectionChange {
                actor_id: &outsider,
                ..change
            })
            .await,
            Err(tether_store::StoreError::NotFound("chat"))
        ),
        "only a member connects a chat"
    );
    let written = s.connect_chat(&change).await.unwrap().expect("connected");
    assert_eq!(body_of(&s, &written).await, change.system.text);
    assert!(
        s.connect_chat(&change).await.unwrap().is_none(),
        "twice is a no-op"
    );
    assert_eq!(
        s.connection(&g.id, &rec.id)
            .await
            .unwrap()
            .unwrap()
            .0
            .as_deref(),
        Some(a.as_str())
    );
    let conns = s.record_connections(&rec.id, &bo).await.unwrap();
    assert_eq!(conns.len(), 1);
    assert!(!conns[0].is_member);
    let written = s
        .join_chat(&g.id, &bo, "case", &rec.id, &sys("Bo joined"))
        .await
        .unwrap()
        .expect("joined");
    assert_eq!(body_of(&s, &written).await, "Bo joined");
    assert!(s.record_connections(&rec.id, &bo).await.unwrap()[0].is_member);
    let timeline = s.timeline(&rec.id, None, 10).await.unwrap();
    assert_eq!(timeline[0].kind, EntryKind::ChatConnection);
    assert_eq!(timeline[0].chat_id.as_ref(), Some(&g.id));
    assert!(
        s.member_chats_by_connection(&a, true, &"other".into(), None, 10)
            .await
            .unwrap()
            .iter()
            .any(|c| c.id == g.id)
    );
    assert!(
        s.member_chats_by_connection(&a, false, &"other".into(), None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s.disconnect_chat(&change).await.unwrap().is_some());
    assert!(s.connection(&g.id, &rec.id).await.unwrap().is_none());
    assert_eq!(
        s.timeline(&rec.id, None, 10).await.unwrap()[0].kind,
        EntryKind::ChatDisconnection
    );

    let team = s
        .create_team("T", &[], std::slice::from_ref(&a), None)
        .await
        .unwrap();
    let channel = s
        .create_channel(&team.id, "general", &a, &sys("created"))
        .await
        .unwrap();
    assert_eq!(channel.kind, ChatKind::Channel);
    assert_eq!(
        s.member_ids(&channel.id).await.unwrap(),
        std::slice::from_ref(&a)
    );
    let change = s
        .add_team_members(&team.id, std::slice::from_ref(&bo), None)
        .await
        .unwrap();
    let mut members = s.member_ids(&channel.id).await.unwrap();
    members.sort();
    let mut expected = vec![a.clone(), bo.clone()];
    expected.sort();
    assert_eq!(
        members, expected,
        "new team members join the team's channels"
    );
    let moved = |chat: &ChatId, user: &UserId| tether_store::people::ChannelMove {
        chat_id: chat.clone(),
        user_id: user.clone(),
    };
    assert_eq!(
        change.joined,
        vec![moved(&channel.id, &bo)],
        "the join is reported"
    );
    let again = s
        .add_team_members(&team.id, std::slice::from_ref(&bo), None)
        .await
        .unwrap();
    assert!(again.joined.is_empty(), "a member already in adds nothing");
    let change = s
        .remove_team_member(&team.id, &bo.as_str().into(), None)
        .await
        .unwrap();
    assert_eq!(
        change.left,
        vec![moved(&channel.id, &bo)],
        "the leave is reported"
    );
    assert_eq!(
        s.member_ids(&channel.id).await.unwrap(),
        std::slice::from_ref(&a)
    );
}
