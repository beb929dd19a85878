// Plain-language words for what administration shows: privileges, audit actions and the
// details of audit entries. Internal names (privilege strings, action codes, logical type
// names) never reach the page; each sentence is whole, so it can move to a message catalog.

import { humanize } from './dom.js';

const FLAGS = {
  admin: 'Administration: users, teams, roles, record types and settings',
  'collab.use': 'Collaboration: chats, channels and record panels',
  'collab.disconnect': 'Disconnect chats from records',
};

const DEPTHS = {
  read: { own: 'read — own records', team: 'read — own team', all: 'read — all records' },
  write: { own: 'write — own records', team: 'write — own team', all: 'write — all records' },
};

/** "Cases: read — own team" for `case.read:team`; `types` maps logical names to display names. */
export function describePrivilege(p, types) {
  if (FLAGS[p]) return FLAGS[p];
  const m = /^([^.]+)\.(read|write):(own|team|all)$/.exec(p);
  if (!m) return humanize(p);
  const [, type, access, depth] = m;
  const subject = type === '*' ? 'Every record type' : types.get(type) || humanize(type);
  return `${subject}: ${DEPTHS[access][depth]}`;
}

/** The flags a role may hold, with their descriptions, for the New role dialog. */
export const FLAG_CHOICES = Object.entries(FLAGS);

/** Audit actions by code, in words. Unknown codes fall back to a humanized code. */
export const ACTIONS = {
  'chat.connected': 'Chat connected to a record',
  'chat.disconnected': 'Chat disconnected from a record',
  'chat.joined': 'Joined a chat',
  'chat.members_added': 'Chat members added',
  'chat.member_removed': 'Chat member removed',
  'record.shared': 'Record shared',
  'record.deleted': 'Record deleted',
  'record_type.created': 'Record type created',
  'role.created': 'Role created',
  'settings.global_changed': 'Collaboration switched on or off',
  'settings.record_type_changed': 'Record type settings changed',
  'team.created': 'Team created',
  'team.members_added': 'Team members added',
  'team.member_removed': 'Team member removed',
  'team.updated': 'Team renamed or team admins changed',
  'user.created': 'User created',
  'user.activated': 'User reactivated',
  'user.deactivated': 'User deactivated',
  'user.roles_changed': 'User roles changed',
  'user.password_changed': 'Password changed',
  'user.password_change_failed': 'Password change failed',
  'session.signed_in': 'Signed in',
  'session.signed_out': 'Signed out',
  'session.sign_in_failed': 'Sign-in failed',
};

export const actionLabel = (code) => ACTIONS[code] || humanize(code);

/** Words for the keys of audit details. */
const DETAIL_KEYS = {
  user_id: 'Person',
  user_ids: 'People',
  team_id: 'Team',
  admin_ids: 'Team admins',
  previous_admin_ids: 'Previous team admins',
  member_ids: 'Members',
  roles: 'Roles',
  team_ids: 'Teams',
  previous_name: 'Previous name',
  collaboration_enabled: 'Collaboration on',
  access: 'Access',
  via: 'By',
  sessions_ended: 'Sessions ended',
  email: 'E-mail',
  address: 'Address',
  reason: 'Reason',
  name: 'Name',
};

const ID_KEYS = new Set(['user_id', 'user_ids', 'team_id', 'admin_ids', 'previous_admin_ids', 'member_ids', 'team_ids']);

const plain = (v) => (typeof v === 'boolean' ? (v ? 'on' : 'off') : v && typeof v === 'object' ? JSON.stringify(v) : String(v ?? '—'));

/** What changed between two settings documents: "Join chat: on → off". */
function changes(before, after) {
  const keys = [...new Set([...Object.keys(before || {}), ...Object.keys(after || {})])];
  return keys
    .filter((k) => JSON.stringify(before?.[k]) !== JSON.stringify(after?.[k]))
    .map((k) => `${humanize(k)}: ${plain(before?.[k])} → ${plain(after?.[k])}`)
    .join(' · ');
}

/**
 * An audit entry's details as "Person: Dana Ek · Access: read", people and teams by name;
 * `types` maps logical record type names to display names.
 */
export function detailText(details, names, types = new Map()) {
  if (details && typeof details.old === 'object' && typeof details.new === 'object') {
    const what = details.record_type ? `${types.get(details.record_type) || humanize(details.record_type)} — ` : '';
    return what + (changes(details.old, details.new) || 'no change');
  }
  if (details?.record_type && details.definition) return `Record type: ${details.definition.display_name || types.get(details.record_type) || humanize(details.record_type)}`;
  const show = (k, v) => {
    if (ID_KEYS.has(k)) {
      const list = Array.isArray(v) ? v : [v];
      return list.map((id) => names?.[id] || 'someone no longer known').join(', ');
    }
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : humanize(String(x)))).join(', ');
    if (v && typeof v === 'object') return Object.entries(v).map(([kk, vv]) => `${humanize(kk)}: ${typeof vv === 'object' ? JSON.stringify(vv) : vv}`).join(', ');
    return String(v);
  };
  return Object.entries(details || {})
    .filter(([k, v]) => v !== null && v !== undefined && !['chats', 'record_type', 'type', 'definition'].includes(k))
    .map(([k, v]) => `${DETAIL_KEYS[k] || humanize(k)}: ${show(k, v)}`)
    .join(' · ');
}
