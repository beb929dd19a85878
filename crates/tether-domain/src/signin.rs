//! Sign-in throttling: whether a password may be tried now, and how long the answer waits.
//!
//! Failed sign-ins are counted three ways within a window (15 minutes by default): for one
//! account from one client address (the *pair*), from one address for any account, and for one
//! account from every address. The first two refuse (429) past their limits; they only ever
//! stop the address that failed. The account-wide count never refuses: past its much higher
//! bound every attempt on the account is slowed down. So nobody can lock a victim out by
//! failing on purpose from elsewhere, and guessing one account from many addresses is slow.

use std::time::Duration;

/// The limits of [`decide`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInLimits {
    /// Failures for one account from one address before that pair is refused.
    pub per_pair: i64,
    /// Failures from one address, for any accounts, before the address is refused.
    pub per_address: i64,
    /// Failures for one account, from every address, after which each attempt on it waits.
    pub per_account: i64,
    /// The wait at `per_account` failures; each further `per_account` failures add as much.
    pub delay_step: Duration,
    /// The longest wait.
    pub max_delay: Duration,
}

impl Default for SignInLimits {
    fn default() -> Self {
        SignInLimits {
            per_pair: 10,
            per_address: 50,
            per_account: 100,
            delay_step: Duration::from_secs(2),
            max_delay: Duration::from_secs(10),
        }
    }
}

/// Failed sign-ins within the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Failures {
    /// For this account from this address.
    pub pair: i64,
    /// From this address, for any account.
    pub address: i64,
    /// For this account, from any address.
    pub account: i64,
}

/// Which count refused an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Too many failures for this account from this address.
    Pair,
    /// Too many failures from this address.
    Address,
}

impl Refusal {
    /// What the person is told (a 429 problem's detail).
    pub fn detail(self) -> &'static str {
        match self {
            Refusal::Pair => {
                "too many failed sign-ins for this account from your address; wait and try again"
            }
            Refusal::Address => "too many failed sign-ins from your address; wait and try again",
        }
    }
}

/// What to do with a sign-in attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Check the password, after waiting `delay` (zero unless the account is under attack).
    Try { delay: Duration },
    /// Refuse without checking the password.
    Refuse(Refusal),
}

/// The throttling rule of sign-in (and of other password checks, such as changing one's
/// password): see the module documentation.
pub fn decide(failures: &Failures, limits: &SignInLimits) -> Verdict {
    if failures.pair >= limits.per_pair {
        return Verdict::Refuse(Refusal::Pair);
    }
    if failures.address >= limits.per_address {
        return Verdict::Refuse(Refusal::Address);
    }
    let delay = if limits.per_account > 0 && failures.account >= limits.per_account {
        let steps = u32::try_from(failures.account / limits.per_account).unwrap_or(u32::MAX);
        limits
            .delay_step
            .checked_mul(steps)
            .unwrap_or(limits.max_delay)
            .min(limits.max_delay)
    } else {
        Duration::ZERO
    };
    Verdict::Try { delay }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn limits() -> SignInLimits {
        SignInLimits::default()
    }

    #[test]
    fn failures_from_one_address_refuse_that_pair_only() {
        let l = limits();
        let attacker = Failures {
            pair: 10,
            address: 10,
            account: 10,
        };
        assert_eq!(decide(&attacker, &l), Verdict::Refuse(Refusal::Pair));
        // The victim, elsewhere, is not refused and not even slowed down.
        let victim = Failures {
            pair: 0,
            address: 0,
            account: 10,
        };
        assert_eq!(
            decide(&victim, &l),
            Verdict::Try {
                delay: Duration::ZERO
            }
        );
    }

    #[test]
    fn an_address_failing_across_accounts_is_refused() {
        let f = Failures {
            pair: 1,
            address: 50,
            account: 1,
        };
        assert_eq!(decide(&f, &limits()), Verdict::Refuse(Refusal::Address));
        assert!(Refusal::Address.detail().contains("your address"));
        assert!(
            Refusal::Pair
                .detail()
                .contains("this account from your address")
        );
    }

    #[test]
    fn an_account_under_attack_is_slowed_down_not_locked() {
        let l = limits();
        let at = |account| match decide(
            &Failures {
                pair: 0,
                address: 0,
                account,
            },
            &l,
        ) {
            Verdict::Try { delay } => delay,
            Verdict::Refuse(r) => panic!("refused at {account}: {r:?}"),
        };
        assert_eq!(at(99), Duration::ZERO);
        assert_eq!(at(100), Duration::from_secs(2));
        assert_eq!(at(250), Duration::from_secs(4));
        assert_eq!(at(1_000_000), Duration::from_secs(10));
        assert_eq!(at(i64::MAX), Duration::from_secs(10));
    }

    proptest! {
        /// However many failures an account has, an address that has not failed itself may
        /// always try, and waits no longer than the longest delay.
        #[test]
        fn the_account_count_never_refuses(account in 0i64..i64::MAX, pair in 0i64..10, address in 0i64..50) {
            let l = limits();
            let f = Failures { pair, address, account };
            match decide(&f, &l) {
                Verdict::Try { delay } => prop_assert!(delay <= l.max_delay),
                Verdict::Refuse(r) => prop_assert!(false, "refused: {:?}", r),
            }
        }

        /// More failures never mean a shorter wait.
        #[test]
        fn the_delay_grows_with_the_account_count(a in 0i64..1_000_000, b in 0i64..1_000_000) {
            let l = limits();
            let delay = |account| match decide(&Failures { pair: 0, address: 0, account }, &l) {
                Verdict::Try { delay } => delay,
                Verdict::Refuse(_) => Duration::MAX,
            };
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(delay(lo) <= delay(hi));
        }

        /// Past either refusing limit the answer is a refusal, whatever the account count.
        #[test]
        fn pair_and_address_limits_refuse(pair in 0i64..100, address in 0i64..100, account in 0i64..1000) {
            let l = limits();
            let v = decide(&Failures { pair, address, account }, &l);
            let refused = matches!(v, Verdict::Refuse(_));
            prop_assert_eq!(refused, pair >= l.per_pair || address >= l.per_address);
        }
    }
}
