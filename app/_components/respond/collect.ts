// Anonymous collection, browser side (see server/anonymity/README.md): submitting.
//   submitWithToken: send (target, token, signature, answers) to /api/submit without
//     credentials, retrying the same token after a network failure (the server answers
//     "duplicate" for a token already stored, so a retry never makes two responses).
// Obtaining the tokens (blind RSA, the larger code) is in obtain.ts, which pages load only
// when this device has tokens to obtain.
import { getTokens, setTokenState } from "./tokenStore";

export class CollectError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly details?: unknown,
    readonly status?: number,
  ) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Submits this device's token for `targetId` with the answers (or declined). Network
 * failures and 5xx are retried with the same token (up to ~1 minute); a refusal (4xx) is
 * thrown as CollectError with the server's message, code and per-question details.
 */
export async function submitWithToken(
  targetId: number,
  body: { answers: Record<string, unknown>; declined?: boolean; locale: "zh" | "en" },
): Promise<"stored" | "duplicate"> {
  const rec = (await getTokens([targetId])).get(targetId);
  if (!rec) throw new CollectError("no token on this device", "noToken");
  const payload = JSON.stringify({
    targetId,
    token: rec.token,
    signature: rec.signature,
    answers: body.answers,
    declined: body.declined ?? false,
    locale: body.locale,
  });
  let delay = 500;
  for (let attempt = 0; ; attempt++) {
    let res: Response | null;
    try {
      res = await fetch("/api/submit", {
        method: "POST",
        credentials: "omit",
        cache: "no-store",
        headers: { "content-type": "application/json", "x-tqe-locale": body.locale },
        body: payload,
      });
    } catch {
      res = null; // network failure: retry with the same token
    }
    if (res && res.ok) {
      const { status } = (await res.json()) as { status: "stored" | "duplicate" };
      await setTokenState(targetId, body.declined ? "declined" : "submitted");
      return status;
    }
    if (res && res.status < 500) {
      const err = (await res.json().catch(() => ({}))) as { error?: string; code?: string; details?: unknown };
      throw new CollectError(err.error ?? `HTTP ${res.status}`, err.code, err.details, res.status);
    }
    if (attempt >= 8) throw new CollectError("network", "network");
    await sleep(delay);
    delay = Math.min(delay * 2, 15_000);
  }
}
