import type { Context } from "hono";
import proxyaddr from "proxy-addr";

/**
 * Who sent a request, for the login limits. The TCP peer, unless that peer is one of the trusted reverse proxies
 * (DESK_WEB_TRUSTED_PROXIES): then the rightmost address of X-Forwarded-For that is not itself a trusted proxy,
 * exactly as express's `trust proxy` reads it (proxy-addr). From any other peer the header is ignored: a client
 * cannot choose its own bucket by writing one.
 */
export type TrustFn = (addr: string, index: number) => boolean;

const TRUST_NONE: TrustFn = () => false;

/**
 * The trust test of a DESK_WEB_TRUSTED_PROXIES list (IPs, CIDRs, or proxy-addr's names loopback / linklocal /
 * uniquelocal). Throws with the first entry that is none of these, named as written.
 */
export function compileTrustedProxies(entries: readonly string[]): TrustFn {
  const list = entries.map((e) => e.trim()).filter((e) => e !== "");
  for (const entry of list) {
    try {
      proxyaddr.compile([entry]);
    } catch {
      throw new Error(`«${entry}» không phải địa chỉ IP hay dải CIDR (ví dụ 127.0.0.1, 10.0.0.0/8, ::1)`);
    }
  }
  return list.length === 0 ? TRUST_NONE : proxyaddr.compile(list);
}

/** The TCP peer of a request served by @hono/node-server; undefined under `app.request()` without a socket. */
function peerOf(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

/** An IPv4 peer seen on a dual-stack socket (::ffff:192.0.2.1) counts as the IPv4 address. */
const plain = (addr: string) => addr.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");

export function clientAddress(c: Context, trust: TrustFn): string {
  const peer = peerOf(c);
  // app.request() in tests has no socket.
  if (!peer) return "local";
  const client = proxyaddr(
    { socket: { remoteAddress: peer }, headers: { "x-forwarded-for": c.req.header("x-forwarded-for") } },
    trust,
  );
  return plain(client || peer);
}
