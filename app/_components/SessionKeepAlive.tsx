"use client";
import { useEffect } from "react";

// Sessions end after SESSION_IDLE_MINUTES without activity. Activity (a click, a key,
// a touch) renews the cookie at most once a minute by asking next-auth for the session.
export function SessionKeepAlive() {
  useEffect(() => {
    let last = Date.now();
    const onActivity = () => {
      if (Date.now() - last < 60_000) return;
      last = Date.now();
      fetch("/api/auth/session", { cache: "no-store" })
        .then((r) => r.json() as Promise<{ user?: unknown } | null>)
        .then((s) => {
          if (!s || !s.user) window.location.assign("/signin?error=expired");
        })
        .catch(() => {});
    };
    const events = ["pointerdown", "keydown"] as const;
    events.forEach((e) => window.addEventListener(e, onActivity, { passive: true }));
    return () => events.forEach((e) => window.removeEventListener(e, onActivity));
  }, []);
  return null;
}
