// Plants script in a questionnaire of a copy of the e2e database, bypassing the checker,
// as a version stored before the checker refused markup (or written by hand) would be:
// the demo's end-of-term student form gets an `html` element and a completedHtml that
// carry `<img src=x onerror=…>` (e2e/setup/planted.ts). e2e/security.e2e.ts serves this
// copy from a second server and opens it as a student.
// Usage: node --import tsx e2e/setup/plant.ts <pglite dir>
import { sql } from "drizzle-orm";
import { openDb } from "@/db/client";
import { col, queryRow } from "@/db/query";
import { PAYLOAD, PLANTED_TEXT } from "./planted";

type Definition = { survey: { pages: { elements: unknown[] }[]; completedHtml?: { default?: string; en?: string } } };

async function main(dir: string) {
  const { db, close } = await openDb({ pgliteDir: dir });
  const v = await queryRow(
    db,
    { id: col.int, definition: col.json<Definition>() },
    sql`
    select v.id, v.definition from campaign_instruments ci
      join campaigns c on c.id = ci.campaign_id join instrument_versions v on v.id = ci.instrument_version_id
    where c.kind = 'end_of_term' and c.state = 'open' and ci.rater_group = 'student' limit 1`,
  );
  if (!v) throw new Error("plant: no open end-of-term campaign");
  const def = v.definition;
  const [first] = def.survey.pages;
  if (!first) throw new Error(`plant: version ${v.id}'s survey has no page`);
  first.elements.unshift({
    type: "html",
    name: "planted_notice",
    html: { default: `<p class="planted">${PLANTED_TEXT.zh}</p>${PAYLOAD}`, en: `<p class="planted">${PLANTED_TEXT.en}</p>${PAYLOAD}` },
  });
  def.survey.completedHtml = {
    default: `${def.survey.completedHtml?.default ?? "<h3>提交成功</h3>"}${PAYLOAD}`,
    en: `${def.survey.completedHtml?.en ?? "<h3>Submitted</h3>"}${PAYLOAD}`,
  };
  await db.execute(sql`alter table instrument_versions disable trigger instrument_versions_immutable`);
  await db.execute(sql`update instrument_versions set definition = ${JSON.stringify(def)}::json where id = ${v.id}`);
  await db.execute(sql`alter table instrument_versions enable trigger instrument_versions_immutable`);
  await close();
  console.log(`plant: version ${v.id} carries the payload`);
}

main(process.argv[2] ?? "").catch((e) => {
  console.error(e);
  process.exit(1);
});
