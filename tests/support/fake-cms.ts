import { createServer, type Server } from "node:http";

interface Leg {
  id: string;
  call: string;
  name: string;
  remoteParty: string;
  state: "connected" | "initial" | "ringing";
  loss: number;
  jitter: number;
  mute: boolean;
  layout: string;
}

const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * A fake Cisco Meeting Server following the public API reference: Basic auth, form bodies, XML answers,
 * ids in `Location`, `offset`/`limit` paging with a `total` attribute, `<failureDetails>` on errors.
 * Lookups as the reference describes them: `GET /coSpaces?filter=` (substring of name, URI or call id, any case),
 * `GET /calls?coSpaceFilter=` (the calls of one coSpace), `GET /calls/<id>`; a coSpace URI is unique
 * (`duplicateCoSpaceUri`). It runs in the test process and serves desks in other processes as well.
 */
export class FakeCms {
  readonly requests: string[] = [];
  readonly spaces = new Map<string, { name: string; uri: string }>();
  readonly calls = new Map<string, { coSpace: string; name: string; recording: boolean }>();
  /** Every coSpace and call ever created (by URI and by coSpace), ended or not: what "created once" is judged by. */
  readonly created: { kind: "coSpace" | "call"; id: string; uri: string }[] = [];
  /** Every callLeg ever dialled (call and participant name), dropped or not. */
  readonly dialled: { call: string; name: string }[] = [];
  /** Called after each successful create, before the answer is sent (a test may kill the caller there). */
  onCreate: ((what: { kind: "coSpace" | "call"; id: string; uri: string }) => void) | null = null;
  readonly legs = new Map<string, Leg>();
  /** How many of the next POST /calls answer 503 (an outage, or a desk killed, between a coSpace and its call). */
  failCalls = 0;
  /** remoteParty addresses that do not answer */
  readonly unreachable = new Set<string>();
  private seq = 0;
  private server: Server;
  port = 0;

