//! A node that loses NATS or PostgreSQL, or is cut off from NATS: it answers at once, recovers,
//! and its clients resync.

use super::*;

/// A private nats-server on a free port, killed on drop.
struct PrivateNats {
    child: std::process::Child,
    port: u16,
}

impl PrivateNats {
    fn start(port: u16) -> Option<PrivateNats> {
        let child = std::process::Command::new("/usr/sbin/nats-server")
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        for _ in 0..50 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(PrivateNats { child, port });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    }
}

impl Drop for PrivateNats {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_node_that_loses_nats_reconnects_and_tells_clients_to_resync() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let Some(nats) = PrivateNats::start(port) else {
        panic!("/usr/sbin/nats-server is needed for this test (scripts/test checks for it)");
    };
    let db = TestDb::sqlite();
    let store = db.store().await;
    collaboration_on(&store).await;
    let (_, bo) = user(&store, "bo@example.com", "Bo Lind", &["agent"]).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let data = DataDir::new();
    let config = Config::new(format!("http://{addr}"), data.0.clone());
    let state = AppState::with_nats(store, config, &format!("nats://127.0.0.1:{}", nats.port))
        .await
        .unwrap();
    let (_stop, rx) = oneshot::channel::<()>();
    tokio::spawn(tether_server::serve(listener, state, async move {
        let _ = rx.await;
    }));
    let n = Node {
        addr,
        stop: None,
        _data: data,
    };
    let mut ws = events(&n, &bo).await;
    drop(nats);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _again = PrivateNats::start(port).expect("nats-server restarts");
    assert!(
        resynced_within(&mut ws, 20).await,
        "clients are told to resync after the NATS connection comes back"
    );
}

/// A TCP forwarder between a node and PostgreSQL that the test can cut and restore, so one
/// node loses its database while the server itself keeps running.
struct Cable {
    port: u16,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    links: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Cable {
    async fn to(target: &str) -> Cable {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let links = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (up2, links2, target) = (up.clone(), links.clone(), target.to_owned());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    continue; // dropped: the database is "down"
                }
                let target = target.clone();
                let link = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                links2.lock().unwrap().push(link);
            }
        });
        Cable { port, up, links }
    }

    fn cut(&self) {
        self.up.store(false, std::sync::atomic::Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A node cut off from NATS answers sends at once (it drops their live events instead of
/// holding them, so its memory stays bounded), and once it reaches NATS again it has the clients
/// of every node resync: node B never lost NATS, so only node A's report can tell B's clients.
#[tokio::test]
async fn a_node_cut_off_from_nats_answers_at_once_and_every_node_resyncs_after() {
    let db = TestDb::postgres().await;
    let subject = format!("tether.test.{}", tether_store::new_id());
    let store = db.store().await;
    collaboration_on(&store).await;
    let (_, alice) = user(&store, "alice@example.com", "Alice Ek", &["agent"]).await;
    let (bo_id, bo) = user(&store, "bo@example.com", "Bo Lind", &["agent"]).await;
    let nats = nats_url();
    let cable = Cable::to(nats.trim_start_matches("nats://")).await;
    let a = node_via(
        &db.url,
        &subject,
        &format!("nats://127.0.0.1:{}", cable.port),
    )
    .await;
    let b = node(&db.url, &subject).await;
    let (status, chat) = call(
        reqwest::Method::POST,
        a.url("/chats"),
        &alice,
        Some(json!({"member_ids": [bo_id], "name": "Ops"})),
    )
    .await;
    assert_eq!(status, 201);
    let send_url = a.url(&format!("/chats/{}/messages", chat["id"].as_str().unwrap()));
    let mut bo_on_b = events(&b, &bo).await;
    let send = |body: &'static str| {
        call(
            reqwest::Method::POST,
            send_url.clone(),
            &alice,
            Some(json!({ "body": body })),
        )
    };
    assert_eq!(send("before the cut").await.0, 201);
    expect(&mut bo_on_b, "message.created").await;

    cable.cut();
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..5 {
        let started = std::time::Instant::now();
        assert_eq!(send("while cut off").await.0, 201, "the message is stored");
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "a send does not wait for NATS while the node is cut off: {:?}",
            started.elapsed()
        );
    }
    while let Some(e) = next(&mut bo_on_b, 300).await {
        assert_ne!(e["type"], "resync", "node B has lost nothing yet: {e}");
    }

    cable.restore();
    assert!(
        resynced_within(&mut bo_on_b, 60).await,
        "node B's clients are told to resync after node A dropped events"
    );
}

/// A node that loses PostgreSQL answers 503 on /healthz (so a load balancer takes it out) and
/// serves again by itself once the database is back.
#[tokio::test]
async fn a_node_that_loses_postgres_answers_503_and_recovers() {
    let db = TestDb::postgres().await;
    let target = db
        .url
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("127.0.0.1:5432")
        .to_owned();
    let cable = Cable::to(&target).await;
    let via_cable = db
        .url
        .replacen(&target, &format!("127.0.0.1:{}", cable.port), 1);
    let store = Store::connect(
        &via_cable,
        &ConnectOptions {
            connect_timeout: Duration::from_secs(1),
            ..ConnectOptions::default()
        },
    )
    .await
    .unwrap();
    store.prepare().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let data = DataDir::new();
    let config = Config::new(format!("http://{addr}"), data.0.clone());
    let state = AppState::new(store, config).unwrap();
    let (_stop, rx) = oneshot::channel::<()>();
    tokio::spawn(tether_server::serve(listener, state, async move {
        let _ = rx.await;
    }));
    let health = || async move {
        let res = reqwest::get(format!("http://{addr}/healthz"))
            .await
            .unwrap();
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        (status, body)
    };
    assert_eq!(health().await.0, 200);

    cable.cut();
    let (status, body) = health().await;
    assert_eq!(status, 503, "{body}");
    assert!(
        body.to_string().contains("database"),
        "the answer says what is down: {body}"
    );

    cable.restore();
    let mut back = false;
    for _ in 0..100 {
        if health().await.0 == 200 {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(back, "the node serves again once PostgreSQL is reachable");
}
