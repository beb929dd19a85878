//! The agents at work: [`Crowd`] signs people in, gives each an event socket and a task that
//! acts as the UI does ([`Action`]), with think times between actions, and swaps the
//! [`Window`] they record into when a step's measurement opens and closes.

use super::kinds::{Action, Req};
use super::people::Person;
use super::window::Window;
use crate::dataset::{Rng, search_term};
use crate::fixture::{self, BenchUser};
use crate::live::{self, Socket};
use crate::report::Histogram;
use crate::server::Server;
use anyhow::Result;
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

/// WebSocket handshakes in flight while a step's agents connect.
const CONNECT_CONCURRENCY: usize = 32;
/// The length of a message an agent writes.
const BODY_BYTES: usize = 120;
const EMOJI: [&str; 5] = ["👍", "🎉", "❤️", "😄", "👀"];

/// Everything the agents share.
pub(super) struct Crowd {
    http: reqwest::Client,
    base: String,
    api: String,
    events: String,
    cases: Vec<String>,
    /// Mean think time, in seconds.
    think: f64,
    /// The clock message bodies carry their send time on.
    clock: Instant,
    window: RwLock<Arc<Window>>,
    stop: watch::Sender<bool>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    seeds: AtomicU64,
}

impl Crowd {
    pub(super) fn new(server: &Server, cases: Vec<String>, think: f64) -> Result<Crowd> {
        let live = live::Live::new(&server.base, fixture::Fixture::default());
        Ok(Crowd {
            http: live::http_client()?,
            base: server.base.clone(),
            api: live.api,
            events: live.events,
            cases,
            think,
            clock: Instant::now(),
            window: RwLock::new(Arc::new(Window::default())),
            stop: watch::channel(false).0,
            tasks: Mutex::new(Vec::new()),
            seeds: AtomicU64::new(1),
        })
    }

    /// Signs `newcomers` in through `POST /auth/login`, opens their sockets and sets them to
    /// work.
    pub(super) async fn add(self: &Arc<Self>, newcomers: &[Person]) -> Result<()> {
        let mut users: Vec<BenchUser> = newcomers.iter().map(|p| p.user.clone()).collect();
        fixture::sign_in(&self.base, &mut users).await?;
        let tokens: Vec<String> = users.iter().map(|u| u.token.clone()).collect();
        let sockets = live::connect_all(
            &self.events,
            &tokens,
            CONNECT_CONCURRENCY,
            &Histogram::default(),
        )
        .await?;
        let mut tasks = Vec::with_capacity(newcomers.len());
        for ((person, token), socket) in newcomers.iter().zip(tokens).zip(sockets) {
            let agent = Agent {
                crowd: self.clone(),
                token,
                chats: person.chats.clone(),
                rng: Rng(self
                    .seeds
                    .fetch_add(1, Ordering::Relaxed)
                    .wrapping_mul(7919)),
                open: None,
            };
            tasks.push(tokio::spawn(agent.work(socket)));
        }
        if let Ok(mut all) = self.tasks.lock() {
            all.extend(tasks);
        }
        Ok(())
    }

    /// Opens a fresh window, lets the agents record into it for `length`, and returns it.
    pub(super) async fn measure(&self, length: Duration) -> Arc<Window> {
        let window = Arc::new(Window::default());
        self.swap(window.clone());
        tokio::time::sleep(length).await;
        self.swap(Arc::new(Window::default()));
        window
    }

    /// Stops every agent and waits for them (their sockets closed).
    pub(super) async fn stop(&self) {
        let _ = self.stop.send(true);
        let tasks = self
            .tasks
            .lock()
            .map(|mut t| std::mem::take(&mut *t))
            .unwrap_or_default();
        for t in tasks {
            let _ = tokio::time::timeout(Duration::from_secs(30), t).await;
        }
    }

    fn swap(&self, window: Arc<Window>) {
        if let Ok(mut w) = self.window.write() {
            *w = window;
        }
    }

