import { createHash, createHmac, randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { campaigns } from "@/db/schema";
import { col, queryOne, queryRow, queryRows, queryValue } from "@/db/query";
import type { Secret } from "../anonymity/keys";
import { beijingDate } from "../kernel/time";
import { csvLine } from "../kernel/csv";
import { recordAudit } from "../kernel/audit";
import type { SessionUser } from "../auth/users";
import { DomainError } from "../kernel/errors";
import { assertCanManageCampaign } from "../campaigns/campaigns";

/**
 * Personal links for alumni and employer contacts (毕业生 / 用人单位跟踪调查).
 *
 * - The link carries a 256-bit token: HMAC-SHA256(secret, "tqe/invitation:" + nonce), where
 *   the nonce is random and stored with the invitation. The database keeps only
 *   SHA-256(token) (to find the invitation) and the nonce; without the server secret
 *   nobody can make a link from a database copy. With it, the server can derive the link
 *   again for the outbox, reminders and the CSV export, so it never has to store it.
 * - A link is valid for its campaign until the window closes (expires_at = closes_at) and
 *   once: opening it obtains a blind-signed token for the target (anonymity/issue.ts
 *   issueForInvitation) and marks the invitation used; the answers then go through the
 *   same anonymous submit path as students', with nothing tying them to the invitation.
 */

export const INVITATION_PATH = "/i/";

export function invitationToken(secret: Secret, nonce: string): string {
  return createHmac("sha256", typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret))
    .update(`tqe/invitation:${nonce}`)
    .digest("base64url");
}

export function invitationTokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function invitationLink(baseUrl: string, secret: Secret, nonce: string): string {
  return `${baseUrl.replace(/\/$/, "")}${INVITATION_PATH}${invitationToken(secret, nonce)}`;
}

/** A token is 43 base64url characters; anything else is refused before a lookup. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

const invitee = { target_id: col.int, alumnus_id: col.int.nullable, contact_id: col.int.nullable };

/**
 * Makes the missing invitations of a campaign (graduate or employer tracking): one per
 * alumnus of each cohort target, one per contact of each employer target. Idempotent.
 */
export async function createInvitations(db: DbOrTx, campaignId: number, secret: Secret): Promise<{ created: number; total: number }> {
  const [c] = await db.select({ closes_at: campaigns.closesAt }).from(campaigns).where(eq(campaigns.id, campaignId));
  if (!c) throw new DomainError("NOT_FOUND", "campaigns.errors.notFound");
  const missing = await queryRows(
    db,
    invitee,
    sql`
    select t.id as target_id, a.id as alumnus_id, null::int as contact_id
    from campaign_targets t join alumni a on a.cohort_id = t.cohort_id
    where t.campaign_id = ${campaignId}
      and not exists (select 1 from invitations i where i.target_id = t.id and i.alumnus_id = a.id)
    union all
    select t.id, null, ec.id
    from campaign_targets t join employer_contacts ec on ec.employer_id = t.employer_id
    where t.campaign_id = ${campaignId}
      and not exists (select 1 from invitations i where i.target_id = t.id and i.contact_id = ec.id)`,
  );
  const expires = c.closes_at.toISOString();
  let created = 0;
  for (let i = 0; i < missing.length; i += 2000) {
    const batch = missing.slice(i, i + 2000).map((m) => {
      const nonce = randomBytes(16).toString("base64url");
      return sql`(${m.target_id}, ${m.alumnus_id}, ${m.contact_id}, ${invitationTokenHash(invitationToken(secret, nonce))}, ${nonce}, ${expires}::timestamptz)`;
    });
    const r = await queryRows(
      db,
      { id: col.int },
      sql`
      insert into invitations (target_id, alumnus_id, contact_id, token_hash, nonce, expires_at)
      values ${sql.join(batch, sql`, `)} on conflict do nothing returning id`,
    );
    created += r.length;
  }
  const total = await queryValue(
    db,
    col.int,
    sql`
    select count(*)::int as n from invitations i join campaign_targets t on t.id = i.target_id where t.campaign_id = ${campaignId}`,
  );
  return { created, total };
}

export type InvitationListRow = {
  invitationId: number;
  kind: "alumni" | "employer";
  name: string;
  group: string;
  email: string | null;
  phone: string | null;
  wechat: string | null;
  nonce: string;
  sentOn: string | null;
  used: boolean;
};

