//! The support desk the collaboration tests start from, built in one place: the panel's API
//! tests (`collab_api`, `panel_truth_api`) and its browser tests (`browser_panel`) add only
//! what their rules need on top.

use super::TestApp;
use serde_json::{Value, json};

/// One person of the desk: their id and a signed-in token.
pub struct Person {
    pub id: String,
    pub token: String,
}

/// Olga owns a case ("Printer jams on tray 2"). Bo and Eve are her teammates in *Support*
/// (agents: they write the team's cases). Cilla may only read cases (role `reader`). Sam
/// supervises *Escalations* (reads everything, holds `collab.disconnect`). Collaboration is on.
pub struct Desk {
    pub app: TestApp,
    pub admin: String,
    pub team_id: String,
    pub other_team_id: String,
    pub olga: Person,
    pub bo: Person,
    pub eve: Person,
    pub cilla: Person,
    pub sam: Person,
    pub case_id: String,
}

impl Desk {
    /// Opens the desk on `app`; Olga's case gets `case_fields` (its title at least).
    pub async fn open(app: TestApp, case_fields: Value) -> Desk {
        let admin = app.enable_collaboration().await;
        let team_id = app
            .create("/teams", &admin, json!({"name": "Support"}))
            .await;
        let other_team_id = app
            .create("/teams", &admin, json!({"name": "Escalations"}))
            .await;
        app.post(
            "/roles",
            &admin,
            json!({"name": "reader", "privileges": ["collab.use", "case.read:all"]}),
        )
        .await
        .expect(201);
        let person = async |email: &str, name: &str, role: &str, team: Option<&str>| {
            let teams: Vec<&str> = team.into_iter().collect();
            let (id, token) = app.user(&admin, email, name, &[role], &teams).await;
            Person { id, token }
        };
        let olga = person("olga@example.com", "Olga Berg", "agent", Some(&team_id)).await;
        let bo = person("bo@example.com", "Bo Lind", "agent", Some(&team_id)).await;
        let eve = person("eve@example.com", "Eve Ny", "agent", Some(&team_id)).await;
        let cilla = person("cilla@example.com", "Cilla Ek", "reader", None).await;
        let sam = person(
            "sam@example.com",
            "Sam Sup",
            "supervisor",
            Some(&other_team_id),
        )
        .await;
        let case_id = app
            .create("/records/case", &olga.token, json!({"fields": case_fields}))
            .await;
        Desk {
            app,
            admin,
            team_id,
            other_team_id,
            olga,
            bo,
            eve,
            cilla,
            sam,
            case_id,
        }
    }
}
