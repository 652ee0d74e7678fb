// Runs once when the server process starts (Next.js instrumentation hook).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Every request carries the socket's address in a header no client can set (sign-in
    // throttling by address: server/http/peer.ts, server/http/guard.ts clientIp).
    const { installPeerAddressStamp } = await import("./server/http/peer");
    installPeerAddressStamp();
  }
}
