// Where the browser may go after sign-in: only a path of this site (no open redirect). The same
// rule as the server's `tether_domain::redirect::is_same_origin_path`: "/", then RFC 3986 path,
// query and fragment characters ("%" only before two hex digits, one "#" at most); never "//"
// or "/\" (another host), tabs, line breaks, other control characters, spaces, backslashes or
// non-ASCII text. `crates/tether-server/tests/login_next.rs` checks that both agree.

const PATH = /^\/(?![/\\])(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-Fa-f]{2})*$/;

export function sameOriginPath(next) {
  return typeof next === 'string' && PATH.test(next) && next.split('#').length <= 2 ? next : '/';
}