    fn current(&self) -> Arc<Window> {
        match self.window.read() {
            Ok(w) => w.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn now_us(&self) -> u64 {
        u64::try_from(self.clock.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    /// One request as `token`, timed and counted in the current window; the answer's body
    /// when it succeeded.
    async fn call(
        &self,
        req: Req,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        token: &str,
    ) -> Option<Vec<u8>> {
        let window = self.current();
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.api))
            .bearer_auth(token);
        if req == Req::Send {
            request = request.header("Idempotency-Key", tether_store::new_id());
        }
        if let Some(b) = body {
            request = request.json(&b);
        }
        let started = Instant::now();
        match live::fetch(request).await {
            Ok(body) => {
                window.answered(req, started.elapsed());
                Some(body)
            }
            Err(why) => {
                window.failed(req, &why);
                None
            }
        }
    }

    async fn get(&self, req: Req, path: &str, token: &str) -> Option<Vec<u8>> {
        self.call(req, reqwest::Method::GET, path, None, token)
            .await
    }

    async fn post(&self, req: Req, path: &str, body: Value, token: &str) -> Option<Vec<u8>> {
        self.call(req, reqwest::Method::POST, path, Some(body), token)
            .await
    }
}

/// One agent: who they are, their chats, and the chat they have open (with its newest
/// message, to react to).
struct Agent {
    crowd: Arc<Crowd>,
    token: String,
    chats: Vec<String>,
    rng: Rng,
    open: Option<(String, Option<String>)>,
}

/// A page of messages: only the ids are read.
#[derive(Deserialize)]
struct Page {
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    id: String,
}

impl Agent {
    /// Acts until the crowd stops: think, act, again. The first action comes after a random
    /// part of a think time, so a step's newcomers do not act in lockstep.
    async fn work(mut self, socket: Socket) {
        let mut stop = self.crowd.stop.subscribe();
        let mut reader = tokio::spawn(read_events(self.crowd.clone(), socket));
        let mut pause = Duration::from_secs_f64(self.rng.unit() * self.crowd.think);
        loop {
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                _ = stop.changed() => break,
            }
            if *stop.borrow() {
                break;
            }
            let mut action = Action::pick(u32::try_from(self.rng.below(100)).unwrap_or(0));
            if reader.is_finished() {
                // The server closed the socket (counted as an error by the reader): the UI
                // reconnects.
                action = Action::Reconnect;
            }
            self.crowd.current().acted(action);
            match action {
                Action::OpenChat => self.open_chat().await,
                Action::Send => self.send().await,
                Action::OpenRecord => self.open_record().await,
                Action::MyWork => self.my_work().await,
                Action::React => self.react().await,
                Action::Search => self.search().await,
                Action::Reconnect => reader = self.reconnect(reader).await,
            }
            pause = self.think();
        }
        reader.abort();
    }

    /// Exponentially distributed around the mean think time, between 0.5 s and ten means.
    fn think(&mut self) -> Duration {
        let mean = self.crowd.think;
        let t = -(1.0 - self.rng.unit()).max(1e-12).ln() * mean;
        Duration::from_secs_f64(t.clamp(0.5, 10.0 * mean))
    }

    fn some_chat(&mut self) -> Option<String> {
        let i = self.rng.below(self.chats.len());
        self.chats.get(i).cloned()
    }

    async fn open_chat(&mut self) {
        let Some(chat) = self.some_chat() else {
            return self.my_work().await;
        };
        let c = &self.crowd;
        if c.get(Req::Chat, &format!("/chats/{chat}"), &self.token)
            .await
            .is_none()
        {
            return;
        }
        let page = c
            .get(
                Req::Messages,
                &format!("/chats/{chat}/messages?limit=50"),
                &self.token,
            )
            .await;
        let newest = page
            .and_then(|b| serde_json::from_slice::<Page>(&b).ok())
            .and_then(|p| p.items.into_iter().next())
            .map(|m| m.id);
        if let Some(id) = &newest {
            c.post(
                Req::Read,
                &format!("/chats/{chat}/read"),
                json!({"message_id": id}),
                &self.token,
            )
            .await;
        }
        self.open = Some((chat, newest));
    }

    async fn send(&mut self) {
        let chat = match &self.open {
            Some((chat, _)) => chat.clone(),
            None => match self.some_chat() {
                Some(chat) => chat,
                None => return self.my_work().await,
            },
        };
        let body = live::timed_body(self.crowd.now_us(), BODY_BYTES);
        let sent = self
            .crowd
            .post(
                Req::Send,
                &format!("/chats/{chat}/messages"),
                json!({ "body": body }),
                &self.token,
            )
            .await;
        let id = sent
            .and_then(|b| serde_json::from_slice::<Item>(&b).ok())
            .map(|m| m.id);
        self.open = Some((chat, id));
    }

    async fn open_record(&mut self) {
        let i = self.rng.below(self.crowd.cases.len());
        let Some(case) = self.crowd.cases.get(i).cloned() else {
            return;
        };
        let (c, t) = (&self.crowd, &self.token);
        let base = format!("/records/case/{case}");
        let (timeline, panel, suggestions) = (
            format!("{base}/timeline?limit=30"),
            format!("{base}/collaboration"),
            format!("{base}/suggested-contacts"),
        );
        tokio::join!(
            c.get(Req::Record, &base, t),
            c.get(Req::Timeline, &timeline, t),
            c.get(Req::Panel, &panel, t),
            c.get(Req::Suggestions, &suggestions, t),
        );
    }

    async fn my_work(&mut self) {
        let (c, t) = (&self.crowd, &self.token);
        tokio::join!(
            c.get(Req::MyRecords, "/records/case?owner=me&limit=25", t),
            c.get(Req::MyChats, "/chats?limit=8", t),
        );
    }

    async fn react(&mut self) {
        let Some((chat, Some(message))) = self.open.clone() else {
            return self.open_chat().await;
        };
        let emoji = EMOJI.get(self.rng.below(EMOJI.len())).unwrap_or(&"👍");
        self.crowd
            .post(
                Req::React,
                &format!("/chats/{chat}/messages/{message}/reactions"),
                json!({ "emoji": emoji }),
                &self.token,
            )
            .await;
    }

    async fn search(&mut self) {
        let term = search_term(&mut self.rng);
        self.crowd
            .get(
                Req::Search,
                &format!("/search?q={term}&limit=30"),
                &self.token,
            )
            .await;
    }

    /// The network drops: the socket goes without a goodbye, a new one is opened, and what
    /// was on screen is loaded again (the chat list, the open chat).
    async fn reconnect(&mut self, reader: JoinHandle<()>) -> JoinHandle<()> {
        reader.abort();
        let c = &self.crowd;
        let started = Instant::now();
        let reader = match live::connect(&c.events, &self.token).await {
            Ok(socket) => {
                c.current().answered(Req::Connect, started.elapsed());
                tokio::spawn(read_events(c.clone(), socket))
            }
            Err(_) => {
                c.current().failed(Req::Connect, "no hello");
                tokio::spawn(async {})
            }
        };
        c.get(Req::ChatList, "/chats?limit=50", &self.token).await;
        if let Some((chat, _)) = &self.open {
            c.get(
                Req::Messages,
                &format!("/chats/{chat}/messages?limit=50"),
                &self.token,
            )
            .await;
        }
        reader
    }
}

/// Reads an agent's socket until it closes or the task is aborted: every frame counted, the
/// delivery time of every message sent in the current window recorded.
async fn read_events(crowd: Arc<Crowd>, mut socket: Socket) {
    let stop = crowd.stop.subscribe();
    loop {
        let frame = socket.next().await;
        let window = crowd.current();
        match frame {
            Some(Ok(Message::Text(text))) => {
                window.events.fetch_add(1, Ordering::Relaxed);
                if text.as_str().contains("\"type\":\"message.created\"")
                    && let Some(sent) = live::sent_at(text.as_str())
                    && sent >= window.opened_at(crowd.clock)
                {
                    window.delivery.record(crowd.now_us().saturating_sub(sent));
                } else if text.as_str().contains("\"type\":\"resync\"") {
                    window.errors.add("resync (a client fell behind)", 1);
                }
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                if !*stop.borrow() {
                    window.errors.add("event socket closed by the server", 1);
                }
                return;
            }
            Some(Ok(_)) => {}
        }
    }
}
