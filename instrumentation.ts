// Runs once when the server process starts (Next.js instrumentation hook).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Every request carries the socket's address in a header no client can set (sign-in
    // throttling by address), and a connection whose body was left unread (413 past the
    // route's limit) is closed once the answer is out (server/http/incoming.ts).
    const { installRequestHooks } = await import("./server/http/incoming");
    installRequestHooks();
  }
}
