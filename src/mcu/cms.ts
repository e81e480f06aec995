import { XMLParser } from "fast-xml-parser";
import { z } from "zod";
import {
  type Dialable,
  type LegStatus,
  type McuAdapter,
  McuRefusedError,
  McuUnavailableError,
} from "./port.js";

export const CmsSettings = z.object({
  url: z.url({ error: "cần URL của CMS API, ví dụ https://cms.hanoi.gov.vn:445/api/v1" }),
  user: z
    .string({ error: "cần tài khoản API của CMS (DESK_MCU_USER)" })
    .min(1, "cần tài khoản API của CMS (DESK_MCU_USER)"),
  password: z
    .string({ error: "cần mật khẩu API của CMS (DESK_MCU_PASSWORD)" })
    .min(1, "cần mật khẩu API của CMS (DESK_MCU_PASSWORD)"),
  timeoutMs: z.number().int().positive().default(10_000),
  pageSize: z.number().int().min(1).max(100).default(10),
});

/** The coSpace URI (user part) of a booking's conference: derived from its code, so that it can be found again. */
export const cmsUri = (code: string): string => code.toLowerCase();

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: true });

/**
 * Cisco Meeting Server REST API: HTTP Basic auth, form-encoded requests, XML answers; new objects' ids come from
 * the `Location` header; lists page with `offset`/`limit`; errors come as `<failureDetails>`. A conference is a
 * coSpace with a call; endpoints are dialled out as callLegs with `remoteParty`; mute and layout are callLeg PUTs,
 * recording a call PUT; leg status carries media statistics (`packetLossPercentage`, jitter).
 */
export class CmsMcu implements McuAdapter {
  readonly kind = "cms";
  private readonly s: z.infer<typeof CmsSettings>;
  private readonly auth: string;
  /** conference id (call id) → its coSpace, and endpoint code → callLeg id */
  private readonly spaces = new Map<string, string>();
  private readonly legs = new Map<string, Map<string, string>>();

  constructor(settings: unknown) {
    this.s = CmsSettings.parse(settings);
    this.auth = `Basic ${Buffer.from(`${this.s.user}:${this.s.password}`).toString("base64")}`;
  }

  private async http(
    method: string,
    path: string,
    form?: Record<string, string>,
  ): Promise<{ location: string | null; body: Record<string, unknown> }> {
    let res: Response;
    try {
      res = await fetch(`${this.s.url.replace(/\/$/, "")}${path}`, {
        method,
        headers: {
          authorization: this.auth,
          ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        },
        ...(form ? { body: new URLSearchParams(form).toString() } : {}),
        signal: AbortSignal.timeout(this.s.timeoutMs),
      });
    } catch (err) {
      throw new McuUnavailableError(this.kind, `không kết nối được CMS (${(err as Error).message})`);
    }
    const text = await res.text();
    const body = text.trim() ? (xml.parse(text) as Record<string, unknown>) : {};
    if (res.status === 401) throw new McuRefusedError(this.kind, 401, "sai tài khoản API của CMS");
    if (res.status >= 500) throw new McuUnavailableError(this.kind, `HTTP ${res.status}`);
    if (!res.ok) {
      const details = (body.failureDetails ?? {}) as Record<string, unknown>;
      throw new McuRefusedError(this.kind, res.status, Object.keys(details)[0] ?? `HTTP ${res.status}`);
    }
    return { location: res.headers.get("location"), body };
  }

  private idFrom(location: string | null): string {
    const id = location?.split("/").pop();
    if (!id) throw new McuRefusedError(this.kind, 0, "CMS không trả về Location");
    return id;
  }

  /** Every item of a paged list (`offset`/`limit` until `total`), e.g. `/coSpaces?filter=…` → `coSpaces`/`coSpace`. */
  private async all(path: string, list: string, item: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    const sep = path.includes("?") ? "&" : "?";
    for (let offset = 0; ; offset += this.s.pageSize) {
      const page = (await this.http("GET", `${path}${sep}offset=${offset}&limit=${this.s.pageSize}`)).body[
        list
      ] as ({ "@_total"?: number } & Record<string, unknown>) | undefined;
      const raw = page?.[item];
      const items = (raw ? (Array.isArray(raw) ? raw : [raw]) : []) as Record<string, unknown>[];
      out.push(...items);
      const total = Number(page?.["@_total"] ?? items.length);
      if (items.length === 0 || offset + this.s.pageSize >= total) break;
    }
    return out;
  }

  /** 400 with `…DoesNotExist`: the object is already gone (ended before a crash, or by hand). */
  private gone(err: unknown): boolean {
    return err instanceof McuRefusedError && err.code === 400 && /DoesNotExist/.test(err.message);
  }

  async createConference(opts: { code: string; name: string }) {
    const space = this.idFrom(
      (
        await this.http("POST", "/coSpaces", {
          name: `${opts.code} ${opts.name}`.slice(0, 200),
          uri: cmsUri(opts.code),
        })
      ).location,
    );
    return { id: await this.startCall(space, opts.code) };
  }

  private async startCall(space: string, code: string): Promise<string> {
    const call = this.idFrom((await this.http("POST", "/calls", { coSpace: space, name: code })).location);
    this.spaces.set(call, space);
    this.legs.set(call, new Map());
    return call;
  }

