import "server-only";
import { cookies } from "next/headers";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { authOptions } from "../auth/options";
import type { SessionUser } from "../auth/users";
import { getDb } from "../db";
import { LOCALE_COOKIE, toLocale, type Locale } from "../i18n/messages";
import { createCaller } from "./root";
import type { Context } from "./trpc";

export async function requestLocale(): Promise<Locale> {
  return toLocale((await cookies()).get(LOCALE_COOKIE)?.value);
}

/**
 * The signed-in user for this request (roles read fresh), or null. Layouts, pages and the
 * server caller all ask; cache() makes that one session check per request, not one each.
 */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions());
  return session?.user ?? null;
});

export async function createRequestContext(): Promise<Context> {
  const [db, user, locale] = await Promise.all([getDb(), currentUser(), requestLocale()]);
  return { db, user, locale, now: () => new Date() };
}

/** tRPC procedures called from server components, with the request's session. */
export async function serverApi() {
  return createCaller(await createRequestContext());
}
