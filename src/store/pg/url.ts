/* PostgreSQL URLs as `DESK_DB` and `db copy --to` take them: recognised, checked and masked for people to read. */

/** `DESK_DB` (or `db copy --to`) names PostgreSQL when it is a postgres:// or postgresql:// URL. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/**
 * Where the password of a `scheme://user:password@host…` URL sits: from the first `:` after `://` to the last `@`,
 * so that a password written without percent-encoding (`p@ss/w?rd`) is still covered whole. Masking a little too
 * much (an `@` in the query) is harmless; masking too little is not.
 */
function passwordSpan(value: string): [number, number] | null {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value);
  if (!scheme) return null;
  const start = scheme[0].length;
  const colon = value.indexOf(":", start);
  const at = value.lastIndexOf("@");
  if (colon < 0 || at < colon) return null;
  return [colon + 1, at];
}

/** The password written in a URL (user-info or `?password=`), as typed and decoded: to be scrubbed from messages. */
export function passwordsOf(value: string): string[] {
  const out: string[] = [];
  const span = passwordSpan(value);
  if (span) out.push(value.slice(span[0], span[1]));
  const p = /[?&]password=([^&#]*)/i.exec(value);
  if (p?.[1]) out.push(p[1]);
  const decoded = out.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return [...out, ...decoded].filter((s) => s.length > 0);
}

/**
 * The URL as it may be shown to a person or written to a log: the password (after `user:` or in `?password=`)
 * becomes `***`. Every message that names a PostgreSQL URL goes through this.
 */
export function maskUrl(value: string): string {
  const span = passwordSpan(value);
  const masked = span ? `${value.slice(0, span[0])}***${value.slice(span[1])}` : value;
  return masked.replace(/([?&]password=)[^&#]*/gi, "$1***");
}

/** Every URL in a free text (an error message) masked as `maskUrl` does. */
export function maskUrlsIn(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, (u) => maskUrl(u));
}

/** A URL that node-postgres can use: postgres[ql]://, a parseable authority, a database name. */
export function checkPostgresUrl(value: string): string | null {
  if (!isPostgresUrl(value)) return "địa chỉ phải bắt đầu bằng postgres:// hoặc postgresql://";
  const span = passwordSpan(value);
  if (span && /[@/?#]/.test(value.slice(span[0], span[1]))) {
    // Parsed as it stands, part of such a password would be taken for the host name and echoed in errors.
    return "mật khẩu có ký tự @ / ? # phải được mã hóa phần trăm (@ thành %40, / thành %2F, ? thành %3F, # thành %23)";
  }
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return "địa chỉ không đúng cú pháp URL (postgres://người_dùng:mật_khẩu@máy:cổng/tên_csdl)";
  }
  if (!u.hostname && !u.searchParams.get("host")) return "địa chỉ thiếu tên máy chủ";
  if (u.port && !/^\d+$/.test(u.port)) return "cổng không hợp lệ";
  if (u.pathname.replace(/^\//, "") === "") return "địa chỉ thiếu tên cơ sở dữ liệu (…/tên_csdl)";
  return null;
}
