// A tRPC mutation over plain fetch, for the student's pages, which load no tRPC client,
// react-query or superjson: the input goes as superjson's envelope { json } (plain JSON
// needs no meta) and the result comes back in the same envelope. A refusal is thrown as
// RpcError with the server's message (already in the user's language), code and details.
export class RpcError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly data?: { code?: string; httpStatus?: number; details?: unknown },
  ) {
    super(message);
  }
}

export async function rpcMutation<T>(procedure: string, input: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/trpc/${procedure}`, {
      method: "POST",
      cache: "no-store",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: input }),
    });
  } catch (e) {
    throw new RpcError(e instanceof Error ? e.message : String(e), "network");
  }
  const body = (await res.json().catch(() => null)) as {
    result?: { data?: { json?: T } };
    error?: { json?: { message?: string; data?: { code?: string; httpStatus?: number; details?: unknown } } };
  } | null;
  if (res.ok && body?.result?.data && "json" in body.result.data) return body.result.data.json as T;
  const err = body?.error?.json;
  throw new RpcError(err?.message ?? `HTTP ${res.status}`, err?.data?.code, err?.data);
}
