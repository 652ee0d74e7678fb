import "server-only";
import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { currentUser } from "@/server/api/server";
import type { SessionUser } from "@/server/auth/users";
import { Forbidden } from "./Forbidden";
import { mayOpen, PAGES, type PageKey } from "./pages";

/**
 * The one guard of a page (or an area's layout) of the signed-in app, from its entry in
 * pages.ts: nobody signed in → the sign-in page; a user the entry does not let in → the 403
 * page; otherwise `render(user)`. What render loads through serverApi() may still be refused
 * by its procedure: a NOT_FOUND becomes the 404 page, a FORBIDDEN the 403 page (another
 * unit's record asked for by URL), anything else propagates. Route parameters are parsed
 * inside render, after the role check, so a bad id tells nothing to whom the page is closed.
 *
 *   export default async function CampaignPage({ params }) {
 *     return guardPage("campaign", async () => {
 *       const id = parseId((await params).id) ?? notFound();
 *       return <CampaignView id={id} initial={await (await serverApi()).campaigns.detail({ id })} />;
 *     });
 *   }
 *
 * Layouts guard too, but a page never relies on them: Next.js renders a page's segment
 * without re-running the layouts above it on client navigation.
 */
export async function guardPage(key: PageKey, render: (user: SessionUser) => ReactNode | Promise<ReactNode>): Promise<ReactNode> {
  const user = await currentUser();
  if (!user) redirect("/signin");
  if (!mayOpen(user, key)) return <Forbidden />;
  try {
    return await render(user);
  } catch (e) {
    if (e instanceof TRPCError && e.code === "NOT_FOUND") notFound();
    if (e instanceof TRPCError && e.code === "FORBIDDEN") return <Forbidden />;
    throw e;
  }
}

/** The page's title from its entry: `export const generateMetadata = pageMetadata("campaigns");` */
export function pageMetadata(key: PageKey): () => Promise<Metadata> {
  return async () => ({ title: (await getTranslations())(PAGES[key].title) });
}
