//! Users, roles, teams and the users page's administration of them.

use crate::user;
use tether_domain::{Access, Privilege, UserId};
use tether_store::audit::AuditFilter;
use tether_store::people::{NewUser, UserPatch};
use tether_store::test_support::TestDb;
use tether_store::{Backend, StoreError};

both_backends!(
    users_roles_and_subjects,
    teams_and_teammates,
    team_administration_and_the_users_page,
);

async fn users_roles_and_subjects(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let olga = user(
        &s,
        "olga@example.com",
        "Olga Berg",
        &["agent", "supervisor"],
    )
    .await;
    let dup = s
        .create_user(
            &NewUser {
                email: "olga@example.com".into(),
                name: "Other".into(),
                password_hash: "x".into(),
                role_names: vec![],
                team_ids: vec![],
            },
            None,
        )
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(m)) if m.contains("olga@example.com")));
    let bad_role = s
        .create_user(
            &NewUser {
                email: "x@example.com".into(),
                name: "X".into(),
                password_hash: "x".into(),
                role_names: vec!["wizard".into()],
                team_ids: vec![],
            },
            None,
        )
        .await;
    assert!(matches!(bad_role, Err(StoreError::Invalid(m)) if m.contains("wizard")));

    let subject = s.subject(&olga).await.unwrap().unwrap();
    assert!(
        subject.active && subject.privileges.collab_use && subject.privileges.collab_disconnect
    );
    assert_eq!(
        subject.privileges.depth("case", Access::Write),
        Some(tether_domain::Depth::Team)
    );
    assert_eq!(
        subject.privileges.depth("account", Access::Read),
        Some(tether_domain::Depth::All)
    );

    let role = s
        .create_role(
            "night_shift",
            &["case.read:own".parse::<Privilege>().unwrap()],
            None,
        )
        .await
        .unwrap();
    assert_eq!(role.privileges, ["case.read:own"]);
    let updated = s
        .update_user(
            &olga.as_str().into(),
            &UserPatch {
                role_names: Some(vec!["night_shift".into()]),
                ..Default::default()
            },
            Some(&olga),
        )
        .await
        .unwrap();
    assert_eq!(updated.roles, ["night_shift"]);
    let subject = s.subject(&olga).await.unwrap().unwrap();
    assert!(!subject.privileges.collab_use);
    let audit = s
        .list_audit(&AuditFilter {
            action: Some("user.roles_changed".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 1, "role change is audited (R22)");
    assert_eq!(audit[0].actor.as_ref().unwrap().name, "Olga Berg");

    let found = s.search_users("BERG", 10).await.unwrap();
    assert_eq!(found.len(), 1);
    assert!(s.subject(&"nobody".into()).await.unwrap().is_none());
}

async fn teams_and_teammates(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let c = user(&s, "c@example.com", "Cilla", &["agent"]).await;
    let team = s
        .create_team(
            "Support EMEA",
            std::slice::from_ref(&a),
            std::slice::from_ref(&bo),
            Some(&a),
        )
        .await
        .unwrap();
    assert_eq!(team.members.len(), 2);
    assert!(team.members.iter().any(|m| m.user_id == a && m.is_admin));
    assert!(matches!(
        s.create_team("Support EMEA", &[], &[], None).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.create_team("Ghosts", &["nobody".into()], &[], None).await,
        Err(StoreError::Invalid(_))
    ));

    let subject = s.subject(&bo).await.unwrap().unwrap();
    assert!(subject.team_ids.contains(&team.id));
    assert!(subject.teammate_ids.contains(&UserId::new(a.clone())));
    assert!(!subject.teammate_ids.contains(&UserId::new(c.clone())));
    // Several at once (a message's recipients): each exactly as one at a time, unknown skipped.
    let several = s
        .subjects(&[a.clone(), "nobody".into(), c.clone(), bo.clone()])
        .await
        .unwrap();
    assert_eq!(several.len(), 3);
    for one in &several {
        assert_eq!(
            Some(one),
            s.subject(&one.user_id).await.unwrap().as_ref(),
            "{}",
            one.user_id
        );
    }
    let cilla = several.iter().find(|x| x.user_id == c).unwrap();
    assert!(cilla.team_ids.is_empty() && cilla.teammate_ids.is_empty());
    assert!(several.iter().all(|x| x.privileges.collab_use));

    s.add_team_members(&team.id, std::slice::from_ref(&c), Some(&a))
        .await
        .unwrap();
    let subject = s.subject(&bo).await.unwrap().unwrap();
    assert!(subject.teammate_ids.contains(&UserId::new(c)));
    assert_eq!(s.list_teams().await.unwrap()[0].members.len(), 3);

    // Names alone, one row per team whatever its size, by name.
    let apac = s
        .create_team("Support APAC", std::slice::from_ref(&a), &[], Some(&a))
        .await
        .unwrap();
    assert_eq!(
        s.team_names().await.unwrap(),
        [
            (apac.id.into_string(), "Support APAC".to_owned()),
            (team.id.into_string(), "Support EMEA".to_owned())
        ]
    );
}

/// Issue 16: the Users page's batched roles and teams, team admins replaced, members removed
/// (never the last admin), the audit log filtered by actor and names resolved in one look-up.
async fn team_administration_and_the_users_page(b: Backend) {
    use tether_store::team_admin::TeamPatch;
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let admin = user(&s, "admin@example.com", "Ada Admin", &["administrator"]).await;
    let ann = user(&s, "ann@example.com", "Ann Agent", &["agent", "viewer"]).await;
    let bo = user(&s, "bo@example.com", "Bo Berg", &["agent"]).await;
    let team = s
        .create_team(
            "Billing",
            std::slice::from_ref(&ann),
            std::slice::from_ref(&bo),
            Some(&admin),
        )
        .await
        .unwrap();

    let page = s.search_users_admin("example.com", 2, 0).await.unwrap();
    assert_eq!(page.len(), 2);
    let rest = s.search_users_admin("example.com", 2, 2).await.unwrap();
    assert_eq!(rest.len(), 1);
    let ann_row = s.search_users_admin("ann@", 10, 0).await.unwrap();
    assert_eq!(ann_row[0].roles, vec!["agent", "viewer"]);
    assert_eq!(ann_row[0].teams[0].name, "Billing");

    assert!(matches!(
        s.remove_team_member(&team.id, &ann.as_str().into(), Some(&admin))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.remove_team_member(&team.id, &admin.as_str().into(), Some(&admin))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.update_team(
            &team.id,
            &TeamPatch {
                name: None,
                admin_ids: Some(vec![])
            },
            None
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
    let t = s
        .update_team(
            &team.id,
            &TeamPatch {
                name: Some("Billing 2".into()),
                admin_ids: Some(vec![bo.clone(), admin.clone()]),
            },
            Some(&admin),
        )
        .await
        .unwrap()
        .team;
    assert_eq!(t.name, "Billing 2");
    assert_eq!(t.members.len(), 3, "the new admin joined");
    assert!(t.members.iter().all(|m| m.is_admin != (m.user_id == ann)));
    let t = s
        .remove_team_member(&team.id, &ann.as_str().into(), Some(&admin))
        .await
        .unwrap()
        .team;
    assert!(t.members.iter().all(|m| m.user_id != ann));

    let audit = s
        .list_audit(&AuditFilter {
            actor_id: Some(admin.to_string()),
            action: Some("team.member_removed".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    let none = s
        .list_audit(&AuditFilter {
            actor_id: Some(bo.to_string()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(none.is_empty());
    let names = s
        .names_by_ids(&[ann.to_string(), team.id.to_string(), "nobody".into()])
        .await
        .unwrap();
    assert_eq!(
        names.get(ann.as_str()).map(String::as_str),
        Some("Ann Agent")
    );
    assert_eq!(
        names.get(team.id.as_str()).map(String::as_str),
        Some("Billing 2")
    );
    assert_eq!(names.len(), 2);
}
