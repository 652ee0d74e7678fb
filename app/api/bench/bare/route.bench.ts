import postgres from "postgres";
import { readBody } from "@/server/http/body";
import { env } from "@/server/kernel/env";
import { one } from "@/db/query";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Benchmark only (bench/README.md): the ceiling of this framework on this machine.
// Two walls keep it out of a real deployment: it is built only by the benchmark harness's
// build (its `.bench.ts` extension is a page extension only with TQE_BENCH_BUILD=1, see
// next.config.js), and even there it answers 404 unless the process runs with BENCH_BARE=1.
// Otherwise it does exactly one INSERT of the request body through postgres.js, with a pool
// of its own from DATABASE_URL, into bench_bare (a table the benchmark script creates), and
// answers 200 JSON: no Origin check, no validation, no drizzle, no domain code. The body is
// read through the same bounded reader as every route (server/http/body.ts).
const g = globalThis as unknown as { __tqeBenchBare?: postgres.Sql };

function pool(url: string): postgres.Sql {
  g.__tqeBenchBare ??= postgres(url, { max: env().DB_POOL_MAX, onnotice: () => {} });
  return g.__tqeBenchBare;
}

export async function POST(req: Request): Promise<Response> {
  const url = env().DATABASE_URL;
  if (env().BENCH_BARE !== "1" || !url) return new Response(null, { status: 404 });
  let body: string;
  try {
    body = new TextDecoder().decode(await readBody(req, 128 * 1024));
  } catch {
    return new Response(null, { status: 413 });
  }
  const row = one(await pool(url)`insert into bench_bare (body) values (${body}::jsonb) returning id`);
  return Response.json({ id: String(row.id) }, { headers: { "Cache-Control": "no-store" } });
}