  constructor(
    private readonly user = "api",
    private readonly pass = "mat-khau-thu",
  ) {
    this.server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c) => (raw += c));
      req.on("end", () =>
        this.route(req.method ?? "GET", req.url ?? "/", req.headers.authorization ?? "", raw, res),
      );
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/v1`;
  }

  async start() {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop() {
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private route(
    method: string,
    url: string,
    auth: string,
    raw: string,
    res: import("node:http").ServerResponse,
  ) {
    const send = (status: number, body = "", location?: string) => {
      res.writeHead(status, { "content-type": "text/xml", ...(location ? { location } : {}) });
      res.end(body);
    };
    const fail = (status: number, reason: string) =>
      send(status, `<?xml version="1.0"?><failureDetails><${reason} /></failureDetails>`);
    if (auth !== `Basic ${Buffer.from(`${this.user}:${this.pass}`).toString("base64")}`) return send(401);
    const u = new URL(url, "http://x");
    const path = u.pathname.replace(/^\/api\/v1/, "");
    const form = Object.fromEntries(new URLSearchParams(raw));
    this.requests.push(
      `${method} ${path}${u.search}${Object.keys(form).length ? ` ${new URLSearchParams(form).toString()}` : ""}`,
    );
    const id = () => `${(++this.seq).toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;
    const legsOfCall = /^\/calls\/([^/]+)\/callLegs$/.exec(path);
    const oneLeg = /^\/callLegs\/([^/]+)$/.exec(path);
    const oneCall = /^\/calls\/([^/]+)$/.exec(path);
    const oneSpace = /^\/coSpaces\/([^/]+)$/.exec(path);
    const page = <T>(all: T[]) => {
      const offset = Number(u.searchParams.get("offset") ?? 0);
      const limit = Number(u.searchParams.get("limit") ?? 10);
      return all.slice(offset, offset + limit);
    };
    const created = (what: { kind: "coSpace" | "call"; id: string; uri: string }) => {
      this.created.push(what);
      this.onCreate?.(what);
    };
    if (method === "POST" && path === "/coSpaces") {
      const uri = (form.uri ?? "").toLowerCase();
      if (uri && [...this.spaces.values()].some((s) => s.uri === uri))
        return fail(400, "duplicateCoSpaceUri");
      const sid = id();
      this.spaces.set(sid, { name: form.name ?? "", uri });
      created({ kind: "coSpace", id: sid, uri });
      return send(200, "", `/api/v1/coSpaces/${sid}`);
    }
    if (method === "GET" && path === "/coSpaces") {
      const filter = (u.searchParams.get("filter") ?? "").toLowerCase();
      const all = [...this.spaces].filter(
        ([, s]) => !filter || s.name.toLowerCase().includes(filter) || s.uri.includes(filter),
      );
      return send(
        200,
        `<?xml version="1.0"?><coSpaces total="${all.length}">${page(all)
          .map(
            ([sid, s]) =>
              `<coSpace id="${sid}"><name>${esc(s.name)}</name><autoGenerated>false</autoGenerated><uri>${esc(s.uri)}</uri></coSpace>`,
          )
          .join("")}</coSpaces>`,
      );
    }
    if (method === "POST" && path === "/calls") {
      if (this.failCalls > 0) {
        this.failCalls--;
        return send(503);
      }
      if (!form.coSpace || !this.spaces.has(form.coSpace)) return fail(400, "coSpaceDoesNotExist");
      const cid = id();
      this.calls.set(cid, { coSpace: form.coSpace, name: form.name ?? "", recording: false });
      created({ kind: "call", id: cid, uri: this.spaces.get(form.coSpace)!.uri });
      return send(200, "", `/api/v1/calls/${cid}`);
    }
    if (method === "GET" && path === "/calls") {
      const space = u.searchParams.get("coSpaceFilter");
      const all = [...this.calls].filter(([, c]) => !space || c.coSpace === space);
      return send(
        200,
        `<?xml version="1.0"?><calls total="${all.length}">${page(all)
          .map(
            ([cid, c]) =>
              `<call id="${cid}"><name>${esc(c.name)}</name><coSpace>${c.coSpace}</coSpace><callCorrelator>${cid}</callCorrelator></call>`,
          )
          .join("")}</calls>`,
      );
    }
    if (legsOfCall) {
      const call = legsOfCall[1]!;
      if (!this.calls.has(call)) return fail(400, "callDoesNotExist");
      if (method === "POST") {
        if (!form.remoteParty) return fail(400, "parameterError");
        const lid = id();
        this.dialled.push({ call, name: form.name ?? form.remoteParty });
        this.legs.set(lid, {
          id: lid,
          call,
          name: form.name ?? form.remoteParty,
          remoteParty: form.remoteParty,
          state: this.unreachable.has(form.remoteParty) ? "ringing" : "connected",
          loss: 0,
          jitter: 4,
          mute: false,
          layout: "automatic",
        });
        return send(200, "", `/api/v1/callLegs/${lid}`);
      }
      const all = [...this.legs.values()].filter((l) => l.call === call);
      return send(
        200,
        `<?xml version="1.0"?><callLegs total="${all.length}">${page(all)
          .map(
            (l) =>
              `<callLeg id="${l.id}"><name>${l.name}</name><remoteParty>${l.remoteParty}</remoteParty><call>${l.call}</call></callLeg>`,
          )
          .join("")}</callLegs>`,
      );
    }
    if (oneLeg) {
      const leg = this.legs.get(oneLeg[1]!);
      if (!leg) return fail(400, "callLegDoesNotExist");
      if (method === "GET") {
        return send(
          200,
          `<?xml version="1.0"?><callLeg id="${leg.id}"><name>${leg.name}</name><remoteParty>${leg.remoteParty}</remoteParty><call>${leg.call}</call><configuration><rxAudioMute>${leg.mute}</rxAudioMute><chosenLayout>${leg.layout}</chosenLayout></configuration><status><state>${leg.state}</state><durationSeconds>60</durationSeconds><rxAudio><codec>aac</codec><packetLossPercentage>${leg.loss}</packetLossPercentage><jitter>${leg.jitter}</jitter></rxAudio><rxVideo><packetLossPercentage>${leg.loss}</packetLossPercentage></rxVideo></status></callLeg>`,
        );
      }
      if (method === "PUT") {
        if (form.rxAudioMute) leg.mute = form.rxAudioMute === "true";
        if (form.chosenLayout) leg.layout = form.chosenLayout;
        return send(200);
      }
      if (method === "DELETE") {
        this.legs.delete(leg.id);
        return send(200);
      }
    }
    if (oneCall) {
      const call = this.calls.get(oneCall[1]!);
      if (!call) return fail(400, "callDoesNotExist");
      if (method === "GET")
        return send(
          200,
          `<?xml version="1.0"?><call id="${oneCall[1]}"><coSpace>${call.coSpace}</coSpace><name>${esc(call.name)}</name><callCorrelator>${oneCall[1]}</callCorrelator></call>`,
        );
      if (method === "PUT") {
        if (form.recording) call.recording = form.recording === "true";
        return send(200);
      }
      if (method === "DELETE") {
        this.calls.delete(oneCall[1]!);
        for (const [lid, l] of this.legs) if (l.call === oneCall[1]) this.legs.delete(lid);
        return send(200);
      }
    }
    if (oneSpace && method === "DELETE") {
      if (!this.spaces.delete(oneSpace[1]!)) return fail(400, "coSpaceDoesNotExist");
      return send(200);
    }
    return send(404);
  }
}