  /**
   * The booking's coSpace, found by its URI (`GET /coSpaces?filter=` matches name, URI and call id as substrings, so
   * the answer is narrowed to the exact URI), and its active call (`GET /calls?coSpaceFilter=`). A coSpace whose
   * call was never made (a crash between the two POSTs) or is gone (the CMS restarted: calls do not survive it,
   * coSpaces do) gets its call now; CMS refuses a second coSpace with the same URI anyway.
   */
  async findConference(code: string) {
    const spaceId = await this.spaceOf(code);
    if (!spaceId) return null;
    const [call] = await this.all(`/calls?coSpaceFilter=${encodeURIComponent(spaceId)}`, "calls", "call");
    if (call) {
      const id = String(call["@_id"]);
      this.spaces.set(id, spaceId);
      return { id };
    }
    return { id: await this.startCall(spaceId, code) };
  }

  /** The id of the booking's coSpace, found by its exact URI; null when the CMS has none. */
  private async spaceOf(code: string): Promise<string | null> {
    const uri = cmsUri(code);
    const space = (await this.all(`/coSpaces?filter=${encodeURIComponent(uri)}`, "coSpaces", "coSpace")).find(
      (s) => String(s.uri ?? "").toLowerCase() === uri,
    );
    return space ? String(space["@_id"]) : null;
  }

  /**
   * The call's legs by endpoint code. A call this adapter did not make (adopted after a takeover) has its legs read
   * from the CMS once, so that a leg already dialled is not dialled twice and can still be muted or dropped.
   */
  private async legsOf(id: string): Promise<Map<string, string>> {
    let legs = this.legs.get(id);
    if (!legs) {
      legs = new Map();
      for (const l of await this.all(`/calls/${id}/callLegs`, "callLegs", "callLeg"))
        legs.set(String(l.name ?? l["@_id"]), String(l["@_id"]));
      this.legs.set(id, legs);
    }
    return legs;
  }

  async connect(id: string, e: Dialable) {
    if (!e.dial) throw new McuRefusedError(this.kind, 0, `điểm cầu ${e.code} chưa có địa chỉ gọi (cột dial)`);
    const legs = await this.legsOf(id);
    // Dialled already by a run cut short before it committed: the same endpoint is not called in twice.
    if (legs.has(e.code)) return;
    const leg = this.idFrom(
      (await this.http("POST", `/calls/${id}/callLegs`, { remoteParty: e.dial, name: e.code })).location,
    );
    legs.set(e.code, leg);
  }

  async disconnect(id: string, endpoint: string) {
    const legs = await this.legsOf(id);
    const leg = legs.get(endpoint);
    if (!leg) return;
    await this.http("DELETE", `/callLegs/${leg}`).catch((err) => {
      if (!this.gone(err)) throw err;
    });
    legs.delete(endpoint);
  }

  /** Every leg of the call, page by page, then each leg's media statistics. */
  async status(id: string): Promise<LegStatus[]> {
    const out: LegStatus[] = [];
    for (const item of await this.all(`/calls/${id}/callLegs`, "callLegs", "callLeg")) {
      const leg = (await this.http("GET", `/callLegs/${item["@_id"]}`)).body.callLeg as {
        name?: string;
        status?: {
          state?: string;
          rxAudio?: { packetLossPercentage?: number; jitter?: number };
          rxVideo?: { packetLossPercentage?: number };
        };
        configuration?: { rxAudioMute?: boolean | string };
      };
      const loss = Math.max(
        Number(leg?.status?.rxAudio?.packetLossPercentage ?? 0),
        Number(leg?.status?.rxVideo?.packetLossPercentage ?? 0),
      );
      out.push({
        endpoint: String(leg?.name ?? item.name ?? item["@_id"]),
        connected: leg?.status?.state === "connected",
        packetLoss: loss,
        jitterMs: Number(leg?.status?.rxAudio?.jitter ?? 0),
        muted: String(leg?.configuration?.rxAudioMute ?? "false") === "true",
      });
    }
    return out;
  }

  async setLayout(id: string, layout: string) {
    for (const leg of (await this.legsOf(id)).values())
      await this.http("PUT", `/callLegs/${leg}`, { chosenLayout: layout === "auto" ? "automatic" : layout });
  }

  async mute(id: string, endpoint: string, muted: boolean) {
    const leg = (await this.legsOf(id)).get(endpoint);
    if (!leg) throw new McuRefusedError(this.kind, 0, `điểm cầu ${endpoint} không ở trong cuộc gọi`);
    await this.http("PUT", `/callLegs/${leg}`, { rxAudioMute: String(muted) });
  }

  async startRecording(id: string) {
    await this.http("PUT", `/calls/${id}`, { recording: "true" });
  }

  async stopRecording(id: string) {
    await this.http("PUT", `/calls/${id}`, { recording: "false" });
    return null;
  }

  /**
   * Ends the call and removes its coSpace; a call or coSpace already gone counts as ended (a retried end). A desk
   * killed between the two DELETEs leaves a coSpace whose call is gone: the retried end finds it by the booking's
   * URI, so that it is not left on the CMS for ever.
   */
  async endConference(id: string, code?: string) {
    let space = this.spaces.get(id);
    try {
      // A call this adapter did not make (adopted after a takeover): its coSpace comes from the CMS.
      if (!space) {
        const call = (await this.http("GET", `/calls/${id}`)).body.call as { coSpace?: unknown } | undefined;
        if (call?.coSpace) space = String(call.coSpace);
      }
      await this.http("DELETE", `/calls/${id}`);
    } catch (err) {
      if (!this.gone(err)) throw err;
    }
    if (!space && code) space = (await this.spaceOf(code)) ?? undefined;
    if (space)
      await this.http("DELETE", `/coSpaces/${space}`).catch((err) => {
        if (!this.gone(err)) throw err;
      });
    this.spaces.delete(id);
    this.legs.delete(id);
  }

  async close() {}
}
