//! Privileges (SPEC R19): `admin`, `collab.use`, `collab.disconnect`, and per record type
//! `<type>.read:<depth>` / `<type>.write:<depth>` with depth `own`, `team` or `all`.
//! `*` as the type means every record type, including ones added later.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// How far a read or write privilege reaches. Ordered: `Own < Team < All`, and a larger
/// depth grants everything a smaller one does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Depth {
    /// Records the user owns.
    Own,
    /// Records owned by the user, by one of the user's teams, or by a teammate.
    Team,
    /// Every record of the type.
    All,
}

impl Depth {
    pub fn as_str(self) -> &'static str {
        match self {
            Depth::Own => "own",
            Depth::Team => "team",
            Depth::All => "all",
        }
    }
}

/// Read or write. Write access implies read access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Read,
    Write,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
        }
    }
}

impl FromStr for Access {
    type Err = PrivilegeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "read" => Ok(Access::Read),
            "write" => Ok(Access::Write),
            other => Err(PrivilegeError(format!(
                "unknown access '{other}': use 'read' or 'write'"
            ))),
        }
    }
}

/// Which record types a record privilege covers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeScope {
    /// `*`: every record type.
    Any,
    /// One record type by logical name.
    Named(String),
}

/// One privilege string, parsed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Privilege {
    Admin,
    CollabUse,
    CollabDisconnect,
    Record {
        scope: TypeScope,
        access: Access,
        depth: Depth,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PrivilegeError(pub String);

impl FromStr for Privilege {
    type Err = PrivilegeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => return Ok(Privilege::Admin),
            "collab.use" => return Ok(Privilege::CollabUse),
            "collab.disconnect" => return Ok(Privilege::CollabDisconnect),
            _ => {}
        }
        let bad = || {
            PrivilegeError(format!(
                "unknown privilege '{s}': use admin, collab.use, collab.disconnect, \
                 or <type>.read:<own|team|all> / <type>.write:<own|team|all>"
            ))
        };
        let (ty, rest) = s.rsplit_once('.').ok_or_else(bad)?;
        let (access, depth) = rest.split_once(':').ok_or_else(bad)?;
        let access = Access::from_str(access).map_err(|_| bad())?;
        let depth = match depth {
            "own" => Depth::Own,
            "team" => Depth::Team,
            "all" => Depth::All,
            _ => return Err(bad()),
        };
        let scope = if ty == "*" {
            TypeScope::Any
        } else if crate::record_type::is_valid_logical_name(ty) {
            TypeScope::Named(ty.to_owned())
        } else {
            return Err(bad());
        };
        Ok(Privilege::Record {
            scope,
            access,
            depth,
        })
    }
}

impl fmt::Display for Privilege {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Privilege::Admin => f.write_str("admin"),
            Privilege::CollabUse => f.write_str("collab.use"),
            Privilege::CollabDisconnect => f.write_str("collab.disconnect"),
            Privilege::Record {
                scope,
                access,
                depth,
            } => {
                let ty = match scope {
                    TypeScope::Any => "*",
                    TypeScope::Named(n) => n.as_str(),
                };
                write!(f, "{ty}.{}:{}", access.as_str(), depth.as_str())
            }
        }
    }
}

/// The union of a user's privileges over all their roles, in the shape the access decision
/// needs: the greatest depth per (type, access).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrivilegeSet {
    pub admin: bool,
    pub collab_use: bool,
    pub collab_disconnect: bool,
    read: BTreeMap<TypeScope, Depth>,
    write: BTreeMap<TypeScope, Depth>,
}

impl PrivilegeSet {
    pub fn from_privileges<'a>(privileges: impl IntoIterator<Item = &'a Privilege>) -> Self {
        let mut set = PrivilegeSet::default();
        for p in privileges {
            set.add(p);
        }
        set
    }

    pub fn add(&mut self, privilege: &Privilege) {
        match privilege {
            Privilege::Admin => self.admin = true,
            Privilege::CollabUse => self.collab_use = true,
            Privilege::CollabDisconnect => self.collab_disconnect = true,
            Privilege::Record {
                scope,
                access,
                depth,
            } => {
                let map = match access {
                    Access::Read => &mut self.read,
                    Access::Write => &mut self.write,
                };
                let slot = map.entry(scope.clone()).or_insert(*depth);
                *slot = (*slot).max(*depth);
            }
        }
    }

    /// The greatest depth at which the user may `access` records of `record_type`.
    /// Write privileges also grant read at the same depth.
    pub fn depth(&self, record_type: &str, access: Access) -> Option<Depth> {
        let lookup = |map: &BTreeMap<TypeScope, Depth>| {
            let named = map.get(&TypeScope::Named(record_type.to_owned())).copied();
            let any = map.get(&TypeScope::Any).copied();
            named.max(any)
        };
        match access {
            Access::Write => lookup(&self.write),
            Access::Read => lookup(&self.read).max(lookup(&self.write)),
        }
    }

    /// The privileges as strings, sorted, for `/me`.
    pub fn to_strings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.admin {
            out.push(Privilege::Admin.to_string());
        }
        if self.collab_use {
            out.push(Privilege::CollabUse.to_string());
        }
        if self.collab_disconnect {
            out.push(Privilege::CollabDisconnect.to_string());
        }
        for (access, map) in [(Access::Read, &self.read), (Access::Write, &self.write)] {
            for (scope, depth) in map {
                out.push(
                    Privilege::Record {
                        scope: scope.clone(),
                        access,
                        depth: *depth,
                    }
                    .to_string(),
                );
            }
        }
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_every_form() {
        for s in [
            "admin",
            "collab.use",
            "collab.disconnect",
            "case.read:own",
            "case.write:team",
            "knowledge_article.read:all",
            "*.write:all",
        ] {
            let p: Privilege = s.parse().unwrap();
            assert_eq!(p.to_string(), s);
        }
    }

    #[test]
    fn rejects_malformed_privileges() {
        for s in [
            "",
            "root",
            "case.read",
            "case.read:everything",
            "case.delete:all",
            "Case.read:all",
            ".read:all",
            "case.read:all:x",
        ] {
            assert!(s.parse::<Privilege>().is_err(), "{s} should be rejected");
        }
    }

    #[test]
    fn write_implies_read_and_greatest_depth_wins() {
        let ps: Vec<Privilege> = ["case.read:own", "case.read:team", "case.write:all"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let set = PrivilegeSet::from_privileges(&ps);
        assert_eq!(set.depth("case", Access::Read), Some(Depth::All));
        assert_eq!(set.depth("case", Access::Write), Some(Depth::All));
        assert_eq!(set.depth("account", Access::Read), None);
    }

    #[test]
    fn wildcard_covers_every_type() {
        let p: Privilege = "*.read:team".parse().unwrap();
        let set = PrivilegeSet::from_privileges([&p]);
        assert_eq!(set.depth("work_order", Access::Read), Some(Depth::Team));
        assert_eq!(set.depth("work_order", Access::Write), None);
    }
}
