// The UI's words. `t(key, args)` looks a message up in the catalog of the page's language
// (`<html lang>`: the user's choice from `PATCH /me`, else the browser's `Accept-Language`).
// The catalogs are Fluent files (`assets/i18n/*.ftl`); the server parses them and serves each
// resolved to JSON at the address in `<meta name="tether-catalog">` (see `src/i18n.rs`), so
// this module only substitutes `{ $name }` variables and picks a variant: an exact number
// (`[0]`), else the plural category from `Intl.PluralRules`, else the default (`*[other]`).
//
// Every key a module uses must exist in both catalogs: `tests/i18n.rs` reads the calls of `t`
// in every module. Keep keys literal (never a key built from parts) so that test finds them.

/** The page's language: `"en"` or `"sv"`. */
export const locale = document.documentElement.lang || 'en';

/** The locale dates, times, numbers and lists are written in: the browser's preferred variant
 *  of the page's language ("en-GB" writes "6 Dec", "en-US" "Dec 6"), else the language. */
export const formatLocale = (globalThis.navigator?.languages || []).find((l) => l.toLowerCase().split('-')[0] === locale) || locale;

async function load() {
  const url = document.querySelector('meta[name="tether-catalog"]')?.content;
  if (!url) return {};
  try {
    const res = await fetch(url, { credentials: 'same-origin' });
    return res.ok ? await res.json() : {};
  } catch {
    return {};
  }
}

const messages = await load();
const plurals = new Intl.PluralRules(locale);
const numbers = new Intl.NumberFormat(formatLocale);

function value(v, fn) {
  if (v === undefined || v === null) return '';
  if (fn === 'number' && typeof v === 'number') return numbers.format(v);
  if (fn === 'datetime') return new Intl.DateTimeFormat(formatLocale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(v));
  if (typeof v === 'number') return numbers.format(v);
  return String(v);
}

function variant(part, args) {
  const v = args[part.s];
  const options = part.o;
  if (v !== undefined && Object.hasOwn(options, String(v))) return options[String(v)];
  if (typeof v === 'number') {
    const category = plurals.select(v);
    if (Object.hasOwn(options, category)) return options[category];
  }
  return options[part.d] || [];
}

function format(parts, args) {
  if (typeof parts === 'string') return parts;
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else if ('v' in p) out += value(args[p.v], p.f);
    else if ('s' in p) out += format(variant(p, args), args);
  }
  return out;
}

/** The text of `key` with `args` ({name: value}); the key itself if the catalog lacks it. */
export function t(key, args = {}) {
  const m = messages[key];
  return m === undefined ? key : format(m, args);
}

/** Whether the catalog has `key`. */
export const has = (key) => messages[key] !== undefined;

/** The catalog key of a problem document's `code` (as `problem_key` in `src/i18n.rs`). */
export const problemKey = (code) => `problem-${String(code).replaceAll('.', '-')}`;

/** Codes too general to say more than the server's `detail`: the catalog's general sentence is
 *  followed by the detail. */
const GENERAL = new Set(['request.malformed', 'forbidden', 'not_found', 'conflict', 'too_large', 'validation', 'validation.field', 'request.media_type', 'method_not_allowed', 'error']);

/**
 * A failure in the page's language. The server writes its `detail` in English, for people, and
 * often more precisely than a code can (which privilege is missing, which field): so English
 * pages show the detail, and other languages the catalog's words for the `code` — for a
 * general code followed by the detail. Without a code the catalog knows: the detail, else
 * `fallback`.
 */
export function problemText(problem, fallback = '') {
  const code = problem?.code;
  const detail = problem?.detail;
  if (!code || !has(problemKey(code))) return detail || fallback;
  if (!detail) return t(problemKey(code));
  if (locale === 'en') return detail;
  if (code === 'validation.field' && problem.errors?.length) {
    const list = problem.errors.map((e) => `${fieldWord(e.field)}: ${fieldErrorText(e)}`).join(' ');
    return t('problem-fields', { text: t(problemKey(code)), list });
  }
  return GENERAL.has(code) ? t('problem-with-detail', { text: t(problemKey(code)), detail }) : t(problemKey(code));
}

/** The words of a field a 422 names (`errors[].field`), for a message not shown at the field
 *  itself; a field without words here is named as the API names it. */
function fieldWord(field) {
  const words = {
    name: () => t('problem-field-name'),
    email: () => t('problem-field-email'),
    password: () => t('problem-field-password'),
    new_password: () => t('problem-field-password'),
    member_ids: () => t('problem-field-members'),
    user_ids: () => t('problem-field-members'),
    body: () => t('problem-field-body'),
    subject: () => t('problem-field-subject'),
    owner: () => t('problem-field-owner'),
    display_name: () => t('problem-field-display_name'),
    number_prefix: () => t('problem-field-number_prefix'),
    from: () => t('problem-field-period'),
    to: () => t('problem-field-period'),
    file: () => t('problem-field-file'),
    q: () => t('problem-field-search'),
  };
  return Object.hasOwn(words, field) ? words[field]() : String(field);
}

/** Field-error codes whose words cannot say more than the server's message. */
const GENERAL_FIELD = new Set(['value.format']);

/** A field error (`errors[]` of a 422) as a sentence of its own in the page's language:
 *  English pages get the server's words (which continue the field's name: "is missing"),
 *  other languages the catalog's words for the code with its `params`. */
export function fieldErrorText(error) {
  const code = error?.code;
  if (locale === 'en' || !code || !has(problemKey(code))) return error?.message || '';
  const text = t(problemKey(code), error.params || {});
  return GENERAL_FIELD.has(code) && error.message ? t('problem-with-detail', { text, detail: error.message }) : text;
}
