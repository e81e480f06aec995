import { createHash } from "node:crypto";
import { z } from "zod";
import {
  type Dialable,
  type LegStatus,
  type McuAdapter,
  McuRefusedError,
  McuUnavailableError,
} from "./port.js";

export const JanusSettings = z.object({
  url: z.url({ error: "cần URL của Janus HTTP API, ví dụ http://127.0.0.1:8088/janus" }),
  /** Janus closes idle sessions (60 s by default): keep ours alive well within that. */
  keepaliveMs: z.number().int().positive().default(25_000),
  timeoutMs: z.number().int().positive().default(10_000),
  recordDir: z.string().optional(),
  /** The VideoRoom plugin's `admin_key`, when its configuration sets one (then creating a room needs it). */
  adminKey: z.string().min(1).optional(),
});

/**
 * The VideoRoom id of a booking's room: a stable hash of its code (48 bits, within JSON's safe integers), so that a
 * room made before a crash is found again (`exists`) and a second `create` of it is refused by Janus (427).
 */
export function janusRoomId(code: string): number {
  return Number.parseInt(createHash("sha256").update(code).digest("hex").slice(0, 12), 16) || 1;
}

/** VideoRoom error codes: no such room; room already exists. */
const NO_SUCH_ROOM = 426;
const ROOM_EXISTS = 427;

interface JanusReply {
  janus: string;
  data?: { id: number };
  error?: { code: number; reason: string };
  plugindata?: { data: Record<string, unknown> & { error_code?: number; error?: string } };
}

/**
 * Janus VideoRoom over its HTTP API. Janus does not dial endpoints: they join the room themselves (with their
 * code as display name), so `connect` records who is expected and `status` compares that with the participants.
 */
export class JanusMcu implements McuAdapter {
  readonly kind = "janus";
  private readonly s: z.infer<typeof JanusSettings>;
  private session: number | null = null;
  private handle: number | null = null;
  private keepalive: NodeJS.Timeout | null = null;
  private readonly expected = new Map<string, Set<string>>();
  private readonly mutedLegs = new Map<string, Set<string>>();

  constructor(settings: unknown) {
    this.s = JanusSettings.parse(settings);
  }

