// Plain-language words for what administration shows: privileges, audit actions and the
// details of audit entries. Internal names (privilege strings, action codes, logical type
// names) never reach the page; each sentence is whole, so it can move to a message catalog.

import { humanize } from './dom.js';
import { has, t } from './i18n.js';

/** A role's name in words: the standard roles' from the catalog (`role-<name>`), an
 *  administrator's own role as named. */
export const roleLabel = (name) => (has(`role-${name}`) ? t(`role-${name}`) : humanize(name));

const FLAGS = {
  admin: t('admin-labels-flag-admin'),
  'collab.use': t('admin-labels-flag-collab-use'),
  'collab.disconnect': t('admin-labels-flag-collab-disconnect'),
};

const DEPTHS = {
  read: { own: t('admin-labels-read-own'), team: t('admin-labels-read-team'), all: t('admin-labels-read-all') },
  write: { own: t('admin-labels-write-own'), team: t('admin-labels-write-team'), all: t('admin-labels-write-all') },
};

/** "Cases: read — own team" for `case.read:team`; `types` maps logical names to display names. */
export function describePrivilege(p, types) {
  if (FLAGS[p]) return FLAGS[p];
  const m = /^([^.]+)\.(read|write):(own|team|all)$/.exec(p);
  if (!m) return humanize(p);
  const [, type, access, depth] = m;
  const subject = type === '*' ? t('admin-labels-every-type') : types.get(type) || humanize(type);
  return t('admin-labels-privilege', { subject, access: DEPTHS[access][depth] });
}

/** The flags a role may hold, with their descriptions, for the New role dialog. */
export const FLAG_CHOICES = Object.entries(FLAGS);

/** Audit actions by code, in words. Unknown codes fall back to a humanized code. */
export const ACTIONS = {
  'chat.connected': t('admin-labels-action-chat-connected'),
  'chat.disconnected': t('admin-labels-action-chat-disconnected'),
  'chat.joined': t('admin-labels-action-chat-joined'),
  'chat.members_added': t('admin-labels-action-chat-members-added'),
  'chat.member_removed': t('admin-labels-action-chat-member-removed'),
  'record.shared': t('admin-labels-action-record-shared'),
  'record.unshared': t('admin-labels-action-record-unshared'),
  'record.deleted': t('admin-labels-action-record-deleted'),
  'record_type.created': t('admin-labels-action-record-type-created'),
  'role.created': t('admin-labels-action-role-created'),
  'settings.global_changed': t('admin-labels-action-settings-global-changed'),
  'settings.record_type_changed': t('admin-labels-action-settings-record-type-changed'),
  'team.created': t('admin-labels-action-team-created'),
  'team.members_added': t('admin-labels-action-team-members-added'),
  'team.member_removed': t('admin-labels-action-team-member-removed'),
  'team.updated': t('admin-labels-action-team-updated'),
  'user.created': t('admin-labels-action-user-created'),
  'user.activated': t('admin-labels-action-user-activated'),
  'user.deactivated': t('admin-labels-action-user-deactivated'),
  'user.roles_changed': t('admin-labels-action-user-roles-changed'),
  'user.password_changed': t('admin-labels-action-user-password-changed'),
  'user.password_change_failed': t('admin-labels-action-user-password-change-failed'),
  'session.signed_in': t('admin-labels-action-session-signed-in'),
  'session.signed_out': t('admin-labels-action-session-signed-out'),
  'session.sign_in_failed': t('admin-labels-action-session-sign-in-failed'),
  'session.launched': t('admin-labels-action-session-launched'),
  'integration.created': t('admin-labels-action-integration-created'),
  'integration.deleted': t('admin-labels-action-integration-deleted'),
  'api_key.created': t('admin-labels-action-api-key-created'),
  'api_key.revoked': t('admin-labels-action-api-key-revoked'),
  'webhook.created': t('admin-labels-action-webhook-created'),
  'webhook.deleted': t('admin-labels-action-webhook-deleted'),
  'record.synced': t('admin-labels-action-record-synced'),
  'user.synced': t('admin-labels-action-user-synced'),
};

export const actionLabel = (code) => ACTIONS[code] || humanize(code);

/** Words for the keys of audit details. */
const DETAIL_KEYS = {
  user_id: t('admin-labels-detail-user-id'),
  user_ids: t('admin-labels-detail-user-ids'),
  team_id: t('admin-labels-detail-team-id'),
  admin_ids: t('admin-labels-detail-admin-ids'),
  previous_admin_ids: t('admin-labels-detail-previous-admin-ids'),
  member_ids: t('admin-labels-detail-member-ids'),
  roles: t('admin-labels-detail-roles'),
  team_ids: t('admin-labels-detail-team-ids'),
  previous_name: t('admin-labels-detail-previous-name'),
  collaboration_enabled: t('admin-labels-detail-collaboration-enabled'),
  access: t('admin-labels-detail-access'),
  via: t('admin-labels-detail-via'),
  sessions_ended: t('admin-labels-detail-sessions-ended'),
  email: t('admin-labels-detail-email'),
  address: t('admin-labels-detail-address'),
  reason: t('admin-labels-detail-reason'),
  name: t('admin-labels-detail-name'),
  history: t('admin-labels-detail-history'),
  role: t('admin-labels-detail-role'),
  privileges: t('admin-labels-detail-privileges'),
  integration: t('admin-labels-detail-integration'),
  integration_id: t('admin-labels-detail-integration-id'),
  source: t('admin-labels-detail-source'),
  external_id: t('admin-labels-detail-external-id'),
  allowed_origins: t('admin-labels-detail-allowed-origins'),
  algorithm: t('admin-labels-detail-algorithm'),
  provision_users: t('admin-labels-detail-provision-users'),
  default_role: t('admin-labels-detail-default-role'),
  webhook_id: t('admin-labels-detail-webhook-id'),
  url: t('admin-labels-detail-url'),
  events: t('admin-labels-detail-events'),
  api_key_id: t('admin-labels-detail-api-key-id'),
  scopes: t('admin-labels-detail-scopes'),
  outcome: t('admin-labels-detail-outcome'),
  fields: t('admin-labels-detail-fields'),
  owner: t('admin-labels-detail-owner'),
  state: t('admin-labels-detail-state'),
};

