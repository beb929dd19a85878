// Dates, times, numbers and sizes in the user's language and time zone: the zone chosen in the
// user menu (`PATCH /me`, on `<body data-time-zone>`), else the browser's own. Every module
// formats through here (dom.js re-exports these), so a change of language or zone changes all
// of them at once.

import { formatLocale, t } from './i18n.js';

/** The IANA time zone times are shown in. */
export const timeZone = document.body?.dataset.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone;

const fmt = (options) => new Intl.DateTimeFormat(formatLocale, { timeZone, ...options });
const timeFmt = fmt({ hour: '2-digit', minute: '2-digit' });
const dateFmt = fmt({ day: 'numeric', month: 'short', year: 'numeric' });
const dayFmt = fmt({ weekday: 'long', day: 'numeric', month: 'long' });
const fullFmt = fmt({ dateStyle: 'medium', timeStyle: 'short' });
const keyFmt = fmt({ year: 'numeric', month: '2-digit', day: '2-digit' });
const dayMonthFmt = fmt({ day: 'numeric', month: 'short' });
const yearFmt = fmt({ year: 'numeric' });
const numberFmt = new Intl.NumberFormat(formatLocale);
const relFmt = new Intl.RelativeTimeFormat(formatLocale, { numeric: 'auto', style: 'short' });

export const fmtTime = (iso) => (iso ? timeFmt.format(new Date(iso)) : '');
export const fmtDate = (iso) => (iso ? dateFmt.format(new Date(iso)) : '');
export const fmtFull = (iso) => (iso ? fullFmt.format(new Date(iso)) : '');
export const fmtNumber = (n) => numberFmt.format(n);

/** The day of a time in the user's zone, "12 nov." (sv), with the year when it is not this
 *  year's. */
export function fmtDay(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return yearFmt.format(d) === yearFmt.format(new Date()) ? dayMonthFmt.format(d) : dateFmt.format(d);
}

/** The hour (0–23) now, in the user's zone (greetings). */
export const currentHour = () => Number(fmt({ hour: 'numeric', hourCycle: 'h23' }).format(new Date()));

/** The calendar day of a time in the user's zone (for grouping by day). */
export const dayKey = (iso) => keyFmt.format(new Date(iso));

/** "Today", "Yesterday" or the weekday and date, in the user's zone. */
export function dayLabel(iso) {
  const d = new Date(iso);
  if (dayKey(d) === dayKey(new Date())) return t('date-today');
  if (dayKey(d) === dayKey(new Date(Date.now() - 86400000))) return t('date-yesterday');
  return dayFmt.format(d);
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", or a date. */
export function relTime(iso) {
  if (!iso) return '';
  const s = (Date.now() - new Date(iso).getTime()) / 1000;
  if (s < 60) return t('date-just-now');
  if (s < 3600) return relFmt.format(-Math.floor(s / 60), 'minute');
  if (s < 86400) return relFmt.format(-Math.floor(s / 3600), 'hour');
  if (s < 7 * 86400) return relFmt.format(-Math.floor(s / 86400), 'day');
  return fmtDate(iso);
}

/** A file size: "512 B", "1,5 kB", "3,2 MB" (decimal separator of the language). */
export function fmtSize(bytes) {
  const one = new Intl.NumberFormat(formatLocale, { maximumFractionDigits: 1 });
  if (bytes < 1024) return t('size-bytes', { n: bytes });
  if (bytes < 1024 * 1024) return t('size-kb', { n: one.format(bytes / 1024) });
  return t('size-mb', { n: one.format(bytes / 1024 / 1024) });
}