async function invitationRows(db: DbOrTx, campaignId: number): Promise<InvitationListRow[]> {
  const rows = await queryRows(
    db,
    {
      id: col.int,
      kind: col.oneOf(["alumni", "employer"]),
      name: col.text,
      grp: col.text,
      email: col.text.nullable,
      phone: col.text.nullable,
      wechat: col.text.nullable,
      nonce: col.text,
      sent_on: col.text.nullable,
      used: col.bool,
    },
    sql`
    select i.id, case when i.alumnus_id is not null then 'alumni' else 'employer' end as kind,
      coalesce(a.name, ec.name) as name,
      coalesce(p.name || ' ' || gc.graduation_year || '届', e.name) as grp,
      coalesce(a.email, ec.email) as email, coalesce(a.phone, ec.phone) as phone, a.wechat,
      i.nonce, i.sent_on::text as sent_on, (i.token_issued_on is not null) as used
    from invitations i join campaign_targets t on t.id = i.target_id
      left join alumni a on a.id = i.alumnus_id left join graduate_cohorts gc on gc.id = a.cohort_id
      left join programmes p on p.id = gc.programme_id
      left join employer_contacts ec on ec.id = i.contact_id left join employers e on e.id = ec.employer_id
    where t.campaign_id = ${campaignId} order by kind, grp, name, i.id`,
  );
  return rows.map((r) => ({
    invitationId: r.id,
    kind: r.kind,
    name: r.name,
    group: r.grp,
    email: r.email,
    phone: r.phone,
    wechat: r.wechat,
    nonce: r.nonce,
    sentOn: r.sent_on,
    used: r.used,
  }));
}

/**
 * Sends a campaign's invitations: makes the missing ones, then queues one message per
 * invitation not sent yet (email when the invitee has an address, otherwise SMS when a
 * phone number, otherwise none: such links go out by the CSV export) and marks them sent.
 * The outbox body holds a placeholder, never the link: the link is derived when delivered.
 * One transaction; each invitation is claimed (sent_on set where still null) before its
 * message is queued, so concurrent calls queue each invitation once.
 */
export async function sendInvitations(db: DbOrTx, actor: SessionUser, campaignId: number, secret: Secret, now: Date) {
  const c = await assertCanManageCampaign(db, actor, campaignId);
  if (c.kind !== "graduate_tracking" && c.kind !== "employer_tracking")
    throw new DomainError("BAD_REQUEST", "campaigns.errors.noInvitations");
  if (c.state !== "open") throw new DomainError("CONFLICT", "campaigns.errors.notOpen", { state: c.state });
  const day = beijingDate(now);
  return db.transaction(async (tx) => {
    const made = await createInvitations(tx, campaignId, secret);
    const rows = (await invitationRows(tx, campaignId)).filter((r) => r.sentOn === null && !r.used);
    let queued = 0;
    let noContact = 0;
    for (const r of rows) {
      const channel = r.email ? "email" : r.phone ? "sms" : null;
      if (!channel) {
        noContact++;
        continue;
      }
      const claimed = await queryRows(
        tx,
        { id: col.int },
        sql`
        update invitations set sent_on = ${day}::date
        where id = ${r.invitationId} and sent_on is null and token_issued_on is null returning id`,
      );
      if (claimed.length === 0) continue; // sent (or used) meanwhile
      await tx.execute(sql`
        insert into outbox (channel, kind, campaign_id, recipient, subject, body)
        values (${channel}, 'invitation', ${campaignId}, ${channel === "email" ? r.email : r.phone}, ${c.name},
          ${invitationBody(r.name, c.name, new Date(c.closesAt), r.nonce)})`);
      queued++;
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: "campaign.invitations.send",
      subject: `campaign ${campaignId}`,
      detail: { created: made.created, queued, noContact },
    });
    return { created: made.created, total: made.total, queued, noContact };
  });
}

/** `{{link:<nonce>}}` in an outbox body is replaced by the derived link when the message is delivered. */
export const LINK_PLACEHOLDER = /\{\{link:([A-Za-z0-9_-]{10,64})\}\}/g;

function invitationBody(name: string, campaign: string, closes: Date, nonce: string) {
  const until = beijingDate(new Date(closes.getTime() - 1000));
  return `${name}，您好！\n\n诚邀您参加“${campaign}”。问卷匿名填写，约需 10 分钟，请在 ${until} 前通过以下个人链接作答（仅可使用一次，请勿转发）：\n{{link:${nonce}}}\n\n感谢您对学校人才培养工作的支持！`;
}

