//! Password hashing: Argon2id with reused working memory, and the server's bounded hasher.

use super::constant_time_eq;
use crate::error::ApiError;
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Argon2id hash (PHC string) of a password, with the argon2 crate's default parameters
/// (19 MiB, 2 passes, 1 lane). CPU-heavy and allocates its 19 MiB: the server hashes through
/// [`Hasher`] instead; this is for the command line and tests.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    hash_with_memory(password, &mut Vec::new())
}

/// Checks a password against a stored hash. CPU-heavy and allocates: see [`hash_password`].
pub fn verify_password(password: &str, hash: &str) -> bool {
    verify_with_memory(password, hash, &mut Vec::new())
}

/// Argon2's working memory for `params`: `memory` itself, grown to the default size when it is
/// smaller, or a buffer of its own for a hash made with more memory than the default (none is
/// made by this code; such a buffer is freed after the one check).
fn with_blocks<T>(
    memory: &mut Vec<Block>,
    params: &Params,
    run: impl FnOnce(&mut [Block]) -> T,
) -> T {
    let needed = params.block_count();
    let default = Params::DEFAULT.block_count();
    if needed > default {
        return run(&mut vec![Block::new(); needed]);
    }
    if memory.len() < default {
        memory.resize(default, Block::new());
    }
    run(&mut memory[..needed])
}

/// [`hash_password`] with Argon2's 19 MiB of working memory passed in, so that a caller that
/// hashes often reuses one buffer instead of allocating one per password.
pub fn hash_with_memory(password: &str, memory: &mut Vec<Block>) -> anyhow::Result<String> {
    let params = Params::DEFAULT;
    let mut salt = [0u8; Salt::RECOMMENDED_LENGTH];
    rand::fill(&mut salt);
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    with_blocks(memory, &params, |blocks| {
        argon2.hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, blocks)
    })
    .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)
            .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?,
        salt: Some(Salt::new(&salt).map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?),
    };
    Ok(phc.to_string())
}

/// [`verify_password`] with the working memory passed in (see [`hash_with_memory`]). Any
/// Argon2 PHC string verifies, whatever its parameters.
pub fn verify_with_memory(password: &str, hash: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut out = vec![0u8; expected.as_bytes().len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let done = with_blocks(memory, &params, |blocks| {
        argon2.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, blocks)
    });
    done.is_ok() && constant_time_eq(&out, expected.as_bytes())
}

/// Password hashing for the server: at most one check per slot at a time (the number of
/// cores by default), each slot reusing one 19 MiB Argon2 buffer. Without it every sign-in
/// allocated 19 MiB on some thread of the blocking pool, and the C allocator kept those
/// buffers in its per-thread arenas: 200 sign-ins left a server at 867 MB for good. Now the
/// memory for hashing is at most `slots × 19 MiB`, allocated on first use. A check that waits
/// longer than `wait` for a slot is answered 503 with `Retry-After`.
pub struct Hasher {
    pub(super) slots: Arc<tokio::sync::Semaphore>,
    /// Buffers not in use right now (never more than the slots).
    pub(super) memory: Mutex<Vec<Vec<Block>>>,
    wait: Duration,
}

impl Hasher {
    /// Seconds a client is told to wait when every slot stayed busy.
    const RETRY_AFTER_SECS: u64 = 5;

    pub fn new(slots: usize, wait: Duration) -> Hasher {
        Hasher {
            slots: Arc::new(tokio::sync::Semaphore::new(slots.max(1))),
            memory: Mutex::new(Vec::new()),
            wait,
        }
    }

    /// The number of cores this process may use (the default number of slots).
    pub fn default_slots() -> usize {
        std::thread::available_parallelism().map_or(2, std::num::NonZero::get)
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move |memory| hash_with_memory(&password, memory))
            .await?
            .map_err(ApiError::Internal)
    }

    /// Checks a password against a stored hash.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, ApiError> {
        self.run(move |memory| verify_with_memory(&password, &hash, memory))
            .await
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let busy = || ApiError::Busy {
            detail: "the server is busy checking passwords; try again in a few seconds".into(),
            retry_after_secs: Self::RETRY_AFTER_SECS,
        };
        let permit = tokio::time::timeout(self.wait, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let mut memory = self
            .memory
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop()
            .unwrap_or_default();
        let (out, memory) = tokio::task::spawn_blocking(move || {
            let out = job(&mut memory);
            (out, memory)
        })
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
        self.memory
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(memory);
        drop(permit);
        Ok(out)
    }
}
