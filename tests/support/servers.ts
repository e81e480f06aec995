import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImapFlow } from "imapflow";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
      s.connect(port, "127.0.0.1");
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} did not open`);
}

export const IMAP_USER = "kythuat";
/** A throwaway password for the loopback test server only. */
export const IMAP_PASS = "mat-khau-thu-nghiem";

/**
 * A real Dovecot (Debian's dovecot-imapd) on loopback with its own config in a temp dir. imap-login refuses to
 * run as root, so the login and internal users are dovenull/dovecot and the mail user is nobody.
 * With `tls`, Dovecot requires TLS (`ssl = required`): `port` speaks IMAP with STARTTLS and refuses a login before
 * the upgrade, `tlsPort` speaks IMAPS (TLS from the first byte), both with the given certificate.
 */
export class Dovecot {
  readonly dir: string;
  port = 0;
  tlsPort = 0;
  private proc: ChildProcess | null = null;

  constructor(readonly options: { tls?: { cert: string; key: string } } = {}) {
    this.dir = mkdtempSync(join(tmpdir(), "dovecot-"));
    chmodSync(this.dir, 0o755);
    mkdirSync(join(this.dir, "mail"), { mode: 0o777 });
    chmodSync(join(this.dir, "mail"), 0o777);
  }

  /** Dovecot's log: a successful login shows as `imap-login: Info: Login: user=<…>`. */
  log(): string {
    try {
      return readFileSync(join(this.dir, "dovecot.log"), "utf8");
    } catch {
      return "";
    }
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const d = this.dir;
    const tls = this.options.tls;
    if (tls) {
      if (!this.tlsPort) this.tlsPort = await freePort();
      // Read by the Dovecot master (root) at start; the key stays private to it.
      writeFileSync(join(d, "cert.pem"), tls.cert, { mode: 0o644 });
      writeFileSync(join(d, "key.pem"), tls.key, { mode: 0o600 });
    }
    writeFileSync(
      join(d, "dovecot.conf"),
      `base_dir = ${d}/run
