// Runs once when the server process starts (Next.js instrumentation hook).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Every request carries the socket's address in a header no client can set (sign-in
    // throttling by address), and a connection whose body was left unread (413 past the
    // route's limit) is closed once the answer is out (server/http/incoming.ts).
    const { installRequestHooks } = await import("./server/http/incoming");
    installRequestHooks();
    // The background work (server/scheduler.ts) runs in the app's process unless
    // SCHEDULER=off; never while `next build` renders pages (it must not open the database).
    if (process.env.NEXT_PHASE === "phase-production-build") return;
    const { env } = await import("./server/kernel/env");
    const e = env();
    if (e.SCHEDULER === "off") return;
    const [{ startScheduler }, { getDbHandle }] = await Promise.all([import("./server/scheduler"), import("./server/db")]);
    startScheduler({ handle: getDbHandle, tickMs: e.SCHEDULER_TICK_MS });
  }
}
