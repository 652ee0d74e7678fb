import { currentUser } from "@/server/api/server";
import { getCampaignRow } from "@/server/campaigns/campaigns";
import { getDb } from "@/server/db";
import { anonSecret } from "@/server/kernel/env";
import { DomainError } from "@/server/kernel/errors";
import { ownOrigin } from "@/server/http/guard";
import { idParam, routeHandler } from "@/server/http/route";
import { exportInvitationLinks } from "@/server/invitations/invitations";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/campaigns/:id/invitations: the campaign's personal invitation links as CSV
// (UTF-8 with BOM, opens in Excel), for those sent by hand; the export is audited and
// refused unless the caller may manage the campaign. Links are derived, never stored.
export const GET = routeHandler(async (req) => {
  const user = await currentUser();
  if (!user) throw new DomainError("UNAUTHORIZED", "errors.unauthorized");
  const id = idParam(new URL(req.url).pathname.split("/").at(-2), "campaigns.errors.notFound");
  const db = await getDb();
  // ownOrigin: APP_URL when configured, otherwise the origin the request came to.
  const csv = await exportInvitationLinks(db, user, id, anonSecret(), ownOrigin(req));
  const { name } = await getCampaignRow(db, id);
  const safe =
    name
      .replace(/[\\/:*?"<>|\r\n\t]+/g, "_")
      .trim()
      .slice(0, 80) || `campaign-${id}`;
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="campaign-${id}-invitations.csv"; filename*=UTF-8''${encodeURIComponent(`${safe}-邀请链接.csv`)}`,
      "cache-control": "no-store",
    },
  });
});
