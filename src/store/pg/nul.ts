/**
 * PostgreSQL's text and jsonb hold no NUL character (U+0000), which a mail may carry (an encoded word
 * «=?utf-8?q?=00?=», a body's «=00») as may a chat message. The statement failed, and an inbound mail or update whose
 * statement fails is read again at every round, holding every one behind it. Parameters lose their NULs on the way
 * to the server (db.ts for bound values, conn.ts's literals for deferred writes); SQLite keeps them.
 */
const NUL = "\u0000";
/** A NUL as a jsonb value's text escapes it. */
const JSON_NUL = "\\u0000";

/** Whether a parameter (a string, or an array of them) carries a NUL, raw or JSON-escaped. */
export function hasNul(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasNul);
  return typeof v === "string" && (v.includes(NUL) || v.includes(JSON_NUL));
}

function strip(v: unknown): unknown {
  if (typeof v === "string") return v.replaceAll(NUL, "");
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [strip(k), strip(x)]));
  return v;
}

/**
 * The parameter without its NULs. A JSON text (a jsonb value) is read and written again, so that only an escaped
 * NUL goes, never a «\\u0000» a person typed; other values are returned as they are.
 */
export function withoutNul(v: unknown): unknown {
  if (!hasNul(v)) return v;
  if (Array.isArray(v)) return v.map(withoutNul);
  const s = (v as string).replaceAll(NUL, "");
  if (!s.includes(JSON_NUL) || !/^[[{"]/.test(s)) return s;
  try {
    return JSON.stringify(strip(JSON.parse(s)));
  } catch {
    return s;
  }
}
