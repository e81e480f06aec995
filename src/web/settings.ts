/** The web desk's settings, read from the environment by src/app/config.ts. */
export interface WebSettings {
  host: string;
  /** 0 picks any free port (tests). */
  port: number;
  /** Set the cookie's Secure flag: on whenever the desk is reached over https (behind a reverse proxy). */
  secureCookie: boolean;
  /** A session ends this long after its last request. */
  sessionHours: number;
  /**
   * After `attempts` wrong passwords in a row from one client address, the login is locked for `minutes` from
   * that address (login-guard.ts).
   */
  lockout: { attempts: number; minutes: number };
  /** Login attempts per minute from one address. */
  loginPerMinute: number;
  /**
   * Reverse proxies (IPs, CIDRs) whose X-Forwarded-For is read to find the client's address; empty: the header is
   * never read and the client is the TCP peer (DESK_WEB_TRUSTED_PROXIES).
   */
  trustedProxies: string[];
  /**
   * The origin people type to reach the desk behind a reverse proxy (DESK_WEB_PUBLIC_URL, e.g.
   * https://bankythuat.hanoi.gov.vn): a proxy that rewrites Host or terminates TLS makes the request's own URL
   * differ from the browser's Origin. Form posts from it are the desk's own; so are those from the request's host.
   */
  publicOrigin?: string;
  /** The desk's mailbox and Message-ID domain: the booking page rebuilds the mailed invite (same UID) with them. */
  mail?: { from: string; fromName: string; messageIdDomain: string };
  /**
   * DESK_OFFICIAL_DOMAINS: a directory import giving an agency an official mailbox outside them is shown with a
   * warning in the preview and in the desk's notice.
   */
  officialDomains?: string[];
}

export const DEFAULT_WEB_SETTINGS: WebSettings = {
  host: "127.0.0.1",
  port: 8080,
  secureCookie: false,
  sessionHours: 12,
  lockout: { attempts: 5, minutes: 15 },
  loginPerMinute: 10,
  trustedProxies: [],
  officialDomains: ["hanoi.gov.vn"],
};
