import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./servers.js";

const LIB = "/usr/lib/x86_64-linux-gnu/janus";
const OTHER_PLUGINS = [
  "audiobridge",
  "duktape",
  "echotest",
  "lua",
  "nosip",
  "recordplay",
  "sip",
  "streaming",
  "textroom",
  "videocall",
  "voicemail",
];
const OTHER_TRANSPORTS = ["mqtt", "nanomsg", "pfunix", "rabbitmq", "websockets"];

/**
 * A real Janus (Debian's janus) on loopback with its own config folder: HTTP transport and VideoRoom only. With an
 * `adminKey` (generate it at test time) the VideoRoom requires it to create rooms and `rooms()` lists private ones.
 */
export class Janus {
  readonly dir = mkdtempSync(join(tmpdir(), "janus-"));
  port = 0;
  private proc: ChildProcess | null = null;

  constructor(private readonly opts: { adminKey?: string } = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/janus`;
  }

  async start(): Promise<void> {
    // Started again after `kill`, it listens on the same port: a Janus restarted in place.
    if (!this.port) this.port = await freePort();
    const d = this.dir;
    writeFileSync(
      join(d, "janus.jcfg"),
      `general: {
  configs_folder = "${d}"
  plugins_folder = "${LIB}/plugins"
  transports_folder = "${LIB}/transports"
  events_folder = "${LIB}/events"
  loggers_folder = "${LIB}/loggers"
  debug_level = 3
  session_timeout = 60
}
media: {
}
nat: {
  ice_ignore_list = "vmnet"
}
plugins: {
  disable = "${OTHER_PLUGINS.map((p) => `libjanus_${p}.so`).join(",")}"
}
transports: {
  disable = "${OTHER_TRANSPORTS.map((p) => `libjanus_${p}.so`).join(",")}"
}
events: {
  broadcast = false
}
loggers: {
  disable = "libjanus_jsonlog.so"
}
`,
    );
    writeFileSync(
      join(d, "janus.transport.http.jcfg"),
      `general: {
  json = "plain"
  base_path = "/janus"
  http = true
  port = ${this.port}
  interface = "lo"
  https = false
}
admin: {
  admin_http = false
}
`,
    );
    writeFileSync(
      join(d, "janus.plugin.videoroom.jcfg"),
      `general: {\n${this.opts.adminKey ? `  admin_key = "${this.opts.adminKey}"\n` : ""}}\n`,
    );
    this.proc = spawn("janus", ["-C", join(d, "janus.jcfg"), "-F", d], { stdio: "ignore" });
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      try {
        const res = await fetch(`${this.url}/info`);
        if (res.ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error("Janus did not start");
  }

  /** Stop the process (SIGKILL: a crash, rooms and sessions gone) and keep its folder, for `start` again. */
  async kill(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (p) await new Promise<void>((resolve) => p.once("exit", () => resolve()).kill("SIGKILL"));
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (p) {
      await new Promise<void>((resolve) => {
        p.once("exit", () => resolve());
        p.kill("SIGTERM");
        setTimeout(() => p.kill("SIGKILL"), 5000).unref();
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A signalling-only participant: its own session, joining a room as a publisher without any media. */
  async join(room: number, display: string): Promise<{ session: number; handle: number }> {
    const post = async (path: string, body: Record<string, unknown>) => {
      const res = await fetch(`${this.url}${path}`, {
        method: "POST",
        body: JSON.stringify({ ...body, transaction: Math.random().toString(36).slice(2) }),
      });
      return (await res.json()) as { data?: { id: number } };
    };
    const session = (await post("", { janus: "create" })).data!.id;
    const handle = (await post(`/${session}`, { janus: "attach", plugin: "janus.plugin.videoroom" })).data!
      .id;
    await post(`/${session}/${handle}`, {
      janus: "message",
      body: { request: "join", ptype: "publisher", room, display },
    });
    return { session, handle };
  }

  /** Every room Janus holds (`list`; private rooms too, which needs the admin key), with its description. */
  async rooms(): Promise<{ room: number; description: string }[]> {
    const post = async (path: string, body: Record<string, unknown>) => {
      const res = await fetch(`${this.url}${path}`, {
        method: "POST",
        body: JSON.stringify({ ...body, transaction: Math.random().toString(36).slice(2) }),
      });
      return (await res.json()) as {
        data?: { id: number };
        plugindata?: { data: { list?: { room: number; description: string }[] } };
      };
    };
    const session = (await post("", { janus: "create" })).data!.id;
    try {
      const handle = (await post(`/${session}`, { janus: "attach", plugin: "janus.plugin.videoroom" })).data!
        .id;
      const reply = await post(`/${session}/${handle}`, {
        janus: "message",
        body: { request: "list", ...(this.opts.adminKey ? { admin_key: this.opts.adminKey } : {}) },
      });
      const list = reply.plugindata?.data.list;
      if (!list) throw new Error(`Janus list failed: ${JSON.stringify(reply)}`);
      return list;
    } finally {
      await this.leave(session);
    }
  }

  async leave(session: number): Promise<void> {
    await fetch(`${this.url}/${session}`, {
      method: "POST",
      body: JSON.stringify({ janus: "destroy", transaction: "bye" }),
    });
  }
}
