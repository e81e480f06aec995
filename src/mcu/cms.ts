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

  async createConference(opts: { code: string; name: string }) {
    const space = this.idFrom(
      (
        await this.http("POST", "/coSpaces", {
          name: `${opts.code} ${opts.name}`.slice(0, 200),
          uri: opts.code.toLowerCase(),
        })
      ).location,
    );
    const call = this.idFrom(
      (await this.http("POST", "/calls", { coSpace: space, name: opts.code })).location,
    );
    this.spaces.set(call, space);
    this.legs.set(call, new Map());
    return { id: call };
  }

  async connect(id: string, e: Dialable) {
    if (!e.dial) throw new McuRefusedError(this.kind, 0, `điểm cầu ${e.code} chưa có địa chỉ gọi (cột dial)`);
    const leg = this.idFrom(
      (await this.http("POST", `/calls/${id}/callLegs`, { remoteParty: e.dial, name: e.code })).location,
    );
    this.legs.get(id)?.set(e.code, leg);
  }

  async disconnect(id: string, endpoint: string) {
    const leg = this.legs.get(id)?.get(endpoint);
    if (!leg) return;
    await this.http("DELETE", `/callLegs/${leg}`);
    this.legs.get(id)?.delete(endpoint);
  }

  /** Every leg of the call, page by page, then each leg's media statistics. */
  async status(id: string): Promise<LegStatus[]> {
    const out: LegStatus[] = [];
    for (let offset = 0; ; offset += this.s.pageSize) {
      const page = (await this.http("GET", `/calls/${id}/callLegs?offset=${offset}&limit=${this.s.pageSize}`))
        .body.callLegs as { "@_total"?: number; callLeg?: unknown } | undefined;
      const items = page?.callLeg ? (Array.isArray(page.callLeg) ? page.callLeg : [page.callLeg]) : [];
      for (const item of items as { "@_id": string; name?: string }[]) {
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
      const total = Number(page?.["@_total"] ?? items.length);
      if (items.length === 0 || offset + this.s.pageSize >= total) break;
    }
    return out;
  }

  async setLayout(id: string, layout: string) {
    for (const leg of this.legs.get(id)?.values() ?? [])
      await this.http("PUT", `/callLegs/${leg}`, { chosenLayout: layout === "auto" ? "automatic" : layout });
  }

  async mute(id: string, endpoint: string, muted: boolean) {
    const leg = this.legs.get(id)?.get(endpoint);
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

  async endConference(id: string) {
    await this.http("DELETE", `/calls/${id}`);
    const space = this.spaces.get(id);
    if (space) await this.http("DELETE", `/coSpaces/${space}`);
    this.spaces.delete(id);
    this.legs.delete(id);
  }

  async close() {}
}
