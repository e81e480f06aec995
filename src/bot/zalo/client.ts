import axios, { type AxiosInstance, type AxiosResponse, isAxiosError } from "axios";
import { splitText } from "../pacing.js";
import { secretsEqual } from "../secret.js";

/**
 * Our own typed client of the Zalo Bot API (`https://bot-api.zaloplatforms.com/bot<token>/<method>`).
 * Every answer comes in the envelope `{ ok, result, error_code, description }`; ids are strings and dates are
 * milliseconds. Errors are typed and sorted by whether a retry can help.
 */

export interface ZaloEnvelope<T> {
  ok: boolean;
  result?: T;
  error_code?: number;
  description?: string;
}

export interface ZaloBotInfo {
  id: string;
  account_name?: string;
  account_type?: string;
  can_join_groups?: boolean;
}

export interface ZaloMessage {
  message_id: string;
  from: { id: string; display_name?: string; is_bot?: boolean };
  chat: { id: string; chat_type: "PRIVATE" | "GROUP" };
  /** Milliseconds since the epoch. */
  date: number;
  text?: string;
  photo?: string;
  caption?: string;
}

export interface ZaloUpdate {
  event_name:
    | "message.text.received"
    | "message.image.received"
    | "message.sticker.received"
    | "message.unsupported.received"
    | string;
  message?: ZaloMessage;
}

export interface ZaloWebhookInfo {
  url: string;
  updated_at?: number;
}

/** The API said no (bad token, bad chat id…): retrying the same call will not help, except 429. */
export class ZaloApiError extends Error {
  constructor(
    readonly method: string,
    readonly errorCode: number,
    readonly description: string,
  ) {
    super(`Zalo ${method}: ${errorCode} ${description}`);
    this.name = "ZaloApiError";
  }
  get retryable(): boolean {
    return this.errorCode === 429 || this.errorCode >= 500;
  }
}

/** The network failed, or the server answered 5xx / timed out: worth retrying. */
export class ZaloNetworkError extends Error {
  constructor(
    readonly method: string,
    override readonly cause: unknown,
  ) {
    super(`Zalo ${method}: lỗi kết nối (${(cause as Error)?.message ?? cause})`);
    this.name = "ZaloNetworkError";
  }
  readonly retryable = true;
}

export const ZALO_TEXT_LIMIT = 2000;

export interface ZaloClientOptions {
  token: string;
  baseUrl?: string;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
}

export class ZaloClient {
  private readonly http: AxiosInstance;
  private readonly retries: number;
  private readonly backoffMs: number;

  constructor(opts: ZaloClientOptions) {
    const base = (opts.baseUrl ?? "https://bot-api.zaloplatforms.com").replace(/\/$/, "");
    this.http = axios.create({
      baseURL: `${base}/bot${opts.token}/`,
      timeout: opts.timeoutMs ?? 35_000,
      validateStatus: () => true,
    });
    this.retries = opts.retries ?? 3;
    this.backoffMs = opts.backoffMs ?? 500;
  }

  /** One call with retries on 429, 5xx and timeouts (capped exponential backoff). */
  async call<T>(
    method: string,
    body: Record<string, unknown> = {},
    timeoutMs?: number,
    signal?: AbortSignal,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(method, body, timeoutMs, signal);
      } catch (err) {
        const retryable = err instanceof ZaloNetworkError || (err instanceof ZaloApiError && err.retryable);
        if (!retryable || attempt >= this.retries || signal?.aborted) throw err;
        await new Promise((r) => setTimeout(r, Math.min(this.backoffMs * 2 ** attempt, 10_000)));
      }
    }
  }

  private async once<T>(
    method: string,
    body: Record<string, unknown>,
    timeoutMs?: number,
    signal?: AbortSignal,
  ): Promise<T> {
    let res: AxiosResponse<ZaloEnvelope<T>>;
    try {
      res = await this.http.post<ZaloEnvelope<T>>(method, body, {
        ...(timeoutMs ? { timeout: timeoutMs } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      // The token is part of the URL: never let it reach a log through the error.
      throw new ZaloNetworkError(
        method,
        isAxiosError(err) ? new Error(err.code ?? err.message.replace(/bot[^/]+\//, "bot***/")) : err,
      );
    }
    const env = res.data;
    if (res.status >= 500 && !(env && typeof env === "object" && "ok" in env))
      throw new ZaloNetworkError(method, new Error(`HTTP ${res.status}`));
    if (!env || typeof env !== "object" || !("ok" in env))
      throw new ZaloNetworkError(method, new Error(`unexpected answer (HTTP ${res.status})`));
    if (!env.ok) throw new ZaloApiError(method, env.error_code ?? res.status, env.description ?? "");
    return env.result as T;
  }

  getMe(): Promise<ZaloBotInfo> {
    return this.call("getMe");
  }

  /**
   * Long polling; the API returns one update (or none) per call. Not usable while a webhook is set. `signal`
   * ends the wait at once (a stopping desk does not sit out the long poll).
   */
  async getUpdates(timeoutSeconds = 30, signal?: AbortSignal): Promise<ZaloUpdate[]> {
    const result = await this.call<ZaloUpdate | ZaloUpdate[] | null>(
      "getUpdates",
      { timeout: String(timeoutSeconds) },
      (timeoutSeconds + 5) * 1000,
      signal,
    );
    if (!result) return [];
    return Array.isArray(result) ? result : [result];
  }

  setWebhook(url: string, secretToken: string): Promise<unknown> {
    return this.call("setWebhook", { url, secret_token: secretToken });
  }

  deleteWebhook(): Promise<unknown> {
    return this.call("deleteWebhook");
  }

  getWebhookInfo(): Promise<ZaloWebhookInfo> {
    return this.call("getWebhookInfo");
  }

  /** Text longer than the API's 2 000 characters is sent as several messages, in order. */
  async sendMessage(chatId: string, text: string): Promise<{ message_id: string; date: number }[]> {
    const out = [];
    for (const part of splitText(text, ZALO_TEXT_LIMIT))
      out.push(
        await this.call<{ message_id: string; date: number }>("sendMessage", { chat_id: chatId, text: part }),
      );
    return out;
  }

  sendPhoto(chatId: string, photo: string, caption?: string): Promise<{ message_id: string; date: number }> {
    return this.call("sendPhoto", { chat_id: chatId, photo, ...(caption ? { caption } : {}) });
  }

  sendChatAction(chatId: string, action: "typing" | "upload_photo"): Promise<unknown> {
    return this.call("sendChatAction", { chat_id: chatId, action });
  }
}

/** Verify a webhook delivery: Zalo sends the secret in `X-Bot-Api-Secret-Token`; compared in constant time. */
export function zaloWebhookAuthorized(
  headers: Record<string, string | string[] | undefined>,
  secret: string,
): boolean {
  return secretsEqual(headers["x-bot-api-secret-token"], secret);
}