state_dir = ${d}/state
log_path = ${d}/dovecot.log
protocols = imap
shutdown_clients = yes
listen = 127.0.0.1
${
  tls
    ? `ssl = required
ssl_cert = <${d}/cert.pem
ssl_key = <${d}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes`
    : `ssl = no
disable_plaintext_auth = no`
}
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
mail_location = maildir:${d}/mail/%u
passdb {
  driver = static
  args = password=${IMAP_PASS}
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${d}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${this.port}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${this.tlsPort}${tls ? "\n    ssl = yes" : ""}
  }
  chroot =
}
service anvil {
  chroot =
}
`,
    );
    // Its own process group, so that stopping it also ends the imap processes serving open sessions.
    this.proc = spawn("dovecot", ["-F", "-c", join(d, "dovecot.conf")], { stdio: "ignore", detached: true });
    await waitForPort(this.port);
    if (tls) await waitForPort(this.tlsPort);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    this.proc = null;
    await new Promise<void>((resolve) => {
      p.once("exit", () => resolve());
      process.kill(-p.pid!, "SIGTERM");
    });
    // Sessions' imap processes may outlive the master by a moment.
    try {
      process.kill(-p.pid!, "SIGKILL");
    } catch {}
  }

  async client(): Promise<ImapFlow> {
    const tls = this.options.tls;
    const c = new ImapFlow({
      host: "127.0.0.1",
      port: tls ? this.tlsPort : this.port,
      secure: Boolean(tls),
      ...(tls ? { tls: { ca: tls.cert } } : {}),
      auth: { user: IMAP_USER, pass: IMAP_PASS },
      logger: false,
    });
    c.on("error", () => undefined);
    await c.connect();
    return c;
  }

  async append(...raws: Buffer[]): Promise<void> {
    const c = await this.client();
    for (const raw of raws) await c.append("INBOX", raw);
    await c.logout();
  }

  /** Flags of every message in INBOX, by UID. */
  async flags(): Promise<Map<number, string[]>> {
    const c = await this.client();
    await c.mailboxOpen("INBOX");
    const out = new Map<number, string[]>();
    for await (const m of c.fetch("1:*", { uid: true, flags: true })) out.set(m.uid, [...(m.flags ?? [])]);
    await c.logout();
    return out;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The desk's SMTP settings for a plain-text sink on loopback `port` (the service's own sender, no TLS). */
export const smtpSettings = (port: number) => ({
  host: "127.0.0.1",
  port,
  tls: "none" as const,
  from: "kythuat@hanoi.gov.vn",
  fromName: "Ban Kỹ thuật họp trực tuyến",
  messageIdDomain: "desk.hanoi.gov.vn",
});

export interface SmtpSinkOptions {
  /** The server's certificate: offered with STARTTLS, or from the first byte with `implicitTls`. */
  tls?: { cert: string; key: string };
  implicitTls?: boolean;
  /**
   * Accept AUTH with this account. AUTH is offered even on a plain connection (`allowInsecureAuth`): the sink
   * is the most careless server there is, so only the client can keep a password off the wire.
   */
  auth?: { user: string; pass: string };
}

/** The text of a mail's calendar attachment (the .ics invite), or "" when it carries none. */
export function inviteOf(m: { attachments: { contentType: string; content: Buffer }[] }): string {
  return m.attachments.find((a) => a.contentType.startsWith("text/calendar"))?.content.toString() ?? "";
}

/** A real SMTP server (npm smtp-server) that keeps every message it accepts. */
export class SmtpSink {
  readonly messages: { raw: Buffer; parsed: ParsedMail; at: number }[] = [];
  /** Every AUTH the server received: who, whether the password was right, whether the connection was TLS. */
  readonly authAttempts: { user: string; passwordMatched: boolean; secure: boolean }[] = [];
  /** Connections seen, with whether each was (or became) TLS when the mail was sent. */
  readonly mailSessions: { secure: boolean }[] = [];
  /** TLS handshakes that failed on the server side (the client refused the certificate, say). */
  readonly tlsFailures: string[] = [];
  port = 0;
  private server: SMTPServer;
  /** Answer the next N messages with this SMTP error, to test retries. */
  failNext: { count: number; code: number } = { count: 0, code: 451 };

  constructor(readonly options: SmtpSinkOptions = {}) {
    const { tls, implicitTls, auth } = options;
    const disabled = [...(tls && !implicitTls ? [] : ["STARTTLS"]), ...(auth ? [] : ["AUTH"])];
    this.server = new SMTPServer({
      authOptional: !auth,
      disabledCommands: disabled,
      logger: false,
      ...(tls ? { key: tls.key, cert: tls.cert, secure: Boolean(implicitTls) } : {}),
      ...(auth
        ? {
            allowInsecureAuth: true,
            authMethods: ["PLAIN", "LOGIN"],
            onAuth: (a, session, callback) => {
              const passwordMatched = a.username === auth.user && a.password === auth.pass;
              this.authAttempts.push({ user: a.username ?? "", passwordMatched, secure: session.secure });
              if (!passwordMatched) return callback(new Error("sai tài khoản"));
              callback(null, { user: a.username });
            },
          }
        : {}),
      onMailFrom: (_address, session, callback) => {
        this.mailSessions.push({ secure: session.secure });
        callback();
      },
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", async () => {
          if (this.failNext.count > 0) {
            this.failNext.count--;
            const err = Object.assign(new Error("thử lỗi tạm thời"), { responseCode: this.failNext.code });
            return callback(err);
          }
          const raw = Buffer.concat(chunks);
          this.messages.push({ raw, parsed: await simpleParser(raw), at: Date.now() });
          callback();
        });
      },
    });
  }

  async start(): Promise<void> {
    // Started again after a stop, it listens on the same port: a relay back from an outage.
    if (!this.port) this.port = await freePort();
    // A client killed mid-session (the crash test SIGKILLs the desk with pooled connections open) resets its
    // socket: that is the client's failure, not the server's, and must not surface as an unhandled error.
    // A client that refuses our certificate drops the socket mid-handshake: recorded, not thrown.
    this.server.on("error", (err: NodeJS.ErrnoException) => {
      if (this.options.tls && /TLS|SSL|certificate/i.test(`${err.code} ${err.message}`)) {
        this.tlsFailures.push(err.message);
        return;
      }
      if (err.code !== "ECONNRESET" && err.code !== "EPIPE") throw err;
    });
    await new Promise<void>((resolve) => this.server.listen(this.port, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async waitFor(n: number, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.messages.length < n) {
      if (Date.now() > until)
        throw new Error(`expected ${n} mails at the SMTP sink, got ${this.messages.length}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