/** Renders placeholders into links (delivery and export only). */
export function renderLinks(body: string, baseUrl: string, secret: Secret): string {
  return body.replace(LINK_PLACEHOLDER, (_m, nonce: string) => invitationLink(baseUrl, secret, nonce));
}

/** What an outbox reader sees instead of a link. */
export function hideLinks(body: string): string {
  return body.replace(LINK_PLACEHOLDER, "[个人链接 / personal link]");
}

/** The campaign's invitations as CSV (UTF-8 with BOM, opens in Excel) with their links; audited. */
export async function exportInvitationLinks(
  db: DbOrTx,
  actor: SessionUser,
  campaignId: number,
  secret: Secret,
  baseUrl: string,
): Promise<string> {
  await assertCanManageCampaign(db, actor, campaignId);
  const rows = await invitationRows(db, campaignId);
  // Names and addresses come from imports: a cell Excel would run as a formula is kept as text (csvCell).
  const lines = [csvLine(["类型", "姓名", "届别/单位", "邮箱", "手机", "微信", "个人链接", "已发送", "已使用"])];
  for (const r of rows) {
    lines.push(
      csvLine([
        r.kind === "alumni" ? "毕业生" : "用人单位",
        r.name,
        r.group,
        r.email,
        r.phone,
        r.wechat,
        r.used ? "" : invitationLink(baseUrl, secret, r.nonce),
        r.sentOn ?? "",
        r.used ? "是" : "否",
      ]),
    );
  }
  await recordAudit(db, {
    actorId: actor.id,
    action: "campaign.invitations.export",
    subject: `campaign ${campaignId}`,
    detail: { rows: rows.length },
  });
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/** Counts for the campaign page: invitations made, sent, used (opened and token obtained). */
export async function invitationCounts(db: DbOrTx, campaignId: number) {
  return queryOne(
    db,
    { total: col.int, sent: col.int, used: col.int },
    sql`
    select count(*)::int as total, count(i.sent_on)::int as sent, count(i.token_issued_on)::int as used
    from invitations i join campaign_targets t on t.id = i.target_id where t.campaign_id = ${campaignId}`,
  );
}

export type ResolvedInvitation = {
  invitationId: number;
  targetId: number;
  campaignId: number;
  campaignName: string;
  closesAt: Date;
  versionId: number;
  targetLabel: string;
  state: "ready" | "used" | "closed";
};

/**
 * The invitation behind a link's token, for the public answer page. Unknown tokens are
 * NOT_FOUND (the same for a malformed one); a used link, or one whose campaign is not open
 * or whose window is over, comes back with its state so the page can say so.
 */
export async function resolveInvitation(db: DbOrTx, token: string, now: Date): Promise<ResolvedInvitation> {
  if (!TOKEN_RE.test(token)) throw new DomainError("NOT_FOUND", "respond.submit.errors.invitationNotFound");
  const r = await queryRow(
    db,
    {
      id: col.int,
      target_id: col.int,
      campaign_id: col.int,
      name: col.text,
      closes_at: col.date,
      opens_at: col.date,
      state: col.text,
      expires_at: col.date,
      used: col.bool,
      version_id: col.int.nullable,
      label: col.text,
    },
    sql`
    select i.id, i.target_id, c.id as campaign_id, c.name, c.opens_at, c.closes_at, c.state, i.expires_at,
      (i.token_issued_on is not null) as used, ci.instrument_version_id as version_id,
      coalesce(p.name || ' ' || gc.graduation_year || '届', e.name, '') as label
    from invitations i join campaign_targets t on t.id = i.target_id join campaigns c on c.id = t.campaign_id
      left join campaign_instruments ci on ci.campaign_id = c.id
        and ci.rater_group = (case when t.cohort_id is not null then 'alumni' else 'employer' end)::rater_group
      left join graduate_cohorts gc on gc.id = t.cohort_id left join programmes p on p.id = gc.programme_id
      left join employers e on e.id = t.employer_id
    where i.token_hash = ${invitationTokenHash(token)}`,
  );
  if (!r || r.version_id === null) throw new DomainError("NOT_FOUND", "respond.submit.errors.invitationNotFound");
  const open = r.state === "open" && now >= r.opens_at && now < r.closes_at && now < r.expires_at;
  return {
    invitationId: r.id,
    targetId: r.target_id,
    campaignId: r.campaign_id,
    campaignName: r.name,
    closesAt: r.closes_at,
    versionId: r.version_id,
    targetLabel: r.label,
    state: !open ? "closed" : r.used ? "used" : "ready",
  };
}
