"use client";
// The student shell's two controls, in plain React (see StudentShell.tsx).
import { useRouter } from "next/navigation";
import { useState } from "react";

/** The language is a cookie (no locale in URLs); switching renders the server components again. */
export function LocaleButton({ label, next }: { label: string; next: "zh" | "en" }) {
  const router = useRouter();
  return (
    <button
      type="button"
      className="s-btn s-btn--text"
      onClick={() => {
        document.cookie = `NEXT_LOCALE=${next}; path=/; max-age=31536000; samesite=lax`;
        router.refresh();
      }}
    >
      {label}
    </button>
  );
}

/**
 * Signs out through next-auth's endpoints (its CSRF token, then the sign-out POST), then
 * opens this site's sign-in page: a path, so the browser stays on the origin it is on.
 */
export function SignOutButton({ label }: { label: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="s-btn"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        try {
          const { csrfToken } = (await (await fetch("/api/auth/csrf", { cache: "no-store" })).json()) as { csrfToken: string };
          await fetch("/api/auth/signout", {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ csrfToken, callbackUrl: "/signin", json: "true" }),
          });
        } finally {
          window.location.assign("/signin");
        }
      }}
    >
      {label}
    </button>
  );
}
