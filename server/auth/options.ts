import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "../db";
import { env } from "../kernel/env";
import { authenticate, findActivePersonByNumber, loadSessionUser, type SessionUser } from "./users";
import { clientIp } from "../http/guard";
import { recordAudit } from "../kernel/audit";
import { isStorableText } from "../kernel/text";

declare module "next-auth" {
  interface Session {
    user: SessionUser;
    loginAt: number;
  }
  interface User {
    personId?: number;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    pid?: number;
    loginAt?: number;
  }
}

/**
 * Absolute lifetime: a session signed in more than maxHours ago ends, however active it
 * was (the idle limit is the cookie's own lifetime, renewed on activity).
 */
export function sessionAlive(token: { pid?: number; loginAt?: number }, now: number, maxHours: number): boolean {
  return !!token.pid && !!token.loginAt && token.loginAt <= now && now - token.loginAt <= maxHours * 3600_000;
}

// A number the database could not store (NUL, lone surrogate) is a wrong number, not a 500.
const credentialsInput = z.object({
  number: z.string().trim().min(1).max(64).refine(isStorableText),
  password: z.string().min(1).max(256),
});

// Sign-in errors are codes the sign-in page translates; "throttled:<minutes>".
/** `now` is the clock of sign-in throttling and session lifetimes (tests fix it). */
export function authOptions(now: () => Date = () => new Date()): NextAuthOptions {
  const e = env();
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "credentials",
      credentials: { number: { type: "text" }, password: { type: "password" } },
      async authorize(raw, req) {
        const parsed = credentialsInput.safeParse(raw);
        if (!parsed.success) throw new Error("invalid");
        const db = await getDb();
        const ip = clientIp(new Headers(req?.headers as Record<string, string> | undefined));
        const result = await authenticate(db, { ...parsed.data, ip }, now(), {
          maxFailures: e.LOGIN_MAX_FAILURES,
          lockMinutes: e.LOGIN_LOCK_MINUTES,
        });
        if (!result.ok) {
          await recordAudit(db, { actorId: null, action: "signin.failed", subject: parsed.data.number, detail: { reason: result.reason } });
          throw new Error(result.reason === "throttled" ? `throttled:${result.minutes}` : "invalid");
        }
        await recordAudit(db, { actorId: result.personId, action: "signin", subject: null, detail: { method: "password" } });
        return { id: String(result.personId), personId: result.personId };
      },
    }),
  ];
  if (e.AUTH_OIDC_ISSUER) {
    // Any OIDC identity provider (统一身份认证; Apereo CAS ≥ 5 through its OIDC endpoint).
    // The claim named by AUTH_OIDC_NUMBER_CLAIM must hold the staff or student number;
    // people are not created on first sign-in: they come from the import.
    providers.push({
      id: "oidc",
      name: e.AUTH_OIDC_NAME,
      type: "oauth",
      wellKnown: `${e.AUTH_OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: e.AUTH_OIDC_CLIENT_ID,
      clientSecret: e.AUTH_OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile(profile: Record<string, unknown>) {
        const number = String(profile[e.AUTH_OIDC_NUMBER_CLAIM] ?? profile.sub ?? "");
        return { id: number, name: String(profile.name ?? number) };
      },
    });
  }

  return {
    secret: e.NEXTAUTH_SECRET,
    // The cookies' names and Secure flag follow the configured origin, not each request's
    // (a session read from a page must find the cookie the sign-in set).
    useSecureCookies: (e.APP_URL ?? process.env.NEXTAUTH_URL ?? "").startsWith("https://"),
    providers,
    pages: { signIn: "/signin", error: "/signin" },
    // Idle timeout: the cookie lives SESSION_IDLE_MINUTES and is renewed only when the
    // browser asks for the session (on activity, see app/_components/SessionKeepAlive).
    session: { strategy: "jwt", maxAge: e.SESSION_IDLE_MINUTES * 60, updateAge: 0 },
    jwt: { maxAge: e.SESSION_IDLE_MINUTES * 60 },
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== "oidc") return true;
        const p = await findActivePersonByNumber(await getDb(), user.id);
        if (!p) return "/signin?error=ssoUnknown";
        user.personId = p.id;
        await recordAudit(await getDb(), { actorId: p.id, action: "signin", subject: null, detail: { method: "oidc" } });
        return true;
      },
      async jwt({ token, user }) {
        if (user?.personId) {
          token.pid = user.personId;
          token.loginAt = now().getTime();
          delete token.name;
          delete token.email;
          delete token.picture;
        }
        // Throwing here makes next-auth clear the cookie.
        if (!sessionAlive(token, now().getTime(), e.SESSION_MAX_HOURS)) throw new Error("session expired");
        return token;
      },
      async session({ session, token }) {
        // Roles are read fresh: a revoked role or a deactivated person takes effect at once.
        const user = await loadSessionUser(await getDb(), token.pid as number);
        if (!user) throw new Error("person inactive");
        return { expires: session.expires, user, loginAt: token.loginAt as number };
      },
    },
  };
}