/** Webhook event names (`tether_domain::webhook::EventType`) in words. */
export const EVENTS = {
  'chat.connected': t('admin-labels-event-chat-connected'),
  'chat.disconnected': t('admin-labels-event-chat-disconnected'),
  'message.created': t('admin-labels-event-message-created'),
  'chat.joined': t('admin-labels-event-chat-joined'),
  'transcript.saved': t('admin-labels-event-transcript-saved'),
  'record.handed_over': t('admin-labels-event-record-handed-over'),
};

/** API key scopes (`tether_domain::integration::Scope`) in words. */
export const SCOPES = {
  'records:write': t('admin-labels-scope-records-write'),
  'users:write': t('admin-labels-scope-users-write'),
  webhooks: t('admin-labels-scope-webhooks'),
};

/** Words for the codes some details hold, by detail key; other values show as written. */
const VALUES = {
  events: EVENTS,
  scopes: SCOPES,
  access: { read: t('admin-labels-value-read'), write: t('admin-labels-value-write') },
  reason: {
    unknown_account: t('admin-labels-value-unknown-account'),
    deactivated: t('admin-labels-value-deactivated'),
    wrong_password: t('admin-labels-value-wrong-password'),
  },
  outcome: { created: t('admin-labels-value-created'), updated: t('admin-labels-value-updated') },
  history: { all: t('admin-labels-value-history-all') },
  via: {
    administrator: t('admin-labels-value-via-administrator'),
    self: t('admin-labels-value-via-self'),
    'command line': t('admin-labels-value-via-command-line'),
  },
};

/** Details whose values are names or addresses, shown as written (never humanized). */
const VERBATIM_KEYS = new Set(['allowed_origins', 'url', 'source', 'external_id', 'integration', 'name', 'previous_name', 'email', 'address', 'algorithm']);

const ROLE_KEYS = new Set(['roles', 'role', 'default_role']);

const ID_KEYS = new Set(['user_id', 'user_ids', 'team_id', 'admin_ids', 'previous_admin_ids', 'member_ids', 'team_ids', 'owner']);

const plain = (v) => (typeof v === 'boolean' ? (v ? t('admin-labels-on') : t('admin-labels-off')) : v && typeof v === 'object' ? JSON.stringify(v) : String(v ?? '—'));

/** What changed between two settings documents: "Join chat: on → off". */
function changes(before, after) {
  const keys = [...new Set([...Object.keys(before || {}), ...Object.keys(after || {})])];
  return keys
    .filter((k) => JSON.stringify(before?.[k]) !== JSON.stringify(after?.[k]))
    .map((k) => t('admin-labels-change', { name: humanize(k), before: plain(before?.[k]), after: plain(after?.[k]) }))
    .join(' · ');
}

/**
 * An audit entry's details as "Person: Dana Ek · Access: read", people and teams by name;
 * `types` maps logical record type names to display names.
 */
export function detailText(details, names, types = new Map()) {
  if (details && typeof details.old === 'object' && typeof details.new === 'object') {
    const changed = changes(details.old, details.new) || t('admin-labels-no-change');
    return details.record_type ? t('admin-labels-type-changes', { type: types.get(details.record_type) || humanize(details.record_type), changes: changed }) : changed;
  }
  if (details?.record_type && details.definition) return t('admin-labels-record-type', { type: details.definition.display_name || types.get(details.record_type) || humanize(details.record_type) });
  const show = (k, v) => {
    if (ID_KEYS.has(k)) {
      const list = Array.isArray(v) ? v : [v];
      return list.map((id) => names?.[id] || t('admin-labels-someone-unknown')).join(', ');
    }
    if (typeof v === 'boolean') return v ? t('admin-labels-yes') : t('admin-labels-no');
    const words = VALUES[k] || {};
    const word = (x) => words[x] || (ROLE_KEYS.has(k) ? roleLabel(x) : k === 'privileges' ? describePrivilege(x, types) : VERBATIM_KEYS.has(k) ? String(x) : humanize(String(x)));
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : word(x))).join(', ');
    if (v && typeof v === 'object') return Object.entries(v).map(([kk, vv]) => `${humanize(kk)}: ${typeof vv === 'object' ? JSON.stringify(vv) : vv}`).join(', ');
    return typeof v === 'string' ? words[v] || (ROLE_KEYS.has(k) ? roleLabel(v) : v) : String(v);
  };
  return Object.entries(details || {})
    .filter(([k, v]) => v !== null && v !== undefined && !['chats', 'record_type', 'type', 'definition'].includes(k))
    .map(([k, v]) => `${DETAIL_KEYS[k] || humanize(k)}: ${show(k, v)}`)
    .join(' · ');
}
