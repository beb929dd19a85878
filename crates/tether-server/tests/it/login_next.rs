//! After sign-in a browser goes only to a path of this site (issue 15, open redirect): the
//! server's `GET /login?next=…` redirect, and the sign-in page's script (`assets/js/next.js`,
//! run here under Node) which must agree with the server's rule on every input.

use crate::common::{ADMIN_EMAIL, PASSWORD, spawn_app};
use tether_domain::redirect::after_sign_in;
use tether_store::Backend;

/// Hostile and ordinary values of `next`, as the page receives them (decoded).
const INPUTS: &[&str] = &[
    "/",
    "/records/case/0190a1b2c3d4",
    "/chats?x=1&y=2",
    "/records/case/x%3Ftab%3D1",
    "/search?q=printer#results",
    "/%2F/still-a-path",
    "",
    "//evil.example/",
    "/\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/x",
    "/\r/x",
    "/ /evil.example",
    " /evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "/x\\y",
    "/\u{0}x",
    "/\u{7f}x",
    "/caf\u{e9}",
    "/\u{ff0f}evil.example",
    "/%zz",
    "/%4",
    "/a#b#c",
    "/<script>",
];

#[tokio::test]
async fn login_redirects_only_to_paths_of_this_site() {
    let app = spawn_app(Backend::Sqlite).await;
    let token = app.login(ADMIN_EMAIL, PASSWORD).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (next, expected) in [
        // The cases: a tab or a line break that a browser drops, making `//evil.example`.
        ("/%09/evil.example", "/"),
        ("/%0a/x", "/"),
        ("/%0d%0a/x", "/"),
        ("//evil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("https://evil.example", "/"),
        ("/caf%C3%A9", "/"),
        ("/records/case/abc%3Ftab%3D1", "/records/case/abc?tab=1"),
        ("/chats", "/chats"),
    ] {
        let res = http
            .get(format!("{}/login?next={next}", app.base))
            .header("cookie", format!("tether_session={token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303, "next={next}");
        assert_eq!(
            res.headers()["location"].to_str().unwrap(),
            expected,
            "next={next}"
        );
    }
}

/// The page's script and the server's rule give the same answer for every input: the listed
/// ones and a few thousand generated from the characters that matter.
#[test]
fn the_sign_in_pages_script_follows_the_servers_rule() {
    let mut inputs: Vec<String> = INPUTS.iter().map(|s| (*s).to_owned()).collect();
    let alphabet: Vec<char> = "/\\\t\n\r %2aF:.#?@é\u{0}\u{ff0f}<".chars().collect();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..3000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 7) as usize;
        let mut s = String::from(if state.is_multiple_of(3) { "" } else { "/" });
        let mut x = state;
        for _ in 0..len {
            s.push(alphabet[(x % alphabet.len() as u64) as usize]);
            x /= alphabet.len() as u64;
        }
        inputs.push(s);
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/js/next.js");
    let program = format!(
        "import {{ sameOriginPath }} from {};\
         const inputs = JSON.parse(process.argv[1]);\
         process.stdout.write(JSON.stringify(inputs.map(sameOriginPath)));",
        serde_json::to_string(&format!("file://{script}")).unwrap()
    );
    let out = std::process::Command::new("node")
        .args(["--input-type=module", "-e", &program])
        .arg(serde_json::to_string(&inputs).unwrap())
        .output()
        .expect("this test needs Node.js (`node` on the PATH) to run the page's script");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answers.len(), inputs.len());
    let mut accepted = 0;
    for (input, js) in inputs.iter().zip(&answers) {
        assert_eq!(
            js.as_str(),
            after_sign_in(Some(input)),
            "script and server disagree on {input:?}"
        );
        accepted += usize::from(js == input && input != "/");
    }
    assert!(accepted > 20, "some generated paths are accepted too");
}