  private async post(path: string, body: Record<string, unknown>): Promise<JanusReply> {
    let res: Response;
    try {
      res = await fetch(`${this.s.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...body, transaction: Math.random().toString(36).slice(2) }),
        signal: AbortSignal.timeout(this.s.timeoutMs),
      });
    } catch (err) {
      throw new McuUnavailableError(this.kind, `không kết nối được Janus (${(err as Error).message})`);
    }
    if (!res.ok) throw new McuUnavailableError(this.kind, `HTTP ${res.status}`);
    const reply = (await res.json()) as JanusReply;
    if (reply.janus === "error")
      throw new McuRefusedError(this.kind, reply.error?.code ?? 0, reply.error?.reason ?? "lỗi");
    return reply;
  }

  /** One VideoRoom request on our handle; plugin errors become McuRefusedError. */
  private async request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    await this.ensureHandle();
    let reply: JanusReply;
    try {
      reply = await this.post(`/${this.session}/${this.handle}`, { janus: "message", body });
    } catch (err) {
      // A session Janus forgot (restart, timeout) is rebuilt once.
      if (err instanceof McuRefusedError && (err.code === 458 || err.code === 459)) {
        this.session = null;
        await this.ensureHandle();
        reply = await this.post(`/${this.session}/${this.handle}`, { janus: "message", body });
      } else throw err;
    }
    const data = reply.plugindata?.data ?? {};
    if (data.error_code)
      throw new McuRefusedError(this.kind, data.error_code, String(data.error ?? "lỗi VideoRoom"));
    return data;
  }

  private async ensureHandle(): Promise<void> {
    if (this.session && this.handle) return;
    this.session = (await this.post("", { janus: "create" })).data!.id;
    this.handle = (await this.post(`/${this.session}`, { janus: "attach", plugin: "janus.plugin.videoroom" }))
      .data!.id;
    if (!this.keepalive) {
      this.keepalive = setInterval(() => {
        if (this.session)
          this.post(`/${this.session}`, { janus: "keepalive" }).catch(() => (this.session = null));
      }, this.s.keepaliveMs);
      this.keepalive.unref();
    }
  }

  async createConference(opts: { code: string; name: string }) {
    const room = janusRoomId(opts.code);
    try {
      await this.request({
        request: "create",
        room,
        description: `${opts.code} ${opts.name}`.slice(0, 100),
        publishers: 100,
        is_private: true,
        ...(this.s.recordDir ? { rec_dir: this.s.recordDir } : {}),
        ...(this.s.adminKey ? { admin_key: this.s.adminKey } : {}),
      });
    } catch (err) {
      // The booking's room exists already (made before a crash): it is that room, not a second one.
      if (!(err instanceof McuRefusedError && err.code === ROOM_EXISTS)) throw err;
    }
    const id = String(room);
    if (!this.expected.has(id)) this.expected.set(id, new Set());
    return { id };
  }

  /** The booking's room, when Janus has it (`exists` on the id derived from the code). */
  async findConference(code: string) {
    const room = janusRoomId(code);
    const data = await this.request({ request: "exists", room });
    return data.exists === true ? { id: String(room) } : null;
  }

  async connect(id: string, e: Dialable) {
    this.expected.set(id, new Set([...(this.expected.get(id) ?? []), e.code]));
  }

  private async participants(id: string): Promise<{ id: number; display?: string }[]> {
    const data = await this.request({ request: "listparticipants", room: Number(id) });
    return (data.participants as { id: number; display?: string }[]) ?? [];
  }

  async disconnect(id: string, endpoint: string) {
    for (const p of await this.participants(id)) {
      if (p.display === endpoint) await this.request({ request: "kick", room: Number(id), id: p.id });
    }
    this.expected.get(id)?.delete(endpoint);
  }

  async status(id: string): Promise<LegStatus[]> {
    const present = new Set((await this.participants(id)).map((p) => p.display ?? ""));
    const all = new Set([...(this.expected.get(id) ?? []), ...[...present].filter(Boolean)]);
    return [...all].map((endpoint) => ({
      endpoint,
      connected: present.has(endpoint),
      packetLoss: 0,
      jitterMs: 0,
      muted: this.mutedLegs.get(id)?.has(endpoint) ?? false,
    }));
  }

  async setLayout(_id: string, _layout: string) {
    // VideoRoom has no server-side layout: each viewer composes its own. Nothing to do.
  }

  async mute(id: string, endpoint: string, muted: boolean) {
    const p = (await this.participants(id)).find((x) => x.display === endpoint);
    if (!p) throw new McuRefusedError(this.kind, 428, `điểm cầu ${endpoint} không ở trong phòng`);
    await this.request({ request: "moderate", room: Number(id), id: p.id, mid: "0", mute: muted });
    const set = this.mutedLegs.get(id) ?? new Set();
    if (muted) set.add(endpoint);
    else set.delete(endpoint);
    this.mutedLegs.set(id, set);
  }

  async startRecording(id: string) {
    await this.request({ request: "enable_recording", room: Number(id), record: true });
  }

  async stopRecording(id: string) {
    await this.request({ request: "enable_recording", room: Number(id), record: false });
    return this.s.recordDir ?? null;
  }

  async endConference(id: string) {
    try {
      await this.request({ request: "destroy", room: Number(id) });
    } catch (err) {
      // Destroyed already (an end retried after a crash): ended is ended.
      if (!(err instanceof McuRefusedError && err.code === NO_SUCH_ROOM)) throw err;
    }
    this.expected.delete(id);
  }

  async close() {
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = null;
    if (this.session) await this.post(`/${this.session}`, { janus: "destroy" }).catch(() => undefined);
    this.session = null;
  }
}
